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
 * narrow (spans from float16 to float32 and back).
 */
#include <stdlib.h>
#include <string.h>

#include "gpu.h"
#include "layer-params.h"
#include "mlrt-internal.h"
#include "trace.h"

/* Cost model: the device's reported peak (gpu.h) at the efficiency naive
 * direct kernels reach, a fixed cost per kernel launch and per request,
 * and host <-> device copies at a PCIe-like rate. */
#define GPU_EFFICIENCY 0.1
#define GPU_LAUNCH_US 8.0
#define GPU_REQUEST_US 40.0
#define GPU_COPY_BYTES_PER_US 4000.0
#define GPU_COPY_US 10.0

typedef struct {
  int n_layers;
  MlrtGpuBuffer (*weights)[MLRT_MAX_WEIGHTS];   /* per layer, per weight */
} GpuSegment;

static int
gpu_available (void)
{
  return mlrt_gpu_available ();
}

static int
gpu_supports (const MlrtModel *model, const MlrtLayer *layer,
              const char **reason)
{
  if (layer->op == MLRT_OP_CONCAT && layer->n_inputs > MLRT_MAX_LAYER_INPUTS)
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

  return GPU_LAUNCH_US + mlrt_layer_flops (&model->spec, layer) / rate;
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
  GpuSegment *g = segment->unit_data;

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

      if (!w->data || strncmp (w->name, "bn_", 3) == 0)
        continue;               /* folded into weight and bias at load */
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
  GpuSegment *g = calloc (1, sizeof *g);
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

/* One prediction's device tensors for a segment. */
typedef struct {
  MlrtRun *run;
  const MlrtSegment *seg;
  const GpuSegment *g;
  MlrtGpuRun *gr;
  MlrtGpuBuffer *buf;       /* per spec tensor */
} GpuExec;

static MlrtGpuBuffer *
weight_buf (GpuExec *x, const MlrtLayer *l, const char *name)
{
  int li = (int) (l - x->run->model->spec.layers) - x->seg->first;

  for (int j = 0; j < l->n_weights; j++)
    if (strcmp (l->weights[j].name, name) == 0
        && x->g->weights[li][j].mem)
      return (MlrtGpuBuffer *) &x->g->weights[li][j];
  return NULL;
}

static uint64_t
data_span (GpuExec *x, int op, int t, int src, int dst, uint64_t bytes)
{
  const MlrtModel *m = x->run->model;

  return mlrt_trace_data_begin (x->run->parent_span, m->id, m->name, op,
                                MLRT_UNIT_GPU, m->spec.tensors[t].name, src,
                                dst, bytes);
}

/* Brings tensor t (produced before the segment) onto the device. */
static MlrtStatus
copy_in (GpuExec *x, int t, MlrtError *error)
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
alloc_output (GpuExec *x, int t, MlrtError *error)
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
copy_out (GpuExec *x, int t, MlrtError *error)
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

static MlrtStatus
enqueue_layer (GpuExec *x, const MlrtLayer *l, MlrtError *error)
{
  const MlrtSpec *s = &x->run->model->spec;
  MlrtGpuBuffer *in = &x->buf[l->inputs[0]], *out = &x->buf[l->output];
  MlrtGpuRun *r = x->gr;
  size_t n = mlrt_tensor_count (&s->tensors[l->output]);
  int c, h, w;

  mlrt_layer_chw (s, l->inputs[0], &c, &h, &w);
  switch (l->op)
    {
    case MLRT_OP_CONV2D:
      {
        MlrtConvParams p;
        mlrt_layer_conv_params (s, l, &p);
        return mlrt_gpu_conv2d (r, l->name, &p, in, weight_buf (x, l, "weight"),
                                weight_buf (x, l, "bias"), out, error);
      }
    case MLRT_OP_CONV_TRANSPOSE2D:
      {
        MlrtConvTransposeParams p;
        mlrt_layer_conv_t_params (s, l, &p);
        return mlrt_gpu_conv_transpose2d (r, l->name, &p, in,
                                          weight_buf (x, l, "weight"),
                                          weight_buf (x, l, "bias"), out,
                                          error);
      }
    case MLRT_OP_UPSAMPLE:
      return mlrt_gpu_upsample (r, l->name, c, h, w, l->p.scale[0],
                                l->p.scale[1],
                                l->p.bilinear ? MLRT_UPSAMPLE_BILINEAR
                                              : MLRT_UPSAMPLE_NEAREST,
                                in, out, error);
    case MLRT_OP_BATCH_NORM:
      return mlrt_gpu_batch_norm (r, l->name, c, h * w,
                                  weight_buf (x, l, "mean"),
                                  weight_buf (x, l, "variance"),
                                  weight_buf (x, l, "gamma"),
                                  weight_buf (x, l, "beta"), l->p.epsilon,
                                  l->act, l->act_alpha, in, out, error);
    case MLRT_OP_INSTANCE_NORM:
      return mlrt_gpu_instance_norm (r, l->name, c, h * w,
                                     weight_buf (x, l, "gamma"),
                                     weight_buf (x, l, "beta"), l->p.epsilon,
                                     l->act, l->act_alpha, in, out, error);
    case MLRT_OP_RELU: case MLRT_OP_SIGMOID: case MLRT_OP_TANH:
    case MLRT_OP_GELU: case MLRT_OP_LEAKY_RELU:
      {
        float alpha;
        MlrtActivation act = mlrt_layer_activation (l, &alpha);
        return mlrt_gpu_activation (r, l->name, act, alpha, n, in, out, error);
      }
    case MLRT_OP_ADD:
      return mlrt_gpu_add (r, l->name, n, in, &x->buf[l->inputs[1]], l->act,
                           l->act_alpha, out, error);
    case MLRT_OP_MUL:
      return mlrt_gpu_mul (r, l->name, n, in, &x->buf[l->inputs[1]], out,
                           error);
    case MLRT_OP_CONCAT:
      {
        int channels[MLRT_MAX_LAYER_INPUTS];
        MlrtGpuBuffer *inputs[MLRT_MAX_LAYER_INPUTS];
        for (int i = 0; i < l->n_inputs; i++)
          {
            channels[i] = (int) s->tensors[l->inputs[i]].shape[0];
            inputs[i] = &x->buf[l->inputs[i]];
          }
        return mlrt_gpu_concat_channels (r, l->name, l->n_inputs, channels,
                                         h * w, inputs, out, error);
      }
    case MLRT_OP_MAX_POOL:
    case MLRT_OP_AVG_POOL:
      {
        MlrtPoolParams p;
        mlrt_layer_pool_params (s, l, &p);
        return mlrt_gpu_pool2d (r, l->name, &p, in, out, error);
      }
    case MLRT_OP_GLOBAL_AVG_POOL:
    case MLRT_OP_GLOBAL_MAX_POOL:
      return mlrt_gpu_global_pool (r, l->name,
                                   l->op == MLRT_OP_GLOBAL_MAX_POOL
                                   ? MLRT_POOL_MAX : MLRT_POOL_AVG,
                                   c, h * w, in, out, error);
    case MLRT_OP_INNER_PRODUCT:
      return mlrt_gpu_inner_product (r, l->name,
                                     (int) mlrt_tensor_count (
                                       &s->tensors[l->inputs[0]]),
                                     (int) n, in, weight_buf (x, l, "weight"),
                                     weight_buf (x, l, "bias"), l->act,
                                     l->act_alpha, out, error);
    case MLRT_OP_SOFTMAX:
      {
        const MlrtTensor *t = &s->tensors[l->inputs[0]];
        size_t last = (size_t) t->shape[t->rank - 1];
        return mlrt_gpu_softmax (r, l->name, last ? n / last : 0, last, in,
                                 out, error);
      }
    case MLRT_OP_RESHAPE:
    case MLRT_OP_FLATTEN:
      return mlrt_gpu_copy (r, l->name, in, out, n * sizeof (float), error);
    default:
      /* Every op of the model format has a kernel above; an op added to
       * the format later fails here, by name, until it gets one. */
      return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                             "layer '%s': the gpu has no kernel for op %s",
                             l->name, mlrt_op_name (l->op));
    }
}

static void
emit_busy (GpuExec *x)
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
note_exec (GpuExec *x)
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
  GpuExec x = { run, seg, seg->unit_data, mlrt_gpu_run_new (),
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
        st = enqueue_layer (&x, l, error);
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
  .supports = gpu_supports,
  .estimate_us = gpu_estimate_us,
  .prepare = gpu_prepare,
  .release = gpu_release,
  .run_segment = gpu_run_segment,
  .transfer_us = gpu_transfer_us,
  .request_us = gpu_request_us,
};
