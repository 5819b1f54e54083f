/*
 * mls-column-header.h: the title widget of a column view's column, found
 * by its text. GTK 4.8 gives no access to it, and the layer table needs it
 * to tell a click on a unit's header, the tests to click a header.
 */
#ifndef MLS_COLUMN_HEADER_H
#define MLS_COLUMN_HEADER_H

#include <gtk/gtk.h>

/* The GtkColumnViewTitle of view's column titled title, or NULL. */
GtkWidget *mls_column_header (GtkWidget *view, const char *title);

#endif /* MLS_COLUMN_HEADER_H */
