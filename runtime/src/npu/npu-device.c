/*
 * npu-device.c: the emulated NPU's device: one thread ("mlrt-npu") that
 * owns the NPU's working memory and runs requests from its queue (a FIFO
 * under a mutex, a condition variable to wake the device and one to signal
 * completions), like the command queue of a real accelerator. Submitting
 * checks a request, queues it and returns; the caller waits on the handle.
 * The device timestamps each op with CLOCK_MONOTONIC as it runs it: those
 * are the unit's busy intervals.
 *
 * Also here: NPU tensors (fp16, 64-byte aligned) and the fp32 <-> fp16
 * conversions that move data in and out of them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "npu-half.h"
#include "npu-private.h"

struct MlrtNpuRequest {
  const MlrtNpuOp *ops;
  size_t n_ops;
  MlrtNpuTensor *tensors;
  MlrtBusyInterval *intervals;
  size_t n_intervals;
  MlrtNpuOpHook hook;
  void *hook_data;
  int done;
  MlrtStatus status;
  char message[256];
  MlrtNpuRequest *next;
};

static pthread_once_t device_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t queue_done = PTHREAD_COND_INITIALIZER;
static MlrtNpuRequest *queue_head, *queue_tail;
static int device_started;

static MlrtStatus
fail (MlrtError *error, MlrtStatus status, const char *format, ...)
  __attribute__ ((format (printf, 3, 4)));

static MlrtStatus
fail (MlrtError *error, MlrtStatus status, const char *format, ...)
{
  va_list ap;

  if (error)
    {
      error->status = status;
      va_start (ap, format);
      vsnprintf (error->message, sizeof error->message, format, ap);
      va_end (ap);
    }
  return status;
}

static uint64_t
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void
execute (MlrtNpuRequest *r, MlrtNpuScratch *scratch)
{
  for (size_t i = 0; i < r->n_ops; i++)
    {
      const MlrtNpuOp *op = &r->ops[i];
      uint64_t start;
      const char *err;

      if (r->hook)
        r->hook (i, 0, r->hook_data);
      start = monotonic_ns ();
      err = mlrt_npu_run_op (op, r->tensors, scratch);
      r->intervals[r->n_intervals++]
        = (MlrtBusyInterval) { start, monotonic_ns (),
                               op->name ? op->name : "" };
      if (r->hook)
        r->hook (i, 1, r->hook_data);
      if (err)
        {
          r->status = MLRT_ERROR_DEVICE;
          snprintf (r->message, sizeof r->message, "npu: %s: %s",
                    op->name ? op->name : "op", err);
          return;
        }
    }
}

static void *
device_main (void *data)
{
  MlrtNpuScratch scratch = { 0 };

  for (;;)
    {
      MlrtNpuRequest *r;

      pthread_mutex_lock (&queue_lock);
      while (!queue_head)
        pthread_cond_wait (&queue_work, &queue_lock);
      r = queue_head;
      queue_head = r->next;
      if (!queue_head)
        queue_tail = NULL;
      pthread_mutex_unlock (&queue_lock);

      execute (r, &scratch);

      pthread_mutex_lock (&queue_lock);
      r->done = 1;
      pthread_cond_broadcast (&queue_done);
      pthread_mutex_unlock (&queue_lock);
    }
  return NULL;
}

static void
start_device (void)
{
  pthread_attr_t attr;
  pthread_t thread;

  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  if (pthread_create (&thread, &attr, device_main, NULL) == 0)
    {
      pthread_setname_np (thread, "mlrt-npu");
      device_started = 1;
    }
  pthread_attr_destroy (&attr);
}

size_t
mlrt_npu_weight_extent (const MlrtBroadcast *bc, int o)
{
  size_t n = 1;

  for (int d = 0; d < bc->rank; d++)
    n += (size_t) ((bc->shape[d] - 1) * bc->stride[o][d]);
  return n;
}

static size_t
count (int rank, const int64_t *dims)
{
  size_t n = 1;

  for (int d = 0; d < rank; d++)
    n *= (size_t) dims[d];
  return n;
}

/* The values a gather reads: up to its farthest element. */
static size_t
gather_extent (const MlrtGather *g)
{
  int64_t hi = g->offset;

  for (int d = 0; d < g->rank; d++)
    if (g->stride[d] > 0)
      hi += (g->shape[d] - 1) * g->stride[d];
  return (size_t) hi + 1;
}

static size_t
matmul_extent (const MlrtMatmul *mm, int i)
{
  size_t items = count (mm->batch.rank, mm->batch.shape);

  if (i < 0)
    return items * (size_t) (mm->m * mm->n);
  return mlrt_npu_weight_extent (&mm->batch, i)
         * (size_t) (i == 0 ? mm->m * mm->k : mm->k * mm->n);
}

