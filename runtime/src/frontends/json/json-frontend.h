/*
 * json-frontend.h: frontend 1, model packages (NAME.mlpackage/ holding
 * model.json and weights.bin, docs/model-format.md). It turns a package
 * into what every frontend hands the compiler: an MlrtSpec whose weights
 * point into a blob (passes/passes.h, mlrt_compile_spec).
 */
#ifndef MLRT_JSON_FRONTEND_H
#define MLRT_JSON_FRONTEND_H

#include "mlrt-internal.h"

/* A package's two files, whole: the compile cache hashes them, the
 * reader below parses the first, the weights stay as they are. They come
 * from one of two sources: a package directory (read into memory the
 * files own) or a package archive in the caller's memory (compiled.h;
 * the files point into it, nothing is copied). */
typedef struct {
  char *json_path;          /* PACKAGE/model.json, names it in messages */
  char *weights_path;       /* PACKAGE/weights.bin */
  const uint8_t *json, *weights;
  size_t json_size, weights_size;
  uint8_t *owned[2];        /* what mlrt_package_clear frees */
} MlrtPackageFiles;

/* Reads the directory `package`. */
MlrtStatus mlrt_package_read (const char *package, MlrtPackageFiles *files,
                              MlrtError *error);
/* Views the package archive of `size` bytes at `data`, which must outlive
 * `files`; `name` stands for the package's directory in messages. */
MlrtStatus mlrt_package_view_archive (const char *name, const uint8_t *data,
                                      size_t size, MlrtPackageFiles *files,
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
