/*
 * onnx-graph.h: the ONNX frontend's graph, the form an ONNX model takes
 * between the protobuf file and mlrt's own model spec.
 *
 * The generated protobuf-c structures mirror the file; this graph is what
 * the passes rewrite and what the mapping to mlrt layers reads. It keeps
 * what a model says (names, ops, domains and opsets, attributes, shapes with
 * their symbolic dims, constant tensors, producer, metadata) in plain C
 * types, so nothing past onnx-read.c sees protobuf.
 *
 * Every named tensor of the graph is an MlrtOnnxValue, like onnxruntime's
 * NodeArg: graph inputs, initializers, node outputs. Nodes refer to values
 * by index into graph->values. A value whose contents are known before
 * running (an initializer, a Constant's output, a folded result) carries
 * them in `constant`.
 */
#ifndef MLRT_ONNX_GRAPH_H
#define MLRT_ONNX_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "mlrt-internal.h"

#define MLRT_ONNX_MAX_RANK 8
/* The largest tensor the frontend holds or computes, in elements. */
#define MLRT_ONNX_MAX_ELEMENTS ((int64_t) 1 << 31)
#define MLRT_ONNX_DIM_UNKNOWN (-1)

/* Element types, numbered as TensorProto.DataType numbers them. */
typedef enum {
  MLRT_ONNX_UNDEFINED = 0,
  MLRT_ONNX_FLOAT = 1,
  MLRT_ONNX_UINT8 = 2,
  MLRT_ONNX_INT8 = 3,
  MLRT_ONNX_UINT16 = 4,
  MLRT_ONNX_INT16 = 5,
  MLRT_ONNX_INT32 = 6,
  MLRT_ONNX_INT64 = 7,
  MLRT_ONNX_STRING = 8,
  MLRT_ONNX_BOOL = 9,
  MLRT_ONNX_FLOAT16 = 10,
  MLRT_ONNX_DOUBLE = 11,
  MLRT_ONNX_UINT32 = 12,
  MLRT_ONNX_UINT64 = 13,
  MLRT_ONNX_COMPLEX64 = 14,
  MLRT_ONNX_COMPLEX128 = 15,
  MLRT_ONNX_BFLOAT16 = 16,
} MlrtOnnxType;

/* A dense tensor in host order. Bool is one byte a value; float16 and
 * bfloat16 are their 16 bits. Strings and complex numbers are not held. */
typedef struct {
  MlrtOnnxType type;
  int rank;
  int64_t dims[MLRT_ONNX_MAX_RANK];
  size_t count;                 /* elements: the product of dims */
  void *data;                   /* count elements of `type`, owned */
} MlrtOnnxTensor;

/* One dimension of a value's shape: a size, or unknown with perhaps the
 * symbolic name the model gives it ("N", "batch_size"). */
typedef struct {
  int64_t value;                /* >= 0, or MLRT_ONNX_DIM_UNKNOWN */
  char *param;                  /* the dim_param, or NULL */
} MlrtOnnxDim;

typedef struct {
  char *name;
  MlrtOnnxType type;            /* MLRT_ONNX_UNDEFINED until known */
  int rank;                     /* -1 until known */
  MlrtOnnxDim dims[MLRT_ONNX_MAX_RANK];
  MlrtOnnxTensor *constant;     /* known contents, or NULL */
  int is_input;                 /* a graph input the caller feeds */
  int is_output;                /* a graph output */
  int is_initializer;           /* from the graph's initializer list */
  /* Filled by mlrt_onnx_graph_link: the node writing it (-1: none) and
   * how many node inputs read it. */
  int producer;
  int consumers;
} MlrtOnnxValue;

/* Attribute types, numbered as AttributeProto.AttributeType numbers them;
 * graphs, sparse tensors and type protos are refused at read time. */
typedef enum {
  MLRT_ONNX_ATTR_UNDEFINED = 0,
  MLRT_ONNX_ATTR_FLOAT = 1,
  MLRT_ONNX_ATTR_INT = 2,
  MLRT_ONNX_ATTR_STRING = 3,
  MLRT_ONNX_ATTR_TENSOR = 4,
  MLRT_ONNX_ATTR_FLOATS = 6,
  MLRT_ONNX_ATTR_INTS = 7,
  MLRT_ONNX_ATTR_STRINGS = 8,
  MLRT_ONNX_ATTR_TENSORS = 9,
} MlrtOnnxAttrType;

typedef struct {
  char *name;
  MlrtOnnxAttrType type;
  float f;
  int64_t i;
  char *s;                      /* NUL-terminated; s_len bytes before it */
  size_t s_len;
  MlrtOnnxTensor *t;
  size_t n;                     /* entries in floats, ints, strings, tensors */
  float *floats;
  int64_t *ints;
  char **strings;
  MlrtOnnxTensor **tensors;
} MlrtOnnxAttr;

