/*
 * npu-ops.c: the emulated NPU's kernels, run on its device thread. Each
 * widens its fp16 operands into fp32 working registers (scratch),
 * accumulates in fp32, and rounds every value it stores to fp16, as a
 * half-precision datapath with wide accumulators does. Semantics follow
 * runtime/src/cpu/kernels.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/vectorize.h"
#include "npu-half.h"
#include "npu-private.h"

static float *
reg (MlrtNpuScratch *s, int i, size_t n)
{
  if (n > s->cap[i])
    {
      float *p = realloc (s->buf[i], n * sizeof (float));

      if (!p)
        return NULL;
      s->buf[i] = p;
      s->cap[i] = n;
    }
  return s->buf[i];
}

void
mlrt_npu_scratch_free (MlrtNpuScratch *s)
{
  for (int i = 0; i < MLRT_NPU_N_REGS; i++)
    free (s->buf[i]);
  memset (s, 0, sizeof *s);
}

static inline float
act_apply (MlrtActivation act, float alpha, float x)
{
  switch (act)
    {
    case MLRT_ACT_RELU: return x > 0.0f ? x : 0.0f;
    case MLRT_ACT_LEAKY_RELU: return x > 0.0f ? x : alpha * x;
    case MLRT_ACT_SIGMOID: return 1.0f / (1.0f + expf (-x));
    case MLRT_ACT_TANH: return tanhf (x);
    case MLRT_ACT_HARD_SWISH:
      return x * fminf (fmaxf (x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case MLRT_ACT_RELU6: return fminf (fmaxf (x, 0.0f), 6.0f);
    case MLRT_ACT_NONE: case MLRT_ACT_GELU: default: return x;
    }
}

static void
widen (size_t n, const uint16_t *h, float *f)
{
  for (size_t i = 0; i < n; i++)
    f[i] = mlrt_npu_half_to_float (h[i]);
}

/* Stores act(x[i] * scale + shift) as fp16. */
static void
store (size_t n, const float *x, float scale, float shift, MlrtActivation act,
       float alpha, uint16_t *out)
{
  for (size_t i = 0; i < n; i++)
    out[i] = mlrt_npu_half_from_float (act_apply (act, alpha,
                                                  x[i] * scale + shift));
}

/* Stores act(x[i]) * scale + shift as fp16: the activation unit's output
 * stage taking a convolution's fused output affine (fuse-output-scale.c)
 * before the one rounding, as the CPU's epilogue applies it after the
 * activation in fp32. */
static void
store_scaled (size_t n, const float *x, MlrtActivation act, float alpha,
              float scale, float shift, uint16_t *out)
{
  for (size_t i = 0; i < n; i++)
    out[i] = mlrt_npu_half_from_float (act_apply (act, alpha, x[i]) * scale
                                       + shift);
}

/* Output positions [lo, hi) whose input o * stride + off is in [0, in). */
static void
valid_range (int out, int in, int stride, int off, int *lo, int *hi)
{
  int l = off >= 0 ? 0 : (-off + stride - 1) / stride;
  int h = in - 1 - off < 0 ? 0 : (in - 1 - off) / stride + 1;

  *lo = l < out ? l : out;
  *hi = h < out ? h : out;
  if (*hi < *lo)
    *hi = *lo;
}

/* Direct convolution, one output plane at a time: every kernel tap adds a
 * shifted copy of an input plane into the fp32 accumulator plane. */
