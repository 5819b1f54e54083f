/*
 * mls-window.c: the main window (see mls-window.h).
 *
 * The window owns the open trace's MlsSession and hands it to every pane
 * ("session" properties); the header bar's switches are bound to the
 * session's properties; keys are window actions with application
 * accelerators (mls-application.c), so they work whichever pane has focus.
 *
 * --follow: a recording still written (`mlscope record --live`) is opened
 * again whenever its file changes, twice a second at most; the view keeps
 * the newest data in sight (the whole recording when it showed the whole,
 * else the same width at its end) unless the user moved away from the
 * end, when a Follow button in the header bar brings it back. It stops
 * once the recording is finished (meta.recording gone).
 *
 * MLSCOPE_VIEWER_SNAPSHOT=FILE.png: see mls-snapshot.h.
 */
#include "mls-window.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "mls-compare-window.h"
#include "mls-file-chooser.h"
#include "mls-findings-list.h"
#include "mls-info-panel.h"
#include "mls-legend.h"
#include "mls-model-window.h"
#include "mls-process-filter.h"
#include "mls-ruler.h"
#include "mls-session-private.h"
#include "mls-snapshot.h"
#include "mls-span-details.h"
#include "mls-stats-view.h"
#include "mls-timeline-view.h"

struct _MlsWindow {
  GtkApplicationWindow parent_instance;
  GtkWidget *by_model_switch;
  GtkWidget *grouped_switch;
  GtkWidget *by_thread_switch;
  GtkWidget *filter_button;
  GtkWidget *process_filter;
  GtkWidget *info_button;
  GtkWidget *info_panel;
  GtkWidget *toasts;
  GtkWidget *banner;
  GtkWidget *banner_label;
  GtkWidget *stack;
  GtkWidget *paned;
  GtkWidget *lower_paned;
  GtkWidget *ruler;
  GtkWidget *pinned;
  GtkWidget *tracks_scroller;
  GtkWidget *timeline;
  GtkWidget *stats;
  GtkWidget *details;
  GtkStackPage *findings_page;
  GtkWidget *findings;
  MlsSession *session;
  GBinding *bindings[3];
  char *follow_path;        /* --follow: the file, while it grows */
  guint follow_source;
  gint64 follow_stamp;      /* sizes and times of the file and its WAL */
  gboolean off_newest;      /* the user moved away from the newest data */
  GtkWidget *follow_button;
};

#define FOLLOW_MS 500

G_DEFINE_FINAL_TYPE (MlsWindow, mls_window, GTK_TYPE_APPLICATION_WINDOW)

static void
show_error (MlsWindow *self, const char *message)
{
  g_printerr ("mlscope-viewer: %s\n", message);
  gtk_label_set_text (GTK_LABEL (self->banner_label), message);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), TRUE);
}

/* The tab says how many findings there are, once they are read. */
static void
on_n_findings (MlsSession *session, GParamSpec *pspec, MlsWindow *self)
{
  guint n = g_list_model_get_n_items (mls_session_get_findings (session));
  g_autofree char *title = g_strdup_printf ("Findings (%u)", n);

  gtk_stack_page_set_title (self->findings_page, title);
}

static void
set_session (MlsWindow *self, MlsSession *session)
{
  static const char *const names[] = { "by-model", "grouped", "by-thread" };
  GtkWidget *switches[] = { self->by_model_switch, self->grouped_switch,
                            self->by_thread_switch };
  GtkWidget *panes[] = { self->ruler, self->pinned, self->timeline,
                         self->stats, self->details, self->process_filter,
                         self->info_panel, self->findings };

  for (guint i = 0; i < G_N_ELEMENTS (self->bindings); i++)
    g_clear_pointer (&self->bindings[i], g_binding_unbind);
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  for (guint i = 0; i < G_N_ELEMENTS (panes); i++)
    g_object_set (panes[i], "session", session, NULL);
  gtk_stack_page_set_title (self->findings_page, "Findings");
  if (!session)
    return;
  g_signal_connect_object (session, "notify::n-findings",
                           G_CALLBACK (on_n_findings), self, 0);
  mls_session_load_findings (session);
  for (guint i = 0; i < G_N_ELEMENTS (self->bindings); i++)
    {
      /* The switch's state carries over to the next trace opened. */
      g_object_set (session, names[i],
                    gtk_switch_get_active (GTK_SWITCH (switches[i])), NULL);
      self->bindings[i] = g_object_bind_property (session, names[i],
                                                  switches[i], "active",
                                                  G_BINDING_BIDIRECTIONAL
                                                  | G_BINDING_SYNC_CREATE);
    }
}

