/*
 * mls-model-window.h: a model's window, Xcode's model view for mlrt: the
 * General, Predictions and Performance tabs (mls-model-general.h,
 * mls-model-features.h, mls-model-performance.h). Opened by
 * `mlscope-viewer MODEL` (a package directory, a compiled model, a
 * package archive or an .onnx file), by Open Model… in a recording's
 * window, or by Inspect Model on a recording's model.
 *
 * MLSCOPE_VIEWER_STATE=FILE: the window writes what its tabs show to FILE
 * (mls-model-state.h), for the tests to read.
 */
#ifndef MLS_MODEL_WINDOW_H
#define MLS_MODEL_WINDOW_H

#include <gtk/gtk.h>

#include "mls-store.h"

G_BEGIN_DECLS

#define MLS_TYPE_MODEL_WINDOW (mls_model_window_get_type ())
G_DECLARE_FINAL_TYPE (MlsModelWindow, mls_model_window, MLS, MODEL_WINDOW,
                      GtkApplicationWindow)

/* A window on the model at file; it reads the model with mlrt-info once
 * shown, and says in itself (and on stderr) when that fails. */
MlsModelWindow *mls_model_window_new (GtkApplication *app, GFile *file);

/* Open Model…: a file chooser whose choice opens a model window. */
void mls_model_window_choose (GtkWindow *parent);

/* Inspect Model: the window on a recording's model (model_id; -1 the
 * recording's only model), found beside the recording by its name,
 * since a recording names its models but holds no path; NULL with an
 * error the user can act on otherwise. */
MlsModelWindow *mls_model_window_inspect (GtkWindow *parent, MlsStore *store,
                                          gint64 model_id, GError **error);

/* A context menu on a recording's table (right click): Inspect Model,
 * Copy Table as CSV. */
void mls_model_window_add_table_menu (GtkWidget *table);

G_END_DECLS

#endif /* MLS_MODEL_WINDOW_H */
