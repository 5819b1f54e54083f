/*
 * gpu-unit.c: the GPU's entry in the runtime's unit table (MlrtUnitOps,
 * mlrt-internal.h). At load, prepare uploads the weights of each segment
 * placed on the GPU into device buffers. Each prediction then sends the
 * segment as one compute request: tensors the segment reads from outside
 * are copied to the device (a copy_to_unit span; none for float32 data in
 * an MlrtBuffer, which the device uses in place), the layers are enqueued
 * back to back with intermediates kept on the device, tensors read after
 * the segment are copied back (copy_from_unit), and the device's own busy
 * intervals are emitted as device_busy events.
 *
 * The GPU computes in float32; for float16 models the copies widen and
 * narrow (spans from float16 to float32 and back). Which ops it runs, and
 * how, is its kernel table (gpu-layers.c).
 */
#include <stdlib.h>
#include <string.h>

#include "gpu-layers.h"
#include "layer-params.h"
#include "trace.h"

/* Cost model: the device's reported peak (gpu.h) at the efficiency naive
 * direct kernels reach, a fixed cost per kernel launch and per request,
 * and host <-> device copies at a PCIe-like rate. */
#define GPU_EFFICIENCY 0.1
#define GPU_LAUNCH_US 8.0
#define GPU_REQUEST_US 40.0
#define GPU_COPY_BYTES_PER_US 4000.0
#define GPU_COPY_US 10.0

static int
gpu_available (void)
{
  return mlrt_gpu_available ();
}

static int
gpu_has_kernel (const MlrtOpDef *op)
{
  return mlrt_gpu_kernel (op) != NULL;
}

static int
gpu_supports (const MlrtModel *model, const MlrtLayer *layer,
              const char **reason)
{
  if (mlrt_op_is (layer->op, MLRT_OP_CONCAT)
      && layer->n_inputs > MLRT_MAX_LAYER_INPUTS)
    {
      *reason = "concat of too many inputs";
      return 0;
    }
  return 1;
}

static double
gpu_estimate_us (const MlrtModel *model, const MlrtLayer *layer)
{
  double rate = mlrt_gpu_peak_macs_per_us () * GPU_EFFICIENCY;

  return GPU_LAUNCH_US + mlrt_layer_cost (&model->spec, layer).flops / rate;
}

static double
gpu_transfer_us (const MlrtModel *model, int t)
{
  return GPU_COPY_US + (double) mlrt_tensor_count (&model->spec.tensors[t])
                       * sizeof (float) / GPU_COPY_BYTES_PER_US;
}

static double
gpu_request_us (const MlrtModel *model)
{
  return GPU_REQUEST_US;
}

static void
gpu_release (MlrtModel *model, MlrtSegment *segment)
{
  MlrtGpuSegment *g = segment->unit_data;

  if (!g)
    return;
  for (int i = 0; i < g->n_layers; i++)
    for (int j = 0; j < MLRT_MAX_WEIGHTS; j++)
      mlrt_gpu_buffer_release (&g->weights[i][j]);
  free (g->weights);
  free (g);
  segment->unit_data = NULL;
}

/* Uploads one layer's weights into `bufs` (indexed like l->weights). */
static MlrtStatus
upload_layer (const MlrtLayer *l, MlrtGpuBuffer *bufs, MlrtError *error)
{
  MlrtGpuRun *run = mlrt_gpu_run_new ();
  MlrtStatus st = MLRT_OK;

  if (!run)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (int j = 0; st == MLRT_OK && j < l->n_weights; j++)
    {
      const MlrtWeight *w = &l->weights[j];
      size_t bytes = mlrt_weight_count (w) * sizeof (float);

      /* bn_: folded into weight and bias at load; out_: the output
       * affine's two scalars travel in the kernel's parameters */
      if (!w->data || strncmp (w->name, "bn_", 3) == 0
          || strncmp (w->name, "out_", 4) == 0)
        continue;
      st = mlrt_gpu_buffer_alloc (&bufs[j], bytes, error);
      if (st == MLRT_OK)
        st = mlrt_gpu_write (run, &bufs[j], w->data, bytes, error);
    }
  mlrt_gpu_run_free (run);
  return st;
}

