/*
 * onnx-proto-attr.c: an AttributeProto into the frontend's attribute.
 * Subgraphs (If, Loop, Scan bodies), sparse tensors and type protos have no
 * place in mlrt's models, so they are refused here with the attribute's
 * name rather than carried along unread.
 */
#include <stdlib.h>
#include <string.h>

#include "onnx-proto.h"

/* Old exporters leave `type` unset; the field that is set tells. */
static MlrtOnnxAttrType
attr_type (const Onnx__AttributeProto *p)
{
  if (p->has_type)
    return (MlrtOnnxAttrType) p->type;
  if (p->n_floats) return MLRT_ONNX_ATTR_FLOATS;
  if (p->n_ints) return MLRT_ONNX_ATTR_INTS;
  if (p->n_strings) return MLRT_ONNX_ATTR_STRINGS;
  if (p->n_tensors) return MLRT_ONNX_ATTR_TENSORS;
  if (p->has_f) return MLRT_ONNX_ATTR_FLOAT;
  if (p->has_i) return MLRT_ONNX_ATTR_INT;
  if (p->has_s) return MLRT_ONNX_ATTR_STRING;
  if (p->t) return MLRT_ONNX_ATTR_TENSOR;
  return MLRT_ONNX_ATTR_UNDEFINED;
}

static char *
bytes_dup (const ProtobufCBinaryData *b)
{
  char *s = malloc (b->len + 1);

  if (s)
    {
      if (b->len)
        memcpy (s, b->data, b->len);
      s[b->len] = '\0';
    }
  return s;
}

static MlrtStatus
no_memory (MlrtError *error)
{
  return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
}

static MlrtStatus
copy_lists (const Onnx__AttributeProto *p, MlrtOnnxAttr *a, MlrtError *error)
{
  switch (a->type)
    {
    case MLRT_ONNX_ATTR_FLOATS:
      a->n = p->n_floats;
      a->floats = malloc ((a->n ? a->n : 1) * sizeof *a->floats);
      if (a->floats == NULL)
        return no_memory (error);
      if (a->n)
        memcpy (a->floats, p->floats, a->n * sizeof *a->floats);
      return MLRT_OK;
    case MLRT_ONNX_ATTR_INTS:
      a->n = p->n_ints;
      a->ints = malloc ((a->n ? a->n : 1) * sizeof *a->ints);
      if (a->ints == NULL)
        return no_memory (error);
      if (a->n)
        memcpy (a->ints, p->ints, a->n * sizeof *a->ints);
      return MLRT_OK;
    case MLRT_ONNX_ATTR_STRINGS:
      a->strings = calloc (p->n_strings + 1, sizeof *a->strings);
      if (a->strings == NULL)
        return no_memory (error);
      for (; a->n < p->n_strings; a->n++)
        if ((a->strings[a->n] = bytes_dup (&p->strings[a->n])) == NULL)
          return no_memory (error);
      return MLRT_OK;
    case MLRT_ONNX_ATTR_TENSORS:
      a->tensors = calloc (p->n_tensors + 1, sizeof *a->tensors);
      if (a->tensors == NULL)
        return no_memory (error);
      for (; a->n < p->n_tensors; a->n++)
        {
          MlrtStatus status = mlrt_onnx_tensor_from_proto (p->tensors[a->n],
                                                           &a->tensors[a->n],
                                                           error);
          if (status != MLRT_OK)
            return status;
        }
      return MLRT_OK;
    case MLRT_ONNX_ATTR_UNDEFINED: case MLRT_ONNX_ATTR_FLOAT:
    case MLRT_ONNX_ATTR_INT: case MLRT_ONNX_ATTR_STRING:
    case MLRT_ONNX_ATTR_TENSOR:
    default:
      return MLRT_OK;
    }
}

MlrtStatus
mlrt_onnx_attr_from_proto (const Onnx__AttributeProto *p, MlrtOnnxAttr *a,
                           MlrtError *error)
{
  memset (a, 0, sizeof *a);
  a->name = strdup (p->name ? p->name : "");
  if (a->name == NULL)
    return no_memory (error);
  if (p->ref_attr_name)
    return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                           "attribute '%s' refers to a function's attribute, "
                           "which only functions may do", a->name);
  a->type = attr_type (p);
  switch ((int) a->type)
    {
    case MLRT_ONNX_ATTR_FLOAT: a->f = p->f; return MLRT_OK;
    case MLRT_ONNX_ATTR_INT: a->i = p->i; return MLRT_OK;
    case MLRT_ONNX_ATTR_STRING:
      a->s = bytes_dup (&p->s);
      a->s_len = p->s.len;
      return a->s ? MLRT_OK : no_memory (error);
    case MLRT_ONNX_ATTR_TENSOR:
      if (p->t == NULL)
        return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                               "tensor attribute '%s' holds no tensor",
                               a->name);
      return mlrt_onnx_tensor_from_proto (p->t, &a->t, error);
    case MLRT_ONNX_ATTR_FLOATS: case MLRT_ONNX_ATTR_INTS:
    case MLRT_ONNX_ATTR_STRINGS: case MLRT_ONNX_ATTR_TENSORS:
      return copy_lists (p, a, error);
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH:
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPHS:
      return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                             "attribute '%s' holds a subgraph (control "
                             "flow), which mlrt does not import", a->name);
    default:
      return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                             "attribute '%s' is of a type mlrt does not "
                             "import (AttributeProto type %d: sparse "
                             "tensors, types)", a->name, (int) a->type);
    }
}
