/*
 * onnx-build.h: writes small ONNX models and TensorProto files for the
 * tests, through the protobuf-c code generated from onnx.proto: the graphs
 * that bad-input and pass tests need (a cycle, an unknown op, an Identity
 * chain) are easier to state in C than to ship as files.
 */
#ifndef ONNX_TEST_BUILD_H
#define ONNX_TEST_BUILD_H

#include <glib.h>

#include "onnx-graph.h"

typedef struct OnnxBuild OnnxBuild;
typedef struct OnnxBuildNode OnnxBuildNode;

OnnxBuild *onnx_build_new (int64_t opset);
void onnx_build_free (OnnxBuild *b);
/* A graph input or output; a negative dim is a symbolic one named "dN"
 * (N its position); rank -1 leaves the shape out. */
void onnx_build_input (OnnxBuild *b, const char *name, MlrtOnnxType type,
                       int rank, const int64_t *dims);
void onnx_build_output (OnnxBuild *b, const char *name, MlrtOnnxType type,
                        int rank, const int64_t *dims);
void onnx_build_initializer (OnnxBuild *b, const char *name,
                             const MlrtOnnxTensor *tensor);
/* A node; inputs and outputs are comma-separated names ("" for none, an
 * empty entry for an omitted optional input). */
OnnxBuildNode *onnx_build_node (OnnxBuild *b, const char *op_type,
                                const char *name, const char *inputs,
                                const char *outputs);
void onnx_build_attr_int (OnnxBuildNode *n, const char *name, int64_t v);
void onnx_build_attr_float (OnnxBuildNode *n, const char *name, float v);
void onnx_build_attr_string (OnnxBuildNode *n, const char *name,
                             const char *v);
/* The model's doc_string and metadata_props. */
void onnx_build_doc (OnnxBuild *b, const char *doc);
void onnx_build_metadata (OnnxBuild *b, const char *key, const char *value);
void onnx_build_attr_ints (OnnxBuildNode *n, const char *name, size_t count,
                           const int64_t *v);
void onnx_build_attr_tensor (OnnxBuildNode *n, const char *name,
                             const MlrtOnnxTensor *tensor);
gboolean onnx_build_write (OnnxBuild *b, const char *path, GError **error);

/* A graph with a cycle: nodes 'mix' (Add) and 'loop_relu' (Relu) read
 * each other's outputs. */
OnnxBuild *onnx_build_cycle (void);

/* A TensorProto file, its data as raw bytes or in the typed field. */
gboolean onnx_write_tensor_pb (const char *path, const char *name,
                               const MlrtOnnxTensor *tensor, gboolean raw,
                               GError **error);

#endif /* ONNX_TEST_BUILD_H */
