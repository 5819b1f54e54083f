/*
 * onnx-build.c: the model and TensorProto writer of onnx-build.h. Messages
 * are built in memory owned by the builder (every allocation is kept in
 * one list and freed with it) and packed with protobuf-c.
 */
#include <string.h>

#include "onnx.pb-c.h"
#include "onnx-build.h"

struct OnnxBuild {
  GPtrArray *owned;
  GPtrArray *inputs, *outputs, *nodes, *initializers, *props;
  int64_t opset;
  const char *doc;
};

struct OnnxBuildNode {
  OnnxBuild *b;
  Onnx__NodeProto *proto;
  GPtrArray *attrs;
};

static gpointer
own (OnnxBuild *b, gpointer p)
{
  g_ptr_array_add (b->owned, p);
  return p;
}

static char *
own_str (OnnxBuild *b, const char *s)
{
  return own (b, g_strdup (s));
}

OnnxBuild *
onnx_build_new (int64_t opset)
{
  OnnxBuild *b = g_new0 (OnnxBuild, 1);

  b->owned = g_ptr_array_new_with_free_func (g_free);
  b->inputs = g_ptr_array_new ();
  b->outputs = g_ptr_array_new ();
  b->nodes = g_ptr_array_new ();
  b->initializers = g_ptr_array_new ();
  b->props = g_ptr_array_new ();
  b->opset = opset;
  return b;
}

void
onnx_build_free (OnnxBuild *b)
{
  for (guint i = 0; i < b->nodes->len; i++)
    g_ptr_array_free (((OnnxBuildNode *) b->nodes->pdata[i])->attrs, TRUE);
  g_ptr_array_free (b->inputs, TRUE);
  g_ptr_array_free (b->outputs, TRUE);
  g_ptr_array_free (b->nodes, TRUE);
  g_ptr_array_free (b->initializers, TRUE);
  g_ptr_array_free (b->props, TRUE);
  g_ptr_array_free (b->owned, TRUE);
  g_free (b);
}

static Onnx__ValueInfoProto *
value_info (OnnxBuild *b, const char *name, MlrtOnnxType type, int rank,
            const int64_t *dims)
{
  Onnx__ValueInfoProto *v = own (b, g_new0 (Onnx__ValueInfoProto, 1));
  Onnx__TypeProto *t = own (b, g_new0 (Onnx__TypeProto, 1));
  Onnx__TypeProto__Tensor *tt = own (b, g_new0 (Onnx__TypeProto__Tensor, 1));

  onnx__value_info_proto__init (v);
  onnx__type_proto__init (t);
  onnx__type_proto__tensor__init (tt);
  v->name = own_str (b, name);
  v->type = t;
  t->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  t->tensor_type = tt;
  tt->has_elem_type = TRUE;
  tt->elem_type = type;
  if (rank < 0)
    return v;
  tt->shape = own (b, g_new0 (Onnx__TensorShapeProto, 1));
  onnx__tensor_shape_proto__init (tt->shape);
  tt->shape->n_dim = (size_t) rank;
  tt->shape->dim = own (b, g_new0 (Onnx__TensorShapeProto__Dimension *,
                                   rank + 1));
  for (int d = 0; d < rank; d++)
    {
      Onnx__TensorShapeProto__Dimension *dim =
        own (b, g_new0 (Onnx__TensorShapeProto__Dimension, 1));

      onnx__tensor_shape_proto__dimension__init (dim);
      if (dims[d] >= 0)
        {
          dim->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
          dim->dim_value = dims[d];
        }
      else
        {
          dim->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
          dim->dim_param = own (b, g_strdup_printf ("d%d", d));
        }
      tt->shape->dim[d] = dim;
    }
  return v;
}

void
onnx_build_input (OnnxBuild *b, const char *name, MlrtOnnxType type,
                  int rank, const int64_t *dims)
{
  g_ptr_array_add (b->inputs, value_info (b, name, type, rank, dims));
}

void
onnx_build_output (OnnxBuild *b, const char *name, MlrtOnnxType type,
                   int rank, const int64_t *dims)
{
  g_ptr_array_add (b->outputs, value_info (b, name, type, rank, dims));
}

/* A copy of the tensor's values, never NULL (protobuf-c takes NULL for
 * absent): one byte more, zeroed, so an empty tensor has storage too. */
static void *
tensor_bytes (const MlrtOnnxTensor *t, size_t size)
{
  void *copy = g_malloc0 (t->count * size + 1);

  memcpy (copy, t->data, t->count * size);
  return copy;
}