size_t
mlrt_npu_extent_of (const MlrtNpuOp *op, int i)
{
  const MlrtConvParams *c = &op->p.conv;
  const MlrtPoolParams *p = &op->p.pool;
  int out = i < 0;

  switch (op->kind)
    {
    case MLRT_NPU_CONV2D:
      return out ? (size_t) c->out_c * c->out_h * c->out_w
                 : (size_t) c->in_c * c->in_h * c->in_w;
    case MLRT_NPU_POOL2D:
      return (size_t) p->c * (out ? p->out_h * p->out_w : p->in_h * p->in_w);
    case MLRT_NPU_GLOBAL_POOL:
      return (size_t) op->p.global_pool.c
             * (out ? 1 : (size_t) op->p.global_pool.hw);
    case MLRT_NPU_BATCH_NORM:
    case MLRT_NPU_INSTANCE_NORM:
      return (size_t) op->p.norm.c * op->p.norm.hw;
    case MLRT_NPU_UPSAMPLE:
      return (size_t) op->p.upsample.c * op->p.upsample.h * op->p.upsample.w
             * (out ? (size_t) op->p.upsample.sh * op->p.upsample.sw : 1);
    case MLRT_NPU_INNER_PRODUCT:
      return (size_t) (out ? op->p.fc.out_features : op->p.fc.in_features);
    case MLRT_NPU_SOFTMAX:
      return op->p.softmax.outer * op->p.softmax.n * op->p.softmax.inner;
    case MLRT_NPU_CONCAT:
      if (!out)
        return op->p.concat.outer * op->p.concat.chunk[i];
      {
        size_t n = 0;
        for (int j = 0; j < op->n_inputs && j < MLRT_NPU_MAX_INPUTS; j++)
          n += op->p.concat.outer * op->p.concat.chunk[j];
        return n;
      }
    case MLRT_NPU_COPY:
      return op->p.copy.n;
    case MLRT_NPU_ACTIVATION:
      return op->p.eltwise.n;
    case MLRT_NPU_CLAMP:
      return op->p.clamp.n;
    case MLRT_NPU_UNARY:
      return op->p.unary.n;
    case MLRT_NPU_BINARY:
      return out ? count (op->p.binary.bc.rank, op->p.binary.bc.shape)
                 : mlrt_npu_weight_extent (&op->p.binary.bc, i);
    case MLRT_NPU_SCALE:
      return count (op->p.scale.bc.rank, op->p.scale.bc.shape);
    case MLRT_NPU_MATMUL:
      return matmul_extent (&op->p.matmul.mm, i);
    case MLRT_NPU_GATHER:
      return out ? count (op->p.gather.rank, op->p.gather.shape)
                 : gather_extent (&op->p.gather);
    case MLRT_NPU_REDUCE:
      return out ? count (op->p.reduce.kept_rank, op->p.reduce.kept)
                 : count (op->p.reduce.kept_rank, op->p.reduce.kept)
                   * count (op->p.reduce.red_rank, op->p.reduce.red);
    case MLRT_NPU_CONV_TRANSPOSE2D:
    default:
      return 0;
    }
}

/* Refuses what the device cannot run before it reaches the device. */
static MlrtStatus
check_op (const MlrtNpuOp *op, MlrtNpuTensor *t, int n_tensors,
          MlrtError *error)
{
  const char *name = op->name ? op->name : "op", *reason;
  size_t in_n, out_n;
  int i;

  if (!mlrt_npu_supports (op, &reason))
    return fail (error, MLRT_ERROR_UNSUPPORTED, "npu: %s: %s", name, reason);
  if (op->n_inputs < 1 || op->output < 0 || op->output >= n_tensors)
    return fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                 "npu: %s: bad tensor slots", name);
  for (i = 0; i < op->n_inputs; i++)
    if (op->inputs[i] < 0 || op->inputs[i] >= n_tensors
        || !t[op->inputs[i]].data)
      return fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                   "npu: %s: input %d names no tensor", name, i);
  out_n = mlrt_npu_extent_of (op, -1);
  if (t[op->output].n < out_n || !t[op->output].data)
    return fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                 "npu: %s: an output of %zu values for an op writing %zu",
                 name, t[op->output].n, out_n);
  if (op->kind == MLRT_NPU_BINARY && op->n_inputs != 2)
    return fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                 "npu: %s: needs two inputs", name);
  for (i = 0; i < op->n_inputs; i++)
    if (t[op->inputs[i]].n < (in_n = mlrt_npu_extent_of (op, i)))
      return fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                   "npu: %s: input %d of %zu values for an op reading %zu",
                   name, i, t[op->inputs[i]].n, in_n);
  if ((op->kind == MLRT_NPU_CONV2D || op->kind == MLRT_NPU_INNER_PRODUCT
       || op->kind == MLRT_NPU_MATMUL
       || op->kind == MLRT_NPU_INSTANCE_NORM) && !op->weights[0])
    return fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                 "npu: %s: missing weights", name);
  if (op->kind == MLRT_NPU_BATCH_NORM
      && !(op->weights[0] && op->weights[1] && op->weights[2]
           && op->weights[3]))
    return fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                 "npu: %s: batch norm needs mean, variance, gamma, beta",
                 name);
  if (op->kind == MLRT_NPU_INSTANCE_NORM && !op->weights[1])
    return fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                 "npu: %s: instance norm needs gamma and beta", name);
  if (op->kind == MLRT_NPU_CONV2D
      && (op->p.conv.groups < 1 || op->p.conv.in_c % op->p.conv.groups
          || op->p.conv.out_c % op->p.conv.groups))
    return fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                 "npu: %s: groups do not divide the channels", name);
  return MLRT_OK;
}

