/*
 * unit-cpu.c: the CPU compute unit's entry in the unit table: it supports
 * every op, estimates cost from the layer's multiply-adds, and runs a
 * segment by calling the float32 kernels of cpu/kernels.h layer by layer.
 * For float16 models the activations between layers are halves: the
 * segment widens the tensors it reads to float32 on entry and narrows those
 * read after it on exit (copy_to_unit / copy_from_unit spans).
 */
#include <stdlib.h>
#include <string.h>

#include "layer-params.h"
#include "mlrt-internal.h"
#include "trace.h"

/* A rough sustained rate for OpenBLAS-backed layers on one core. */
#define CPU_MACS_PER_US 2000.0
#define CPU_LAYER_OVERHEAD_US 2.0

static int
cpu_available (void)
{
  return 1;
}

static int
cpu_supports (const MlrtModel *model, const MlrtLayer *layer,
              const char **reason)
{
  return 1;
}

static double
cpu_estimate_us (const MlrtModel *model, const MlrtLayer *layer)
{
  return CPU_LAYER_OVERHEAD_US
         + mlrt_layer_flops (&model->spec, layer) / CPU_MACS_PER_US;
}

static const float *
weight (const MlrtLayer *l, const char *name)
{
  const MlrtWeight *w = mlrt_layer_weight (l, name);
  return w ? w->data : NULL;
}

static size_t
layer_scratch (const MlrtSpec *s, const MlrtLayer *l)
{
  if (l->op == MLRT_OP_CONV2D)
    {
      MlrtConvParams p;
      mlrt_layer_conv_params (s, l, &p);
      return mlrt_cpu_conv2d_scratch_size (&p);
    }
  if (l->op == MLRT_OP_CONV_TRANSPOSE2D)
    {
      MlrtConvTransposeParams p;
      mlrt_layer_conv_t_params (s, l, &p);
      return mlrt_cpu_conv_transpose2d_scratch_size (&p);
    }
  return 0;
}

