/*
 * mlrt-run.h: what the ONNX tests do with mlrt itself: convert a model
 * (the importer's entry point, as mlrt-convert calls it), load the
 * package for a compute-unit setting, predict on ONNX-shaped tensors, and
 * compare outputs with a reference (max abs error, cosine similarity).
 */
#ifndef ONNX_TEST_MLRT_RUN_H
#define ONNX_TEST_MLRT_RUN_H

#include <glib.h>

#include "mlrt-internal.h"
#include "onnx-convert.h"

/* The settings a converted model is run under, each unit getting the
 * layers it can run (priority placement): name, units, and the unit
 * whose layers the setting is about. */
typedef struct {
  const char *name;
  MlrtComputeUnits units;
  MlrtUnit unit;
} RunSetting;

extern const RunSetting run_settings[3];
/* Whether the setting's unit is built into this mlrt and present; if not,
 * prints why (the caller skips it). */
gboolean run_setting_available (const RunSetting *s);

/* Converts `model` into DIR/NAME.mlpackage; the package's path, or NULL
 * with `error` filled (and the package's problems, when `problems`). */
char *mlrt_run_convert (const char *model, const char *dir, const char *name,
                        const MlrtOnnxConvertOptions *options,
                        MlrtError *error, MlrtOnnxProblems *problems);
MlrtModel *mlrt_run_load (const char *package, MlrtComputeUnits units,
                          const char *cache_dir, MlrtError *error);
/* Predicts with float32 tensors as the named inputs; the outputs in the
 * model's order as float tensors (free with mlrt_run_outputs_free), or
 * NULL with `error`. */
GPtrArray *mlrt_run_predict (MlrtModel *model, const char *const *names,
                             MlrtOnnxTensor *const *inputs, size_t n,
                             MlrtError *error);
void mlrt_run_outputs_free (GPtrArray *outputs);
/* One prediction of a model with one input, `name`, and one output, the
 * output returned; g_error() on failure. */
MlrtOnnxTensor *mlrt_run_one (MlrtModel *model, const char *name,
                              MlrtOnnxTensor *input);

/* Largest |a - b| and the cosine of the angle between a and b as vectors
 * (1 for equal directions). Both must hold as many values. */
void mlrt_run_compare (const MlrtOnnxTensor *a, const MlrtOnnxTensor *b,
                       double *max_abs, double *cosine);

#endif /* ONNX_TEST_MLRT_RUN_H */