MlrtNpuRequest *
mlrt_npu_submit (const MlrtNpuOp *ops, size_t n_ops, MlrtNpuTensor *tensors,
                 int n_tensors, MlrtError *error)
{
  return mlrt_npu_submit_with_hook (ops, n_ops, tensors, n_tensors, NULL,
                                    NULL, error);
}

MlrtNpuRequest *
mlrt_npu_submit_with_hook (const MlrtNpuOp *ops, size_t n_ops,
                           MlrtNpuTensor *tensors, int n_tensors,
                           MlrtNpuOpHook hook, void *hook_data,
                           MlrtError *error)
{
  MlrtNpuRequest *r;

  for (size_t i = 0; i < n_ops; i++)
    if (check_op (&ops[i], tensors, n_tensors, error) != MLRT_OK)
      return NULL;
  pthread_once (&device_once, start_device);
  if (!device_started)
    {
      fail (error, MLRT_ERROR_DEVICE, "npu: cannot start the device thread");
      return NULL;
    }
  r = calloc (1, sizeof *r);
  if (r)
    r->intervals = calloc (n_ops ? n_ops : 1, sizeof *r->intervals);
  if (!r || !r->intervals)
    {
      free (r);
      fail (error, MLRT_ERROR_NO_MEMORY, "npu: out of memory queueing a "
            "request of %zu ops", n_ops);
      return NULL;
    }
  r->ops = ops;
  r->n_ops = n_ops;
  r->tensors = tensors;
  r->hook = hook;
  r->hook_data = hook_data;
  pthread_mutex_lock (&queue_lock);
  if (queue_tail)
    queue_tail->next = r;
  else
    queue_head = r;
  queue_tail = r;
  pthread_cond_signal (&queue_work);
  pthread_mutex_unlock (&queue_lock);
  return r;
}

MlrtStatus
mlrt_npu_wait (MlrtNpuRequest *r, MlrtError *error)
{
  pthread_mutex_lock (&queue_lock);
  while (!r->done)
    pthread_cond_wait (&queue_done, &queue_lock);
  pthread_mutex_unlock (&queue_lock);
  if (r->status != MLRT_OK)
    return fail (error, r->status, "%s", r->message);
  return MLRT_OK;
}

size_t
mlrt_npu_request_intervals (const MlrtNpuRequest *r,
                            const MlrtBusyInterval **intervals)
{
  *intervals = r->intervals;
  return r->n_intervals;
}

void
mlrt_npu_request_free (MlrtNpuRequest *r)
{
  if (!r)
    return;
  free (r->intervals);
  free (r);
}

MlrtStatus
mlrt_npu_tensor_alloc (MlrtNpuTensor *t, size_t n, MlrtError *error)
{
  void *p = NULL;

  memset (t, 0, sizeof *t);
  if (posix_memalign (&p, 64, (n ? n : 1) * sizeof (uint16_t)) != 0)
    return fail (error, MLRT_ERROR_NO_MEMORY,
                 "npu: cannot allocate a tensor of %zu values", n);
  t->data = p;
  t->n = n;
  t->owned = 1;
  return MLRT_OK;
}

void
mlrt_npu_tensor_wrap (MlrtNpuTensor *t, uint16_t *half_data, size_t n)
{
  t->data = half_data;
  t->n = n;
  t->owned = 0;
}

void
mlrt_npu_tensor_release (MlrtNpuTensor *t)
{
  if (t && t->owned)
    free (t->data);
  if (t)
    memset (t, 0, sizeof *t);
}

void
mlrt_npu_f32_to_f16 (size_t n, const float *src, uint16_t *dst)
{
  for (size_t i = 0; i < n; i++)
    dst[i] = mlrt_npu_half_from_float (src[i]);
}

void
mlrt_npu_f16_to_f32 (size_t n, const uint16_t *src, float *dst)
{
  for (size_t i = 0; i < n; i++)
    dst[i] = mlrt_npu_half_to_float (src[i]);
}

void
mlrt_npu_tensor_write_f32 (MlrtNpuTensor *t, const float *src)
{
  mlrt_npu_f32_to_f16 (t->n, src, t->data);
}

void
mlrt_npu_tensor_read_f32 (const MlrtNpuTensor *t, float *dst)
{
  mlrt_npu_f16_to_f32 (t->n, t->data, dst);
}