static MlrtStatus
gpu_prepare (MlrtModel *model, MlrtSegment *segment, MlrtError *error)
{
  MlrtGpuSegment *g = calloc (1, sizeof *g);
  int n = segment->last - segment->first + 1;

  if (g)
    g->weights = calloc (n, sizeof *g->weights);
  if (!g || !g->weights)
    {
      free (g);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory",
                             model->name);
    }
  g->n_layers = n;
  segment->unit_data = g;
  for (int i = 0; i < n; i++)
    {
      const MlrtLayer *l = &model->spec.layers[segment->first + i];
      MlrtStatus st = upload_layer (l, g->weights[i], error);

      if (st != MLRT_OK)
        {
          mlrt_error_prefix (error, "%s: layer '%s' on the gpu", model->name,
                             l->name);
          gpu_release (model, segment);
          return st;
        }
    }
  return MLRT_OK;
}

static uint64_t
data_span (MlrtGpuExec *x, int op, int t, int src, int dst, uint64_t bytes)
{
  const MlrtModel *m = x->run->model;

  return mlrt_trace_data_begin (x->run->parent_span, m->id, m->name, op,
                                MLRT_UNIT_GPU, m->spec.tensors[t].name, src,
                                dst, bytes);
}

/* Brings tensor t (produced before the segment) onto the device. */
static MlrtStatus
copy_in (MlrtGpuExec *x, int t, MlrtError *error)
{
  const MlrtSpec *s = &x->run->model->spec;
  size_t n = mlrt_tensor_count (&s->tensors[t]);
  void *host = x->run->tensors[t];
  float *wide = NULL;
  uint64_t span;
  double start;
  MlrtStatus st;

  if (!host)
    return mlrt_set_error (error, MLRT_ERROR_DEVICE, "tensor '%s' has no "
                           "data", s->tensors[t].name);
  if (!s->half && x->run->buffers[t]
      && mlrt_gpu_can_wrap (host))
    return mlrt_gpu_buffer_wrap (&x->buf[t], host, n * sizeof (float), error);
  start = mlrt_now_us ();
  span = data_span (x, MLRT_DATA_COPY_TO_UNIT, t,
                    s->half ? MLRT_TYPE_FLOAT16 : MLRT_TYPE_FLOAT32,
                    MLRT_TYPE_FLOAT32,
                    n * (s->half ? sizeof (uint16_t) : sizeof (float)));
  st = mlrt_gpu_buffer_alloc (&x->buf[t], n * sizeof (float), error);
  if (st == MLRT_OK && s->half)
    {
      wide = malloc (n * sizeof (float));
      if (!wide)
        st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
      else
        mlrt_half_to_float_n (host, wide, n);
    }
  if (st == MLRT_OK)
    st = mlrt_gpu_write (x->gr, &x->buf[t], wide ? wide : host,
                         n * sizeof (float), error);
  free (wide);
  mlrt_trace_data_end (span, st);
  mlrt_run_note_copy (x->run, start, n * mlrt_run_elem_size (x->run));
  return st;
}

/* A device buffer for the output of a segment layer: the caller's shared
 * memory when the result lands there anyway, else device memory. */
static MlrtStatus
alloc_output (MlrtGpuExec *x, int t, MlrtError *error)
{
  const MlrtSpec *s = &x->run->model->spec;
  size_t bytes = mlrt_tensor_count (&s->tensors[t]) * sizeof (float);
  void *host = x->run->tensors[t];

  if (!s->half && host && x->run->buffers[t]
      && mlrt_gpu_can_wrap (host))
    return mlrt_gpu_buffer_wrap (&x->buf[t], host, bytes, error);
  return mlrt_gpu_buffer_alloc (&x->buf[t], bytes, error);
}

/* Copies a result read after the segment back to the host. */
static MlrtStatus
copy_out (MlrtGpuExec *x, int t, MlrtError *error)
{
  const MlrtSpec *s = &x->run->model->spec;
  size_t n = mlrt_tensor_count (&s->tensors[t]);
  void *host;
  float *wide = NULL;
  uint64_t span;
  double start;
  MlrtStatus st = MLRT_OK;

  if (x->buf[t].host)
    return mlrt_gpu_sync_to_host (x->gr, &x->buf[t], error);
  start = mlrt_now_us ();
  host = mlrt_run_tensor (x->run, t);
  if (!host)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  span = data_span (x, MLRT_DATA_COPY_FROM_UNIT, t, MLRT_TYPE_FLOAT32,
                    s->half ? MLRT_TYPE_FLOAT16 : MLRT_TYPE_FLOAT32,
                    n * sizeof (float));
  if (s->half && !(wide = malloc (n * sizeof (float))))
    st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  if (st == MLRT_OK)
    st = mlrt_gpu_read (x->gr, &x->buf[t], wide ? wide : host,
                        n * sizeof (float), error);
  if (st == MLRT_OK && wide)
    mlrt_float_to_half_n (wide, host, n);
  free (wide);
  mlrt_trace_data_end (span, st);
  mlrt_run_note_copy (x->run, start, n * mlrt_run_elem_size (x->run));
  return st;
}

