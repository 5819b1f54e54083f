/*
 * mls-window.c: the main window (see mls-window.h).
 *
 * MLSCOPE_VIEWER_SNAPSHOT=FILE.png in the environment makes the window
 * save a picture of itself, drawn by GTK's renderer, a second after it is
 * first shown: the tests' and the docs' screenshots.
 */
#include "mls-window.h"

#include "mls-ruler.h"
#include "mls-span-details.h"
#include "mls-stats-view.h"
#include "mls-timeline-view.h"
#include "mls-view-model.h"

struct _MlsWindow {
  GtkApplicationWindow parent_instance;
  GtkWidget *by_model_switch;
  GtkWidget *grouped_switch;
  GtkWidget *banner;
  GtkWidget *banner_label;
  GtkWidget *stack;
  GtkWidget *ruler;
  GtkWidget *tracks_scroller;
  GtkWidget *timeline;
  GtkWidget *stats;
  GtkWidget *details;
  MlsStore *store;
  MlsTimeline *tl;
  MlsViewModel *vm;
};

G_DEFINE_FINAL_TYPE (MlsWindow, mls_window, GTK_TYPE_APPLICATION_WINDOW)

static void
show_error (MlsWindow *self, const char *message)
{
  g_printerr ("mlscope-viewer: %s\n", message);
  gtk_label_set_text (GTK_LABEL (self->banner_label), message);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), TRUE);
}

static void
close_trace (MlsWindow *self)
{
  mls_ruler_set_view_model (MLS_RULER (self->ruler), NULL);
  mls_timeline_view_set_view_model (MLS_TIMELINE_VIEW (self->timeline), NULL);
  mls_stats_view_set_store (MLS_STATS_VIEW (self->stats), NULL, 0);
  mls_span_details_show (MLS_SPAN_DETAILS (self->details), NULL, 0);
  g_clear_pointer (&self->vm, mls_view_model_free);
  g_clear_pointer (&self->tl, mls_timeline_free);
  g_clear_pointer (&self->store, mls_store_close);
}

gboolean
mls_window_open (MlsWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_basename (file);
  MlsError err = { 0 };
  MlsStore *store;
  MlsTimeline *tl;

  if (!path)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_autofree char *msg = g_strdup_printf ("%s: only local files can be "
                                              "opened", uri);
      show_error (self, msg);
      return FALSE;
    }
  store = mls_store_open (path, &err);
  if (!store)
    {
      show_error (self, err.message);
      return FALSE;
    }
  tl = mls_timeline_new (store, &err);
  if (!tl)
    {
      mls_store_close (store);
      show_error (self, err.message);
      return FALSE;
    }
  close_trace (self);
  self->store = store;
  self->tl = tl;
  self->vm = mls_view_model_new (store, tl);
  self->vm->grouped = gtk_switch_get_active (GTK_SWITCH (self->grouped_switch));
  self->vm->by_model = gtk_switch_get_active (GTK_SWITCH (self->by_model_switch));
  mls_view_model_relayout (self->vm);

  mls_ruler_set_view_model (MLS_RULER (self->ruler), self->vm);
  mls_timeline_view_set_view_model (MLS_TIMELINE_VIEW (self->timeline),
                                    self->vm);
  mls_stats_view_set_store (MLS_STATS_VIEW (self->stats), store,
                            self->vm->trace_start);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "trace");
  gtk_window_set_title (GTK_WINDOW (self), name);
  gtk_widget_grab_focus (self->timeline);
  return TRUE;
}

static void
on_options_changed (GtkSwitch *sw, GParamSpec *pspec, MlsWindow *self)
{
  if (!self->vm)
    return;
  self->vm->grouped = gtk_switch_get_active (GTK_SWITCH (self->grouped_switch));
  self->vm->by_model = gtk_switch_get_active (GTK_SWITCH (self->by_model_switch));
  mls_view_model_relayout (self->vm);
  mls_timeline_view_layout_changed (MLS_TIMELINE_VIEW (self->timeline));
}

static void
on_view_changed (MlsTimelineView *timeline, MlsWindow *self)
{
  gtk_widget_queue_draw (self->ruler);
}

static void
on_selection_changed (MlsTimelineView *timeline, MlsWindow *self)
{
  mls_stats_view_set_range (MLS_STATS_VIEW (self->stats),
                            self->vm->has_selection, self->vm->sel_start,
                            self->vm->sel_end);
  gtk_widget_queue_draw (self->ruler);
}

static void
on_span_activated (MlsTimelineView *timeline, gint64 span_id,
                   MlsWindow *self)
{
  MlsSpanDetails d;
  MlsError err = { 0 };

  if (span_id <= 0)
    {
      mls_span_details_show (MLS_SPAN_DETAILS (self->details), NULL, 0);
      return;
    }
  if (mls_timeline_span_details (self->tl, span_id, &d, &err) < 0)
    {
      show_error (self, err.message);
      return;
    }
  mls_span_details_show (MLS_SPAN_DETAILS (self->details), &d,
                         self->vm->trace_start);
  mls_span_details_clear (&d);
}

static void
on_expander_toggled (MlsTimelineView *timeline, MlsWindow *self)
{
  GtkSwitch *sw = GTK_SWITCH (self->by_model_switch);

  gtk_switch_set_active (sw, !gtk_switch_get_active (sw));
}

static void
on_kind_selected (MlsStatsView *stats, int kind_id, MlsWindow *self)
{
  if (!self->vm)
    return;
  self->vm->highlight_kind = kind_id;
  gtk_widget_queue_draw (self->timeline);
}

static void
on_open_response (GtkNativeDialog *dialog, int response, MlsWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file =
        gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      mls_window_open (self, file);
    }
  g_object_unref (dialog);
}

