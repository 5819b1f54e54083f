/*
 * mls-ruler.c: the time axis widget (see mls-ruler.h). Its advise finding
 * markers answer the pointer as the findings list's rows do: a click
 * shows the finding, hovering names it.
 */
#include "mls-ruler.h"

#include "mls-timeline-draw.h"
#include "mls-widget-style.h"

struct _MlsRuler {
  GtkWidget parent_instance;
  MlsSession *session;
};

G_DEFINE_FINAL_TYPE (MlsRuler, mls_ruler, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SESSION, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
mls_ruler_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  MlsRuler *self = MLS_RULER (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  MlsDrawStyle style;
  cairo_t *cr;

  if (!self->session || width <= MLS_LABEL_WIDTH)
    return;
  mls_widget_style (widget, &style);
  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, 0, width, height));
  mls_draw_ruler (cr, self->session, &style, width, height);
  cairo_destroy (cr);
}

static MlsFindingItem *
finding_at (MlsRuler *self, double x, double y)
{
  if (!self->session)
    return NULL;
  return mls_draw_ruler_finding_at (self->session,
                                    gtk_widget_get_width (GTK_WIDGET (self)),
                                    x, y);
}

static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
            MlsRuler *self)
{
  g_autoptr (MlsFindingItem) item = finding_at (self, x, y);

  if (item && mls_session_show_finding (self->session, item))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard,
                  GtkTooltip *tooltip, gpointer data)
{
  g_autoptr (MlsFindingItem) item = finding_at (MLS_RULER (widget), x, y);
  g_autofree char *markup = NULL;
  GtkWidget *label;

  if (!item)
    return FALSE;
  markup = g_markup_printf_escaped ("<b>%s</b>\n%s\n<i>Click to show it</i>",
                                    mls_finding_item_get_title (item),
                                    mls_finding_item_get_what (item));
  /* A finding's account runs long: wrapped, not a line across the
   * screen. */
  label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_tooltip_set_custom (tooltip, label);
  return TRUE;
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
mls_ruler_set_property (GObject *object, guint id, const GValue *value,
                        GParamSpec *pspec)
{
  MlsRuler *self = MLS_RULER (object);

  if (id != PROP_SESSION)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      return;
    }
  mls_widget_follow_session (GTK_WIDGET (self), &self->session,
                             g_value_get_object (value), FALSE);
}

static void
mls_ruler_get_property (GObject *object, guint id, GValue *value,
                        GParamSpec *pspec)
{
  if (id == PROP_SESSION)
    g_value_set_object (value, MLS_RULER (object)->session);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_ruler_dispose (GObject *object)
{
  g_clear_object (&MLS_RULER (object)->session);
  G_OBJECT_CLASS (mls_ruler_parent_class)->dispose (object);
}

static void
mls_ruler_class_init (MlsRulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->set_property = mls_ruler_set_property;
  object_class->get_property = mls_ruler_get_property;
  object_class->dispose = mls_ruler_dispose;
  widget_class->snapshot = mls_ruler_snapshot;
  widget_class->measure = mls_ruler_measure;
  gtk_widget_class_set_css_name (widget_class, "mlsruler");
  props[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL,
    MLS_TYPE_SESSION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mls_ruler_init (MlsRuler *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click),
                                 GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip),
                    NULL);
}
