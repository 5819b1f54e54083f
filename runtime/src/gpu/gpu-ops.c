/*
 * gpu-ops.c: the GPU unit's ops, one launcher per op of
 * runtime/src/cpu/kernels.h: each packs its parameters into the layout the
 * OpenCL C kernels declare (prelude.cl) and enqueues over the output.
 */
#include <string.h>

#include "gpu-private.h"

/* Mirrors ConvP and PoolP in prelude.cl: ints and floats only. */
typedef struct {
  cl_int in_c, in_h, in_w;
  cl_int out_c, out_h, out_w;
  cl_int kh, kw, sh, sw, ph, pw, dh, dw;
  cl_int groups, act;
  cl_float alpha;
  cl_int has_bias;
  cl_int has_out_affine;
  cl_float out_scale, out_shift;
} GpuConvP;

typedef struct {
  cl_int c, in_h, in_w, out_h, out_w;
  cl_int kh, kw, sh, sw, ph, pw;
  cl_int is_max, count_pad;
} GpuPoolP;

/* Mirror BcastP, GatherP, ReduceP and MatmulP. */
typedef struct {
  cl_int rank;
  cl_int shape[MLRT_MAX_RANK];
  cl_int stride[MLRT_BROADCAST_MAX_OPERANDS][MLRT_MAX_RANK];
} GpuBcastP;

typedef struct {
  cl_int rank;
  cl_int shape[MLRT_MAX_RANK];
  cl_int stride[MLRT_MAX_RANK];
  cl_int offset;
} GpuGatherP;

typedef struct {
  cl_int op;
  cl_int kept_rank;
  cl_int kept[MLRT_MAX_RANK], kept_stride[MLRT_MAX_RANK];
  cl_int red_rank;
  cl_int red[MLRT_MAX_RANK], red_stride[MLRT_MAX_RANK];
} GpuReduceP;

typedef struct {
  cl_int m, k, n;
  GpuBcastP batch;
} GpuMatmulP;

#define N_ARGS(a) ((cl_uint) (sizeof (a) / sizeof (a)[0]))

