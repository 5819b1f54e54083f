/*
 * mls-ruler.c: the time axis widget (see mls-ruler.h).
 */
#include "mls-ruler.h"

#include "mls-widget-style.h"

struct _MlsRuler {
  GtkWidget parent_instance;
  MlsViewModel *vm;
};

G_DEFINE_FINAL_TYPE (MlsRuler, mls_ruler, GTK_TYPE_WIDGET)

static void
mls_ruler_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  MlsRuler *self = MLS_RULER (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  MlsDrawStyle style;
  cairo_t *cr;

  if (!self->vm || width <= MLS_LABEL_WIDTH)
    return;
  mls_widget_style (widget, &style);
  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, 0, width, height));
  mls_draw_ruler (cr, self->vm, &style, width, height);
  cairo_destroy (cr);
}

static void
mls_ruler_measure (GtkWidget *widget, GtkOrientation orientation,
                   int for_size, int *minimum, int *natural,
                   int *minimum_baseline, int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = (int) MLS_RULER_HEIGHT;
  else
    *minimum = *natural = (int) MLS_LABEL_WIDTH + 100;
}

static void
mls_ruler_class_init (MlsRulerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = mls_ruler_snapshot;
  widget_class->measure = mls_ruler_measure;
  gtk_widget_class_set_css_name (widget_class, "mlsruler");
}

static void
mls_ruler_init (MlsRuler *self)
{
}

void
mls_ruler_set_view_model (MlsRuler *self, MlsViewModel *vm)
{
  g_return_if_fail (MLS_IS_RULER (self));
  self->vm = vm;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
