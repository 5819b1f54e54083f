/*
 * npu-unit.c: the emulated NPU's entry in the runtime's unit table
 * (MlrtUnitOps, mlrt-internal.h). A layer is supported when the unit can
 * describe it as an NPU op (npu-layers.c) and the device runs that op
 * (npu-support.c gives the reason when not). At load, prepare
 * turns each segment placed on the NPU into a request template: one NPU op
 * per layer, tensor slots in place of the spec's tensors, and the weights
 * converted to fp16 once. Each prediction fills the slots (converting
 * Float32 tensors to fp16 on the way in: a copy_to_unit span from float32
 * to float16; Float16 tensors in an MlrtBuffer are used in place), submits
 * the request to the device thread, waits for it, emits the device's busy
 * intervals, and copies back what is read after the segment. Layer spans
 * (opt-in) are emitted by the device thread as it runs each layer.
 */
#include <stdlib.h>
#include <string.h>

#include "layer-params.h"
#include "npu-layers.h"
#include "trace.h"

/* Cost model of the engine the emulator stands for (docs/npu.md): 16
 * fp16 multiply-adds per ns, a fixed cost per op and per request, and the
 * host's fp32 <-> fp16 conversion or copy for tensors moving in and out. */
#define NPU_MACS_PER_US 16000.0
#define NPU_OP_US 4.0
#define NPU_REQUEST_US 30.0
#define NPU_CONVERT_PER_US 1000.0
#define NPU_COPY_BYTES_PER_US 8000.0
#define NPU_TRANSFER_US 5.0

typedef struct {
  int n_ops;
  MlrtNpuOp *ops;
  int n_slots;
  int *slot_tensor;         /* the spec tensor each slot holds */
  int n_weights;
  uint16_t **weights;       /* fp16 copies, freed with the segment */
} NpuSegment;

static int
npu_available (void)
{
  return 1;
}

/* The emulator runs on the CPU, which the key names anyway. */
static const char *
npu_device (void)
{
  return "mlrt's emulated npu (float16, its own device thread)";
}

static int
npu_supports (const MlrtModel *model, const MlrtLayer *layer,
              const char **reason)
{
  MlrtNpuOp op;

  if (!mlrt_npu_describe (&model->spec, layer, &op))
    {
      *reason = "the npu has no kernel for this op";
      return 0;
    }
  return mlrt_npu_supports (&op, reason);
}

static double
npu_estimate_us (const MlrtModel *model, const MlrtLayer *layer)
{
  return NPU_OP_US
         + mlrt_layer_cost (&model->spec, layer).flops / NPU_MACS_PER_US;
}

static double
npu_transfer_us (const MlrtModel *model, int t)
{
  double n = (double) mlrt_tensor_count (&model->spec.tensors[t]);

  if (model->spec.half)
    return NPU_TRANSFER_US + n * sizeof (uint16_t) / NPU_COPY_BYTES_PER_US;
  return NPU_TRANSFER_US + n / NPU_CONVERT_PER_US;
}

static double
npu_request_us (const MlrtModel *model)
{
  return NPU_REQUEST_US;
}

static void
npu_release (MlrtModel *model, MlrtSegment *segment)
{
  NpuSegment *g = segment->unit_data;

  if (!g)
    return;
  for (int i = 0; i < g->n_weights; i++)
    free (g->weights[i]);
  free (g->weights);
  free (g->ops);
  free (g->slot_tensor);
  free (g);
  segment->unit_data = NULL;
}

/* The fp16 copy of weight `name` of l, or NULL if l has none. */
static const uint16_t *
half_weight (NpuSegment *g, const MlrtLayer *l, const char *name)
{
  const MlrtWeight *w = mlrt_layer_weight (l, name);
  size_t n;
  uint16_t *h;

  if (!w || !w->data)
    return NULL;
  n = mlrt_weight_count (w);
  h = malloc ((n ? n : 1) * sizeof *h);
  if (!h)
    return NULL;
  mlrt_npu_f32_to_f16 (n, w->data, h);
  g->weights[g->n_weights++] = h;
  return h;
}

static int
slot_of (NpuSegment *g, int *tensor_slot, int t)
{
  if (tensor_slot[t] < 0)
    {
      tensor_slot[t] = g->n_slots;
      g->slot_tensor[g->n_slots++] = t;
    }
  return tensor_slot[t];
}

