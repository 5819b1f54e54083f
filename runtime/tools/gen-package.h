/*
 * gen-package.h: builds one model package (docs/model-format.md) in memory,
 * its model.json spec and its weights.bin blob, and writes it as
 * NAME.mlpackage/ into a directory.
 */
#ifndef GEN_PACKAGE_H
#define GEN_PACKAGE_H

#include <json-c/json.h>

#include "gen-encode.h"

typedef struct GenPackage GenPackage;

GenPackage *gen_package_new (const char *name, const char *description,
                             const char *compute_precision,
                             const char *storage_precision);
void gen_package_free (GenPackage *pkg);
const char *gen_package_name (const GenPackage *pkg);

/* An image feature: shape [height, width]. */
void gen_package_add_image_input (GenPackage *pkg, const char *name,
                                  const char *type, int height, int width,
                                  const char *description);
void gen_package_add_image_output (GenPackage *pkg, const char *name,
                                   const char *type, int height, int width,
                                   const char *description);
/* A multi-array output of rank 1. */
void gen_package_add_vector_output (GenPackage *pkg, const char *name,
                                    const char *type, int length,
                                    const char *description);
void gen_package_set_class_labels (GenPackage *pkg,
                                   const char *const *labels, int n);

/* Appends a layer; `input2` may be NULL. Returns the layer's params object
 * (owned by the layer) for the caller to fill. */
json_object *gen_package_add_layer (GenPackage *pkg, const char *name,
                                    const char *op, const char *input,
                                    const char *input2, const char *output);

/* Adds weight `key` of the last added layer: `values` (row-major, `rank`
 * dims) encoded with `enc` at the next 64-byte aligned offset. */
void gen_package_add_weight (GenPackage *pkg, const char *key,
                             GenEncoding enc, int rank, const int *shape,
                             const float *values);

/* Writes DIR/NAME.mlpackage/{model.json,weights.bin}, each through a
 * temporary file renamed into place. Returns 0, or -1 after printing an
 * error naming the path. */
int gen_package_write (const GenPackage *pkg, const char *dir);

/* Writes `data` to `path` through a temporary file; 0 or -1 (printed). */
int gen_write_file_atomic (const char *path, const void *data, size_t len);

#endif /* GEN_PACKAGE_H */