static const char *
conv2d (const MlrtConvParams *p, const uint16_t *in, const uint16_t *w16,
        const uint16_t *b16, uint16_t *out, MlrtNpuScratch *s)
{
  int icg = p->in_c / p->groups, ocg = p->out_c / p->groups;
  size_t ihw = (size_t) p->in_h * p->in_w, ohw = (size_t) p->out_h * p->out_w;
  size_t nw = (size_t) p->out_c * icg * p->kh * p->kw;
  float *x = reg (s, 0, (size_t) p->in_c * ihw);
  float *w = reg (s, 1, nw);
  float *acc = reg (s, 2, ohw);

  if (!x || !w || !acc)
    return "out of device memory";
  widen ((size_t) p->in_c * ihw, in, x);
  widen (nw, w16, w);
  for (int oc = 0; oc < p->out_c; oc++)
    {
      int g = oc / ocg;
      float b = b16 ? mlrt_npu_half_to_float (b16[oc]) : 0.0f;

      for (size_t i = 0; i < ohw; i++)
        acc[i] = b;
      for (int c = 0; c < icg; c++)
        {
          const float *plane = x + (size_t) (g * icg + c) * ihw;
          const float *wk = w + ((size_t) oc * icg + c) * p->kh * p->kw;

          for (int ky = 0; ky < p->kh; ky++)
            for (int kx = 0; kx < p->kw; kx++)
              {
                float wv = wk[ky * p->kw + kx];
                int offx = kx * p->dw - p->pw, lo, hi;

                valid_range (p->out_w, p->in_w, p->sw, offx, &lo, &hi);
                for (int oy = 0; oy < p->out_h; oy++)
                  {
                    int iy = oy * p->sh - p->ph + ky * p->dh;
                    const float *row;
                    float *arow = acc + (size_t) oy * p->out_w;

                    if (iy < 0 || iy >= p->in_h)
                      continue;
                    row = plane + (size_t) iy * p->in_w + offx;
                    if (p->sw == 1)
                      for (int ox = lo; ox < hi; ox++)
                        arow[ox] += wv * row[ox];
                    else
                      for (int ox = lo; ox < hi; ox++)
                        arow[ox] += wv * row[ox * p->sw];
                  }
              }
        }
      if (p->has_out_affine)
        store_scaled (ohw, acc, p->act, p->alpha, p->out_scale, p->out_shift,
                      out + oc * ohw);
      else
        store (ohw, acc, 1.0f, 0.0f, p->act, p->alpha, out + oc * ohw);
    }
  return NULL;
}

static void
pool2d (const MlrtPoolParams *p, const uint16_t *in, uint16_t *out)
{
  for (int c = 0; c < p->c; c++)
    for (int oy = 0; oy < p->out_h; oy++)
      for (int ox = 0; ox < p->out_w; ox++)
        {
          int y0 = oy * p->sh - p->ph, x0 = ox * p->sw - p->pw;
          int y1 = y0 + p->kh < p->in_h ? y0 + p->kh : p->in_h;
          int x1 = x0 + p->kw < p->in_w ? x0 + p->kw : p->in_w;
          float acc = p->kind == MLRT_POOL_MAX ? -INFINITY : 0.0f;
          int count;

          y0 = y0 < 0 ? 0 : y0;
          x0 = x0 < 0 ? 0 : x0;
          count = (y1 - y0) * (x1 - x0);
          for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
              {
                float v = mlrt_npu_half_to_float (
                    in[((size_t) c * p->in_h + y) * p->in_w + x]);
                acc = p->kind == MLRT_POOL_MAX ? fmaxf (acc, v) : acc + v;
              }
          if (count <= 0)
            acc = 0.0f;
          else if (p->kind == MLRT_POOL_AVG)
            acc /= (float) (p->count_pad ? mlrt_pool_padded_count (p, oy, ox)
                                         : count);
          *out++ = mlrt_npu_half_from_float (acc);
        }
}

static void
global_pool (MlrtPoolKind kind, int c, int hw, const uint16_t *in,
             uint16_t *out)
{
  for (int i = 0; i < c; i++)
    {
      float acc = kind == MLRT_POOL_MAX ? -INFINITY : 0.0f;

      for (int j = 0; j < hw; j++)
        {
          float v = mlrt_npu_half_to_float (in[(size_t) i * hw + j]);
          acc = kind == MLRT_POOL_MAX ? fmaxf (acc, v) : acc + v;
        }
      out[i] = mlrt_npu_half_from_float (kind == MLRT_POOL_MAX
                                         ? acc : acc / (float) hw);
    }
}

