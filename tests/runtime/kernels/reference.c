/*
 * reference.c: the reference kernels of reference.h. Each follows the
 * textbook definition as literally as possible: a convolution is a sum
 * over every tap with an explicit bounds check, a transposed convolution
 * scatters every input pixel, bilinear sampling computes its coordinate
 * from the half-pixel formula, pooling walks the full padded window.
 */
#include <math.h>
#include <stdlib.h>

#include "reference.h"

double
ref_activation (MlrtActivation act, double alpha, double x)
{
  switch (act)
    {
    case MLRT_ACT_NONE:
      return x;
    case MLRT_ACT_RELU:
      return x > 0 ? x : 0;
    case MLRT_ACT_LEAKY_RELU:
      return x > 0 ? x : alpha * x;
    case MLRT_ACT_SIGMOID:
      return 1.0 / (1.0 + exp (-x));
    case MLRT_ACT_TANH:
      return tanh (x);
    case MLRT_ACT_GELU:
      return 0.5 * x * (1.0 + tanh (sqrt (2.0 / M_PI)
                                    * (x + 0.044715 * x * x * x)));
    case MLRT_ACT_HARD_SWISH:
      return x * fmin (fmax (x + 3, 0), 6) / 6;
    case MLRT_ACT_RELU6:
      return fmin (fmax (x, 0), 6);
    default:
      break;
    }
  return NAN;
}

void
ref_conv2d (const MlrtConvParams *p, const float *in, const float *weight,
            const float *bias, float *out)
{
  int cg = p->in_c / p->groups, og = p->out_c / p->groups;

  for (int oc = 0; oc < p->out_c; oc++)
    for (int oy = 0; oy < p->out_h; oy++)
      for (int ox = 0; ox < p->out_w; ox++)
        {
          int g = oc / og;
          double sum = bias ? bias[oc] : 0.0;

          for (int c = 0; c < cg; c++)
            for (int ki = 0; ki < p->kh; ki++)
              for (int kj = 0; kj < p->kw; kj++)
                {
                  int ic = g * cg + c;
                  int iy = oy * p->sh - p->ph + ki * p->dh;
                  int ix = ox * p->sw - p->pw + kj * p->dw;

                  if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w)
                    continue;
                  sum += (double) in[(ic * p->in_h + iy) * p->in_w + ix]
                         * weight[((oc * cg + c) * p->kh + ki) * p->kw + kj];
                }
          out[(oc * p->out_h + oy) * p->out_w + ox]
            = (float) (p->has_out_affine
                       ? ref_activation (p->act, p->alpha, sum) * p->out_scale
                         + p->out_shift
                       : ref_activation (p->act, p->alpha, sum));
        }
}

void
ref_conv_transpose2d (const MlrtConvTransposeParams *p, const float *in,
                      const float *weight, const float *bias, float *out)
{
  int n_out = p->out_c * p->out_h * p->out_w;
  double *acc = calloc (n_out, sizeof (double));

  for (int ic = 0; ic < p->in_c; ic++)
    for (int iy = 0; iy < p->in_h; iy++)
      for (int ix = 0; ix < p->in_w; ix++)
        for (int oc = 0; oc < p->out_c; oc++)
          for (int ki = 0; ki < p->kh; ki++)
            for (int kj = 0; kj < p->kw; kj++)
              {
                int oy = iy * p->sh - p->ph + ki;
                int ox = ix * p->sw - p->pw + kj;

                if (oy < 0 || oy >= p->out_h || ox < 0 || ox >= p->out_w)
                  continue;
                acc[(oc * p->out_h + oy) * p->out_w + ox]
                  += (double) in[(ic * p->in_h + iy) * p->in_w + ix]
                     * weight[((ic * p->out_c + oc) * p->kh + ki) * p->kw + kj];
              }
  for (int i = 0; i < n_out; i++)
    {
      int oc = i / (p->out_h * p->out_w);
      out[i] = (float) ref_activation (p->act, p->alpha,
                                       acc[i] + (bias ? bias[oc] : 0.0));
    }
  free (acc);
}

