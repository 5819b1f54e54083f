/*
 * api-test.h: what the tests of the runtime's app-facing calls (models in
 * memory, encrypted models, asynchronous predictions) share: the units
 * tests' style-transfer network as their model, its inputs, loading it,
 * and comparing outputs byte for byte.
 */
#ifndef MLRT_API_TEST_H
#define MLRT_API_TEST_H

#include <glib.h>

#include "mlrt/mlrt.h"

/* Writes the style network (style-model.h: convolutions, instance norms,
 * a residual block and a transposed-convolution decoder the NPU refuses,
 * so a plan for several units has several segments) as DIR/NAME.mlpackage;
 * g_free the path. */
char *api_style_package (const char *dir, const char *name);

/* The input features of frame `seed` (its pixels are owned by the
 * features' caller: api_input_free frees both). */
MlrtFeatures *api_input_new (guint32 seed);
void api_input_free (MlrtFeatures *inputs);

/* A configuration for `units`, estimated placement (the same plan at
 * every load, so outputs can be compared byte for byte) and `cache_dir`. */
void api_config (MlrtConfiguration *config, MlrtComputeUnits units,
                 const char *cache_dir);

/* Loads `path` with `config`, failing the test with the message when the
 * load fails. */
MlrtModel *api_load (const char *path, const MlrtConfiguration *config);

/* The package archive of `package` (free() it). */
void *api_archive (const char *package, size_t *size);

/* Loads a model from memory, failing the test with the message when the
 * load fails. */
MlrtModel *api_load_memory (const char *name, const void *data, size_t size,
                            MlrtDecryptFunc decrypt, void *user_data,
                            const MlrtConfiguration *config);

/* A synchronous prediction of `inputs`, which must succeed. */
MlrtFeatures *api_predict (MlrtModel *model, const MlrtFeatures *inputs);

/* Fails the test unless every output of `want` is in `got`, of the same
 * type, shape and bytes; `what` says what is compared. */
void api_assert_same (const MlrtFeatures *got, const MlrtFeatures *want,
                      const char *what);

/* The compute-unit settings this build can run: all four, each unit
 * present or reported absent by the plan. */
extern const MlrtComputeUnits api_all_units[4];

#endif /* MLRT_API_TEST_H */
