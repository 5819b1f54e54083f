/*
 * mls-window.h: the viewer's main window: one trace, its timeline, its
 * aggregation table and the clicked span's details.
 */
#ifndef MLS_WINDOW_H
#define MLS_WINDOW_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MLS_TYPE_WINDOW (mls_window_get_type ())
G_DECLARE_FINAL_TYPE (MlsWindow, mls_window, MLS, WINDOW,
                      GtkApplicationWindow)

/* How a trace opens: the command line's --range, --select, --by-model,
 * --ungrouped, --shared, --span and
 * --hide-pid. Ranges are offsets from the trace's start. */
typedef struct {
  gboolean has_range;
  gint64 range_start;
  gint64 range_end;
  gboolean has_selection;
  gint64 sel_start;
  gint64 sel_end;
  gboolean by_model;
  gboolean ungrouped;
  gboolean shared;
  gint64 span_id;
  char **hide_pids;         /* processes the filter hides */
  gboolean follow;          /* --follow: reopen it as it grows */
} MlsWindowOptions;

MlsWindow *mls_window_new (GtkApplication *app);
/* Applies options to the open trace. */
void mls_window_apply (MlsWindow *self, const MlsWindowOptions *options);
/* Opens a trace database; on failure the window keeps what it showed and
 * says why in its banner. */
gboolean mls_window_open (MlsWindow *self, GFile *file);
/* Keeps the window on `file` (opened) while it grows: see mls-window.c. */
void mls_window_follow (MlsWindow *self, GFile *file);

G_END_DECLS

#endif /* MLS_WINDOW_H */
