/*
 * map-features.c: a converted model's inputs and outputs. Each graph input
 * becomes a multi-array feature of its ONNX shape and float type, or, when
 * asked (--image-input), an image whose pixels the network then
 * normalises itself, as coremltools' ImageType does: channels put in the
 * model's order (a slice reversing B, G, R when it wants R, G, B) and
 * scale * pixel + bias per channel (a scale layer), so the first layers
 * see exactly what the ONNX model expects. Each graph output becomes a
 * multi-array feature of the tensor that makes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-map.h"

/* A feature problem: no node to blame, the feature named instead. */
static MlrtStatus
refuse_feature (MlrtOnnxMap *m, const char *kind, const MlrtOnnxValue *v,
                const char *why)
{
  char *line = mlrt_strdup_printf ("%s '%s': %s", kind, v->name, why);

  if (line)
    mlrt_onnx_problems_add (m->problems, line);
  free (line);
  return MLRT_ERROR_UNSUPPORTED;
}

static MlrtFeatureType
array_type (MlrtOnnxType type)
{
  switch (type)
    {
    case MLRT_ONNX_FLOAT:
      return MLRT_TYPE_FLOAT32;
    case MLRT_ONNX_FLOAT16:
      return MLRT_TYPE_FLOAT16;
    case MLRT_ONNX_DOUBLE:
      return MLRT_TYPE_FLOAT64;
    case MLRT_ONNX_INT32:
      return MLRT_TYPE_INT32;
    case MLRT_ONNX_UNDEFINED:
    case MLRT_ONNX_UINT8:
    case MLRT_ONNX_INT8:
    case MLRT_ONNX_UINT16:
    case MLRT_ONNX_INT16:
    case MLRT_ONNX_INT64:
    case MLRT_ONNX_STRING:
    case MLRT_ONNX_BOOL:
    case MLRT_ONNX_UINT32:
    case MLRT_ONNX_UINT64:
    case MLRT_ONNX_COMPLEX64:
    case MLRT_ONNX_COMPLEX128:
    case MLRT_ONNX_BFLOAT16:
    default:
      return MLRT_TYPE_INVALID;
    }
}

/* Fills a feature for value v, of `type` and mlrt's shape of v (images:
 * [H, W]). */
static MlrtStatus
feature (MlrtOnnxMap *m, const char *kind, const MlrtOnnxValue *v,
         MlrtFeatureType type, MlrtFeature *f)
{
  int64_t dims[MLRT_ONNX_MAX_RANK];
  int rank;

  if (!mlrt_onnx_value_is_static (v) || v->rank > MLRT_MAX_RANK)
    return refuse_feature (m, kind, v, v->rank > MLRT_MAX_RANK
                           ? "more than 5 dims" : "its shape is not known");
  rank = mlrt_onnx_map_shape (v, dims);
  memset (f, 0, sizeof *f);
  f->d.type = type;
  if (type == MLRT_TYPE_BGRA8 || type == MLRT_TYPE_GRAY8
      || type == MLRT_TYPE_GRAY16_HALF)
    {
      f->d.rank = 2;
      f->d.shape[0] = dims[rank - 2];
      f->d.shape[1] = dims[rank - 1];
    }
  else
    {
      f->d.rank = rank;
      memcpy (f->d.shape, dims, (size_t) rank * sizeof *dims);
    }
  f->tensor = -1;
  f->d.name = strdup (v->name);
  return f->d.name ? MLRT_OK : MLRT_ERROR_NO_MEMORY;
}

static const MlrtOnnxImageInput *
image_option (const MlrtOnnxMap *m, const char *name)
{
  for (size_t i = 0; i < m->options->n_images; i++)
    if (strcmp (m->options->images[i].name, name) == 0)
      return &m->options->images[i];
  return NULL;
}

/* The layers from image tensor `name` ([C, H, W], 0..1) to the model's
 * input [1, C, H, W]: reorder, then scale and shift per channel. */