typedef struct {
  char *name;                   /* "" when the model leaves it unnamed */
  char *op_type;
  char *domain;                 /* "" for the default ai.onnx domain */
  int64_t opset;                /* the model's version of that domain */
  int index;                    /* position in the file, for messages */
  int *inputs;                  /* value indices; -1 for an omitted input */
  size_t n_inputs;
  int *outputs;                 /* value indices; -1 for an omitted output */
  size_t n_outputs;
  MlrtOnnxAttr *attrs;
  size_t n_attrs;
  char *doc_string;
  int removed;                  /* set by a pass, dropped by compact */
} MlrtOnnxNode;

typedef struct {
  char *domain;
  int64_t version;
} MlrtOnnxOpset;

typedef struct {
  char *key;
  char *value;
} MlrtOnnxProp;

typedef struct MlrtOnnxNames MlrtOnnxNames;

typedef struct {
  char *origin;                 /* the file it came from, for messages */
  int64_t ir_version;
  char *producer_name;
  char *producer_version;
  char *domain;
  int64_t model_version;
  char *doc_string;
  char *graph_name;
  char *graph_doc_string;
  MlrtOnnxOpset *opsets;
  size_t n_opsets;
  MlrtOnnxProp *metadata;       /* metadata_props, in file order */
  size_t n_metadata;
  MlrtOnnxValue **values;
  size_t n_values;
  size_t values_cap;
  MlrtOnnxNames *names;         /* value name -> index */
  int *inputs;                  /* graph inputs the caller feeds */
  size_t n_inputs;
  int *outputs;
  size_t n_outputs;
  MlrtOnnxNode **nodes;         /* in topological order once sorted */
  size_t n_nodes;
} MlrtOnnxGraph;

/* ---- the graph (onnx-graph.c) ---- */

MlrtOnnxGraph *mlrt_onnx_graph_new (const char *origin);
void mlrt_onnx_graph_free (MlrtOnnxGraph *graph);
/* The index of the value named `name`, or -1. */
int mlrt_onnx_graph_find (const MlrtOnnxGraph *graph, const char *name);
/* The index of the value named `name`, created (untyped, unknown shape)
 * when missing; -1 when out of memory. */
int mlrt_onnx_graph_intern (MlrtOnnxGraph *graph, const char *name);
/* The model's version of `domain` ("" and "ai.onnx" are one), or 0. */
int64_t mlrt_onnx_graph_opset (const MlrtOnnxGraph *graph, const char *domain);
/* Recomputes every value's producer and consumer count; fails on a value
 * written by two nodes. */
MlrtStatus mlrt_onnx_graph_link (MlrtOnnxGraph *graph, MlrtError *error);
/* Frees the nodes marked removed and closes the gaps. */
void mlrt_onnx_graph_compact (MlrtOnnxGraph *graph);
/* The value at a node's input or output slot, or NULL when omitted. */
MlrtOnnxValue *mlrt_onnx_node_input (const MlrtOnnxGraph *graph,
                                     const MlrtOnnxNode *node, size_t i);
MlrtOnnxValue *mlrt_onnx_node_output (const MlrtOnnxGraph *graph,
                                      const MlrtOnnxNode *node, size_t i);
/* Writes "node 'NAME' (OP, opset N)" (or, unnamed, "node #I (OP, ...)
 * writing 'OUT'") into buf. */
const char *mlrt_onnx_node_describe (const MlrtOnnxGraph *graph,
                                     const MlrtOnnxNode *node,
                                     char *buf, size_t size);
/* "ORIGIN: node 'NAME' (OP, opset N): MESSAGE" into `error`. */
MlrtStatus mlrt_onnx_node_error (const MlrtOnnxGraph *graph,
                                 const MlrtOnnxNode *node, MlrtError *error,
                                 MlrtStatus status, const char *format, ...)
  __attribute__ ((format (printf, 5, 6)));
/* Sets a value's shape to a fully known one. */
void mlrt_onnx_value_set_dims (MlrtOnnxValue *value, int rank,
                               const int64_t *dims);
/* Whether every dim of the value is known. */
int mlrt_onnx_value_is_static (const MlrtOnnxValue *value);
/* "[1,3,H,640]" or "[?]" into buf. */
const char *mlrt_onnx_value_shape_string (const MlrtOnnxValue *value,
                                          char *buf, size_t size);

/* ---- tensors (onnx-tensor.c) ---- */

const char *mlrt_onnx_type_name (MlrtOnnxType type);  /* "float", "int64" */
size_t mlrt_onnx_type_size (MlrtOnnxType type);       /* 0: not held */
/* A zero-filled tensor; NULL with an error when too large. */
MlrtOnnxTensor *mlrt_onnx_tensor_new (MlrtOnnxType type, int rank,
                                      const int64_t *dims, MlrtError *error);
MlrtOnnxTensor *mlrt_onnx_tensor_copy (const MlrtOnnxTensor *tensor);
void mlrt_onnx_tensor_free (MlrtOnnxTensor *tensor);
/* Element i read as, or written from, an int64 or a double (float16
 * and bfloat16 converted). */