/* Input coordinate that output coordinate o samples, half-pixel centres. */
static double
half_pixel_source (int o, int scale)
{
  double src = (o + 0.5) / scale - 0.5;

  return src < 0 ? 0 : src;
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
          const float *plane = in + ch * h * w;
          double v;

          if (mode == MLRT_UPSAMPLE_NEAREST)
            v = plane[(oy / sh) * w + ox / sw];
          else
            {
              double sy = half_pixel_source (oy, sh);
              double sx = half_pixel_source (ox, sw);
              int y0 = (int) floor (sy), x0 = (int) floor (sx);
              int y1 = y0 + 1 < h ? y0 + 1 : h - 1;
              int x1 = x0 + 1 < w ? x0 + 1 : w - 1;
              double ly = sy - y0, lx = sx - x0;

              v = (1 - ly) * (1 - lx) * plane[y0 * w + x0]
                  + (1 - ly) * lx * plane[y0 * w + x1]
                  + ly * (1 - lx) * plane[y1 * w + x0]
                  + ly * lx * plane[y1 * w + x1];
            }
          out[(ch * oh + oy) * ow + ox] = (float) v;
        }
}

void
ref_batch_norm (int c, int hw, const float *mean, const float *var,
                const float *gamma, const float *beta, float eps,
                MlrtActivation act, float alpha, const float *in, float *out)
{
  for (int ch = 0; ch < c; ch++)
    for (int i = 0; i < hw; i++)
      {
        double x = in[ch * hw + i];
        double y = gamma[ch] * (x - mean[ch]) / sqrt ((double) var[ch] + eps)
                   + beta[ch];

        out[ch * hw + i] = (float) ref_activation (act, alpha, y);
      }
}

void
ref_instance_norm (int c, int hw, const float *gamma, const float *beta,
                   float eps, MlrtActivation act, float alpha,
                   const float *in, float *out)
{
  for (int ch = 0; ch < c; ch++)
    {
      const float *x = in + ch * hw;
      double mean = 0, var = 0;

      for (int i = 0; i < hw; i++)
        mean += x[i];
      mean /= hw;
      for (int i = 0; i < hw; i++)
        var += (x[i] - mean) * (x[i] - mean);
      var /= hw;
      for (int i = 0; i < hw; i++)
        {
          double y = gamma[ch] * (x[i] - mean) / sqrt (var + eps) + beta[ch];

          out[ch * hw + i] = (float) ref_activation (act, alpha, y);
        }
    }
}

void
ref_pool2d (const MlrtPoolParams *p, const float *in, float *out)
{
  for (int ch = 0; ch < p->c; ch++)
    for (int oy = 0; oy < p->out_h; oy++)
      for (int ox = 0; ox < p->out_w; ox++)
        {
          double max = -INFINITY, sum = 0;
          int count = 0;

          for (int ki = 0; ki < p->kh; ki++)
            for (int kj = 0; kj < p->kw; kj++)
              {
                int iy = oy * p->sh - p->ph + ki;
                int ix = ox * p->sw - p->pw + kj;
                double v;

                if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w)
                  continue;
                v = in[(ch * p->in_h + iy) * p->in_w + ix];
                max = v > max ? v : max;
                sum += v;
                count++;
              }
          out[(ch * p->out_h + oy) * p->out_w + ox]
            = (float) (p->kind == MLRT_POOL_MAX ? max : sum / count);
        }
}

void
ref_global_pool (MlrtPoolKind kind, int c, int hw, const float *in,
                 float *out)
{
  for (int ch = 0; ch < c; ch++)
    {
      double max = -INFINITY, sum = 0;

      for (int i = 0; i < hw; i++)
        {
          double v = in[ch * hw + i];

          max = v > max ? v : max;
          sum += v;
        }
      out[ch] = (float) (kind == MLRT_POOL_MAX ? max : sum / hw);
    }
}

void
ref_inner_product (int in_features, int out_features, const float *in,
                   const float *weight, const float *bias,
                   MlrtActivation act, float alpha, float *out)
{
  for (int o = 0; o < out_features; o++)
    {
      double sum = bias ? bias[o] : 0.0;

      for (int i = 0; i < in_features; i++)
        sum += (double) weight[o * in_features + i] * in[i];
      out[o] = (float) ref_activation (act, alpha, sum);
    }
}

void
ref_softmax (size_t outer, size_t n, size_t inner, int log_form,
             const float *in, float *out)
{
  for (size_t r = 0; r < outer; r++)
    for (size_t j = 0; j < inner; j++)
      {
        const float *x = in + r * n * inner + j;
        float *y = out + r * n * inner + j;
        double max = -INFINITY, sum = 0;

        for (size_t i = 0; i < n; i++)
          max = x[i * inner] > max ? x[i * inner] : max;
        for (size_t i = 0; i < n; i++)
          sum += exp (x[i * inner] - max);
        for (size_t i = 0; i < n; i++)
          y[i * inner] = (float) (log_form ? x[i * inner] - max - log (sum)
                                  : exp (x[i * inner] - max) / sum);
      }
}