static MlrtStatus
normalise (MlrtOnnxMap *m, const MlrtOnnxValue *v,
           const MlrtOnnxImageInput *img, int index)
{
  /* a fake node names the layers after the input */
  MlrtOnnxNode node = { .name = v->name, .op_type = "ImageInput",
                        .domain = "", .index = -1 };
  int c = (int) v->dims[1].value, reorder = c == 3 && !img->bgr;
  int64_t h = v->dims[2].value, w = v->dims[3].value;
  int64_t cdims[4] = { 1, c, 1, 1 };
  float scale[3], bias[3];
  const char *in = v->name;
  char *rgb = NULL, *out = mlrt_strdup_printf ("%s#normalized", v->name);
  float range = img->type == MLRT_TYPE_GRAY16_HALF ? 1.0f : 255.0f;
  MlrtLayer *l;
  MlrtStatus st = MLRT_OK;

  /* image tensors hold B, G, R; the options are given that way too */
  for (int k = 0; k < c; k++)
    {
      int src = reorder ? 2 - k : k;
      scale[k] = img->scale[src] * range;
      bias[k] = img->bias[src];
    }
  if (out && reorder)
    {
      int64_t start[3] = { 2, 0, 0 }, step[3] = { -1, 1, 1 };
      int64_t shape[3] = { 3, h, w };

      rgb = mlrt_strdup_printf ("%s#rgb", v->name);
      l = rgb ? mlrt_onnx_map_unary (m, &node, "slice", in, rgb) : NULL;
      if (l == NULL)
        st = MLRT_ERROR_NO_MEMORY;
      else
        {
          mlrt_onnx_map_dims (l->p.starts, &l->p.starts_rank, 3, start);
          mlrt_onnx_map_dims (l->p.steps, &l->p.steps_rank, 3, step);
          mlrt_onnx_map_dims (l->p.shape, &l->p.shape_rank, 3, shape);
          in = rgb;
        }
    }
  l = out && st == MLRT_OK ? mlrt_onnx_map_unary (m, &node, "scale", in, out)
                           : NULL;
  if (l == NULL)
    st = MLRT_ERROR_NO_MEMORY;
  if (st == MLRT_OK)
    st = mlrt_onnx_map_weight (m, l, "scale", scale, 4, cdims);
  if (st == MLRT_OK)
    st = mlrt_onnx_map_weight (m, l, "bias", bias, 4, cdims);
  free (rgb);
  if (st == MLRT_OK)
    m->renamed[index] = out;
  else
    free (out);
  return st;
}

static MlrtStatus
map_input (MlrtOnnxMap *m, int index, MlrtFeature *f)
{
  const MlrtOnnxValue *v = m->graph->values[index];
  const MlrtOnnxImageInput *img = image_option (m, v->name);
  MlrtFeatureType type = img ? img->type : array_type (v->type);
  int want_c = img && img->type == MLRT_TYPE_BGRA8 ? 3 : 1;
  MlrtStatus st;

  if (type == MLRT_TYPE_INVALID)
    return refuse_feature (m, "input", v, "mlrt's inputs are float32, "
                           "float16, float64 or int32 arrays, or images "
                           "(--image-input)");
  if (img && (v->rank != 4 || v->dims[0].value != 1
              || v->dims[1].value != want_c))
    return refuse_feature (m, "input", v, want_c == 3
                           ? "an image input must be [1, 3, H, W] for bgra8"
                           : "an image input must be [1, 1, H, W] for gray8 "
                             "or gray16half");
  st = feature (m, "input", v, type, f);
  if (st == MLRT_OK && img)
    st = normalise (m, v, img, index);
  return st;
}

MlrtStatus
mlrt_onnx_map_features (MlrtOnnxMap *m)
{
  MlrtSpec *spec = m->spec;
  MlrtStatus status = MLRT_OK;

  m->renamed = calloc (m->graph->n_values + 1, sizeof *m->renamed);
  spec->inputs = calloc (m->graph->n_inputs + 1, sizeof *spec->inputs);
  if (m->renamed == NULL || spec->inputs == NULL)
    return MLRT_ERROR_NO_MEMORY;
  for (size_t i = 0; i < m->options->n_images; i++)
    {
      int index = mlrt_onnx_graph_find (m->graph,
                                        m->options->images[i].name);

      if (index < 0 || !m->graph->values[index]->is_input)
        {
          char line[MLRT_ERROR_MESSAGE_MAX];

          snprintf (line, sizeof line, "--image-input '%s': the model has no "
                    "input of that name", m->options->images[i].name);
          mlrt_onnx_problems_add (m->problems, line);
        }
    }
  for (size_t i = 0; i < m->graph->n_inputs; i++)
    {
      int index = m->graph->inputs[i];
      MlrtStatus st;

      if (m->graph->values[index]->constant)
        continue;               /* frozen */
      st = map_input (m, index, &spec->inputs[spec->n_inputs]);
      if (st == MLRT_OK)
        spec->n_inputs++;
      else if (st != MLRT_ERROR_UNSUPPORTED)
        status = st;
    }
  return status;
}

MlrtStatus
mlrt_onnx_map_outputs (MlrtOnnxMap *m)
{
  MlrtSpec *spec = m->spec;

  spec->outputs = calloc (m->graph->n_outputs + 1, sizeof *spec->outputs);
  if (spec->outputs == NULL)
    return MLRT_ERROR_NO_MEMORY;
  for (size_t i = 0; i < m->graph->n_outputs; i++)
    {
      const MlrtOnnxValue *v = m->graph->values[m->graph->outputs[i]];
      MlrtFeatureType type = array_type (v->type);
      MlrtStatus st;

      if (v->producer < 0)
        {
          refuse_feature (m, "output", v, v->constant
                          ? "a constant, which mlrt does not compute"
                          : "no node computes it");
          continue;
        }
      if (v->rank < 0)
        continue;               /* its node was refused already */
      if (type == MLRT_TYPE_INVALID || type == MLRT_TYPE_INT32)
        {
          refuse_feature (m, "output", v, "mlrt's outputs are float32, "
                          "float16 or float64 arrays");
          continue;
        }
      st = feature (m, "output", v, type, &spec->outputs[spec->n_outputs]);
      if (st == MLRT_OK)
        spec->n_outputs++;
      else if (st != MLRT_ERROR_UNSUPPORTED)
        return st;
    }
  return MLRT_OK;
}