/* A TensorProto of `t`, with its data raw or in the typed field. */
static Onnx__TensorProto *
tensor_proto (OnnxBuild *b, const char *name, const MlrtOnnxTensor *t,
              gboolean raw)
{
  Onnx__TensorProto *p = own (b, g_new0 (Onnx__TensorProto, 1));
  size_t size = mlrt_onnx_type_size (t->type);

  onnx__tensor_proto__init (p);
  p->name = own_str (b, name);
  p->has_data_type = TRUE;
  p->data_type = t->type;
  p->n_dims = (size_t) t->rank;
  p->dims = own (b, g_memdup2 (t->dims, sizeof t->dims));
  if (raw)
    {
      p->has_raw_data = TRUE;
      p->raw_data.len = t->count * size;
      p->raw_data.data = own (b, tensor_bytes (t, size));
      return p;
    }
  switch (t->type)
    {
    case MLRT_ONNX_FLOAT:
      p->n_float_data = t->count;
      p->float_data = own (b, tensor_bytes (t, size));
      break;
    case MLRT_ONNX_DOUBLE:
      p->n_double_data = t->count;
      p->double_data = own (b, tensor_bytes (t, size));
      break;
    case MLRT_ONNX_INT64:
      p->n_int64_data = t->count;
      p->int64_data = own (b, tensor_bytes (t, size));
      break;
    case MLRT_ONNX_UINT32: case MLRT_ONNX_UINT64:
      p->n_uint64_data = t->count;
      p->uint64_data = own (b, g_new0 (uint64_t, t->count + 1));
      for (size_t i = 0; i < t->count; i++)
        p->uint64_data[i] = (uint64_t) mlrt_onnx_tensor_get_int (t, i);
      break;
    case MLRT_ONNX_FLOAT16: case MLRT_ONNX_BFLOAT16:
      p->n_int32_data = t->count;
      p->int32_data = own (b, g_new0 (int32_t, t->count + 1));
      for (size_t i = 0; i < t->count; i++)
        p->int32_data[i] = ((const uint16_t *) t->data)[i];
      break;
    case MLRT_ONNX_UINT8: case MLRT_ONNX_INT8: case MLRT_ONNX_UINT16:
    case MLRT_ONNX_INT16: case MLRT_ONNX_INT32: case MLRT_ONNX_BOOL:
      p->n_int32_data = t->count;
      p->int32_data = own (b, g_new0 (int32_t, t->count + 1));
      for (size_t i = 0; i < t->count; i++)
        p->int32_data[i] = (int32_t) mlrt_onnx_tensor_get_int (t, i);
      break;
    case MLRT_ONNX_UNDEFINED: case MLRT_ONNX_STRING:
    case MLRT_ONNX_COMPLEX64: case MLRT_ONNX_COMPLEX128:
    default:
      g_assert_not_reached ();
    }
  return p;
}

void
onnx_build_initializer (OnnxBuild *b, const char *name,
                        const MlrtOnnxTensor *tensor)
{
  g_ptr_array_add (b->initializers, tensor_proto (b, name, tensor, TRUE));
}

static char **
name_list (OnnxBuild *b, const char *list, size_t *n)
{
  char **names = g_strsplit (list, ",", -1);

  own (b, names);
  *n = list[0] ? g_strv_length (names) : 0;
  for (size_t i = 0; i < *n; i++)
    own (b, names[i]);
  return names;
}

OnnxBuildNode *
onnx_build_node (OnnxBuild *b, const char *op_type, const char *name,
                 const char *inputs, const char *outputs)
{
  OnnxBuildNode *n = own (b, g_new0 (OnnxBuildNode, 1));

  n->b = b;
  n->proto = own (b, g_new0 (Onnx__NodeProto, 1));
  n->attrs = g_ptr_array_new ();
  onnx__node_proto__init (n->proto);
  n->proto->op_type = own_str (b, op_type);
  n->proto->name = own_str (b, name);
  n->proto->input = name_list (b, inputs, &n->proto->n_input);
  n->proto->output = name_list (b, outputs, &n->proto->n_output);
  g_ptr_array_add (b->nodes, n);
  return n;
}

static Onnx__AttributeProto *
attr_new (OnnxBuildNode *n, const char *name,
          Onnx__AttributeProto__AttributeType type)
{
  Onnx__AttributeProto *a = own (n->b, g_new0 (Onnx__AttributeProto, 1));

  onnx__attribute_proto__init (a);
  a->name = own_str (n->b, name);
  a->has_type = TRUE;
  a->type = type;
  g_ptr_array_add (n->attrs, a);
  return a;
}

void
onnx_build_attr_int (OnnxBuildNode *n, const char *name, int64_t v)
{
  Onnx__AttributeProto *a = attr_new (n, name,
                                      ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);

  a->has_i = TRUE;
  a->i = v;
}

void
onnx_build_attr_float (OnnxBuildNode *n, const char *name, float v)
{
  Onnx__AttributeProto *a = attr_new (n, name,
                                      ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);

  a->has_f = TRUE;
  a->f = v;
}

