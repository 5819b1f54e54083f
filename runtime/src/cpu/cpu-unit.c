/*
 * cpu-unit.c: the CPU compute unit's entry in the unit table: it has a
 * kernel for every op (cpu-layers.c), estimates cost from the layer's
 * multiply-adds, and runs a segment layer by layer with the float32
 * kernels of kernels.h. For float16 models the activations between layers
 * are halves: the segment widens a tensor made before it where a layer
 * first reads it, and narrows an output read after it as soon as it is
 * made (copy_to_unit / copy_from_unit spans). Whatever no later layer
 * reads is let go after each layer (the model's liveness plan), so a long
 * segment holds memory for its widest point only. Weights a kernel
 * rearranges (Winograd's transformed kernels) are made once, when the
 * segment is prepared at load, and kept with it.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu-layers.h"
#include "cpu-pool.h"
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

/* The segment's packed weights, one array per layer (NULL: none). */
static void
cpu_release (MlrtModel *model, MlrtSegment *seg)
{
  float **packed = seg->unit_data;

  for (int li = seg->first; li <= seg->last; li++)
    free (packed[li - seg->first]);
  free (packed);
  seg->unit_data = NULL;
}

static MlrtStatus
cpu_prepare (MlrtModel *model, MlrtSegment *seg, MlrtError *error)
{
  const MlrtSpec *s = &model->spec;
  float **packed = calloc (seg->last - seg->first + 1, sizeof *packed);

  if (packed == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory",
                           model->name);
  seg->unit_data = packed;
  for (int li = seg->first; li <= seg->last; li++)
    {
      const MlrtLayer *l = &s->layers[li];
      const MlrtCpuKernel *k = mlrt_cpu_kernel (l->op);
      size_t n = k->packed ? k->packed (s, l) : 0;

      if (n == 0)
        continue;
      packed[li - seg->first] = malloc (n * sizeof (float));
      if (packed[li - seg->first] == NULL)
        {
          cpu_release (model, seg);
          return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                                 "%s: out of memory packing the weights of "
                                 "layer '%s'", model->name, l->name);
        }
      k->pack (s, l, packed[li - seg->first]);
    }
  return MLRT_OK;
}

/* Float16 models: the float32 copy of tensor t, made before the segment,
 * widened where a layer of the segment first reads it. */
static MlrtStatus
widen (MlrtRun *run, int t, MlrtError *error)
{
  const MlrtModel *m = run->model;
  const MlrtSpec *s = &m->spec;
  size_t n = mlrt_tensor_count (&s->tensors[t]);
  uint64_t span;

  run->views[t] = mlrt_run_alloc (run, n * sizeof (float));
  if (run->views[t] == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory",
                           m->name);
  span = mlrt_trace_data_begin (run->parent_span, m->id, m->name,
                                MLRT_DATA_COPY_TO_UNIT, MLRT_UNIT_CPU,
                                s->tensors[t].name, MLRT_TYPE_FLOAT16,
                                MLRT_TYPE_FLOAT32, n * sizeof (uint16_t));
  mlrt_half_to_float_n (run->tensors[t], run->views[t], n);
  mlrt_trace_data_end (span, MLRT_OK);
  return MLRT_OK;
}

/* Float16 models: layer output t, read after the segment, narrowed into
 * the prediction's tensor as soon as it is made. */
static MlrtStatus
narrow (MlrtRun *run, int t, MlrtError *error)
{
  const MlrtModel *m = run->model;
  const MlrtSpec *s = &m->spec;
  size_t n = mlrt_tensor_count (&s->tensors[t]);
  uint16_t *dst = mlrt_run_tensor (run, t);
  uint64_t span;

  if (dst == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory",
                           m->name);
  span = mlrt_trace_data_begin (run->parent_span, m->id, m->name,
                                MLRT_DATA_COPY_FROM_UNIT, MLRT_UNIT_CPU,
                                s->tensors[t].name, MLRT_TYPE_FLOAT32,
                                MLRT_TYPE_FLOAT16, n * sizeof (float));
  mlrt_float_to_half_n (run->views[t], dst, n);
  mlrt_trace_data_end (span, MLRT_OK);
  return MLRT_OK;
}

/* The float32 views layer l reads and writes: the prediction's tensors
 * themselves for float32 models, working copies for float16 ones. */