static void
run_layer (const MlrtSpec *s, const MlrtLayer *l, float *const *f,
           float *scratch)
{
  const MlrtTensor *tin = &s->tensors[l->inputs[0]];
  const MlrtTensor *tout = &s->tensors[l->output];
  const float *in = f[l->inputs[0]];
  float *out = f[l->output];
  size_t n = mlrt_tensor_count (tout);
  int c = tin->rank == 3 ? (int) tin->shape[0] : 0;
  int hw = tin->rank == 3 ? (int) (tin->shape[1] * tin->shape[2]) : 0;

  switch (l->op)
    {
    case MLRT_OP_CONV2D:
      {
        MlrtConvParams p;
        mlrt_layer_conv_params (s, l, &p);
        mlrt_cpu_conv2d (&p, in, weight (l, "weight"), weight (l, "bias"),
                         out, scratch);
        break;
      }
    case MLRT_OP_CONV_TRANSPOSE2D:
      {
        MlrtConvTransposeParams p;
        mlrt_layer_conv_t_params (s, l, &p);
        mlrt_cpu_conv_transpose2d (&p, in, weight (l, "weight"),
                                   weight (l, "bias"), out, scratch);
        break;
      }
    case MLRT_OP_UPSAMPLE:
      mlrt_cpu_upsample (c, (int) tin->shape[1], (int) tin->shape[2],
                         l->p.scale[0], l->p.scale[1],
                         l->p.bilinear ? MLRT_UPSAMPLE_BILINEAR
                         : MLRT_UPSAMPLE_NEAREST, in, out);
      break;
    case MLRT_OP_BATCH_NORM:
      mlrt_cpu_batch_norm (c, hw, weight (l, "mean"), weight (l, "variance"),
                           weight (l, "gamma"), weight (l, "beta"),
                           l->p.epsilon, l->act, l->act_alpha, in, out);
      break;
    case MLRT_OP_INSTANCE_NORM:
      mlrt_cpu_instance_norm (c, hw, weight (l, "gamma"), weight (l, "beta"),
                              l->p.epsilon, l->act, l->act_alpha, in, out);
      break;
    case MLRT_OP_RELU: case MLRT_OP_SIGMOID: case MLRT_OP_TANH:
    case MLRT_OP_GELU: case MLRT_OP_LEAKY_RELU:
      {
        float alpha;
        MlrtActivation act = mlrt_layer_activation (l, &alpha);

        mlrt_cpu_activation (act, alpha, n, in, out);
        break;
      }
    case MLRT_OP_ADD:
      mlrt_cpu_add (n, in, f[l->inputs[1]], l->act, l->act_alpha, out);
      break;
    case MLRT_OP_MUL:
      mlrt_cpu_mul (n, in, f[l->inputs[1]], out);
      break;
    case MLRT_OP_CONCAT:
      {
        int channels[MLRT_MAX_LAYER_INPUTS];
        const float *inputs[MLRT_MAX_LAYER_INPUTS];
        for (int i = 0; i < l->n_inputs; i++)
          {
            channels[i] = (int) s->tensors[l->inputs[i]].shape[0];
            inputs[i] = f[l->inputs[i]];
          }
        mlrt_cpu_concat_channels (l->n_inputs, channels, hw, inputs, out);
        break;
      }
    case MLRT_OP_MAX_POOL:
    case MLRT_OP_AVG_POOL:
      {
        MlrtPoolParams p;
        mlrt_layer_pool_params (s, l, &p);
        mlrt_cpu_pool2d (&p, in, out);
        break;
      }
    case MLRT_OP_GLOBAL_AVG_POOL:
    case MLRT_OP_GLOBAL_MAX_POOL:
      mlrt_cpu_global_pool (l->op == MLRT_OP_GLOBAL_MAX_POOL ? MLRT_POOL_MAX
                            : MLRT_POOL_AVG, c, hw, in, out);
      break;
    case MLRT_OP_INNER_PRODUCT:
      mlrt_cpu_inner_product ((int) mlrt_tensor_count (tin), (int) n, in,
                              weight (l, "weight"), weight (l, "bias"),
                              l->act, l->act_alpha, out);
      break;
    case MLRT_OP_SOFTMAX:
      {
        size_t last = (size_t) tin->shape[tin->rank - 1];
        mlrt_cpu_softmax (n / last, last, in, out);
        break;
      }
    case MLRT_OP_RESHAPE:
    case MLRT_OP_FLATTEN:
      memcpy (out, in, n * sizeof (float));
      break;
    case MLRT_N_OPS:
      break;
    }
}

/* Float16 models: the float32 working copy of every tensor the segment
 * touches, widening those it reads from outside. */
static MlrtStatus
widen_inputs (MlrtRun *run, const MlrtSegment *seg, float **f,
              MlrtError *error)
{
  const MlrtModel *m = run->model;
  const MlrtSpec *s = &m->spec;

  for (int li = seg->first; li <= seg->last; li++)
    {
      const MlrtLayer *l = &s->layers[li];
      for (int j = 0; j < l->n_inputs; j++)
        {
          int t = l->inputs[j];
          size_t n = mlrt_tensor_count (&s->tensors[t]);
          uint64_t span;

          if (f[t] != NULL || !mlrt_layer_is_segment_input (s, t, seg->first))
            continue;
          f[t] = malloc (n * sizeof (float));
          if (f[t] == NULL)
            return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                                   "%s: out of memory", m->name);
          span = mlrt_trace_data_begin (run->parent_span, m->id, m->name,
                                        MLRT_DATA_COPY_TO_UNIT, MLRT_UNIT_CPU,
                                        s->tensors[t].name,
                                        MLRT_TYPE_FLOAT16, MLRT_TYPE_FLOAT32,
                                        n * sizeof (uint16_t));
          mlrt_half_to_float_n (run->tensors[t], f[t], n);
          mlrt_trace_data_end (span, MLRT_OK);
        }
    }
  for (int li = seg->first; li <= seg->last; li++)
    {
      int t = s->layers[li].output;
      f[t] = malloc (mlrt_tensor_count (&s->tensors[t]) * sizeof (float));
      if (f[t] == NULL)
        return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                               "%s: out of memory", m->name);
    }
  return MLRT_OK;
}

