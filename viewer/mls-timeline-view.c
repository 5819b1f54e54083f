/*
 * mls-timeline-view.c: a tracks widget (see mls-timeline-view.h).
 *
 * Drawing goes through mls_draw_tracks (the same code as --render-png),
 * which also records what it drew where, for picking. Tooltips ask the
 * store what lies under the pointer, exactly.
 */
#include "mls-timeline-view.h"

#include <math.h>

#include "mls-widget-style.h"

struct _MlsTimelineView {
  GtkWidget parent_instance;
  MlsSession *session;
  gboolean pinned;
  GtkAdjustment *vadjustment;
  GArray *hits;             /* MlsHit, from the last frame drawn */
  double pointer_x;
  double drag_x;
  double drag_y;
  gboolean dragging;
  gint64 zoom_start;
  gint64 zoom_end;
};

G_DEFINE_FINAL_TYPE (MlsTimelineView, mls_timeline_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SESSION, PROP_PINNED, PROP_VADJUSTMENT, N_PROPS };
static GParamSpec *props[N_PROPS];

static double
view_width (MlsTimelineView *self)
{
  return gtk_widget_get_width (GTK_WIDGET (self));
}

static void
mls_timeline_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  MlsTimelineView *self = MLS_TIMELINE_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double y0 = 0, y1 = gtk_widget_get_height (widget);
  MlsDrawStyle style;
  cairo_t *cr;

  g_array_set_size (self->hits, 0);
  if (!self->session || width <= MLS_LABEL_WIDTH)
    return;
  if (self->vadjustment)
    {
      y0 = gtk_adjustment_get_value (self->vadjustment);
      y1 = y0 + gtk_adjustment_get_page_size (self->vadjustment);
    }
  mls_widget_style (widget, &style);
  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, y0, width, y1 - y0));
  mls_draw_tracks (cr, self->session, &style, width, self->pinned, y0, y1,
                   self->hits);
  cairo_destroy (cr);
}

static void
mls_timeline_view_measure (GtkWidget *widget, GtkOrientation orientation,
                           int for_size, int *minimum, int *natural,
                           int *minimum_baseline, int *natural_baseline)
{
  MlsTimelineView *self = MLS_TIMELINE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = !self->session ? 0
                          : (int) ceil (self->pinned
                                        ? self->session->pinned_height
                                        : self->session->content_height);
  else
    *minimum = *natural = (int) MLS_LABEL_WIDTH + 100;
}

static const MlsHit *
hit_at (MlsTimelineView *self, double x, double y)
{
  const MlsHit *best = NULL;

  /* Prefer the narrowest span under the pointer, so a short one drawn
   * beside long ones can be picked. */
  for (guint i = 0; i < self->hits->len; i++)
    {
      const MlsHit *h = &g_array_index (self->hits, MlsHit, i);

      if (x >= h->x0 - 1 && x < h->x1 + 1 && y >= h->y0 && y < h->y1
          && h->span_id > 0
          && (!best || h->x1 - h->x0 <= best->x1 - best->x0))
        best = h;
    }
  return best;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy,
           MlsTimelineView *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (
    GTK_EVENT_CONTROLLER (controller));
  MlsSession *s = self->session;
  double step = 1, ns_per_px;

  if (!s)
    return FALSE;
  if (gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL)
    step = 60;
  ns_per_px = mls_session_ns_per_px (s, view_width (self));
  if (state & GDK_CONTROL_MASK)
    {
      gint64 anchor = mls_session_time_at (s, self->pointer_x,
                                           view_width (self));

      mls_session_zoom (s, pow (1.25, -(dy + dx) * step / 60), anchor);
      return TRUE;
    }
  if (state & GDK_SHIFT_MASK)
    {
      mls_session_pan (s, (gint64) ((dy + dx) * step * ns_per_px));
      return TRUE;
    }
  /* Sideways scrolling pans; the wheel scrolls the tracks. */
  if (fabs (dx) > fabs (dy))
    {
      mls_session_pan (s, (gint64) (dx * step * ns_per_px));
      return TRUE;
    }
  return FALSE;
}

static void
on_motion (GtkEventControllerMotion *controller, double x, double y,
           MlsTimelineView *self)
{
  self->pointer_x = x;
}

static void
on_zoom_begin (GtkGesture *gesture, GdkEventSequence *sequence,
               MlsTimelineView *self)
{
  if (!self->session)
    return;
  self->zoom_start = self->session->view_start;
  self->zoom_end = self->session->view_end;
}