/* The tracks get what they need, leaving the table some 320 pixels (or
 * at least 55 % of a small window): no blank band under short traces, a
 * readable table under long ones, down to 800 x 500. Again on every
 * resize of the window. */
static void
size_panes (MlsWindow *self)
{
  int width = gtk_widget_get_width (self->lower_paned);
  int height = gtk_widget_get_height (self->paned);
  double want;

  if (!self->session)
    return;
  /* Not allocated yet: the window's default size less its header bar. */
  if (height <= 0 || width <= 0)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      height -= 47;
    }
  want = MLS_RULER_HEIGHT + self->session->pinned_height
         + self->session->content_height + 8;
  gtk_paned_set_position (GTK_PANED (self->paned),
                          (int) MIN (want, MAX (height * 0.45,
                                                height - 320)));
  /* The table keeps every column in view; the details take the rest. */
  gtk_paned_set_position (GTK_PANED (self->lower_paned),
                          MAX (width - 340, width * 0.6));
}

/* A session of the trace at `path`, or NULL with the reason shown. */
static MlsSession *
load (MlsWindow *self, const char *path)
{
  g_autoptr (GError) error = NULL;
  MlsSession *session = mls_session_open (path, &error);

  if (!session)
    show_error (self, error->message);
  return session;
}

gboolean
mls_window_open (MlsWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr (MlsSession) session = NULL;

  if (!path)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_autofree char *msg = g_strdup_printf ("%s: only local files can be "
                                              "opened", uri);
      show_error (self, msg);
      return FALSE;
    }
  session = load (self, path);
  if (session == NULL)
    return FALSE;
  set_session (self, session);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "trace");
  gtk_window_set_title (GTK_WINDOW (self), name);
  size_panes (self);
  gtk_widget_grab_focus (self->timeline);
  return TRUE;
}

/* ---- --follow ---- */

static gint64
file_stamp (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf a = { 0 }, b = { 0 };

  g_stat (path, &a);
  g_stat (wal, &b);
  return (gint64) a.st_size ^ ((gint64) a.st_mtime << 20) ^ (gint64) a.st_ino
         ^ ((gint64) b.st_size << 1) ^ ((gint64) b.st_mtim.tv_nsec << 24);
}

/* Whether the view shows the trace's end. */
static gboolean
at_newest (MlsSession *s)
{
  gint64 width = s->view_end - s->view_start;

  return s->view_end >= s->trace_end - width / 50;
}

static void
show_newest (MlsWindow *self, gboolean whole, gint64 width)
{
  MlsSession *s = self->session;

  if (whole)
    mls_session_zoom_to_fit (s);
  else
    mls_session_set_visible (s, s->trace_end - width + width / 50,
                             s->trace_end + width / 50);
  self->off_newest = FALSE;
  gtk_widget_set_visible (self->follow_button, FALSE);
}

static void
on_follow_clicked (GtkButton *button, MlsWindow *self)
{
  if (self->session)
    show_newest (self, FALSE,
                 self->session->view_end - self->session->view_start);
}

