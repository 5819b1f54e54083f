/*
 * reference.c: the naive reference ops of reference.h.
 */
#include <math.h>
#include <stdlib.h>

#include "reference.h"

double
ref_act (MlrtActivation act, float alpha, double x)
{
  switch (act)
    {
    case MLRT_ACT_RELU: return x > 0 ? x : 0;
    case MLRT_ACT_LEAKY_RELU: return x > 0 ? x : alpha * x;
    case MLRT_ACT_SIGMOID: return 1 / (1 + exp (-x));
    case MLRT_ACT_TANH: return tanh (x);
    case MLRT_ACT_GELU:
      return 0.5 * x * (1 + tanh (sqrt (2 / M_PI) * (x + 0.044715 * x * x * x)));
    default: return x;
    }
}

void
ref_conv2d (const MlrtConvParams *p, const float *in, const float *w,
            const float *bias, float *out)
{
  int icg = p->in_c / p->groups, ocg = p->out_c / p->groups;

  for (int oc = 0; oc < p->out_c; oc++)
    for (int oy = 0; oy < p->out_h; oy++)
      for (int ox = 0; ox < p->out_w; ox++)
        {
          double acc = bias ? bias[oc] : 0;
          int g = oc / ocg;
          for (int c = 0; c < icg; c++)
            for (int ky = 0; ky < p->kh; ky++)
              for (int kx = 0; kx < p->kw; kx++)
                {
                  int iy = oy * p->sh - p->ph + ky * p->dh;
                  int ix = ox * p->sw - p->pw + kx * p->dw;
                  if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w)
                    continue;
                  acc += (double) in[((g * icg + c) * p->in_h + iy) * p->in_w + ix]
                         * w[((oc * icg + c) * p->kh + ky) * p->kw + kx];
                }
          out[(oc * p->out_h + oy) * p->out_w + ox]
            = (float) ref_act (p->act, p->alpha, acc);
        }
}

/* Scatter form, the textbook definition, unlike the GPU's gather. */
void
ref_conv_transpose2d (const MlrtConvTransposeParams *p, const float *in,
                      const float *w, const float *bias, float *out)
{
  size_t n = (size_t) p->out_c * p->out_h * p->out_w;
  double *acc = calloc (n, sizeof *acc);

  for (int oc = 0; oc < p->out_c; oc++)
    for (int i = 0; i < p->out_h * p->out_w; i++)
      acc[oc * p->out_h * p->out_w + i] = bias ? bias[oc] : 0;
  for (int c = 0; c < p->in_c; c++)
    for (int iy = 0; iy < p->in_h; iy++)
      for (int ix = 0; ix < p->in_w; ix++)
        for (int oc = 0; oc < p->out_c; oc++)
          for (int ky = 0; ky < p->kh; ky++)
            for (int kx = 0; kx < p->kw; kx++)
              {
                int oy = iy * p->sh - p->ph + ky, ox = ix * p->sw - p->pw + kx;
                if (oy < 0 || oy >= p->out_h || ox < 0 || ox >= p->out_w)
                  continue;
                acc[(oc * p->out_h + oy) * p->out_w + ox]
                  += (double) in[(c * p->in_h + iy) * p->in_w + ix]
                     * w[((c * p->out_c + oc) * p->kh + ky) * p->kw + kx];
              }
  for (size_t i = 0; i < n; i++)
    out[i] = (float) ref_act (p->act, p->alpha, acc[i]);
  free (acc);
}

void
ref_pool2d (const MlrtPoolParams *p, const float *in, float *out)
{
  for (int c = 0; c < p->c; c++)
    for (int oy = 0; oy < p->out_h; oy++)
      for (int ox = 0; ox < p->out_w; ox++)
        {
          double acc = p->kind == MLRT_POOL_MAX ? -INFINITY : 0;
          int count = 0;
          for (int ky = 0; ky < p->kh; ky++)
            for (int kx = 0; kx < p->kw; kx++)
              {
                int iy = oy * p->sh - p->ph + ky, ix = ox * p->sw - p->pw + kx;
                if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w)
                  continue;
                double v = in[(c * p->in_h + iy) * p->in_w + ix];
                acc = p->kind == MLRT_POOL_MAX ? fmax (acc, v) : acc + v;
                count++;
              }
          out[(c * p->out_h + oy) * p->out_w + ox]
            = count == 0 ? 0.0f
              : (float) (p->kind == MLRT_POOL_MAX ? acc : acc / count);
        }
}

