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
  for (int i = 0; i < 3; i++)
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
            acc /= (float) count;
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
eltwise (MlrtNpuOpKind kind, MlrtActivation act, float alpha, size_t n,
         const uint16_t *a, const uint16_t *b, uint16_t *out)
{
  for (size_t i = 0; i < n; i++)
    {
      float x = mlrt_npu_half_to_float (a[i]), v;

      if (kind == MLRT_NPU_ADD)
        v = act_apply (act, alpha, x + mlrt_npu_half_to_float (b[i]));
      else if (kind == MLRT_NPU_MUL)
        v = x * mlrt_npu_half_to_float (b[i]);
      else
        v = act_apply (act, alpha, x);
      out[i] = mlrt_npu_half_from_float (v);
    }
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
softmax (size_t outer, size_t n, const uint16_t *in, uint16_t *out,
         MlrtNpuScratch *s)
{
  float *x = reg (s, 0, n);

  if (!x)
    return "out of device memory";
  for (size_t r = 0; r < outer && n > 0; r++)
    {
      float max, sum = 0.0f;

      widen (n, in + r * n, x);
      max = x[0];
      for (size_t i = 1; i < n; i++)
        max = fmaxf (max, x[i]);
      for (size_t i = 0; i < n; i++)
        sum += x[i] = expf (x[i] - max);
      store (n, x, 1.0f / sum, 0.0f, MLRT_ACT_NONE, 0.0f, out + r * n);
    }
  return NULL;
}

const char *
mlrt_npu_run_op (const MlrtNpuOp *op, MlrtNpuTensor *t,
                 MlrtNpuScratch *s)
{
  const uint16_t *in = t[op->inputs[0]].data;
  const uint16_t *in2 = op->n_inputs > 1 ? t[op->inputs[1]].data : NULL;
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
    case MLRT_NPU_ADD:
    case MLRT_NPU_MUL:
      eltwise (op->kind, op->p.eltwise.act, op->p.eltwise.alpha,
               op->p.eltwise.n, in, in2, out);
      return NULL;
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
    case MLRT_NPU_SOFTMAX:
      return softmax (op->p.softmax.outer, op->p.softmax.n, in, out, s);
    case MLRT_NPU_CONCAT:
      for (int i = 0; i < op->n_inputs; i++)
        {
          size_t n = (size_t) op->p.concat.channels[i] * op->p.concat.hw;

          memcpy (out, t[op->inputs[i]].data, n * sizeof *out);
          out += n;
        }
      return NULL;
    case MLRT_NPU_COPY:
      if (out != in)
        memmove (out, in, op->p.copy.n * sizeof *out);
      return NULL;
    case MLRT_NPU_CONV_TRANSPOSE2D:
    default:
      return "op not supported by the NPU";
    }
}