/* Opens the file again: the view where it was, or at the newest data. */
static void
follow_reload (MlsWindow *self)
{
  MlsSession *old = self->session;
  gboolean newest = old == NULL || (!self->off_newest && at_newest (old));
  gboolean whole = old == NULL || old->view_start <= old->trace_start;
  gint64 start = old ? old->view_start : 0, end = old ? old->view_end : 0;
  gint64 selected = old ? mls_session_get_selected_span (old) : 0;
  g_autoptr (MlsSession) session = load (self, self->follow_path);
  g_autofree char *recording = NULL;

  if (session == NULL)
    return;
  set_session (self, session);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->banner), FALSE);
  if (newest)
    show_newest (self, whole, end - start);
  else
    {
      mls_session_set_visible (session, start, end);
      self->off_newest = TRUE;
      gtk_widget_set_visible (self->follow_button, TRUE);
    }
  if (selected > 0)
    mls_session_set_selected_span (session, selected);
  recording = mls_store_get_meta_text (mls_session_get_store (session),
                                       "recording");
  if (recording == NULL)
    {
      g_clear_handle_id (&self->follow_source, g_source_remove);
      gtk_widget_set_visible (self->follow_button, FALSE);
    }
}

static gboolean
follow_tick (gpointer data)
{
  MlsWindow *self = data;
  gint64 stamp = file_stamp (self->follow_path);

  if (self->session && !self->off_newest && !at_newest (self->session))
    {
      self->off_newest = TRUE;
      gtk_widget_set_visible (self->follow_button, TRUE);
    }
  if (stamp != self->follow_stamp)
    {
      self->follow_stamp = stamp;
      follow_reload (self);
    }
  return self->follow_source != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

void
mls_window_follow (MlsWindow *self, GFile *file)
{
  GtkWidget *bar = gtk_window_get_titlebar (GTK_WINDOW (self));

  g_free (self->follow_path);
  self->follow_path = g_file_get_path (file);
  if (self->follow_path == NULL)
    return;
  self->follow_stamp = file_stamp (self->follow_path);
  self->follow_button = gtk_button_new_with_label ("Follow");
  gtk_widget_set_tooltip_text (self->follow_button, "Back to the newest "
                               "data: the recording is still growing");
  gtk_widget_set_visible (self->follow_button, FALSE);
  g_signal_connect (self->follow_button, "clicked",
                    G_CALLBACK (on_follow_clicked), self);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (bar), self->follow_button);
  if (self->session)
    show_newest (self, TRUE, 0);
  self->follow_source = g_timeout_add (FOLLOW_MS, follow_tick, self);
}

static void
on_row_selected (MlsStatsView *stats, int kind_id, gint64 model_id,
                 MlsWindow *self)
{
  if (self->session)
    mls_session_set_highlight (self->session, kind_id, model_id);
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

/* A file chooser for recordings; response runs with self as data. */
static void
choose_recording (MlsWindow *self, const char *title, GCallback response)
{
  static const char *const traces[] = { "*.mlscope", NULL };

  mls_file_chooser_show (GTK_WINDOW (self), title,
                         GTK_FILE_CHOOSER_ACTION_OPEN, "mlscope traces",
                         traces, response, self);
}

static void
open_action (GtkWidget *widget, const char *action, GVariant *param)
{
  choose_recording (MLS_WINDOW (widget), "Open Trace",
                    G_CALLBACK (on_open_response));
}

/* The open recording as before, the chosen one as after. */
static void
on_compare_response (GtkNativeDialog *dialog, int response, MlsWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->session)
    {
      g_autoptr (GFile) after =
        gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr (GFile) before = g_file_new_for_path (
        mls_store_path (mls_session_get_store (self->session)));
      MlsCompareWindow *window = mls_compare_window_new (
        gtk_window_get_application (GTK_WINDOW (self)), before, after,
        &error);

      if (window)
        gtk_window_present (GTK_WINDOW (window));
      else
        show_error (self, error->message);
    }
  g_object_unref (dialog);
}

static void
compare_action (GtkWidget *widget, const char *action, GVariant *param)
{
  if (MLS_WINDOW (widget)->session)
    choose_recording (MLS_WINDOW (widget), "Compare With",
                      G_CALLBACK (on_compare_response));
}

static void
toast (MlsWindow *self, const char *text)
{
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (self->toasts),
                               adw_toast_new (text));
}

