/*
 * model-info.h: what a model is, read without loading it: the facts
 * Xcode's General and Predictions tabs show (type, size on disk, the mlrt
 * it needs, metadata, precision, weight encodings, class labels, features,
 * layers by op). mlrt-info prints them and mlrt-codegen writes a typed
 * interface from them. A model package, a compiled model or (with the
 * ONNX frontend built) an .onnx file converted in memory, as mlrt-convert
 * would, all give the same description.
 */
#ifndef MLRT_MODEL_INFO_H
#define MLRT_MODEL_INFO_H

#include <stdint.h>

#include "mlrt-internal.h"

/* The model format version this mlrt writes and reads (model.json's
 * "format_version"), and the first mlrt release that reads it. */
#define MLRT_MODEL_FORMAT_VERSION 1
#define MLRT_MODEL_FORMAT_FIRST_RELEASE "0.1.0"

typedef enum {
  MLRT_MODEL_FILE_PACKAGE,       /* NAME.mlpackage/ */
  MLRT_MODEL_FILE_COMPILED,      /* a compiled model (MLRTC001) */
  MLRT_MODEL_FILE_ARCHIVE,       /* a package archive (MLRTP001) */
  MLRT_MODEL_FILE_ONNX,          /* an ONNX model, converted to read it */
} MlrtModelFileKind;

/* The weights stored in one encoding ("float16", "palette4", ...). */
typedef struct {
  char *encoding;
  size_t n_weights;
  size_t n_layers;               /* layers with at least one such weight */
  uint64_t n_values;             /* parameters, decoded */
  uint64_t bytes;                /* as stored */
} MlrtEncodingSummary;

typedef struct {
  const char *op;                /* the op table's name, static */
  size_t count;
} MlrtOpCount;

typedef struct {
  char *path;
  MlrtModelFileKind kind;
  uint64_t size_on_disk;         /* every file of it, in bytes */
  int format_version;
  const char *needs_mlrt;        /* the first release that reads it */
  MlrtSpec spec;                 /* metadata, features and layers; shapes
                                    not inferred, weights not decoded */
  size_t n_encodings;
  MlrtEncodingSummary *encodings;   /* in order of first use */
  size_t n_ops;
  MlrtOpCount *ops;                 /* most used first, then by name */
  uint64_t n_parameters;
  uint64_t weights_bytes;
  /* An .onnx file's conversion as a package archive (compiled.h), for
   * mlrt_model_load_from_memory; NULL for the other kinds, which load
   * from their path. */
  uint8_t *archive;
  size_t archive_size;
} MlrtModelInfo;

/* How an .onnx file is converted to describe it (mlrt-convert --input). */
typedef struct {
  const char *const *input_shapes;   /* "NAME:D0,D1,..." */
  size_t n_input_shapes;
} MlrtModelInfoOptions;

/* Reads `path`, telling its kind by what it is: a directory is a
 * package, a file beginning with a compiled model's or an archive's magic
 * is one, a file named *.onnx is converted. `options` may be NULL. */
MlrtStatus mlrt_model_info_read (const char *path,
                                 const MlrtModelInfoOptions *options,
                                 MlrtModelInfo *info, MlrtError *error);
void mlrt_model_info_clear (MlrtModelInfo *info);

/* "package", "compiled", "archive", "onnx". */
const char *mlrt_model_file_kind_name (MlrtModelFileKind kind);
/* "neural network classifier" when the model has class labels, else
 * "neural network". */
const char *mlrt_model_info_type (const MlrtModelInfo *info);

/* Whether a feature type is an image (Gray8, Gray16Half, BGRA8). */
int mlrt_feature_type_is_image (MlrtFeatureType type);
/* The type of one stored element: "uint8" (Gray8, BGRA8), "float16"
 * (Gray16Half, Float16), "int32", "float32", "float64". */
const char *mlrt_feature_scalar_type (MlrtFeatureType type);
/* The bytes one value of the feature takes (BGRA8: 4 a pixel). */
size_t mlrt_feature_byte_size (const MlrtFeatureDescription *d);
size_t mlrt_feature_element_count (const MlrtFeatureDescription *d);

#endif /* MLRT_MODEL_INFO_H */
