/*
 * onnx-convert.h: converting an ONNX model into an mlrt model package, in
 * memory: the one entry point mlrt-convert, the tests and the fuzzer
 * call. The file (or bytes) is read (onnx-read.c), prepared (sorted,
 * inputs pinned, shapes propagated, constants folded: onnx-prepare.c),
 * rewritten (batch norms and scales folded into convolutions, hard-swish
 * fused: onnx-rewrite.h), mapped to mlrt layers (onnx-map.h), and the
 * result compiled once by the runtime's own passes before it is handed
 * back, so a package it returns is one mlrt loads.
 *
 * What cannot be converted is refused as a whole: every node at fault is
 * listed (MlrtOnnxProblems), the error says how many and names the first
 * ones, and no package is made.
 */
#ifndef MLRT_ONNX_CONVERT_H
#define MLRT_ONNX_CONVERT_H

#include "onnx-graph.h"

/* An input fed as an image (coremltools' ImageType): the network sees
 * scale * pixel + bias per channel, pixel in 0..255 for 8-bit images (as
 * stored, for gray16_half). */
typedef struct {
  char *name;
  MlrtFeatureType type;         /* MLRT_TYPE_BGRA8, _GRAY8, _GRAY16_HALF */
  float scale[3];               /* B, G, R; gray uses [0]. One scale for all
                                 * channels is coremltools'; one each lets
                                 * a per-channel std in too */
  float bias[3];                /* B, G, R; gray uses [0] */
  int bgr;                      /* the network's channels are B, G, R
                                 * (else R, G, B, as most models take) */
} MlrtOnnxImageInput;

/* Weights smaller than this keep their precision under --weights, as
 * coremltools' weight_threshold leaves them: biases, norms, the small
 * kernels of depthwise convolutions, where compressing saves little and
 * costs accuracy most. */
#define MLRT_ONNX_COMPRESS_MIN 2048

typedef struct {
  const MlrtOnnxInputShape *shapes;   /* --input */
  size_t n_shapes;
  const MlrtOnnxImageInput *images;   /* --image-input */
  size_t n_images;
  int half;                           /* --compute-precision float16 */
  /* --weights: how the weights of MLRT_ONNX_COMPRESS_MIN values or more
   * are stored. MLRT_ENC_FLOAT32 (zero): as the compute precision says;
   * float16; int8 per output channel; a palette of `weight_bits` bits
   * (k-means); sparse, after pruning `weight_sparsity` (0..1) of the
   * values smallest in magnitude. */
  MlrtEncoding weights;
  int weight_bits;
  double weight_sparsity;
  const MlrtOnnxProp *metadata;       /* --metadata, over the model's */
  size_t n_metadata;
  const char *name;                   /* the model's name */
  /* Graph inputs made constants (the node tests feed weights as inputs):
   * values[i] is taken for names[i], and not freed. */
  const char *const *frozen_names;
  MlrtOnnxTensor *const *frozen_values;
  size_t n_frozen;
} MlrtOnnxConvertOptions;

/* Everything that stood in the way, one line each. */
typedef struct {
  char **lines;
  size_t n, cap;
} MlrtOnnxProblems;

typedef struct {
  char *model_json;             /* the package's model.json */
  uint8_t *weights;             /* its weights.bin */
  size_t weights_size;
  size_t n_nodes;               /* nodes in the file */
  size_t n_layers;              /* layers in the package */
  MlrtOnnxProblems problems;    /* filled on MLRT_ERROR_UNSUPPORTED */
} MlrtOnnxPackage;

void mlrt_onnx_convert_options_init (MlrtOnnxConvertOptions *options);

MlrtStatus mlrt_onnx_convert_buffer (const void *data, size_t size,
                                     const char *origin,
                                     const MlrtOnnxConvertOptions *options,
                                     MlrtOnnxPackage *package,
                                     MlrtError *error);
MlrtStatus mlrt_onnx_convert_file (const char *path,
                                   const MlrtOnnxConvertOptions *options,
                                   MlrtOnnxPackage *package,
                                   MlrtError *error);
void mlrt_onnx_package_clear (MlrtOnnxPackage *package);

void mlrt_onnx_problems_add (MlrtOnnxProblems *problems, const char *line);
void mlrt_onnx_problems_clear (MlrtOnnxProblems *problems);

/* Writes DIR (NAME.mlpackage) from the package: into a sibling temporary
 * directory first, renamed into place once complete, so a failure leaves
 * no partial package and an existing one untouched until then. */
MlrtStatus mlrt_onnx_package_write (const MlrtOnnxPackage *package,
                                    const char *dir, MlrtError *error);

#endif /* MLRT_ONNX_CONVERT_H */