MlrtStatus
mlrt_gpu_conv2d (MlrtGpuRun *run, const char *what, const MlrtConvParams *p,
                 MlrtGpuBuffer *in, MlrtGpuBuffer *weight,
                 MlrtGpuBuffer *bias, MlrtGpuBuffer *out, MlrtError *error)
{
  GpuConvP q = { p->in_c, p->in_h, p->in_w, p->out_c, p->out_h, p->out_w,
                 p->kh, p->kw, p->sh, p->sw, p->ph, p->pw, p->dh, p->dw,
                 p->groups, p->act, p->alpha, bias != NULL,
                 p->has_out_affine, p->out_scale, p->out_shift };
  size_t global[3] = { p->out_w, p->out_h, p->out_c };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (q), MLRT_GPU_MEM (in),
                        MLRT_GPU_MEM (weight), MLRT_GPU_MEM (bias),
                        MLRT_GPU_MEM (out) };

  if (p->groups < 1 || p->in_c % p->groups || p->out_c % p->groups)
    return mlrt_gpu_fail (error, MLRT_ERROR_INVALID_ARGUMENT,
                          "gpu: %s: %d groups do not divide %d -> %d "
                          "channels", what, p->groups, p->in_c, p->out_c);
  return mlrt_gpu_launch (run, what, "conv2d", 3, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_conv_transpose2d (MlrtGpuRun *run, const char *what,
                           const MlrtConvTransposeParams *p,
                           MlrtGpuBuffer *in, MlrtGpuBuffer *weight,
                           MlrtGpuBuffer *bias, MlrtGpuBuffer *out,
                           MlrtError *error)
{
  GpuConvP q = { p->in_c, p->in_h, p->in_w, p->out_c, p->out_h, p->out_w,
                 p->kh, p->kw, p->sh, p->sw, p->ph, p->pw, 1, 1,
                 1, p->act, p->alpha, bias != NULL };
  size_t global[3] = { p->out_w, p->out_h, p->out_c };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (q), MLRT_GPU_MEM (in),
                        MLRT_GPU_MEM (weight), MLRT_GPU_MEM (bias),
                        MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what, "conv_transpose2d", 3, global, NULL,
                          args, N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_inner_product (MlrtGpuRun *run, const char *what, int in_features,
                        int out_features, MlrtGpuBuffer *in,
                        MlrtGpuBuffer *weight, MlrtGpuBuffer *bias,
                        MlrtActivation act, float alpha, MlrtGpuBuffer *out,
                        MlrtError *error)
{
  cl_int n = in_features, has_bias = bias != NULL, a = act;
  cl_float al = alpha;
  size_t global[1] = { (size_t) out_features };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (n), MLRT_GPU_MEM (in),
                        MLRT_GPU_MEM (weight), MLRT_GPU_MEM (bias),
                        MLRT_GPU_ARG (has_bias), MLRT_GPU_ARG (a),
                        MLRT_GPU_ARG (al), MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what, "inner_product", 1, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_activation (MlrtGpuRun *run, const char *what, MlrtActivation act,
                     float alpha, size_t n, MlrtGpuBuffer *in,
                     MlrtGpuBuffer *out, MlrtError *error)
{
  cl_int a = act;
  cl_float al = alpha;
  size_t global[1] = { n };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (a), MLRT_GPU_ARG (al),
                        MLRT_GPU_MEM (in), MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what, "activation", 1, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_batch_norm (MlrtGpuRun *run, const char *what, int c, int hw,
                     MlrtGpuBuffer *mean, MlrtGpuBuffer *var,
                     MlrtGpuBuffer *gamma, MlrtGpuBuffer *beta, float eps,
                     MlrtActivation act, float alpha, MlrtGpuBuffer *in,
                     MlrtGpuBuffer *out, MlrtError *error)
{
  cl_int n = hw, a = act;
  cl_float e = eps, al = alpha;
  size_t global[1] = { (size_t) c * hw };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (n), MLRT_GPU_MEM (mean),
                        MLRT_GPU_MEM (var), MLRT_GPU_MEM (gamma),
                        MLRT_GPU_MEM (beta), MLRT_GPU_ARG (e),
                        MLRT_GPU_ARG (a), MLRT_GPU_ARG (al),
                        MLRT_GPU_MEM (in), MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what, "batch_norm", 1, global, NULL, args,
                          N_ARGS (args), error);
}

/* Work-group size for the per-channel reduction: a power of two, no
 * larger than the plane, capped well inside every device's limit. */
static size_t
reduction_width (int hw)
{
  size_t w = 1;

  while (w < 64 && w * 2 <= (size_t) hw)
    w *= 2;
  return w;
}

MlrtStatus
mlrt_gpu_instance_norm (MlrtGpuRun *run, const char *what, int c, int hw,
                        MlrtGpuBuffer *gamma, MlrtGpuBuffer *beta, float eps,
                        MlrtActivation act, float alpha, MlrtGpuBuffer *in,
                        MlrtGpuBuffer *out, MlrtError *error)
{
  MlrtGpuBuffer affine, *aff = &affine;
  cl_int n = hw, a = act;
  cl_float e = eps, al = alpha;
  size_t width = reduction_width (hw);
  size_t global[1] = { (size_t) c * width }, local[1] = { width };
  size_t global2[1] = { (size_t) c * hw };
  MlrtStatus status;

  if (mlrt_gpu_buffer_alloc (&affine, 2 * sizeof (float) * c, error)
      != MLRT_OK)
    return error ? error->status : MLRT_ERROR_NO_MEMORY;
  {
    MlrtGpuArg args[] = { MLRT_GPU_ARG (n), MLRT_GPU_MEM (gamma),
                          MLRT_GPU_MEM (beta), MLRT_GPU_ARG (e),
                          MLRT_GPU_MEM (in), MLRT_GPU_MEM (aff),
                          MLRT_GPU_LOCAL (width * sizeof (float)) };
    status = mlrt_gpu_launch (run, what, "instance_norm_moments", 1, global,
                              local, args, N_ARGS (args), error);
  }
  if (status == MLRT_OK)
    {
      MlrtGpuArg args[] = { MLRT_GPU_ARG (n), MLRT_GPU_MEM (aff),
                            MLRT_GPU_ARG (a), MLRT_GPU_ARG (al),
                            MLRT_GPU_MEM (in), MLRT_GPU_MEM (out) };
      status = mlrt_gpu_launch (run, what, "channel_affine", 1, global2, NULL,
                                args, N_ARGS (args), error);
    }
  /* The queued kernels hold their own reference to the buffer. */
  mlrt_gpu_buffer_release (&affine);
  return status;
}

MlrtStatus
mlrt_gpu_upsample (MlrtGpuRun *run, const char *what, int c, int h, int w,
                   int sh, int sw, MlrtUpsampleMode mode, MlrtGpuBuffer *in,
                   MlrtGpuBuffer *out, MlrtError *error)
{
  cl_int ih = h, iw = w, ish = sh, isw = sw;
  size_t global[3] = { (size_t) w * sw, (size_t) h * sh, (size_t) c };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (ih), MLRT_GPU_ARG (iw),
                        MLRT_GPU_ARG (ish), MLRT_GPU_ARG (isw),
                        MLRT_GPU_MEM (in), MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what,
                          mode == MLRT_UPSAMPLE_NEAREST ? "upsample_nearest"
                                                        : "upsample_bilinear",
                          3, global, NULL, args, N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_pool2d (MlrtGpuRun *run, const char *what, const MlrtPoolParams *p,
                 MlrtGpuBuffer *in, MlrtGpuBuffer *out, MlrtError *error)
{
  GpuPoolP q = { p->c, p->in_h, p->in_w, p->out_h, p->out_w, p->kh, p->kw,
                 p->sh, p->sw, p->ph, p->pw, p->kind == MLRT_POOL_MAX,
                 p->count_pad };
  size_t global[3] = { p->out_w, p->out_h, p->c };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (q), MLRT_GPU_MEM (in),
                        MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what, "pool2d", 3, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_global_pool (MlrtGpuRun *run, const char *what, MlrtPoolKind kind,
                      int c, int hw, MlrtGpuBuffer *in, MlrtGpuBuffer *out,
                      MlrtError *error)
{
  cl_int is_max = kind == MLRT_POOL_MAX, n = hw;
  size_t global[1] = { (size_t) c };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (is_max), MLRT_GPU_ARG (n),
                        MLRT_GPU_MEM (in), MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what, "global_pool", 1, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_copy (MlrtGpuRun *run, const char *what, MlrtGpuBuffer *src,
               MlrtGpuBuffer *dst, size_t size, MlrtError *error)
{
  return mlrt_gpu_launch_copy (run, what, src, 0, dst, 0, size, error);
}

static GpuBcastP
bcast_p (const MlrtBroadcast *b)
{
  GpuBcastP q = { b->rank, { 0 }, { { 0 } } };

  for (int d = 0; d < b->rank; d++)
    {
      q.shape[d] = (cl_int) b->shape[d];
      for (int o = 0; o < MLRT_BROADCAST_MAX_OPERANDS; o++)
        q.stride[o][d] = (cl_int) b->stride[o][d];
    }
  return q;
}

static size_t
bcast_count (const MlrtBroadcast *b)
{
  size_t n = 1;

  for (int d = 0; d < b->rank; d++)
    n *= (size_t) b->shape[d];
  return n;
}

MlrtStatus
mlrt_gpu_clamp_affine (MlrtGpuRun *run, const char *what, size_t n, float a,
                       float b, float lo, float hi, MlrtGpuBuffer *in,
                       MlrtGpuBuffer *out, MlrtError *error)
{
  cl_float qa = a, qb = b, qlo = lo, qhi = hi;
  size_t global[1] = { n };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (qa), MLRT_GPU_ARG (qb),
                        MLRT_GPU_ARG (qlo), MLRT_GPU_ARG (qhi),
                        MLRT_GPU_MEM (in), MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what, "clamp_affine", 1, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_binary (MlrtGpuRun *run, const char *what, MlrtBinaryOp op,
                 const MlrtBroadcast *bc, MlrtGpuBuffer *a, MlrtGpuBuffer *b,
                 MlrtActivation act, float alpha, MlrtGpuBuffer *out,
                 MlrtError *error)
{
  GpuBcastP q = bcast_p (bc);
  cl_int o = op, ac = act;
  cl_float al = alpha;
  size_t global[1] = { bcast_count (bc) };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (o), MLRT_GPU_ARG (q), MLRT_GPU_MEM (a),
                        MLRT_GPU_MEM (b), MLRT_GPU_ARG (ac),
                        MLRT_GPU_ARG (al), MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what, "binary", 1, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_scale (MlrtGpuRun *run, const char *what, const MlrtBroadcast *bc,
                MlrtGpuBuffer *x, MlrtGpuBuffer *scale, MlrtGpuBuffer *bias,
                MlrtActivation act, float alpha, MlrtGpuBuffer *out,
                MlrtError *error)
{
  GpuBcastP q = bcast_p (bc);
  cl_int has_s = scale != NULL, has_b = bias != NULL, ac = act;
  cl_float al = alpha;
  size_t global[1] = { bcast_count (bc) };
  /* An absent weight is never read: any buffer stands in for it. */
  MlrtGpuArg args[] = { MLRT_GPU_ARG (q), MLRT_GPU_MEM (x),
                        MLRT_GPU_MEM (scale ? scale : x),
                        MLRT_GPU_MEM (bias ? bias : x), MLRT_GPU_ARG (has_s),
                        MLRT_GPU_ARG (has_b), MLRT_GPU_ARG (ac),
                        MLRT_GPU_ARG (al), MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what, "scale", 1, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_unary (MlrtGpuRun *run, const char *what, MlrtUnaryOp op, size_t n,
                MlrtGpuBuffer *in, MlrtGpuBuffer *out, MlrtError *error)
{
  cl_int o = op;
  size_t global[1] = { n };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (o), MLRT_GPU_MEM (in),
                        MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what, "unary", 1, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_gather (MlrtGpuRun *run, const char *what, const MlrtGather *g,
                 MlrtGpuBuffer *in, MlrtGpuBuffer *out, MlrtError *error)
{
  GpuGatherP q = { g->rank, { 0 }, { 0 }, (cl_int) g->offset };
  size_t global[1] = { 1 };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (q), MLRT_GPU_MEM (in),
                        MLRT_GPU_MEM (out) };

  for (int d = 0; d < g->rank; d++)
    {
      q.shape[d] = (cl_int) g->shape[d];
      q.stride[d] = (cl_int) g->stride[d];
      global[0] *= (size_t) g->shape[d];
    }
  return mlrt_gpu_launch (run, what, "gather", 1, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_reduce (MlrtGpuRun *run, const char *what, const MlrtReduce *r,
                 MlrtGpuBuffer *in, MlrtGpuBuffer *out, MlrtError *error)
{
  GpuReduceP q = { r->op, r->kept_rank, { 0 }, { 0 }, r->red_rank, { 0 },
                   { 0 } };
  size_t global[1] = { 1 };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (q), MLRT_GPU_MEM (in),
                        MLRT_GPU_MEM (out) };

  for (int d = 0; d < r->kept_rank; d++)
    {
      q.kept[d] = (cl_int) r->kept[d];
      q.kept_stride[d] = (cl_int) r->kept_stride[d];
      global[0] *= (size_t) r->kept[d];
    }
  for (int d = 0; d < r->red_rank; d++)
    {
      q.red[d] = (cl_int) r->red[d];
      q.red_stride[d] = (cl_int) r->red_stride[d];
    }
  return mlrt_gpu_launch (run, what, "reduce", 1, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_matmul (MlrtGpuRun *run, const char *what, const MlrtMatmul *p,
                 MlrtGpuBuffer *a, MlrtGpuBuffer *b, MlrtGpuBuffer *bias,
                 MlrtActivation act, float alpha, MlrtGpuBuffer *out,
                 MlrtError *error)
{
  GpuMatmulP q = { (cl_int) p->m, (cl_int) p->k, (cl_int) p->n,
                   bcast_p (&p->batch) };
  cl_int has_bias = bias != NULL, ac = act;
  cl_float al = alpha;
  size_t global[3] = { (size_t) p->n, (size_t) p->m,
                       bcast_count (&p->batch) };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (q), MLRT_GPU_MEM (a), MLRT_GPU_MEM (b),
                        MLRT_GPU_MEM (bias ? bias : b),
                        MLRT_GPU_ARG (has_bias), MLRT_GPU_ARG (ac),
                        MLRT_GPU_ARG (al), MLRT_GPU_MEM (out) };

  return mlrt_gpu_launch (run, what, "matmul", 3, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_softmax (MlrtGpuRun *run, const char *what, size_t outer, size_t n,
                  size_t inner, int log_form, MlrtGpuBuffer *in,
                  MlrtGpuBuffer *out, MlrtError *error)
{
  cl_int len = (cl_int) n, in_n = (cl_int) inner, lf = log_form;
  size_t global[1] = { outer * inner };
  MlrtGpuArg args[] = { MLRT_GPU_ARG (len), MLRT_GPU_ARG (in_n),
                        MLRT_GPU_ARG (lf), MLRT_GPU_MEM (in),
                        MLRT_GPU_MEM (out) };

  if (n == 0 || global[0] == 0)
    return MLRT_OK;
  return mlrt_gpu_launch (run, what, "softmax_axis", 1, global, NULL, args,
                          N_ARGS (args), error);
}

MlrtStatus
mlrt_gpu_concat (MlrtGpuRun *run, const char *what, int n_inputs,
                 size_t outer, const size_t *chunk,
                 MlrtGpuBuffer *const *inputs, MlrtGpuBuffer *out,
                 MlrtError *error)
{
  size_t total = 0, at = 0;

  for (int i = 0; i < n_inputs; i++)
    total += chunk[i];
  for (int i = 0; i < n_inputs; i++)
    {
      cl_int ch = (cl_int) chunk[i], tot = (cl_int) total, a = (cl_int) at;
      size_t global[1] = { outer * chunk[i] };
      MlrtGpuArg args[] = { MLRT_GPU_ARG (ch), MLRT_GPU_ARG (tot),
                            MLRT_GPU_ARG (a), MLRT_GPU_MEM (inputs[i]),
                            MLRT_GPU_MEM (out) };
      MlrtStatus st = mlrt_gpu_launch (run, what, "concat_part", 1, global,
                                       NULL, args, N_ARGS (args), error);

      if (st != MLRT_OK)
        return st;
      at += chunk[i];
    }
  return MLRT_OK;
}
