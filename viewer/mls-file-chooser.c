/*
 * mls-file-chooser.c: a file chooser for recordings, models and
 * reports (see mls-file-chooser.h).
 */
#include "mls-file-chooser.h"

static void
add_filter (GtkFileChooser *chooser, const char *name,
            const char *const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (int i = 0; patterns[i]; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

GtkFileChooser *
mls_file_chooser_show (GtkWindow *parent, const char *title,
                       GtkFileChooserAction action, const char *kind,
                       const char *const *patterns, GCallback response,
                       gpointer data)
{
  static const char *const all[] = { "*", NULL };
  gboolean save = action == GTK_FILE_CHOOSER_ACTION_SAVE;
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
    title, parent, action, save ? "_Save" : "_Open", "_Cancel");

  add_filter (GTK_FILE_CHOOSER (chooser), kind, patterns);
  add_filter (GTK_FILE_CHOOSER (chooser), "All files", all);
  g_signal_connect (chooser, "response", response, data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  return GTK_FILE_CHOOSER (chooser);
}