static MlrtStatus
narrow_outputs (MlrtRun *run, const MlrtSegment *seg, float *const *f,
                MlrtError *error)
{
  const MlrtModel *m = run->model;
  const MlrtSpec *s = &m->spec;

  for (int li = seg->first; li <= seg->last; li++)
    {
      int t = s->layers[li].output;
      size_t n = mlrt_tensor_count (&s->tensors[t]);
      uint16_t *dst;
      uint64_t span;

      if (!mlrt_tensor_needed_outside (s, t, seg->first, seg->last))
        continue;
      dst = mlrt_run_tensor (run, t);
      if (dst == NULL)
        return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                               "%s: out of memory", m->name);
      span = mlrt_trace_data_begin (run->parent_span, m->id, m->name,
                                    MLRT_DATA_COPY_FROM_UNIT, MLRT_UNIT_CPU,
                                    s->tensors[t].name, MLRT_TYPE_FLOAT32,
                                    MLRT_TYPE_FLOAT16, n * sizeof (float));
      mlrt_float_to_half_n (f[t], dst, n);
      mlrt_trace_data_end (span, MLRT_OK);
    }
  return MLRT_OK;
}

/* Float32 models: the layers read and write the prediction's tensors. */
static MlrtStatus
bind_tensors (MlrtRun *run, const MlrtSegment *seg, float **f,
              MlrtError *error)
{
  const MlrtSpec *s = &run->model->spec;

  for (int li = seg->first; li <= seg->last; li++)
    {
      const MlrtLayer *l = &s->layers[li];
      for (int j = 0; j < l->n_inputs; j++)
        f[l->inputs[j]] = run->tensors[l->inputs[j]];
      f[l->output] = mlrt_run_tensor (run, l->output);
      if (f[l->output] == NULL)
        return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                               "%s: out of memory", run->model->name);
    }
  return MLRT_OK;
}

static MlrtStatus
cpu_run_segment (MlrtRun *run, const MlrtSegment *seg, MlrtError *error)
{
  const MlrtModel *m = run->model;
  const MlrtSpec *s = &m->spec;
  float **f = calloc (s->n_tensors, sizeof (float *));
  float *scratch = NULL;
  size_t scratch_size = 0;
  MlrtStatus st;

  if (f == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory",
                           m->name);
  for (int li = seg->first; li <= seg->last; li++)
    {
      size_t need = layer_scratch (s, &s->layers[li]);
      if (need > scratch_size)
        scratch_size = need;
    }
  scratch = scratch_size ? malloc (scratch_size) : NULL;
  if (scratch_size && scratch == NULL)
    st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory",
                         m->name);
  else if (s->half)
    st = widen_inputs (run, seg, f, error);
  else
    st = bind_tensors (run, seg, f, error);
  for (int li = seg->first; st == MLRT_OK && li <= seg->last; li++)
    {
      const MlrtLayer *l = &s->layers[li];
      uint64_t span = mlrt_trace_layer_begin (run->compute_span, m->id,
                                              m->name, MLRT_UNIT_CPU,
                                              (uint32_t) li, l->name,
                                              mlrt_op_name (l->op));
      run_layer (s, l, f, scratch);
      mlrt_trace_layer_end (span, MLRT_OK);
    }
  if (st == MLRT_OK && s->half)
    st = narrow_outputs (run, seg, f, error);
  if (s->half)
    for (size_t t = 0; t < s->n_tensors; t++)
      free (f[t]);
  free (f);
  free (scratch);
  return st;
}

const MlrtUnitOps mlrt_cpu_unit_ops = {
  .unit = MLRT_UNIT_CPU,
  .available = cpu_available,
  .supports = cpu_supports,
  .estimate_us = cpu_estimate_us,
  .prepare = NULL,
  .release = NULL,
  .run_segment = cpu_run_segment,
};