static void
open_action (GtkWidget *widget, const char *action, GVariant *param)
{
  MlsWindow *self = MLS_WINDOW (widget);
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter = gtk_file_filter_new ();

  /* GtkFileDialog arrived in GTK 4.10; Debian 12 ships 4.8. */
  chooser = gtk_file_chooser_native_new ("Open Trace", GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         "_Open", "_Cancel");
  gtk_file_filter_set_name (filter, "mlscope traces");
  gtk_file_filter_add_pattern (filter, "*.mlscope");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, "All files");
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
zoom_fit_action (GtkWidget *widget, const char *action, GVariant *param)
{
  mls_timeline_view_zoom_to_fit (MLS_TIMELINE_VIEW (MLS_WINDOW (widget)->timeline));
}

static void
dismiss_error_action (GtkWidget *widget, const char *action, GVariant *param)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (MLS_WINDOW (widget)->banner),
                                 FALSE);
}

static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y,
         MlsWindow *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  return mls_window_open (self, g_value_get_object (value));
}

static gboolean
save_snapshot (gpointer data)
{
  MlsWindow *self = data;
  GtkWidget *widget = GTK_WIDGET (self);
  const char *path = g_getenv ("MLSCOPE_VIEWER_SNAPSHOT");
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node)
    texture = gsk_renderer_render_texture (
      gtk_native_get_renderer (GTK_NATIVE (self)), node,
      &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (!texture || !gdk_texture_save_to_png (texture, path))
    g_printerr ("mlscope-viewer: %s: cannot save the window snapshot\n",
                path);
  return G_SOURCE_REMOVE;
}

static void
on_map (GtkWidget *widget, gpointer data)
{
  if (g_getenv ("MLSCOPE_VIEWER_SNAPSHOT"))
    g_timeout_add_full (G_PRIORITY_DEFAULT, 1000, save_snapshot,
                        g_object_ref (widget), g_object_unref);
}

static void
mls_window_dispose (GObject *object)
{
  MlsWindow *self = MLS_WINDOW (object);

  if (self->timeline)
    close_trace (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MLS_TYPE_WINDOW);
  G_OBJECT_CLASS (mls_window_parent_class)->dispose (object);
}

static void
mls_window_class_init (MlsWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mls_window_dispose;
  g_type_ensure (MLS_TYPE_RULER);
  g_type_ensure (MLS_TYPE_TIMELINE_VIEW);
  g_type_ensure (MLS_TYPE_STATS_VIEW);
  g_type_ensure (MLS_TYPE_SPAN_DETAILS);
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/mlscope/Viewer/mls-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MlsWindow,
                                        by_model_switch);
  gtk_widget_class_bind_template_child (widget_class, MlsWindow,
                                        grouped_switch);
  gtk_widget_class_bind_template_child (widget_class, MlsWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, MlsWindow,
                                        banner_label);
  gtk_widget_class_bind_template_child (widget_class, MlsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MlsWindow, ruler);
  gtk_widget_class_bind_template_child (widget_class, MlsWindow,
                                        tracks_scroller);
  gtk_widget_class_bind_template_child (widget_class, MlsWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, MlsWindow, stats);
  gtk_widget_class_bind_template_child (widget_class, MlsWindow, details);
  gtk_widget_class_install_action (widget_class, "win.open", NULL,
                                   open_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-fit", NULL,
                                   zoom_fit_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-error", NULL,
                                   dismiss_error_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o,
                                       GDK_CONTROL_MASK, "win.open", NULL);
}

static void
mls_window_init (MlsWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  mls_timeline_view_set_vadjustment (MLS_TIMELINE_VIEW (self->timeline),
    gtk_scrolled_window_get_vadjustment (
      GTK_SCROLLED_WINDOW (self->tracks_scroller)));
  g_signal_connect (self->grouped_switch, "notify::active",
                    G_CALLBACK (on_options_changed), self);
  g_signal_connect (self->by_model_switch, "notify::active",
                    G_CALLBACK (on_options_changed), self);
  g_signal_connect (self->timeline, "view-changed",
                    G_CALLBACK (on_view_changed), self);
  g_signal_connect (self->timeline, "selection-changed",
                    G_CALLBACK (on_selection_changed), self);
  g_signal_connect (self->timeline, "span-activated",
                    G_CALLBACK (on_span_activated), self);
  g_signal_connect (self->timeline, "expander-toggled",
                    G_CALLBACK (on_expander_toggled), self);
  g_signal_connect (self->stats, "kind-selected",
                    G_CALLBACK (on_kind_selected), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

void
mls_window_apply (MlsWindow *self, const MlsWindowOptions *o)
{
  gtk_switch_set_active (GTK_SWITCH (self->grouped_switch), !o->ungrouped);
  gtk_switch_set_active (GTK_SWITCH (self->by_model_switch), o->by_model);
  if (!self->vm)
    return;
  if (o->has_range)
    mls_view_model_set_range (self->vm, self->vm->trace_start + o->range_start,
                              self->vm->trace_start + o->range_end);
  if (o->has_selection)
    {
      self->vm->has_selection = TRUE;
      self->vm->sel_start = self->vm->trace_start + o->sel_start;
      self->vm->sel_end = self->vm->trace_start + o->sel_end;
      on_selection_changed (MLS_TIMELINE_VIEW (self->timeline), self);
    }
  if (o->span_id > 0)
    {
      self->vm->selected_span = o->span_id;
      on_span_activated (MLS_TIMELINE_VIEW (self->timeline), o->span_id, self);
    }
  gtk_widget_queue_draw (self->timeline);
  gtk_widget_queue_draw (self->ruler);
}

MlsWindow *
mls_window_new (GtkApplication *app)
{
  return g_object_new (MLS_TYPE_WINDOW, "application", app, NULL);
}