void
ref_global_pool (MlrtPoolKind kind, int c, int hw, const float *in,
                 float *out)
{
  for (int i = 0; i < c; i++)
    {
      double acc = kind == MLRT_POOL_MAX ? -INFINITY : 0;
      for (int j = 0; j < hw; j++)
        acc = kind == MLRT_POOL_MAX ? fmax (acc, in[i * hw + j])
                                    : acc + in[i * hw + j];
      out[i] = (float) (kind == MLRT_POOL_MAX ? acc : acc / hw);
    }
}

void
ref_batch_norm (int c, int hw, const float *mean, const float *var,
                const float *gamma, const float *beta, float eps,
                MlrtActivation act, float alpha, const float *in, float *out)
{
  for (int i = 0; i < c; i++)
    for (int j = 0; j < hw; j++)
      out[i * hw + j] = (float) ref_act (act, alpha,
          gamma[i] * ((double) in[i * hw + j] - mean[i])
          / sqrt ((double) var[i] + eps) + beta[i]);
}

void
ref_instance_norm (int c, int hw, const float *gamma, const float *beta,
                   float eps, MlrtActivation act, float alpha,
                   const float *in, float *out)
{
  for (int i = 0; i < c; i++)
    {
      double m = 0, v = 0;
      for (int j = 0; j < hw; j++)
        m += in[i * hw + j];
      m /= hw;
      for (int j = 0; j < hw; j++)
        v += (in[i * hw + j] - m) * (in[i * hw + j] - m);
      v /= hw;
      for (int j = 0; j < hw; j++)
        out[i * hw + j] = (float) ref_act (act, alpha,
            gamma[i] * (in[i * hw + j] - m) / sqrt (v + eps) + beta[i]);
    }
}

static double
clampd (double x, double lo, double hi)
{
  return x < lo ? lo : x > hi ? hi : x;
}

void
ref_upsample (int c, int h, int w, int sh, int sw, MlrtUpsampleMode mode,
              const float *in, float *out)
{
  int oh = h * sh, ow = w * sw;

  for (int ch = 0; ch < c; ch++)
    for (int oy = 0; oy < oh; oy++)
      for (int ox = 0; ox < ow; ox++)
        {
          const float *pl = in + ch * h * w;
          double v;
          if (mode == MLRT_UPSAMPLE_NEAREST)
            v = pl[(oy / sh) * w + ox / sw];
          else
            {
              double sy = clampd ((oy + 0.5) / sh - 0.5, 0, h - 1);
              double sx = clampd ((ox + 0.5) / sw - 0.5, 0, w - 1);
              int y0 = (int) sy, x0 = (int) sx;
              int y1 = y0 + 1 < h ? y0 + 1 : h - 1;
              int x1 = x0 + 1 < w ? x0 + 1 : w - 1;
              double ly = sy - y0, lx = sx - x0;
              v = (1 - ly) * ((1 - lx) * pl[y0 * w + x0] + lx * pl[y0 * w + x1])
                  + ly * ((1 - lx) * pl[y1 * w + x0] + lx * pl[y1 * w + x1]);
            }
          out[(ch * oh + oy) * ow + ox] = (float) v;
        }
}

void
ref_inner_product (int in_f, int out_f, const float *in, const float *w,
                   const float *bias, MlrtActivation act, float alpha,
                   float *out)
{
  for (int o = 0; o < out_f; o++)
    {
      double acc = bias ? bias[o] : 0;
      for (int i = 0; i < in_f; i++)
        acc += (double) w[(size_t) o * in_f + i] * in[i];
      out[o] = (float) ref_act (act, alpha, acc);
    }
}

void
ref_softmax (size_t outer, size_t n, const float *in, float *out)
{
  for (size_t r = 0; r < outer; r++)
    {
      double max = in[r * n], sum = 0;
      for (size_t i = 1; i < n; i++)
        max = fmax (max, in[r * n + i]);
      for (size_t i = 0; i < n; i++)
        sum += exp (in[r * n + i] - max);
      for (size_t i = 0; i < n; i++)
        out[r * n + i] = (float) (exp (in[r * n + i] - max) / sum);
    }
}