static void
on_zoom_scale (GtkGestureZoom *gesture, double scale, MlsTimelineView *self)
{
  MlsSession *s = self->session;
  double cx, cy, len, frac;

  if (!s || scale <= 0)
    return;
  gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy);
  frac = (cx - MLS_LABEL_WIDTH) / MAX (view_width (self) - MLS_LABEL_WIDTH, 1);
  len = (double) (self->zoom_end - self->zoom_start) / scale;
  {
    gint64 anchor = self->zoom_start
                    + (gint64) (frac * (self->zoom_end - self->zoom_start));

    mls_session_set_visible (s, anchor - (gint64) (len * frac),
                             anchor + (gint64) (len * (1 - frac)));
  }
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y,
               MlsTimelineView *self)
{
  self->drag_x = x;
  self->drag_y = y;
  self->dragging = FALSE;
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy,
                MlsTimelineView *self)
{
  double width = view_width (self);
  double x0 = MAX (MIN (self->drag_x, self->drag_x + dx), MLS_LABEL_WIDTH);
  double x1 = MAX (self->drag_x, self->drag_x + dx);

  if (!self->session || (!self->dragging && fabs (dx) < 4))
    return;
  self->dragging = TRUE;
  mls_session_select_range (self->session,
                            mls_session_time_at (self->session, x0, width),
                            mls_session_time_at (self->session, x1, width));
}

static void
click (MlsTimelineView *self, double x, double y)
{
  MlsSession *s = self->session;
  const MlsRow *row = mls_session_row_at (s, self->pinned, y);
  const MlsHit *hit;

  if (row && row->type == MLS_ROW_TRACK && row->expander
      && x < MLS_LABEL_WIDTH)
    {
      mls_session_set_by_model (s, !mls_session_get_by_model (s));
      return;
    }
  hit = hit_at (self, x, y);
  if (!hit)
    mls_session_clear_selection (s);
  mls_session_set_selected_span (s, hit ? hit->span_id : 0);
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy,
             MlsTimelineView *self)
{
  if (!self->session)
    return;
  if (!self->dragging)
    click (self, self->drag_x, self->drag_y);
  self->dragging = FALSE;
}

static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
            MlsTimelineView *self)
{
  if (n_press == 2 && self->session && hit_at (self, x, y))
    mls_session_zoom_to_selection (self->session);
}

typedef struct {
  MlsTimeline *tl;
  gint64 count;
  gint64 busy_ns;
  gint64 only;              /* the span, when there is one */
} ColumnCount;

static void
count_query (const MlsLaneQuery *q, gpointer data)
{
  ColumnCount *c = data;
  MlsRangeCount r;

  if (mls_timeline_count_range (c->tl, q, &r, NULL) < 0)
    return;
  c->count += r.count;
  c->busy_ns += r.busy_ns;
  if (r.count == 1)
    c->only = r.first_id;
}

static char *
describe_span (MlsSession *s, gint64 id)
{
  static const char key[] = "\"placement\":\"";
  MlsSpanDetails d;
  g_autofree char *dur = NULL, *start = NULL, *placement = NULL;
  const char *at;
  char *markup;

  if (mls_timeline_span_details (s->timeline, id, &d, NULL) < 0)
    return NULL;
  dur = mls_duration_text (d.dur_ns);
  start = mls_format_offset (d.start_ns - s->trace_start, 1000,
                             d.start_ns - s->trace_start);
  /* A load says whether it measured its placement or found it cached:
   * what makes one load of a model last a hundred times another. */
  at = d.args ? strstr (d.args, key) : NULL;
  if (at)
    placement = g_strndup (at + strlen (key),
                           strcspn (at + strlen (key), "\""));
  markup = g_markup_printf_escaped ("<b>%s</b>%s%s\n%s%s, starts at %s%s%s\n"
                                    "thread %" G_GINT64_FORMAT, d.kind,
                                    d.model ? " · " : "",
                                    d.model ? d.model : "", dur,
                                    d.complete ? "" : " (incomplete)", start,
                                    placement ? ", placement " : "",
                                    placement ? placement : "", d.tid);
  mls_span_details_clear (&d);
  return markup;
}

/* "Prediction: 4 spans, 3.20 ms busy" per kind of the row, counted in the
 * store over the pointer's pixel column; the span itself, with its start,
 * when there is just one. */
