/*
 * norm.c: batch and instance normalisation on the CPU, each folded into
 * one per-channel centre, scale and shift applied together with the fused
 * activation in a single pass over the data.
 */
#include <math.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "kernels.h"

void
mlrt_cpu_batch_norm (int c, int hw, const float *mean, const float *var,
                     const float *gamma, const float *beta, float eps,
                     MlrtActivation act, float alpha,
                     const float *in, float *out)
{
  int i;

  for (i = 0; i < c; i++)
    {
      float scale = gamma[i] / sqrtf (var[i] + eps);
      size_t o = (size_t) i * hw;

      mlrt_act_affine (act, alpha, hw, in + o, mean[i], scale, beta[i],
                       out + o);
    }
}

/* Mean and (biased) variance of one channel. Two passes, accumulated in
 * double: a single-pass E[x^2] - E[x]^2 in float loses every digit on
 * large planes with a large mean. */
static void
moments (size_t n, const float *x, double *mean, double *var)
{
  double sum = 0.0, sq = 0.0, m;
  size_t i;

  for (i = 0; i < n; i++)
    sum += x[i];
  m = sum / (double) n;
  for (i = 0; i < n; i++)
    {
      double d = x[i] - m;
      sq += d * d;
    }
  *mean = m;
  *var = sq / (double) n;
}

void
mlrt_cpu_instance_norm (int c, int hw, const float *gamma,
                        const float *beta, float eps,
                        MlrtActivation act, float alpha,
                        const float *in, float *out)
{
  int i;

  for (i = 0; i < c; i++)
    {
      size_t o = (size_t) i * hw;
      double mean, var, scale;
      float center;

      moments (hw, in + o, &mean, &var);
      scale = gamma[i] / sqrt (var + eps);
      /* x - center is exact for x near the mean; the part of the mean
       * a float cannot hold goes into the shift instead. */
      center = (float) mean;
      mlrt_act_affine (act, alpha, hw, in + o, center, (float) scale,
                       (float) (beta[i] - (mean - center) * scale), out + o);
    }
}