static void
activation (MlrtActivation act, float alpha, size_t n, const uint16_t *a,
            uint16_t *out)
{
  for (size_t i = 0; i < n; i++)
    out[i] = mlrt_npu_half_from_float (act_apply (act, alpha,
                                                  mlrt_npu_half_to_float (a[i])));
}

static void
clamp (const MlrtNpuOp *op, const uint16_t *in, uint16_t *out)
{
  for (size_t i = 0; i < op->p.clamp.n; i++)
    {
      float v = op->p.clamp.a * mlrt_npu_half_to_float (in[i])
                + op->p.clamp.b;
      out[i] = mlrt_npu_half_from_float (fminf (fmaxf (v, op->p.clamp.lo),
                                                op->p.clamp.hi));
    }
}

/* The ops below share the CPU kernels' arithmetic: their fp16 operands
 * are widened into fp32 registers, the kernel runs there, and every value
 * stored is rounded to fp16, as the NPU's fp32 accumulators and fp16
 * memory do. Register i holds n values of `h` widened (NULL: none). */
static float *
widened (MlrtNpuScratch *s, int i, const uint16_t *h, size_t n)
{
  float *r;

  if (!h)
    return NULL;
  r = reg (s, i, n ? n : 1);
  if (r)
    widen (n, h, r);
  return r;
}

static void
narrow (size_t n, const float *f, uint16_t *out)
{
  for (size_t i = 0; i < n; i++)
    out[i] = mlrt_npu_half_from_float (f[i]);
}

#define NO_REGISTERS "out of device memory"

static const char *
binary (const MlrtNpuOp *op, const MlrtNpuTensor *t, uint16_t *out,
        MlrtNpuScratch *s)
{
  const MlrtBroadcast *bc = &op->p.binary.bc;
  size_t n = mlrt_npu_extent_of (op, -1);
  float *a = widened (s, 0, t[op->inputs[0]].data, mlrt_npu_extent_of (op, 0));
  float *b = widened (s, 1, t[op->inputs[1]].data, mlrt_npu_extent_of (op, 1));
  float *o = reg (s, 2, n);

  if (!a || !b || !o)
    return NO_REGISTERS;
  mlrt_cpu_binary (op->p.binary.op, bc, a, b, op->p.binary.act,
                   op->p.binary.alpha, o);
  narrow (n, o, out);
  return NULL;
}

static const char *
scale (const MlrtNpuOp *op, const MlrtNpuTensor *t, uint16_t *out,
       MlrtNpuScratch *s)
{
  const MlrtBroadcast *bc = &op->p.scale.bc;
  size_t n = mlrt_npu_extent_of (op, -1);
  float *x = widened (s, 0, t[op->inputs[0]].data, n);
  float *sc = widened (s, 1, op->weights[0], mlrt_npu_weight_extent (bc, 1));
  float *bi = widened (s, 2, op->weights[1], mlrt_npu_weight_extent (bc, 2));

  if (!x || (op->weights[0] && !sc) || (op->weights[1] && !bi))
    return NO_REGISTERS;
  mlrt_cpu_scale (bc, x, sc, bi, op->p.scale.act, op->p.scale.alpha, x);
  narrow (n, x, out);
  return NULL;
}

static const char *
matmul (const MlrtNpuOp *op, const MlrtNpuTensor *t, uint16_t *out,
        MlrtNpuScratch *s)
{
  const MlrtMatmul *mm = &op->p.matmul.mm;
  size_t n = mlrt_npu_extent_of (op, -1);
  float *a = widened (s, 0, t[op->inputs[0]].data, mlrt_npu_extent_of (op, 0));
  float *w = widened (s, 1, op->weights[0], (size_t) (mm->k * mm->n));
  float *b = widened (s, 2, op->weights[1], (size_t) mm->n);
  float *o = reg (s, 3, n);

  if (!a || !w || (op->weights[1] && !b) || !o)
    return NO_REGISTERS;
  mlrt_cpu_matmul (mm, a, w, b, op->p.matmul.act, op->p.matmul.alpha, o);
  narrow (n, o, out);
  return NULL;
}