static MlrtStatus
npu_prepare (MlrtModel *model, MlrtSegment *segment, MlrtError *error)
{
  const MlrtSpec *s = &model->spec;
  int n = segment->last - segment->first + 1;
  NpuSegment *g = calloc (1, sizeof *g);
  int *tensor_slot = malloc (s->n_tensors * sizeof (int));

  if (g)
    {
      g->ops = calloc (n, sizeof *g->ops);
      g->slot_tensor = calloc (s->n_tensors, sizeof (int));
      g->weights = calloc ((size_t) n * 4, sizeof *g->weights);
    }
  if (!g || !tensor_slot || !g->ops || !g->slot_tensor || !g->weights)
    {
      segment->unit_data = g;
      npu_release (model, segment);
      free (tensor_slot);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory",
                             model->name);
    }
  for (size_t t = 0; t < s->n_tensors; t++)
    tensor_slot[t] = -1;
  segment->unit_data = g;
  for (int i = 0; i < n; i++)
    {
      const MlrtLayer *l = &s->layers[segment->first + i];
      MlrtNpuOp *op = &g->ops[g->n_ops++];
      static const char *const roles[][4] = {
        [MLRT_NPU_CONV2D] = { "weight", "bias" },
        [MLRT_NPU_INNER_PRODUCT] = { "weight", "bias" },
        [MLRT_NPU_MATMUL] = { "weight", "bias" },
        [MLRT_NPU_SCALE] = { "scale", "bias" },
        [MLRT_NPU_BATCH_NORM] = { "mean", "variance", "gamma", "beta" },
        [MLRT_NPU_INSTANCE_NORM] = { "gamma", "beta" },
      };

      mlrt_npu_describe (s, l, op);
      for (int j = 0; j < l->n_inputs && j < MLRT_NPU_MAX_INPUTS; j++)
        op->inputs[j] = slot_of (g, tensor_slot, l->inputs[j]);
      op->output = slot_of (g, tensor_slot, l->output);
      if (op->kind < (int) (sizeof roles / sizeof roles[0]))
        for (int j = 0; j < 4 && roles[op->kind][j]; j++)
          op->weights[j] = half_weight (g, l, roles[op->kind][j]);
    }
  free (tensor_slot);
  return MLRT_OK;
}

static uint64_t
data_span (MlrtRun *run, int op, int t, int src, int dst, uint64_t bytes)
{
  const MlrtModel *m = run->model;

  return mlrt_trace_data_begin (run->parent_span, m->id, m->name, op,
                                MLRT_UNIT_NPU, m->spec.tensors[t].name, src,
                                dst, bytes);
}

/* Fills the slot of tensor t, read by the segment but made before it. */
static MlrtStatus
copy_in (MlrtRun *run, int t, MlrtNpuTensor *slot, MlrtError *error)
{
  const MlrtSpec *s = &run->model->spec;
  size_t n = mlrt_tensor_count (&s->tensors[t]);
  void *host = run->tensors[t];
  uint64_t span;
  double start;
  MlrtStatus st;

  if (!host)
    return mlrt_set_error (error, MLRT_ERROR_DEVICE, "tensor '%s' has no "
                           "data", s->tensors[t].name);
  if (s->half && run->buffers[t])
    {
      mlrt_npu_tensor_wrap (slot, host, n);
      return MLRT_OK;
    }
  start = mlrt_now_us ();
  span = data_span (run, MLRT_DATA_COPY_TO_UNIT, t,
                    s->half ? MLRT_TYPE_FLOAT16 : MLRT_TYPE_FLOAT32,
                    MLRT_TYPE_FLOAT16,
                    n * (s->half ? sizeof (uint16_t) : sizeof (float)));
  st = mlrt_npu_tensor_alloc (slot, n, error);
  if (st == MLRT_OK && s->half)
    memcpy (slot->data, host, n * sizeof (uint16_t));
  else if (st == MLRT_OK)
    mlrt_npu_tensor_write_f32 (slot, host);
  mlrt_trace_data_end (span, st);
  mlrt_run_note_copy (run, start, n * mlrt_run_elem_size (run));
  return st;
}

static MlrtStatus
copy_out (MlrtRun *run, int t, MlrtNpuTensor *slot, MlrtError *error)
{
  const MlrtSpec *s = &run->model->spec;
  void *host;
  uint64_t span;
  double start = mlrt_now_us ();

  if (!slot->owned)
    return MLRT_OK;             /* computed in place, in shared memory */
  host = mlrt_run_tensor (run, t);
  if (!host)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  span = data_span (run, MLRT_DATA_COPY_FROM_UNIT, t, MLRT_TYPE_FLOAT16,
                    s->half ? MLRT_TYPE_FLOAT16 : MLRT_TYPE_FLOAT32,
                    slot->n * sizeof (uint16_t));
  if (s->half)
    memcpy (host, slot->data, slot->n * sizeof (uint16_t));
  else
    mlrt_npu_tensor_read_f32 (slot, host);
  mlrt_trace_data_end (span, MLRT_OK);
  mlrt_run_note_copy (run, start, slot->n * mlrt_run_elem_size (run));
  return MLRT_OK;
}