static char *
describe_column (MlsTimelineView *self, const MlsRow *row, double x)
{
  MlsSession *s = self->session;
  double w = view_width (self);
  gint64 a = mls_session_time_at (s, floor (x), w);
  gint64 b = MAX (mls_session_time_at (s, floor (x) + 1, w), a + 1);
  GString *text = g_string_new (NULL);
  gint64 total = 0, only = 0;
  g_autofree char *width = mls_duration_text (b - a);

  for (int k = 0; k < row->n_kinds; k++)
    {
      const MlsTimelineKind *kind = mls_timeline_find_kind (s->timeline,
                                                            row->kinds[k]);
      ColumnCount c = { s->timeline, 0, 0, 0 };
      g_autofree char *busy = NULL;

      mls_row_queries (s, row, row->kinds[k], a, b, 1, count_query, &c);
      if (c.count == 0)
        continue;
      busy = mls_duration_text (c.busy_ns);
      g_string_append_printf (text, "%s<b>%s</b>: %" G_GINT64_FORMAT
                              " span%s, %s busy", text->len ? "\n" : "",
                              kind->label, c.count, c.count == 1 ? "" : "s",
                              busy);
      total += c.count;
      only = c.only;
    }
  if (total == 1 && only > 0)
    {
      g_string_free (text, TRUE);
      return describe_span (s, only);
    }
  if (total == 0)
    {
      g_string_free (text, TRUE);
      return NULL;
    }
  g_string_append_printf (text, "\nin the %s under the pointer", width);
  return g_string_free (text, FALSE);
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard,
                  GtkTooltip *tooltip, MlsTimelineView *self)
{
  const MlsRow *row;
  double sy = y;
  g_autofree char *markup = NULL;

  if (!self->session || x < MLS_LABEL_WIDTH)
    return FALSE;
  row = mls_session_row_at (self->session, self->pinned, sy);
  if (!row || row->type != MLS_ROW_LANE)
    return FALSE;
  markup = describe_column (self, row, x);
  if (!markup)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

static void
on_vadjustment_changed (GtkAdjustment *adjustment, MlsTimelineView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
mls_timeline_view_set_property (GObject *object, guint id,
                                const GValue *value, GParamSpec *pspec)
{
  MlsTimelineView *self = MLS_TIMELINE_VIEW (object);

  switch (id)
    {
    case PROP_SESSION:
      g_array_set_size (self->hits, 0);
      mls_widget_follow_session (GTK_WIDGET (self), &self->session,
                                 g_value_get_object (value), TRUE);
      break;
    case PROP_PINNED:
      self->pinned = g_value_get_boolean (value);
      break;
    case PROP_VADJUSTMENT:
      if (self->vadjustment)
        g_signal_handlers_disconnect_by_data (self->vadjustment, self);
      g_set_object (&self->vadjustment, g_value_get_object (value));
      if (self->vadjustment)
        g_signal_connect_object (self->vadjustment, "value-changed",
                                 G_CALLBACK (on_vadjustment_changed), self,
                                 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_timeline_view_get_property (GObject *object, guint id, GValue *value,
                                GParamSpec *pspec)
{
  MlsTimelineView *self = MLS_TIMELINE_VIEW (object);

  switch (id)
    {
    case PROP_SESSION: g_value_set_object (value, self->session); break;
    case PROP_PINNED: g_value_set_boolean (value, self->pinned); break;
    case PROP_VADJUSTMENT: g_value_set_object (value, self->vadjustment); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_timeline_view_dispose (GObject *object)
{
  MlsTimelineView *self = MLS_TIMELINE_VIEW (object);

  g_clear_object (&self->session);
  g_clear_object (&self->vadjustment);
  g_clear_pointer (&self->hits, g_array_unref);
  G_OBJECT_CLASS (mls_timeline_view_parent_class)->dispose (object);
}

static void
mls_timeline_view_class_init (MlsTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mls_timeline_view_dispose;
  object_class->set_property = mls_timeline_view_set_property;
  object_class->get_property = mls_timeline_view_get_property;
  widget_class->snapshot = mls_timeline_view_snapshot;
  widget_class->measure = mls_timeline_view_measure;
  gtk_widget_class_set_css_name (widget_class, "mlstimelineview");
  props[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL,
    MLS_TYPE_SESSION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  props[PROP_PINNED] = g_param_spec_boolean ("pinned", NULL, NULL, FALSE,
    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_VADJUSTMENT] = g_param_spec_object ("vadjustment", NULL, NULL,
    GTK_TYPE_ADJUSTMENT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mls_timeline_view_init (MlsTimelineView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *gesture;

  self->hits = g_array_new (FALSE, FALSE, sizeof (MlsHit));
  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip),
                    self);

  controller = gtk_event_controller_scroll_new (
    GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (widget, controller);

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_zoom_scale),
                    self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 1);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update),
                    self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 1);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));
}

void
mls_timeline_view_zoom (MlsTimelineView *self, double factor)
{
  MlsSession *s = self->session;

  if (s)
    mls_session_zoom (s, factor,
                      s->view_start + (s->view_end - s->view_start) / 2);
}

void
mls_timeline_view_pan (MlsTimelineView *self, int direction)
{
  MlsSession *s = self->session;

  if (s)
    mls_session_pan (s, direction * (s->view_end - s->view_start) / 10);
}

gboolean
mls_timeline_view_navigate (MlsTimelineView *self, const char *action)
{
  if (!self->session)
    return FALSE;
  if (g_str_equal (action, "win.zoom-in"))
    mls_timeline_view_zoom (self, 1.5);
  else if (g_str_equal (action, "win.zoom-out"))
    mls_timeline_view_zoom (self, 1 / 1.5);
  else if (g_str_equal (action, "win.pan-left"))
    mls_timeline_view_pan (self, -1);
  else if (g_str_equal (action, "win.pan-right"))
    mls_timeline_view_pan (self, 1);
  else if (g_str_equal (action, "win.zoom-fit"))
    mls_session_zoom_to_fit (self->session);
  else
    return FALSE;
  return TRUE;
}