/* Data movement: fp16 survives the round trip through fp32 exactly. */
static const char *
move (const MlrtNpuOp *op, const MlrtNpuTensor *t, uint16_t *out,
      MlrtNpuScratch *s)
{
  size_t n = mlrt_npu_extent_of (op, -1);
  float *o = reg (s, MLRT_NPU_MAX_INPUTS, n);
  const float *in[MLRT_NPU_MAX_INPUTS];

  for (int i = 0; i < op->n_inputs && i < MLRT_NPU_MAX_INPUTS; i++)
    if (!(in[i] = widened (s, i, t[op->inputs[i]].data,
                           mlrt_npu_extent_of (op, i))))
      return NO_REGISTERS;
  if (!o)
    return NO_REGISTERS;
  if (op->kind == MLRT_NPU_CONCAT)
    mlrt_cpu_concat (op->n_inputs, op->p.concat.outer, op->p.concat.chunk,
                     in, o);
  else
    mlrt_cpu_gather (&op->p.gather, in[0], o);
  narrow (n, o, out);
  return NULL;
}

static const char *
reduce (const MlrtNpuOp *op, const MlrtNpuTensor *t, uint16_t *out,
        MlrtNpuScratch *s)
{
  size_t n = mlrt_npu_extent_of (op, -1);
  float *x = widened (s, 0, t[op->inputs[0]].data,
                      mlrt_npu_extent_of (op, 0));
  float *o = reg (s, 1, n);

  if (!x || !o)
    return NO_REGISTERS;
  mlrt_cpu_reduce (&op->p.reduce, x, o);
  narrow (n, o, out);
  return NULL;
}

static const char *
batch_norm (const MlrtNpuOp *op, const uint16_t *in, uint16_t *out,
            MlrtNpuScratch *s)
{
  int c = op->p.norm.c, hw = op->p.norm.hw;
  float *x = reg (s, 0, hw);

  if (!x)
    return "out of device memory";
  for (int i = 0; i < c; i++)
    {
      float mean = mlrt_npu_half_to_float (op->weights[0][i]);
      float var = mlrt_npu_half_to_float (op->weights[1][i]);
      float gamma = mlrt_npu_half_to_float (op->weights[2][i]);
      float beta = mlrt_npu_half_to_float (op->weights[3][i]);
      float scale = gamma / sqrtf (var + op->p.norm.eps);

      widen (hw, in + (size_t) i * hw, x);
      store (hw, x, scale, beta - mean * scale, op->p.norm.act,
             op->p.norm.alpha, out + (size_t) i * hw);
    }
  return NULL;
}

static const char *
instance_norm (const MlrtNpuOp *op, const uint16_t *in, uint16_t *out,
               MlrtNpuScratch *s)
{
  int c = op->p.norm.c, hw = op->p.norm.hw;
  float *x = reg (s, 0, hw);

  if (!x)
    return "out of device memory";
  for (int i = 0; i < c; i++)
    {
      float gamma = mlrt_npu_half_to_float (op->weights[0][i]);
      float beta = mlrt_npu_half_to_float (op->weights[1][i]);
      float mean = 0.0f, var = 0.0f, scale;

      widen (hw, in + (size_t) i * hw, x);
      for (int j = 0; j < hw; j++)
        mean += x[j];
      mean /= (float) hw;
      for (int j = 0; j < hw; j++)
        var += (x[j] - mean) * (x[j] - mean);
      var /= (float) hw;
      scale = gamma / sqrtf (var + op->p.norm.eps);
      store (hw, x, scale, beta - mean * scale, op->p.norm.act,
             op->p.norm.alpha, out + (size_t) i * hw);
    }
  return NULL;
}

/* Nearest only: pixels are replicated, no arithmetic, no rounding. */
static void
upsample_nearest (int c, int h, int w, int sh, int sw, const uint16_t *in,
                  uint16_t *out)
{
  int ow = w * sw;

  for (int ch = 0; ch < c; ch++)
    for (int y = 0; y < h; y++)
      {
        const uint16_t *src = in + ((size_t) ch * h + y) * w;
        uint16_t *first = out;

        for (int x = 0; x < w; x++)
          for (int k = 0; k < sw; k++)
            *out++ = src[x];
        for (int r = 1; r < sh; r++, out += ow)
          memcpy (out, first, ow * sizeof *out);
      }
}