static void
emit_busy (MlrtRun *run, const MlrtNpuRequest *req)
{
  const MlrtModel *m = run->model;
  const MlrtBusyInterval *iv;
  size_t n = mlrt_npu_request_intervals (req, &iv);

  for (size_t i = 0; i < n; i++)
    mlrt_trace_device_busy (run->compute_span, m->id, m->name, MLRT_UNIT_NPU,
                            iv[i].start_ns, iv[i].end_ns, iv[i].what);
}

/* The device thread's time on the ops (measuring at load). */
static void
note_exec (MlrtRun *run, const MlrtNpuRequest *req)
{
  const MlrtBusyInterval *iv;
  size_t n = mlrt_npu_request_intervals (req, &iv);

  run->timing->filled = 1;
  for (size_t i = 0; i < n; i++)
    run->timing->exec_us += (double) (iv[i].end_ns - iv[i].start_ns) / 1e3;
}

/* Layer spans, emitted by the device thread as it runs each op (their
 * thread is the NPU's; the collector pairs spans by id, not thread). */
typedef struct {
  MlrtRun *run;
  int first;
  uint64_t *spans;
} LayerTrace;

static void
layer_hook (size_t index, int end, void *data)
{
  LayerTrace *lt = data;
  const MlrtModel *m = lt->run->model;
  const MlrtLayer *l = &m->spec.layers[lt->first + index];

  if (end)
    mlrt_trace_layer_end (lt->spans[index], MLRT_OK);
  else
    lt->spans[index] = mlrt_trace_layer_begin (lt->run->compute_span, m->id,
                                               m->name, MLRT_UNIT_NPU,
                                               (uint32_t) (lt->first + index),
                                               l->name, l->op->name);
}

static MlrtStatus
npu_run_segment (MlrtRun *run, const MlrtSegment *seg, MlrtError *error)
{
  const MlrtSpec *s = &run->model->spec;
  const NpuSegment *g = seg->unit_data;
  MlrtNpuTensor *slots = g ? calloc (g->n_slots, sizeof *slots) : NULL;
  MlrtNpuRequest *req = NULL;
  MlrtStatus st = MLRT_OK;
  LayerTrace lt = { run, seg->first, NULL };

  if (!slots)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  if (lttng_ust_tracepoint_enabled (mlrt, layer_begin)
      || mlrt_layer_observed ())
    lt.spans = calloc (g->n_ops, sizeof *lt.spans);
  for (int i = 0; st == MLRT_OK && i < g->n_slots; i++)
    {
      int t = g->slot_tensor[i];
      size_t n = mlrt_tensor_count (&s->tensors[t]);

      if (mlrt_layer_is_segment_input (s, t, seg->first))
        st = copy_in (run, t, &slots[i], error);
      else if (s->half && run->tensors[t] && run->buffers[t])
        mlrt_npu_tensor_wrap (&slots[i], run->tensors[t], n);
      else
        st = mlrt_npu_tensor_alloc (&slots[i], n, error);
    }
  if (st == MLRT_OK)
    {
      req = mlrt_npu_submit_with_hook (g->ops, g->n_ops, slots, g->n_slots,
                                       lt.spans ? layer_hook : NULL, &lt,
                                       error);
      st = req ? mlrt_npu_wait (req, error) : error ? error->status
                                                    : MLRT_ERROR_DEVICE;
    }
  if (req)
    emit_busy (run, req);
  if (req && st == MLRT_OK && run->timing)
    note_exec (run, req);
  for (int i = 0; st == MLRT_OK && i < g->n_slots; i++)
    {
      int t = g->slot_tensor[i];

      if (!mlrt_layer_is_segment_input (s, t, seg->first)
          && mlrt_tensor_needed_outside (s, t, seg->first, seg->last))
        st = copy_out (run, t, &slots[i], error);
    }
  mlrt_npu_request_free (req);
  free (lt.spans);
  for (int i = 0; i < g->n_slots; i++)
    mlrt_npu_tensor_release (&slots[i]);
  free (slots);
  return st;
}

const MlrtUnitOps mlrt_npu_unit_ops = {
  .unit = MLRT_UNIT_NPU,
  .available = npu_available,
  .has_kernel = mlrt_npu_has_kernel,
  .supports = npu_supports,
  .estimate_us = npu_estimate_us,
  .prepare = npu_prepare,
  .release = npu_release,
  .run_segment = npu_run_segment,
  .transfer_us = npu_transfer_us,
  .request_us = npu_request_us,
  .device = npu_device,
};
