/*
 * mls-model-performance.h: the model window's Performance tab, Xcode's
 * performance report for mlrt: pick the compute units, press Run, and
 * `mlrt-report MODEL --compute-units U --format json` measures compile,
 * load and prediction in a child process (the window stays live; Cancel
 * ends that process, it alone); then the timings (compile, load uncached
 * and cached, first and warm prediction) in the chosen statistic, the
 * throughput, and the layer table (MlsLayerTable). A report can be saved
 * as JSON and a saved one opened.
 *
 * Property "state" (string, read-only): idle, running, done, cancelled
 * or failed; "status" (string): the line beside the Run button.
 */
#ifndef MLS_MODEL_PERFORMANCE_H
#define MLS_MODEL_PERFORMANCE_H

#include <gtk/gtk.h>

#include "mls-layer-table.h"

G_BEGIN_DECLS

#define MLS_TYPE_MODEL_PERFORMANCE (mls_model_performance_get_type ())
G_DECLARE_FINAL_TYPE (MlsModelPerformance, mls_model_performance, MLS,
                      MODEL_PERFORMANCE, GtkBox)

void mls_model_performance_set_model (MlsModelPerformance *self,
                                      const char *path);
/* Runs the report (as the Run button does), unless one runs. */
void mls_model_performance_run (MlsModelPerformance *self);
/* Shows a saved report; FALSE with error when it is none. */
gboolean mls_model_performance_open (MlsModelPerformance *self,
                                     const char *path, GError **error);
MlsLayerTable *mls_model_performance_get_layers (MlsModelPerformance *self);
/* Its state as lines, "Performance: KEY = VALUE". */
void mls_model_performance_describe (MlsModelPerformance *self,
                                     GString *out);
/* A named part, for tests to click: "run", "cancel", "units",
 * "iterations", "statistic". */
GtkWidget *mls_model_performance_get_part (MlsModelPerformance *self,
                                           const char *name);

G_END_DECLS

#endif /* MLS_MODEL_PERFORMANCE_H */
