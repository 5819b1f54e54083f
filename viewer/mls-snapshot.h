/*
 * mls-snapshot.h: MLSCOPE_VIEWER_SNAPSHOT=FILE.png in the environment
 * makes a window save a picture of itself, drawn by GTK's renderer, a
 * second after it is first shown: the tests' and the docs' screenshots,
 * and the sign the tests wait for that a window is up.
 */
#ifndef MLS_SNAPSHOT_H
#define MLS_SNAPSHOT_H

#include <gtk/gtk.h>

/* Arms the snapshot for window when the variable is set (call on map). */
void mls_snapshot_schedule (GtkWidget *window);

#endif /* MLS_SNAPSHOT_H */
