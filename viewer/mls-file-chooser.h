/*
 * mls-file-chooser.h: the viewer's file choosers (a recording, a model,
 * a report), one way: GtkFileDialog arrived in GTK 4.10 and Debian 12 ships
 * 4.8, so a GtkFileChooserNative with a filter for the files it is for
 * and one for all files.
 */
#ifndef MLS_FILE_CHOOSER_H
#define MLS_FILE_CHOOSER_H

#include <gtk/gtk.h>

/* Shows a chooser over parent whose first filter, named kind, takes the
 * names matching patterns (NULL-terminated); response (a
 * GtkNativeDialog::response handler, which unrefs the dialog) runs with
 * data. Returns it, to set a file name on. */
GtkFileChooser *mls_file_chooser_show (GtkWindow *parent, const char *title,
                                       GtkFileChooserAction action,
                                       const char *kind,
                                       const char *const *patterns,
                                       GCallback response, gpointer data);

#endif /* MLS_FILE_CHOOSER_H */
