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

MlsWindow *mls_window_new (GtkApplication *app);
/* Opens a trace database; on failure the window keeps what it showed and
 * says why in its banner. */
gboolean mls_window_open (MlsWindow *self, GFile *file);

G_END_DECLS

#endif /* MLS_WINDOW_H */
