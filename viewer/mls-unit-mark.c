/*
 * mls-unit-mark.c: a layer's mark on one unit (see mls-unit-mark.h),
 * drawn with cairo in the text's colour so it follows light and dark
 * styles; the filled check in the accent blue.
 */
#include "mls-unit-mark.h"

#include <math.h>

#define SIZE 16

typedef enum { MARK_NONE, MARK_RAN, MARK_SUPPORTED, MARK_EXCLUDED,
               MARK_UNSUPPORTED } Mark;

struct _MlsUnitMark {
  GtkWidget parent_instance;
  Mark mark;
};

G_DEFINE_FINAL_TYPE (MlsUnitMark, mls_unit_mark, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PLACEMENT, N_PROPS };
static GParamSpec *props[N_PROPS];

static const char *const names[] = {
  [MARK_NONE] = "", [MARK_RAN] = "ran", [MARK_SUPPORTED] = "supported",
  [MARK_EXCLUDED] = "excluded", [MARK_UNSUPPORTED] = "unsupported",
};

static void
check_path (cairo_t *cr, double c)
{
  cairo_move_to (cr, c - 3.5, c + 0.2);
  cairo_line_to (cr, c - 1.0, c + 2.8);
  cairo_line_to (cr, c + 3.8, c - 2.6);
}

static void
draw (MlsUnitMark *self, cairo_t *cr, const GdkRGBA *fg)
{
  double c = SIZE / 2.0;

  cairo_set_line_width (cr, 1.5);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  switch (self->mark)
    {
    case MARK_RAN:
      cairo_set_source_rgb (cr, 0x35 / 255.0, 0x84 / 255.0, 0xe4 / 255.0);
      cairo_arc (cr, c, c, c - 0.5, 0, 2 * M_PI);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 2);
      check_path (cr, c);
      cairo_stroke (cr);
      break;
    case MARK_SUPPORTED:
    case MARK_EXCLUDED:
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue,
                             self->mark == MARK_EXCLUDED ? 0.3 : 0.9);
      cairo_arc (cr, c, c, c - 1.25, 0, 2 * M_PI);
      cairo_stroke (cr);
      check_path (cr, c);
      cairo_stroke (cr);
      break;
    case MARK_UNSUPPORTED:
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
      cairo_move_to (cr, c, 1.5);
      cairo_line_to (cr, SIZE - 1.5, c);
      cairo_line_to (cr, c, SIZE - 1.5);
      cairo_line_to (cr, 1.5, c);
      cairo_close_path (cr);
      cairo_stroke (cr);
      break;
    case MARK_NONE:
    default:
      break;
    }
}

static void
mls_unit_mark_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;
  GdkRGBA fg;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cr = gtk_snapshot_append_cairo (snapshot,
    &GRAPHENE_RECT_INIT ((w - SIZE) / 2.0, (h - SIZE) / 2.0, SIZE, SIZE));
  cairo_translate (cr, (w - SIZE) / 2.0, (h - SIZE) / 2.0);
  draw (MLS_UNIT_MARK (widget), cr, &fg);
  cairo_destroy (cr);
}

static void
mls_unit_mark_measure (GtkWidget *widget, GtkOrientation orientation,
                       int for_size, int *min, int *nat, int *min_baseline,
                       int *nat_baseline)
{
  *min = *nat = SIZE;
}

static void
set_placement (MlsUnitMark *self, const char *placement)
{
  Mark mark = MARK_NONE;

  for (guint i = 0; placement && i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (placement, names[i]))
      mark = i;
  if (mark == self->mark)
    return;
  self->mark = mark;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLACEMENT]);
}

static void
mls_unit_mark_get_property (GObject *object, guint id, GValue *value,
                            GParamSpec *pspec)
{
  if (id == PROP_PLACEMENT)
    g_value_set_string (value, names[MLS_UNIT_MARK (object)->mark]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_unit_mark_set_property (GObject *object, guint id, const GValue *value,
                            GParamSpec *pspec)
{
  if (id == PROP_PLACEMENT)
    set_placement (MLS_UNIT_MARK (object), g_value_get_string (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_unit_mark_class_init (MlsUnitMarkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = mls_unit_mark_get_property;
  object_class->set_property = mls_unit_mark_set_property;
  widget_class->snapshot = mls_unit_mark_snapshot;
  widget_class->measure = mls_unit_mark_measure;
  props[PROP_PLACEMENT] = g_param_spec_string ("placement", NULL, NULL, NULL,
    G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  gtk_widget_class_set_css_name (widget_class, "unitmark");
}

static void
mls_unit_mark_init (MlsUnitMark *self)
{
}
