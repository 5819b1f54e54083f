/*
 * cpu-unit.c: the CPU compute unit's entry in the unit table: it has a
 * kernel for every op (cpu-layers.c), estimates cost from the layer's
 * multiply-adds, and runs a segment layer by layer with the float32
 * kernels of kernels.h. For float16 models the activations between layers
 * are halves: the segment widens the tensors it reads to float32 on entry
 * and narrows those read after it on exit (copy_to_unit / copy_from_unit
 * spans).
 */
#include <stdlib.h>
#include <string.h>

#include "cpu-layers.h"
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
cpu_has_kernel (const MlrtOpDef *op)
{
  return mlrt_cpu_kernel (op) != NULL;
}

static double
cpu_estimate_us (const MlrtModel *model, const MlrtLayer *layer)
{
  return CPU_LAYER_OVERHEAD_US
         + mlrt_layer_cost (&model->spec, layer).flops / CPU_MACS_PER_US;
}

static size_t
layer_scratch (const MlrtSpec *s, const MlrtLayer *l)
{
  const MlrtCpuKernel *k = mlrt_cpu_kernel (l->op);

  return k->scratch ? k->scratch (s, l) : 0;
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
                                              l->op->name);
      mlrt_cpu_kernel (l->op)->run (s, l, f, scratch);
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
  .has_kernel = cpu_has_kernel,
  .supports = NULL,
  .estimate_us = cpu_estimate_us,
  .prepare = NULL,
  .release = NULL,
  .run_segment = cpu_run_segment,
  .device = mlrt_cpu_device,
};