static const char *
inner_product (const MlrtNpuOp *op, const uint16_t *in, uint16_t *out,
               MlrtNpuScratch *s)
{
  int n_in = op->p.fc.in_features;
  float *x = reg (s, 0, n_in);

  if (!x)
    return "out of device memory";
  widen (n_in, in, x);
  for (int o = 0; o < op->p.fc.out_features; o++)
    {
      const uint16_t *wr = op->weights[0] + (size_t) o * n_in;
      float acc = op->weights[1] ? mlrt_npu_half_to_float (op->weights[1][o])
                                 : 0.0f;

      for (int i = 0; i < n_in; i++)
        acc += mlrt_npu_half_to_float (wr[i]) * x[i];
      out[o] = mlrt_npu_half_from_float (act_apply (op->p.fc.act,
                                                    op->p.fc.alpha, acc));
    }
  return NULL;
}

static const char *
softmax (const MlrtNpuOp *op, const uint16_t *in, uint16_t *out,
         MlrtNpuScratch *s)
{
  size_t n = mlrt_npu_extent_of (op, -1);
  float *x = widened (s, 0, in, n);

  if (!x)
    return NO_REGISTERS;
  mlrt_cpu_softmax (op->p.softmax.outer, op->p.softmax.n,
                    op->p.softmax.inner, op->p.softmax.log, x, x);
  narrow (n, x, out);
  return NULL;
}

const char *
mlrt_npu_run_op (const MlrtNpuOp *op, MlrtNpuTensor *t,
                 MlrtNpuScratch *s)
{
  const uint16_t *in = t[op->inputs[0]].data;
  uint16_t *out = t[op->output].data;

  switch (op->kind)
    {
    case MLRT_NPU_CONV2D:
      return conv2d (&op->p.conv, in, op->weights[0], op->weights[1], out, s);
    case MLRT_NPU_POOL2D:
      pool2d (&op->p.pool, in, out);
      return NULL;
    case MLRT_NPU_GLOBAL_POOL:
      global_pool (op->p.global_pool.kind, op->p.global_pool.c,
                   op->p.global_pool.hw, in, out);
      return NULL;
    case MLRT_NPU_ACTIVATION:
      activation (op->p.eltwise.act, op->p.eltwise.alpha, op->p.eltwise.n,
                  in, out);
      return NULL;
    case MLRT_NPU_CLAMP:
      clamp (op, in, out);
      return NULL;
    case MLRT_NPU_BINARY:
      return binary (op, t, out, s);
    case MLRT_NPU_SCALE:
      return scale (op, t, out, s);
    case MLRT_NPU_BATCH_NORM:
      return batch_norm (op, in, out, s);
    case MLRT_NPU_INSTANCE_NORM:
      return instance_norm (op, in, out, s);
    case MLRT_NPU_UPSAMPLE:
      upsample_nearest (op->p.upsample.c, op->p.upsample.h, op->p.upsample.w,
                        op->p.upsample.sh, op->p.upsample.sw, in, out);
      return NULL;
    case MLRT_NPU_INNER_PRODUCT:
      return inner_product (op, in, out, s);
    case MLRT_NPU_MATMUL:
      return matmul (op, t, out, s);
    case MLRT_NPU_SOFTMAX:
      return softmax (op, in, out, s);
    case MLRT_NPU_CONCAT:
    case MLRT_NPU_GATHER:
      return move (op, t, out, s);
    case MLRT_NPU_REDUCE:
      return reduce (op, t, out, s);
    case MLRT_NPU_COPY:
      if (out != in)
        memmove (out, in, op->p.copy.n * sizeof *out);
      return NULL;
    case MLRT_NPU_CONV_TRANSPOSE2D:
    case MLRT_NPU_UNARY:
    default:
      return "op not supported by the NPU";
    }
}
