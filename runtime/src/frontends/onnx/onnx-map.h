/*
 * onnx-map.h: the last step of the ONNX frontend, the prepared graph
 * (every shape known, constants folded, patterns fused) mapped to mlrt's
 * model spec: one or a few layers per node, weights appended to one blob.
 *
 * Each ONNX op the frontend converts names, in its row of the op table
 * (onnx-ops.c), the function that maps a node of it (map-*.c). A node that cannot be mapped
 * is refused with a reason (mlrt_onnx_map_refuse); mapping goes on so that
 * every refusal is listed at once, and no spec is made.
 *
 * Tensors keep the ONNX values' names and shapes; a node's layer keeps the
 * node's name (made unique), with the node as its origin. Layers a node
 * needs beyond its first are named after it with a suffix, and so are the
 * tensors between them.
 */
#ifndef MLRT_ONNX_MAP_H
#define MLRT_ONNX_MAP_H

#include "onnx-convert.h"
#include "onnx-rewrite.h"

struct MlrtOnnxMap {
  MlrtOnnxGraph *graph;
  const MlrtOnnxConvertOptions *options;
  MlrtSpec *spec;
  size_t layers_cap;
  uint8_t *blob;
  size_t blob_size, blob_cap;
  MlrtOnnxProblems *problems;
  char **renamed;               /* per value: the tensor holding it, when
                                 * not the value's name (an image input's
                                 * normalised tensor) */
  int n_temps;
  const MlrtOnnxNode *last_node;    /* whose layers come last */
  int node_layers;                  /* how many it has */
};

/* ---- building layers (onnx-map.c) ---- */

/* Records that `node` cannot be converted and why; returns
 * MLRT_ERROR_UNSUPPORTED, which mapping takes as "go on with the next
 * node". */
MlrtStatus mlrt_onnx_map_refuse (MlrtOnnxMap *m, const MlrtOnnxNode *node,
                                 const char *format, ...)
  __attribute__ ((format (printf, 3, 4)));
/* A new layer of `op` for `node`, writing `output` (NULL: the node's
 * first output); its params at their defaults. NULL without memory. */
MlrtLayer *mlrt_onnx_map_layer (MlrtOnnxMap *m, const MlrtOnnxNode *node,
                                const char *op, const char *output);
/* Appends an input tensor to a layer. */
MlrtStatus mlrt_onnx_map_layer_input (MlrtOnnxMap *m, MlrtLayer *layer,
                                      const char *tensor);
/* A layer of `op` from input `in` to `output` in one call. */
MlrtLayer *mlrt_onnx_map_unary (MlrtOnnxMap *m, const MlrtOnnxNode *node,
                                const char *op, const char *in,
                                const char *output);
/* A reshape layer from `in` to `out` (NULL: the node's output) giving
 * value v's shape; values move as they are. */
MlrtStatus mlrt_onnx_map_reshape_to (MlrtOnnxMap *m, const MlrtOnnxNode *node,
                                     const char *in, const char *out,
                                     const MlrtOnnxValue *v);
/* A fresh tensor name for a value between a node's layers (free() it);
 * NULL without memory. */
char *mlrt_onnx_map_temp (MlrtOnnxMap *m, const MlrtOnnxNode *node,
                          const char *what);
/* Appends a weight (float values, stored in the model's precision). */
MlrtStatus mlrt_onnx_map_weight (MlrtOnnxMap *m, MlrtLayer *layer,
                                 const char *role, const float *values,
                                 int rank, const int64_t *dims);
/* The same from a constant tensor of any numeric type. */
MlrtStatus mlrt_onnx_map_weight_tensor (MlrtOnnxMap *m, MlrtLayer *layer,
                                        const char *role,
                                        const MlrtOnnxTensor *tensor);
/* The tensor name of a node's data input i: the value's name. NULL
 * (having refused the node) when the input is absent or a constant. */
const char *mlrt_onnx_map_data (MlrtOnnxMap *m, const MlrtOnnxNode *node,
                                size_t i);
/* The constant at input i, or NULL having refused the node, naming
 * `what` the input is. */
const MlrtOnnxTensor *mlrt_onnx_map_const (MlrtOnnxMap *m,
                                           const MlrtOnnxNode *node,
                                           size_t i, const char *what);
/* A value's shape as mlrt holds it: rank 0 becomes [1]. */
int mlrt_onnx_map_shape (const MlrtOnnxValue *v, int64_t *dims);
/* Sets a DIMS param (shape, perm, ...) of `l` from n values. */
void mlrt_onnx_map_dims (int64_t *param, int *count, int n,
                         const int64_t *values);
/* Whether a node's input 0 is an image-like [1, C, H, W] tensor; if not,
 * the node is refused saying what mlrt needs. */
int mlrt_onnx_map_want_image (MlrtOnnxMap *m, const MlrtOnnxNode *node);

/* ---- the features (map-features.c) ---- */

/* The spec's inputs and outputs, and the layers an image input's
 * preprocessing needs. */
MlrtStatus mlrt_onnx_map_features (MlrtOnnxMap *m);
MlrtStatus mlrt_onnx_map_outputs (MlrtOnnxMap *m);

/* ---- the op families (map-nn.c, map-elementwise.c, map-tensor.c) ---- */

MlrtStatus mlrt_onnx_map_conv (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_conv_transpose (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_pool (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_global_pool (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_batch_norm (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_instance_norm (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_resize (MlrtOnnxMap *, MlrtOnnxNode *);

MlrtStatus mlrt_onnx_map_binary (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_variadic (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_unary_op (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_activation (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_clip (MlrtOnnxMap *, MlrtOnnxNode *);

MlrtStatus mlrt_onnx_map_reshape (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_transpose (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_concat (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_slice (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_split (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_softmax (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_matmul (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_gemm (MlrtOnnxMap *, MlrtOnnxNode *);
MlrtStatus mlrt_onnx_map_reduce (MlrtOnnxMap *, MlrtOnnxNode *);

/* Maps every node of a prepared graph into m->spec. */
MlrtStatus mlrt_onnx_map_graph (MlrtOnnxMap *m, MlrtError *error);

#endif /* MLRT_ONNX_MAP_H */
