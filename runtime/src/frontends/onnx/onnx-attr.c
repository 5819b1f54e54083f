/*
 * onnx-attr.c: reading a node's attributes by name with the defaults the
 * ONNX operator specs give, and freeing them.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx-graph.h"

const MlrtOnnxAttr *
mlrt_onnx_node_attr (const MlrtOnnxNode *node, const char *name)
{
  for (size_t i = 0; i < node->n_attrs; i++)
    if (strcmp (node->attrs[i].name, name) == 0)
      return &node->attrs[i];
  return NULL;
}

int64_t
mlrt_onnx_attr_int (const MlrtOnnxNode *node, const char *name,
                    int64_t fallback)
{
  const MlrtOnnxAttr *a = mlrt_onnx_node_attr (node, name);

  return a && a->type == MLRT_ONNX_ATTR_INT ? a->i : fallback;
}

float
mlrt_onnx_attr_float (const MlrtOnnxNode *node, const char *name,
                      float fallback)
{
  const MlrtOnnxAttr *a = mlrt_onnx_node_attr (node, name);

  return a && a->type == MLRT_ONNX_ATTR_FLOAT ? a->f : fallback;
}

const char *
mlrt_onnx_attr_string (const MlrtOnnxNode *node, const char *name,
                       const char *fallback)
{
  const MlrtOnnxAttr *a = mlrt_onnx_node_attr (node, name);

  return a && a->type == MLRT_ONNX_ATTR_STRING ? a->s : fallback;
}

const int64_t *
mlrt_onnx_attr_ints (const MlrtOnnxNode *node, const char *name, size_t *n)
{
  const MlrtOnnxAttr *a = mlrt_onnx_node_attr (node, name);

  if (a == NULL || a->type != MLRT_ONNX_ATTR_INTS)
    {
      *n = 0;
      return NULL;
    }
  *n = a->n;
  return a->ints;
}

void
mlrt_onnx_attr_clear (MlrtOnnxAttr *attr)
{
  free (attr->name);
  free (attr->s);
  mlrt_onnx_tensor_free (attr->t);
  free (attr->floats);
  free (attr->ints);
  if (attr->strings)
    for (size_t i = 0; attr->strings[i]; i++)
      free (attr->strings[i]);
  free (attr->strings);
  if (attr->tensors)
    for (size_t i = 0; attr->tensors[i]; i++)
      mlrt_onnx_tensor_free (attr->tensors[i]);
  free (attr->tensors);
  memset (attr, 0, sizeof *attr);
}