void
onnx_build_attr_string (OnnxBuildNode *n, const char *name, const char *v)
{
  Onnx__AttributeProto *a = attr_new (n, name,
                                      ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);

  a->has_s = TRUE;
  a->s.data = (uint8_t *) own_str (n->b, v);
  a->s.len = strlen (v);
}

void
onnx_build_doc (OnnxBuild *b, const char *doc)
{
  b->doc = own_str (b, doc);
}

void
onnx_build_metadata (OnnxBuild *b, const char *key, const char *value)
{
  Onnx__StringStringEntryProto *e = own (b, g_new0
                                         (Onnx__StringStringEntryProto, 1));

  onnx__string_string_entry_proto__init (e);
  e->key = own_str (b, key);
  e->value = own_str (b, value);
  g_ptr_array_add (b->props, e);
}

void
onnx_build_attr_ints (OnnxBuildNode *n, const char *name, size_t count,
                      const int64_t *v)
{
  Onnx__AttributeProto *a = attr_new (n, name,
                                      ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);

  a->n_ints = count;
  a->ints = own (n->b, g_memdup2 (v, count * sizeof *v));
}

void
onnx_build_attr_tensor (OnnxBuildNode *n, const char *name,
                        const MlrtOnnxTensor *tensor)
{
  Onnx__AttributeProto *a =
    attr_new (n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);

  a->t = tensor_proto (n->b, name, tensor, FALSE);
}

static gboolean
write_packed (const char *path, const ProtobufCMessage *msg, GError **error)
{
  size_t size = protobuf_c_message_get_packed_size (msg);
  guint8 *buf = g_malloc (size + 1);
  gboolean ok;

  protobuf_c_message_pack (msg, buf);
  ok = g_file_set_contents (path, (const char *) buf, (gssize) size, error);
  g_free (buf);
  return ok;
}

gboolean
onnx_build_write (OnnxBuild *b, const char *path, GError **error)
{
  Onnx__ModelProto model;
  Onnx__GraphProto graph;
  Onnx__OperatorSetIdProto opset, *opsets[1] = { &opset };
  g_autofree Onnx__NodeProto **nodes = g_new0 (Onnx__NodeProto *,
                                               b->nodes->len + 1);

  onnx__model_proto__init (&model);
  onnx__graph_proto__init (&graph);
  onnx__operator_set_id_proto__init (&opset);
  opset.domain = (char *) "";
  opset.has_version = TRUE;
  opset.version = b->opset;
  model.has_ir_version = TRUE;
  model.ir_version = 8;
  model.producer_name = (char *) "mlscope-tests";
  model.producer_version = (char *) "1.0";
  model.doc_string = (char *) b->doc;
  model.n_metadata_props = b->props->len;
  model.metadata_props = (Onnx__StringStringEntryProto **) b->props->pdata;
  model.n_opset_import = 1;
  model.opset_import = opsets;
  model.graph = &graph;
  graph.name = (char *) "test";
  for (guint i = 0; i < b->nodes->len; i++)
    {
      OnnxBuildNode *n = b->nodes->pdata[i];

      n->proto->n_attribute = n->attrs->len;
      n->proto->attribute = (Onnx__AttributeProto **) n->attrs->pdata;
      nodes[i] = n->proto;
    }
  graph.n_node = b->nodes->len;
  graph.node = nodes;
  graph.n_input = b->inputs->len;
  graph.input = (Onnx__ValueInfoProto **) b->inputs->pdata;
  graph.n_output = b->outputs->len;
  graph.output = (Onnx__ValueInfoProto **) b->outputs->pdata;
  graph.n_initializer = b->initializers->len;
  graph.initializer = (Onnx__TensorProto **) b->initializers->pdata;
  return write_packed (path, &model.base, error);
}

gboolean
onnx_write_tensor_pb (const char *path, const char *name,
                      const MlrtOnnxTensor *tensor, gboolean raw,
                      GError **error)
{
  OnnxBuild *b = onnx_build_new (1);
  gboolean ok = write_packed (path, &tensor_proto (b, name, tensor, raw)->base,
                              error);

  onnx_build_free (b);
  return ok;
}

OnnxBuild *
onnx_build_cycle (void)
{
  OnnxBuild *b = onnx_build_new (13);

  onnx_build_input (b, "x", MLRT_ONNX_FLOAT, 1, (int64_t[]) { 4 });
  onnx_build_output (b, "y", MLRT_ONNX_FLOAT, -1, NULL);
  onnx_build_node (b, "Add", "mix", "x,back", "a");
  onnx_build_node (b, "Relu", "loop_relu", "a", "back");
  onnx_build_node (b, "Sigmoid", "out", "a", "y");
  return b;
}
