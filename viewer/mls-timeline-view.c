/*
 * mls-timeline-view.c: the tracks widget (see mls-timeline-view.h).
 *
 * Drawing goes through mls_draw_tracks (the same code as --render-png),
 * which also records what it drew where, for picking and tooltips.
 */
#include "mls-timeline-view.h"

#include <math.h>

#include "mls-widget-style.h"

struct _MlsTimelineView {
  GtkWidget parent_instance;
  MlsViewModel *vm;
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

enum {
  VIEW_CHANGED,
  SELECTION_CHANGED,
  SPAN_ACTIVATED,
  EXPANDER_TOGGLED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static double
view_width (MlsTimelineView *self)
{
  return gtk_widget_get_width (GTK_WIDGET (self));
}

static void
view_changed (MlsTimelineView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
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
  if (!self->vm || width <= MLS_LABEL_WIDTH)
    return;
  if (self->vadjustment)
    {
      y0 = gtk_adjustment_get_value (self->vadjustment);
      y1 = y0 + gtk_adjustment_get_page_size (self->vadjustment);
    }
  mls_widget_style (widget, &style);
  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, y0, width, y1 - y0));
  mls_draw_tracks (cr, self->vm, &style, width, y0, y1, self->hits);
  cairo_destroy (cr);
}

static void
mls_timeline_view_measure (GtkWidget *widget, GtkOrientation orientation,
                           int for_size, int *minimum, int *natural,
                           int *minimum_baseline, int *natural_baseline)
{
  MlsTimelineView *self = MLS_TIMELINE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = self->vm ? (int) ceil (self->vm->content_height)
                                   : 0;
  else
    *minimum = *natural = (int) MLS_LABEL_WIDTH + 100;
}

