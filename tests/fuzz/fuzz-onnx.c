/*
 * fuzz-onnx.c: the ONNX importer from a file's bytes to its prepared graph
 * (frontends/onnx: the protobuf-c reader, then mlrt_onnx_graph_prepare:
 * sort, identity removal, shape propagation with constant folding, dead
 * node removal), as far as an importer goes today. Seeds: the model.onnx
 * files of Debian's libonnx-testdata. One entry point in one file, to be
 * pointed at the whole conversion when the frontend makes mlrt specs.
 */
#include <stddef.h>
#include <stdint.h>

#include "onnx-graph.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  MlrtOnnxGraph *graph = NULL;
  MlrtError error;

  if (mlrt_onnx_read_buffer (data, size, "fuzz.onnx", &graph, &error)
      == MLRT_OK
      && mlrt_onnx_graph_prepare (graph, NULL, 0, &error) == MLRT_OK)
    mlrt_onnx_graph_check_static (graph, &error);
  mlrt_onnx_graph_free (graph);
  return 0;
}
