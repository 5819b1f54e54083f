/*
 * npy.h: reading and writing NumPy .npy files (format 1.0, little-endian,
 * C order), the format the tests exchange tensors in with ONNX Runtime
 * (ort-run.mjs). Tensors are the ONNX frontend's own.
 */
#ifndef ONNX_TEST_NPY_H
#define ONNX_TEST_NPY_H

#include <glib.h>

#include "onnx-graph.h"

gboolean npy_write (const char *path, const MlrtOnnxTensor *tensor,
                    GError **error);
/* A tensor, or NULL with an error naming the file. */
MlrtOnnxTensor *npy_read (const char *path, GError **error);

#endif /* ONNX_TEST_NPY_H */