static MlrtStatus
bind_layer (MlrtRun *run, const MlrtLayer *l, MlrtError *error)
{
  const MlrtSpec *s = &run->model->spec;
  int out = l->output;

  for (int j = 0; j < l->n_inputs; j++)
    {
      int t = l->inputs[j];

      if (run->views[t] != NULL)
        continue;
      if (s->half)
        {
          MlrtStatus st = widen (run, t, error);
          if (st != MLRT_OK)
            return st;
        }
      else
        run->views[t] = run->tensors[t];
    }
  run->views[out] = s->half ? mlrt_run_alloc (run, mlrt_tensor_count (
                                &s->tensors[out]) * sizeof (float))
                            : mlrt_run_tensor (run, out);
  if (run->views[out] == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory",
                           run->model->name);
  return MLRT_OK;
}

static void
drop_view (MlrtRun *run, int t)
{
  const MlrtSpec *s = &run->model->spec;

  if (s->half)
    mlrt_run_free (run, run->views[t],
                   mlrt_tensor_count (&s->tensors[t]) * sizeof (float));
  run->views[t] = NULL;
}

/* After layer li: its output narrowed if read after the segment, and the
 * views and tensors no later layer reads let go. */
static MlrtStatus
layer_done (MlrtRun *run, const MlrtSegment *seg, int li, MlrtError *error)
{
  const MlrtSpec *s = &run->model->spec;
  const MlrtMemoryPlan *plan = &run->model->memory;
  int out = s->layers[li].output;

  if (s->half && mlrt_tensor_needed_outside (s, out, seg->first, seg->last))
    {
      MlrtStatus st = narrow (run, out, error);
      if (st != MLRT_OK)
        return st;
    }
  for (int k = plan->done_start[li]; k < plan->done_start[li + 1]; k++)
    if (run->views[plan->done[k]] != NULL)
      drop_view (run, plan->done[k]);
  mlrt_run_layer_done (run, li);
  return MLRT_OK;
}

/* Leaves every view NULL, as the run expects between segments. */
static void
drop_views (MlrtRun *run, const MlrtSegment *seg)
{
  const MlrtSpec *s = &run->model->spec;

  for (int li = seg->first; li <= seg->last; li++)
    {
      const MlrtLayer *l = &s->layers[li];
      for (int j = 0; j < l->n_inputs; j++)
        if (run->views[l->inputs[j]] != NULL)
          drop_view (run, l->inputs[j]);
      if (run->views[l->output] != NULL)
        drop_view (run, l->output);
    }
}

static MlrtStatus
cpu_run_segment (MlrtRun *run, const MlrtSegment *seg, MlrtError *error)
{
  const MlrtModel *m = run->model;
  const MlrtSpec *s = &m->spec;
  float *const *packed = seg->unit_data;
  float *scratch = NULL;
  size_t scratch_size = 0;
  MlrtStatus st = MLRT_OK;

  /* before any kernel: the pool sets OpenBLAS to one thread */
  mlrt_cpu_pool_workers ();
  for (int li = seg->first; li <= seg->last; li++)
    {
      size_t need = layer_scratch (s, &s->layers[li]);
      if (need > scratch_size)
        scratch_size = need;
    }
  scratch = scratch_size ? mlrt_run_alloc (run, scratch_size) : NULL;
  if (scratch_size && scratch == NULL)
    st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory",
                         m->name);
  for (int li = seg->first; st == MLRT_OK && li <= seg->last; li++)
    {
      const MlrtLayer *l = &s->layers[li];
      uint64_t span;

      st = bind_layer (run, l, error);
      if (st != MLRT_OK)
        break;
      span = mlrt_trace_layer_begin (run->compute_span, m->id, m->name,
                                     MLRT_UNIT_CPU, (uint32_t) li, l->name,
                                     l->op->name);
      mlrt_cpu_kernel (l->op)->run (s, l, run->views, scratch,
                                    packed ? packed[li - seg->first] : NULL);
      mlrt_trace_layer_end (span, MLRT_OK);
      st = layer_done (run, seg, li, error);
    }
  drop_views (run, seg);
  mlrt_run_free (run, scratch, scratch_size);
  return st;
}

const MlrtUnitOps mlrt_cpu_unit_ops = {
  .unit = MLRT_UNIT_CPU,
  .available = cpu_available,
  .has_kernel = cpu_has_kernel,
  .supports = NULL,
  .estimate_us = cpu_estimate_us,
  .prepare = cpu_prepare,
  .release = cpu_release,
  .run_segment = cpu_run_segment,
  .device = mlrt_cpu_device,
};
