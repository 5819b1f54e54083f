/*
 * mls-compare-window.c: two recordings compared (see
 * mls-compare-window.h). Each recording keeps its own session; the
 * window keeps their visible ranges at the same offsets from each one's
 * start, and lets both reach the longer one's length, so one ruler
 * serves both.
 */
#include "mls-compare-window.h"

#include "mls-compare-view.h"
#include "mls-ruler.h"
#include "mls-session.h"
#include "mls-snapshot.h"
#include "mls-timeline-view.h"

struct _MlsCompareWindow {
  GtkApplicationWindow parent_instance;
  GtkWidget *ruler;
  GtkWidget *before_label, *after_label;
  GtkWidget *before_pinned, *after_pinned;
  GtkWidget *before_scroller, *after_scroller;
  GtkWidget *before_timeline, *after_timeline;
  GtkWidget *table;
  MlsSession *before, *after;
  gboolean syncing;
};

G_DEFINE_FINAL_TYPE (MlsCompareWindow, mls_compare_window,
                     GTK_TYPE_APPLICATION_WINDOW)

/* The other session shows the same offsets from its start. */
static void
on_visible (MlsSession *from, GParamSpec *pspec, MlsCompareWindow *self)
{
  MlsSession *to = from == self->before ? self->after : self->before;
  gint64 from_start, to_start, end;

  if (self->syncing)
    return;
  self->syncing = TRUE;
  mls_session_get_trace_range (from, &from_start, &end);
  mls_session_get_trace_range (to, &to_start, &end);
  mls_session_set_visible (to,
    to_start + mls_session_get_visible_start (from) - from_start,
    to_start + mls_session_get_visible_end (from) - from_start);
  self->syncing = FALSE;
}

static void
navigate_action (GtkWidget *widget, const char *action, GVariant *param)
{
  MlsCompareWindow *self = MLS_COMPARE_WINDOW (widget);

  /* BEFORE's view moves, AFTER's follows (on_visible). */
  mls_timeline_view_navigate (MLS_TIMELINE_VIEW (self->before_timeline),
                              action);
}

static void
mls_compare_window_dispose (GObject *object)
{
  MlsCompareWindow *self = MLS_COMPARE_WINDOW (object);

  if (self->before)
    g_signal_handlers_disconnect_by_data (self->before, self);
  if (self->after)
    g_signal_handlers_disconnect_by_data (self->after, self);
  g_clear_object (&self->before);
  g_clear_object (&self->after);
  gtk_widget_dispose_template (GTK_WIDGET (self), MLS_TYPE_COMPARE_WINDOW);
  G_OBJECT_CLASS (mls_compare_window_parent_class)->dispose (object);
}

static void
mls_compare_window_class_init (MlsCompareWindowClass *klass)
{
  static const char *const navigation[] = {
    "win.zoom-in", "win.zoom-out", "win.pan-left", "win.pan-right",
    "win.zoom-fit",
  };
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mls_compare_window_dispose;
  g_type_ensure (MLS_TYPE_RULER);
  g_type_ensure (MLS_TYPE_TIMELINE_VIEW);
  g_type_ensure (MLS_TYPE_COMPARE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/mlscope/Viewer/mls-compare-window.ui");
#define CHILD(name) \
  gtk_widget_class_bind_template_child (widget_class, MlsCompareWindow, name)
  CHILD (ruler);
  CHILD (before_label);
  CHILD (after_label);
  CHILD (before_pinned);
  CHILD (after_pinned);
  CHILD (before_scroller);
  CHILD (after_scroller);
  CHILD (before_timeline);
  CHILD (after_timeline);
  CHILD (table);
#undef CHILD
  for (guint i = 0; i < G_N_ELEMENTS (navigation); i++)
    gtk_widget_class_install_action (widget_class, navigation[i], NULL,
                                     navigate_action);
}

static void
mls_compare_window_init (MlsCompareWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (mls_snapshot_schedule), NULL);
  g_object_set (self->before_timeline, "vadjustment",
                gtk_scrolled_window_get_vadjustment (
                  GTK_SCROLLED_WINDOW (self->before_scroller)), NULL);
  g_object_set (self->after_timeline, "vadjustment",
                gtk_scrolled_window_get_vadjustment (
                  GTK_SCROLLED_WINDOW (self->after_scroller)), NULL);
}

static MlsSession *
open_session (GFile *file, GError **error)
{
  g_autofree char *path = g_file_get_path (file);

  if (!path)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s: only local files can be opened", uri);
      return NULL;
    }
  return mls_session_open (path, error);
}

static void
set_label (GtkWidget *label, const char *side, GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *text = g_strdup_printf ("%s: %s", side, name);

  gtk_label_set_text (GTK_LABEL (label), text);
}

/* Both sessions reach the longer recording's length, fitted to it. */
static void
share_axis (MlsCompareWindow *self)
{
  gint64 a0, a1, b0, b1, longest;

  mls_session_get_trace_range (self->before, &a0, &a1);
  mls_session_get_trace_range (self->after, &b0, &b1);
  longest = MAX (a1 - a0, b1 - b0);
  mls_session_set_extent (self->before, longest);
  mls_session_set_extent (self->after, longest);
  g_signal_connect_object (self->before, "notify::visible-end",
                           G_CALLBACK (on_visible), self, 0);
  g_signal_connect_object (self->after, "notify::visible-end",
                           G_CALLBACK (on_visible), self, 0);
}

MlsCompareWindow *
mls_compare_window_new (GtkApplication *app, GFile *before, GFile *after,
                        GError **error)
{
  g_autoptr (MlsSession) a = open_session (before, error);
  g_autoptr (MlsSession) b = a ? open_session (after, error) : NULL;
  g_autofree char *title = NULL, *na = NULL, *nb = NULL;
  MlsCompareWindow *self;

  if (!b)
    return NULL;
  self = g_object_new (MLS_TYPE_COMPARE_WINDOW, "application", app, NULL);
  self->before = g_steal_pointer (&a);
  self->after = g_steal_pointer (&b);
  share_axis (self);
  g_object_set (self->ruler, "session", self->before, NULL);
  g_object_set (self->before_pinned, "session", self->before, NULL);
  g_object_set (self->before_timeline, "session", self->before, NULL);
  g_object_set (self->after_pinned, "session", self->after, NULL);
  g_object_set (self->after_timeline, "session", self->after, NULL);
  mls_compare_view_set_sessions (MLS_COMPARE_VIEW (self->table),
                                 self->before, self->after);
  set_label (self->before_label, "Before", before);
  set_label (self->after_label, "After", after);
  na = g_file_get_basename (before);
  nb = g_file_get_basename (after);
  title = g_strdup_printf ("%s → %s", na, nb);
  gtk_window_set_title (GTK_WINDOW (self), title);
  return self;
}
