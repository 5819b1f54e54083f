/*
 * info.h: the parts of mlrt-info, the command that shows what a model is
 * (model-info.h) and runs one prediction on files (--predict): the two
 * formats of the description, reading inputs from files, and showing
 * outputs. The JSON formats are documented in docs/info-json.md; the
 * viewer's model window reads them, so they only ever gain fields.
 */
#ifndef MLRT_INFO_H
#define MLRT_INFO_H

#include <json-c/json.h>
#include <stdio.h>

#include "model-info.h"

/* The JSON documents' "schema_version" (their "schema" is "mlrt-info"
 * and "mlrt-info-predict"): raised only by a change that is not an
 * addition. */
#define MLRT_INFO_SCHEMA_VERSION 1

/* The description. */
void info_print_text (FILE *out, const MlrtModelInfo *info);
json_object *info_to_json (const MlrtModelInfo *info);
/* Prints a JSON document as both documents are printed: indented. */
void info_print_json (FILE *out, json_object *json);

/* One prediction on files. */
typedef struct {
  const char *const *inputs;     /* FILE or NAME=FILE, in the model's
                                    input order when unnamed */
  size_t n_inputs;
  MlrtComputeUnits units;
  const char *output_dir;        /* where image outputs are written */
  int top_k;                     /* class labels shown */
  int json;
} InfoPredictOptions;

/* Loads the model, reads the inputs, predicts and prints the outputs to
 * `out`. Errors name the file or feature at fault. */
MlrtStatus info_predict (const MlrtModelInfo *info,
                         const InfoPredictOptions *options, FILE *out,
                         MlrtError *error);

/* Reads `path` as a value for `d` (input-files.c): a PNG for an image
 * input (scaled to the input's size, converted to its type), a .npy
 * array, or raw bytes of the input's exact size. The value's data is
 * malloc()ed. */
MlrtStatus info_read_input (const char *path, const MlrtFeatureDescription *d,
                            MlrtValue *value, MlrtError *error);
/* Writes an image value as a PNG. */
MlrtStatus info_write_png (const char *path, const MlrtValue *value,
                           MlrtError *error);

#endif /* MLRT_INFO_H */
