/*
 * json-frontend.h: frontend 1, model packages (NAME.mlpackage/ holding
 * model.json and weights.bin, docs/model-format.md). It turns a package
 * into what every frontend hands the compiler: an MlrtSpec whose weights
 * point into a blob (passes/passes.h, mlrt_compile_spec).
 */
#ifndef MLRT_JSON_FRONTEND_H
#define MLRT_JSON_FRONTEND_H

#include "mlrt-internal.h"

/* A package's two files, read whole: the compile cache hashes them, the
 * reader below parses the first, the weights stay as they are. */
typedef struct {
  char *json_path;          /* PACKAGE/model.json, names it in messages */
  char *weights_path;       /* PACKAGE/weights.bin */
  uint8_t *json, *weights;
  size_t json_size, weights_size;
} MlrtPackageFiles;

MlrtStatus mlrt_package_read (const char *package, MlrtPackageFiles *files,
                              MlrtError *error);
void mlrt_package_clear (MlrtPackageFiles *files);

/* Parses a spec (model.json, or a compiled model's spec when `compiled`)
 * with the ops of `ops` (&mlrt_op_table). `origin` names the file in
 * messages. Names are resolved and shapes inferred later, by the passes. */
MlrtStatus mlrt_json_spec_read (const char *json, size_t len,
                                const char *origin, int compiled,
                                const MlrtOpTable *ops, MlrtSpec *spec,
                                MlrtError *error);

#endif /* MLRT_JSON_FRONTEND_H */
