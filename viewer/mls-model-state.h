/*
 * mls-model-state.h: MLSCOPE_VIEWER_STATE=FILE in the environment makes a
 * model window write what it shows to FILE, replaced whole (written
 * beside it, then renamed) each time it changes: its tabs' lines as
 * "TAB: GROUP / TITLE = VALUE" or "TAB: KEY = VALUE", read back from the
 * widgets, and "bounds NAME = X Y W H", where a button or a header sits
 * on the screen (with no window manager the window is at 0,0), for the
 * tests to click it with xdotool.
 */
#ifndef MLS_MODEL_STATE_H
#define MLS_MODEL_STATE_H

#include <gtk/gtk.h>

/* Whether the variable is set. */
gboolean mls_model_state_wanted (void);
/* Appends widget's bounds on the screen as "bounds NAME = X Y W H" (or
 * nothing if it is not shown). */
void mls_model_state_bounds (GString *out, const char *name,
                             GtkWidget *widget);
/* When the variable is set, calls write (data) once the change just made
 * is laid out and drawn, unless a call is already pending in *source. */
void mls_model_state_schedule (guint *source, GSourceFunc write,
                               gpointer data);
/* Writes text to the file, whole. */
void mls_model_state_write (const char *text);

#endif /* MLS_MODEL_STATE_H */