static const MlsHit *
hit_at (MlsTimelineView *self, double x, double y)
{
  const MlsHit *best = NULL;

  /* Later hits were drawn on top; prefer the narrowest under the pointer
   * so a child inside its parent can be picked. */
  for (guint i = 0; i < self->hits->len; i++)
    {
      const MlsHit *h = &g_array_index (self->hits, MlsHit, i);

      if (x >= h->x0 - 1 && x < h->x1 + 1 && y >= h->y0 && y < h->y1
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
  double ns_per_px;
  double step = 1;

  if (!self->vm)
    return FALSE;
  if (gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL)
    step = 60;
  if (state & GDK_CONTROL_MASK)
    {
      gint64 anchor = mls_view_model_time_at (self->vm, self->pointer_x,
                                              view_width (self));

      mls_view_model_zoom (self->vm, pow (1.25, -dy * step / 60), anchor);
    }
  else
    {
      ns_per_px = mls_view_model_ns_per_px (self->vm, view_width (self));
      mls_view_model_pan (self->vm, (gint64) ((dx + dy) * step * ns_per_px));
    }
  view_changed (self);
  return TRUE;
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
  if (!self->vm)
    return;
  self->zoom_start = self->vm->view_start;
  self->zoom_end = self->vm->view_end;
}

static void
on_zoom_scale (GtkGestureZoom *gesture, double scale, MlsTimelineView *self)
{
  double cx, cy, len;
  gint64 anchor;

  if (!self->vm || scale <= 0)
    return;
  gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy);
  self->vm->view_start = self->zoom_start;
  self->vm->view_end = self->zoom_end;
  anchor = mls_view_model_time_at (self->vm, cx, view_width (self));
  len = (double) (self->zoom_end - self->zoom_start) / scale;
  mls_view_model_set_range (self->vm,
    anchor - (gint64) (len * (anchor - self->zoom_start)
                       / (self->zoom_end - self->zoom_start)),
    anchor + (gint64) (len * (self->zoom_end - anchor)
                       / (self->zoom_end - self->zoom_start)));
  view_changed (self);
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y,
               MlsTimelineView *self)
{
  self->drag_x = x;
  self->drag_y = y;
  self->dragging = FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy,
                MlsTimelineView *self)
{
  double width = view_width (self);
  double x0 = MAX (MIN (self->drag_x, self->drag_x + dx), MLS_LABEL_WIDTH);
  double x1 = MAX (self->drag_x, self->drag_x + dx);

  if (!self->vm || (!self->dragging && fabs (dx) < 4))
    return;
  self->dragging = TRUE;
  self->vm->has_selection = x1 > x0;
  self->vm->sel_start = mls_view_model_time_at (self->vm, x0, width);
  self->vm->sel_end = mls_view_model_time_at (self->vm, x1, width);
  view_changed (self);
}

static void
click (MlsTimelineView *self, double x, double y)
{
  const MlsRow *row = mls_view_model_row_at (self->vm, y);
  const MlsHit *hit;

  if (row && row->type == MLS_ROW_TRACK && row->expander
      && x < MLS_LABEL_WIDTH)
    {
      g_signal_emit (self, signals[EXPANDER_TOGGLED], 0);
      return;
    }
  hit = hit_at (self, x, y);
  self->vm->selected_span = hit ? hit->span_id : 0;
  if (self->vm->has_selection && !hit)
    {
      self->vm->has_selection = FALSE;
      g_signal_emit (self, signals[SELECTION_CHANGED], 0);
    }
  g_signal_emit (self, signals[SPAN_ACTIVATED], 0, self->vm->selected_span);
  view_changed (self);
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy,
             MlsTimelineView *self)
{
  if (!self->vm)
    return;
  if (self->dragging)
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
  else
    click (self, self->drag_x, self->drag_y);
  self->dragging = FALSE;
}

static gboolean
on_key (GtkEventControllerKey *controller, guint keyval, guint keycode,
        GdkModifierType state, MlsTimelineView *self)
{
  double ns_per_px;

  if (!self->vm)
    return FALSE;
  ns_per_px = mls_view_model_ns_per_px (self->vm, view_width (self));
  switch (keyval)
    {
    case GDK_KEY_plus: case GDK_KEY_equal: case GDK_KEY_KP_Add:
      mls_timeline_view_zoom (self, 1.5);
      return TRUE;
    case GDK_KEY_minus: case GDK_KEY_KP_Subtract:
      mls_timeline_view_zoom (self, 1 / 1.5);
      return TRUE;
    case GDK_KEY_0: case GDK_KEY_KP_0: case GDK_KEY_Home:
      mls_timeline_view_zoom_to_fit (self);
      return TRUE;
    case GDK_KEY_Left: case GDK_KEY_Right:
      mls_view_model_pan (self->vm, (gint64) ((keyval == GDK_KEY_Left
                                               ? -80 : 80) * ns_per_px));
      view_changed (self);
      return TRUE;
    case GDK_KEY_Escape:
      self->vm->has_selection = FALSE;
      g_signal_emit (self, signals[SELECTION_CHANGED], 0);
      view_changed (self);
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard,
                  GtkTooltip *tooltip, MlsTimelineView *self)
{
  const MlsHit *hit = self->vm ? hit_at (self, x, y) : NULL;
  const MlsTimelineKind *kind;
  g_autofree char *dur = NULL, *markup = NULL;
  MlsSpanDetails d;

  if (!hit || !(kind = mls_timeline_find_kind (self->vm->timeline,
                                               hit->kind_id)))
    return FALSE;
  if (hit->span_id == 0)
    {
      dur = mls_format_duration (hit->end_ns - hit->start_ns);
      markup = g_markup_printf_escaped ("<b>%s</b>\n%" G_GINT64_FORMAT
                                        " spans in %s", kind->label,
                                        hit->count, dur);
    }
  else if (mls_timeline_span_details (self->vm->timeline, hit->span_id, &d,
                                      NULL) == 0)
    {
      dur = mls_format_duration (d.dur_ns);
      markup = g_markup_printf_escaped ("<b>%s</b>%s%s\n%s%s",
                                        d.kind, d.model ? " · " : "",
                                        d.model ? d.model : "", dur,
                                        d.complete ? "" : " (incomplete)");
      mls_span_details_clear (&d);
    }
  if (!markup)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

static void
mls_timeline_view_dispose (GObject *object)
{
  MlsTimelineView *self = MLS_TIMELINE_VIEW (object);

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
  widget_class->snapshot = mls_timeline_view_snapshot;
  widget_class->measure = mls_timeline_view_measure;
  gtk_widget_class_set_css_name (widget_class, "mlstimelineview");

  signals[VIEW_CHANGED] = g_signal_new ("view-changed",
    G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
    G_TYPE_NONE, 0);
  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed",
    G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
    G_TYPE_NONE, 0);
  signals[SPAN_ACTIVATED] = g_signal_new ("span-activated",
    G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
    G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[EXPANDER_TOGGLED] = g_signal_new ("expander-toggled",
    G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
    G_TYPE_NONE, 0);
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

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key), self);
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
}

void
mls_timeline_view_set_view_model (MlsTimelineView *self, MlsViewModel *vm)
{
  g_return_if_fail (MLS_IS_TIMELINE_VIEW (self));
  self->vm = vm;
  g_array_set_size (self->hits, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
mls_timeline_view_layout_changed (MlsTimelineView *self)
{
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
on_vadjustment_changed (GtkAdjustment *adjustment, MlsTimelineView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
mls_timeline_view_set_vadjustment (MlsTimelineView *self,
                                   GtkAdjustment *vadjustment)
{
  g_set_object (&self->vadjustment, vadjustment);
  g_signal_connect_object (vadjustment, "value-changed",
                           G_CALLBACK (on_vadjustment_changed), self, 0);
}

void
mls_timeline_view_zoom (MlsTimelineView *self, double factor)
{
  if (!self->vm)
    return;
  mls_view_model_zoom (self->vm, factor,
                       self->vm->view_start
                       + (self->vm->view_end - self->vm->view_start) / 2);
  view_changed (self);
}

void
mls_timeline_view_zoom_to_fit (MlsTimelineView *self)
{
  if (!self->vm)
    return;
  mls_view_model_zoom_to_fit (self->vm);
  view_changed (self);
}
