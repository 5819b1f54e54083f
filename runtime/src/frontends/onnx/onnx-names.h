/*
 * onnx-names.h: a map from value name to index. Models name thousands of
 * tensors and every node looks its inputs up by name, so a linear search
 * would make reading quadratic.
 */
#ifndef MLRT_ONNX_NAMES_H
#define MLRT_ONNX_NAMES_H

#include <stddef.h>

typedef struct MlrtOnnxNames MlrtOnnxNames;

MlrtOnnxNames *mlrt_onnx_names_new (void);
void mlrt_onnx_names_free (MlrtOnnxNames *names);
/* The index stored for `name`, or -1. The map does not copy names: each
 * must live as long as the map. */
int mlrt_onnx_names_get (const MlrtOnnxNames *names, const char *name);
/* Stores name -> index; 0 when out of memory. */
int mlrt_onnx_names_put (MlrtOnnxNames *names, const char *name, int index);

#endif /* MLRT_ONNX_NAMES_H */