/* From the table's selected row to one of its spans. */
static void
jump_action (GtkWidget *widget, const char *action, GVariant *param)
{
  MlsWindow *self = MLS_WINDOW (widget);
  MlsFindWhat what = g_str_equal (action, "win.jump-next") ? MLS_FIND_NEXT
                     : g_str_equal (action, "win.jump-previous")
                     ? MLS_FIND_PREVIOUS : MLS_FIND_LONGEST;

  if (!self->session)
    return;
  if (self->session->highlight_kind <= 0)
    toast (self, "Select a row of the table first");
  else if (!mls_session_jump (self->session, what))
    toast (self, what == MLS_FIND_LONGEST ? "No span of this row in view"
           : what == MLS_FIND_NEXT ? "No later span of this row"
           : "No earlier span of this row");
}

/* The navigation actions: Perfetto's keys (W / S zoom, A / D pan, f
 * zooms to the selection, m marks it) beside +, -, arrows and 0. */
static void
navigate_action (GtkWidget *widget, const char *action, GVariant *param)
{
  MlsWindow *self = MLS_WINDOW (widget);
  MlsSession *s = self->session;

  if (!s || mls_timeline_view_navigate (MLS_TIMELINE_VIEW (self->timeline),
                                        action))
    return;
  if (g_str_equal (action, "win.zoom-selection"))
    mls_session_zoom_to_selection (s);
  else if (g_str_equal (action, "win.mark"))
    mls_session_toggle_mark (s);
  else if (g_str_equal (action, "win.clear-selection"))
    {
      mls_session_clear_selection (s);
      mls_session_set_selected_span (s, 0);
    }
}

static void
group_table_action (GtkWidget *widget, const char *action, GVariant *param)
{
  MlsWindow *self = MLS_WINDOW (widget);
  gboolean by_model;

  g_object_get (self->stats, "by-model", &by_model, NULL);
  g_object_set (self->stats, "by-model", !by_model, NULL);
}

static void
copy_csv_action (GtkWidget *widget, const char *action, GVariant *param)
{
  MlsWindow *self = MLS_WINDOW (widget);
  g_autofree char *csv = mls_stats_view_to_csv (MLS_STATS_VIEW (self->stats));

  if (!csv)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), csv);
  toast (self, "Table copied as CSV");
}

static void
popup_action (GtkWidget *widget, const char *action, GVariant *param)
{
  MlsWindow *self = MLS_WINDOW (widget);

  gtk_menu_button_popup (GTK_MENU_BUTTON (g_str_equal (action, "win.filter")
                                          ? self->filter_button
                                          : self->info_button));
}

static void
open_model_action (GtkWidget *widget, const char *action, GVariant *param)
{
  mls_model_window_choose (GTK_WINDOW (widget));
}

/* The model of the table's selected row (grouped by model), or the
 * recording's only one. */
