/*
 * mls-compare-window.h: two recordings side by side, as `mlscope diff`
 * sees them (mlscope-viewer --compare BEFORE AFTER, or Compare With… in
 * a trace's window): the tracks of BEFORE over those of AFTER on one time
 * axis of offsets from each recording's start (zooming or panning either
 * moves both), and the before / after table (mls-compare-view.h).
 */
#ifndef MLS_COMPARE_WINDOW_H
#define MLS_COMPARE_WINDOW_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MLS_TYPE_COMPARE_WINDOW (mls_compare_window_get_type ())
G_DECLARE_FINAL_TYPE (MlsCompareWindow, mls_compare_window, MLS,
                      COMPARE_WINDOW, GtkApplicationWindow)

/* Opens both recordings; NULL with the store's message (naming the file)
 * when either cannot be read. */
MlsCompareWindow *mls_compare_window_new (GtkApplication *app, GFile *before,
                                          GFile *after, GError **error);

G_END_DECLS

#endif /* MLS_COMPARE_WINDOW_H */