int64_t mlrt_onnx_tensor_get_int (const MlrtOnnxTensor *tensor, size_t i);
double mlrt_onnx_tensor_get_double (const MlrtOnnxTensor *tensor, size_t i);
void mlrt_onnx_tensor_set_int (MlrtOnnxTensor *tensor, size_t i, int64_t v);
void mlrt_onnx_tensor_set_double (MlrtOnnxTensor *tensor, size_t i, double v);
int mlrt_onnx_type_is_float (MlrtOnnxType type);
/* Whether the product of `rank` dims stays within MLRT_ONNX_MAX_ELEMENTS;
 * the product in *count. */
int mlrt_onnx_dims_count (int rank, const int64_t *dims, size_t *count);

/* ---- protobuf to graph (onnx-read.c, onnx-proto-tensor.c) ---- */

/* Reads an ONNX model file. Every error names the file, and the node or
 * tensor at fault. */
MlrtStatus mlrt_onnx_read_file (const char *path, MlrtOnnxGraph **graph,
                                MlrtError *error);
MlrtStatus mlrt_onnx_read_buffer (const void *data, size_t size,
                                  const char *origin, MlrtOnnxGraph **graph,
                                  MlrtError *error);
/* Reads one serialized TensorProto (the node tests' input_N.pb); its name
 * in *name (may be NULL, caller frees) when asked. */
MlrtStatus mlrt_onnx_read_tensor_file (const char *path,
                                       MlrtOnnxTensor **tensor, char **name,
                                       MlrtError *error);

/* ---- attributes (onnx-attr.c) ---- */

const MlrtOnnxAttr *mlrt_onnx_node_attr (const MlrtOnnxNode *node,
                                         const char *name);
int64_t mlrt_onnx_attr_int (const MlrtOnnxNode *node, const char *name,
                            int64_t fallback);
float mlrt_onnx_attr_float (const MlrtOnnxNode *node, const char *name,
                            float fallback);
/* The string, or `fallback` when absent. */
const char *mlrt_onnx_attr_string (const MlrtOnnxNode *node,
                                   const char *name, const char *fallback);
/* The list of ints; *n = 0 and NULL when absent. */
const int64_t *mlrt_onnx_attr_ints (const MlrtOnnxNode *node,
                                    const char *name, size_t *n);
void mlrt_onnx_attr_clear (MlrtOnnxAttr *attr);

/* ---- order (onnx-toposort.c) ---- */

/* Puts the nodes in an order where each comes after the producers of its
 * inputs; a cycle is an error naming the nodes around it. Also fails on a
 * node input that nothing produces. */
MlrtStatus mlrt_onnx_graph_sort (MlrtOnnxGraph *graph, MlrtError *error);

/* ---- passes (pass-*.c) ---- */

/* A shape given on the command line, "NAME:D0,D1,..." */
typedef struct {
  char *name;
  int rank;
  int64_t dims[MLRT_ONNX_MAX_RANK];
} MlrtOnnxInputShape;

MlrtStatus mlrt_onnx_parse_input_shape (const char *arg,
                                        MlrtOnnxInputShape *shape,
                                        MlrtError *error);
void mlrt_onnx_input_shape_clear (MlrtOnnxInputShape *shape);
/* Fixes the named inputs' dynamic dims; an input the graph does not have,
 * a wrong rank or a dim that contradicts the model is an error. */
MlrtStatus mlrt_onnx_pass_pin_inputs (MlrtOnnxGraph *graph,
                                      const MlrtOnnxInputShape *shapes,
                                      size_t n_shapes, MlrtError *error);
/* Drops Identity nodes and inference-mode Dropout, wiring readers to the
 * node's input. */
MlrtStatus mlrt_onnx_pass_remove_identity (MlrtOnnxGraph *graph,
                                           MlrtError *error);
/* One walk in topological order that gives every node's outputs their
 * type and shape, and folds nodes whose inputs are all known (and Shape of
 * a static tensor) into constants. A rule that finds its inputs wrong is an
 * error naming the node; nodes whose op has no rule are listed, all of
 * them, in one error at the end of the walk. */
MlrtStatus mlrt_onnx_pass_propagate (MlrtOnnxGraph *graph, MlrtError *error);
/* Computes a node's outputs from its known inputs (its shape rule has
 * run), storing them as its output values' constants; *folded says whether
 * the op could. The node stays: the caller removes it. */
MlrtStatus mlrt_onnx_node_fold (MlrtOnnxGraph *graph, MlrtOnnxNode *node,
                                int *folded, MlrtError *error);
/* Drops nodes whose outputs nothing reads. */
MlrtStatus mlrt_onnx_pass_remove_dead (MlrtOnnxGraph *graph,
                                       MlrtError *error);
/* Fails, listing them, when any value a node reads or writes has a shape
 * that is not fully known. */
MlrtStatus mlrt_onnx_graph_check_static (const MlrtOnnxGraph *graph,
                                         MlrtError *error);
/* The passes above, in order, as mlrt-convert runs them. */
MlrtStatus mlrt_onnx_graph_prepare (MlrtOnnxGraph *graph,
                                    const MlrtOnnxInputShape *shapes,
                                    size_t n_shapes, MlrtError *error);

#endif /* MLRT_ONNX_GRAPH_H */