static void
inspect_model_action (GtkWidget *widget, const char *action, GVariant *param)
{
  MlsWindow *self = MLS_WINDOW (widget);
  g_autoptr (GError) error = NULL;
  MlsModelWindow *window;

  if (!self->session)
    return;
  window = mls_model_window_inspect (GTK_WINDOW (self),
    mls_session_get_store (self->session),
    self->session->highlight_model > 0 ? self->session->highlight_model : -1,
    &error);
  if (window)
    gtk_window_present (GTK_WINDOW (window));
  else
    toast (self, error->message);
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

static void
on_map (GtkWidget *widget, gpointer data)
{
  size_panes (MLS_WINDOW (widget));
  mls_snapshot_schedule (widget);
}

static void
mls_window_dispose (GObject *object)
{
  MlsWindow *self = MLS_WINDOW (object);

  g_clear_handle_id (&self->follow_source, g_source_remove);
  g_clear_pointer (&self->follow_path, g_free);
  if (self->timeline)
    set_session (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MLS_TYPE_WINDOW);
  G_OBJECT_CLASS (mls_window_parent_class)->dispose (object);
}

static void
mls_window_class_init (MlsWindowClass *klass)
{
  static const char *const navigation[] = {
    "win.zoom-in", "win.zoom-out", "win.pan-left", "win.pan-right",
    "win.zoom-fit", "win.zoom-selection", "win.mark", "win.clear-selection",
  };
  static const struct {
    const char *name;
    GtkWidgetActionActivateFunc activate;
  } actions[] = {
    { "win.open", open_action },
    { "win.compare", compare_action },
    { "win.open-model", open_model_action },
    { "win.inspect-model", inspect_model_action },
    { "win.jump-longest", jump_action },
    { "win.jump-next", jump_action },
    { "win.jump-previous", jump_action },
    { "win.group-table", group_table_action },
    { "win.copy-csv", copy_csv_action },
    { "win.filter", popup_action },
    { "win.info", popup_action },
    { "win.dismiss-error", dismiss_error_action },
  };
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mls_window_dispose;
  g_type_ensure (ADW_TYPE_TOAST_OVERLAY);
  g_type_ensure (MLS_TYPE_RULER);
  g_type_ensure (MLS_TYPE_TIMELINE_VIEW);
  g_type_ensure (MLS_TYPE_STATS_VIEW);
  g_type_ensure (MLS_TYPE_SPAN_DETAILS);
  g_type_ensure (MLS_TYPE_PROCESS_FILTER);
  g_type_ensure (MLS_TYPE_LEGEND);
  g_type_ensure (MLS_TYPE_INFO_PANEL);
  g_type_ensure (MLS_TYPE_FINDINGS_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/mlscope/Viewer/mls-window.ui");
#define CHILD(name) \
  gtk_widget_class_bind_template_child (widget_class, MlsWindow, name)
  CHILD (by_model_switch);
  CHILD (grouped_switch);
  CHILD (by_thread_switch);
  CHILD (filter_button);
  CHILD (process_filter);
  CHILD (info_button);
  CHILD (info_panel);
  CHILD (toasts);
  CHILD (banner);
  CHILD (banner_label);
  CHILD (stack);
  CHILD (paned);
  CHILD (lower_paned);
  CHILD (ruler);
  CHILD (pinned);
  CHILD (tracks_scroller);
  CHILD (timeline);
  CHILD (stats);
  CHILD (details);
  CHILD (findings_page);
  CHILD (findings);
#undef CHILD
  for (guint i = 0; i < G_N_ELEMENTS (navigation); i++)
    gtk_widget_class_install_action (widget_class, navigation[i], NULL,
                                     navigate_action);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i].name, NULL,
                                     actions[i].activate);
}

static void
mls_window_init (MlsWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_object_set (self->timeline, "vadjustment",
                gtk_scrolled_window_get_vadjustment (
                  GTK_SCROLLED_WINDOW (self->tracks_scroller)), NULL);
  g_signal_connect (self->stats, "row-selected",
                    G_CALLBACK (on_row_selected), self);
  mls_model_window_add_table_menu (self->stats);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  /* The panes' largest positions follow their allocation. */
  g_signal_connect_swapped (self->paned, "notify::max-position",
                            G_CALLBACK (size_panes), self);
  g_signal_connect_swapped (self->lower_paned, "notify::max-position",
                            G_CALLBACK (size_panes), self);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

void
mls_window_apply (MlsWindow *self, const MlsWindowOptions *o)
{
  MlsSession *s = self->session;

  gtk_switch_set_active (GTK_SWITCH (self->grouped_switch), !o->ungrouped);
  gtk_switch_set_active (GTK_SWITCH (self->by_model_switch), o->by_model);
  gtk_switch_set_active (GTK_SWITCH (self->by_thread_switch), !o->shared);
  if (!s)
    return;
  if (o->has_range)
    mls_session_set_visible (s, s->trace_start + o->range_start,
                             s->trace_start + o->range_end);
  if (o->has_selection)
    mls_session_select_range (s, s->trace_start + o->sel_start,
                              s->trace_start + o->sel_end);
  if (o->span_id > 0)
    mls_session_set_selected_span (s, o->span_id);
  mls_session_hide_processes (s, (const char *const *) o->hide_pids);
  size_panes (self);
}

MlsWindow *
mls_window_new (GtkApplication *app)
{
  return g_object_new (MLS_TYPE_WINDOW, "application", app, NULL);
}
