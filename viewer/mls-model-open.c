/*
 * mls-model-open.c: the ways to a model window from a recording's window
 * (see mls-model-window.h): Open Model…, and Inspect Model on a model the
 * recording names. The recording holds the file each model was loaded
 * from (model.path, from mlrt:model_source), but on the machine that ran
 * it: when that file is not here (a recording from another machine, a
 * model moved since, a recording made before mlrt traced paths), the
 * model is looked for beside the recording, as NAME.mlpackage,
 * NAME.mlmodelc or NAME.onnx.
 * Inspect Model is in the recording window's menu and in its table's
 * context menu.
 */
#include "mls-model-window.h"

#include <sqlite3.h>

#include "mls-file-chooser.h"
#include "mls-model-tool.h"

static void
on_chosen (GtkNativeDialog *dialog, int response, GtkWindow *parent)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file =
        gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *base = g_file_get_basename (file);

      /* A package is a directory: choosing its model.json opens it. */
      if (g_str_equal (base, "model.json"))
        {
          GFile *dir = g_file_get_parent (file);

          g_object_unref (file);
          file = dir;
        }
      gtk_window_present (GTK_WINDOW (mls_model_window_new (
        gtk_window_get_application (parent), file)));
    }
  g_object_unref (dialog);
}

void
mls_model_window_choose (GtkWindow *parent)
{
  static const char *const models[] = { "*.onnx", "*.mlmodelc",
                                        "model.json", NULL };

  mls_file_chooser_show (parent, "Open Model (an .onnx file, a compiled "
                         "model, or a package's model.json)",
                         GTK_FILE_CHOOSER_ACTION_OPEN, "Models", models,
                         G_CALLBACK (on_chosen), parent);
}

/* The model's name and file (*path, NULL if none): model_id's, or (-1)
 * the recording's only model's. */
static char *
model_name (MlsStore *store, gint64 model_id, char **path, GError **error)
{
  sqlite3 *db = mls_store_db (store);
  sqlite3_stmt *stmt = NULL;
  char *name = NULL;
  int n = 0;

  *path = NULL;
  if (sqlite3_prepare_v2 (db, model_id >= 0
                          ? "SELECT name, path FROM model WHERE id = ?1"
                          : "SELECT name, path FROM model LIMIT 2", -1,
                          &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s",
                   mls_store_path (store), sqlite3_errmsg (db));
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, model_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    if (n++ == 0)
      {
        name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        *path = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      }
  sqlite3_finalize (stmt);
  if (n == 1)
    return name;
  g_free (name);
  g_clear_pointer (path, g_free);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, n == 0
               ? "The recording holds no model" : "Group the table by "
               "model (g) and select the model's row to inspect it");
  return NULL;
}

/* The model's file on this machine: where it was loaded from, else
 * NAME.mlpackage, .mlmodelc or .onnx beside the recording; NULL if none. */
static char *
find_model (const char *recording, const char *name, const char *loaded)
{
  static const char *const suffixes[] = { ".mlpackage", ".mlmodelc",
                                          ".onnx" };
  g_autofree char *dir = g_path_get_dirname (recording);

  if (loaded && g_file_test (loaded, G_FILE_TEST_EXISTS))
    return g_strdup (loaded);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *base = g_strconcat (name, suffixes[i], NULL);
      char *path = g_build_filename (dir, base, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
  return NULL;
}

MlsModelWindow *
mls_model_window_inspect (GtkWindow *parent, MlsStore *store,
                          gint64 model_id, GError **error)
{
  g_autofree char *loaded = NULL, *found = NULL;
  g_autofree char *name = model_name (store, model_id, &loaded, error);
  g_autoptr (GFile) file = NULL;

  if (!name)
    return NULL;
  found = find_model (mls_store_path (store), name, loaded);
  if (!found)
    {
      g_autofree char *from = loaded ? g_strdup_printf (
        "was loaded from %s, which is not on this machine,", loaded)
        : g_strdup ("names no file");
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The recording's model “%s” %s and no %s.mlpackage is "
                   "beside the recording: open it with Open Model…", name,
                   from, name);
      return NULL;
    }
  file = g_file_new_for_path (found);
  return mls_model_window_new (gtk_window_get_application (parent), file);
}

/* A right click on the table: its menu, at the pointer. */
static void
on_table_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
                  GtkWidget *popover)
{
  gtk_popover_set_pointing_to (GTK_POPOVER (popover),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (popover));
}

void
mls_model_window_add_table_menu (GtkWidget *table)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkWidget *popover;

  g_menu_append (menu, "Inspect Model", "win.inspect-model");
  g_menu_append (menu, "Copy Table as CSV", "win.copy-csv");
  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  gtk_widget_set_parent (popover, table);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click),
                                 GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_table_pressed),
                    popover);
  gtk_widget_add_controller (table, GTK_EVENT_CONTROLLER (click));
}