static void
emit_busy (MlrtGpuExec *x)
{
  const MlrtModel *m = x->run->model;
  const MlrtBusyInterval *iv;
  size_t n = mlrt_gpu_run_intervals (x->gr, &iv);

  for (size_t i = 0; i < n; i++)
    {
      mlrt_trace_device_busy (x->run->compute_span, m->id, m->name,
                              MLRT_UNIT_GPU, iv[i].start_ns, iv[i].end_ns,
                              iv[i].what);
      if (mlrt_layer_observed ())
        mlrt_layer_observer_device (m, x->seg->first, x->seg->last,
                                    MLRT_UNIT_GPU, iv[i].what,
                                    iv[i].start_ns, iv[i].end_ns);
    }
}

/* The device's time on the segment's layers, copies excluded (measuring
 * at load): the intervals labelled with the layers' names. */
static void
note_exec (MlrtGpuExec *x)
{
  const MlrtLayer *layers = x->run->model->spec.layers;
  const MlrtBusyInterval *iv;
  size_t n = mlrt_gpu_run_intervals (x->gr, &iv);

  x->run->timing->filled = 1;
  for (size_t i = 0; i < n; i++)
    for (int li = x->seg->first; li <= x->seg->last; li++)
      if (iv[i].what == layers[li].name)
        x->run->timing->exec_us += (double) (iv[i].end_ns - iv[i].start_ns)
                                   / 1e3;
}

static MlrtStatus
gpu_run_segment (MlrtRun *run, const MlrtSegment *seg, MlrtError *error)
{
  const MlrtSpec *s = &run->model->spec;
  MlrtGpuExec x = { run, seg, seg->unit_data, mlrt_gpu_run_new (),
                calloc (s->n_tensors, sizeof (MlrtGpuBuffer)) };
  MlrtStatus st = MLRT_OK;

  if (!x.gr || !x.buf || !x.g)
    st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (int li = seg->first; st == MLRT_OK && li <= seg->last; li++)
    {
      const MlrtLayer *l = &s->layers[li];

      for (int j = 0; st == MLRT_OK && j < l->n_inputs; j++)
        if (!x.buf[l->inputs[j]].mem
            && mlrt_layer_is_segment_input (s, l->inputs[j], seg->first))
          st = copy_in (&x, l->inputs[j], error);
      if (st == MLRT_OK)
        st = alloc_output (&x, l->output, error);
      if (st == MLRT_OK)
        st = mlrt_gpu_kernel (l->op) (&x, l, error);
    }
  /* Wait for the kernels first, so the copies' spans time only copies. */
  if (st == MLRT_OK)
    st = mlrt_gpu_run_finish (x.gr, error);
  for (int li = seg->first; st == MLRT_OK && li <= seg->last; li++)
    if (mlrt_tensor_needed_outside (s, s->layers[li].output, seg->first,
                                    seg->last))
      st = copy_out (&x, s->layers[li].output, error);
  if (st == MLRT_OK)
    st = mlrt_gpu_run_finish (x.gr, error);
  if (st == MLRT_OK && run->timing)
    note_exec (&x);
  if (st == MLRT_OK)
    emit_busy (&x);
  else if (x.gr)
    mlrt_gpu_run_finish (x.gr, NULL);   /* never free what is in flight */
  for (size_t t = 0; x.buf && t < s->n_tensors; t++)
    mlrt_gpu_buffer_release (&x.buf[t]);
  free (x.buf);
  mlrt_gpu_run_free (x.gr);
  return st;
}

const MlrtUnitOps mlrt_gpu_unit_ops = {
  .unit = MLRT_UNIT_GPU,
  .available = gpu_available,
  .device = mlrt_gpu_device_description,
  .has_kernel = gpu_has_kernel,
  .supports = gpu_supports,
  .estimate_us = gpu_estimate_us,
  .prepare = gpu_prepare,
  .release = gpu_release,
  .run_segment = gpu_run_segment,
  .transfer_us = gpu_transfer_us,
  .request_us = gpu_request_us,
};
