/*
 * activation.c: the element-wise ops of one or two same-shape tensors on
 * the CPU: standalone activations, the clamp of hard_sigmoid and clip,
 * and the same-shape add (with a fused activation) and mul that the
 * broadcasting kernels (broadcast.c) hand their common case to.
 */
#include <string.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "kernels.h"

void
mlrt_cpu_activation (MlrtActivation act, float alpha, size_t n,
                     const float *in, float *out)
{
  if (act == MLRT_ACT_NONE)
    {
      if (in != out)
        memmove (out, in, sizeof (float) * n);
      return;
    }
  mlrt_act_affine (act, alpha, n, in, 0.0f, 1.0f, 0.0f, out);
}

void
mlrt_cpu_clamp_affine (size_t n, float a, float b, float lo, float hi,
                       const float *in, float *out)
{
  size_t i;

  for (i = 0; i < n; i++)
    {
      float v = a * in[i] + b;
      out[i] = v < lo ? lo : v > hi ? hi : v;
    }
}

void
mlrt_cpu_add (size_t n, const float *a, const float *b, MlrtActivation act,
              float alpha, float *out)
{
  size_t i;

  switch (act)
    {
    case MLRT_ACT_NONE:
      for (i = 0; i < n; i++)
        out[i] = a[i] + b[i];
      break;
    case MLRT_ACT_RELU:
      for (i = 0; i < n; i++)
        {
          float v = a[i] + b[i];
          out[i] = v > 0.0f ? v : 0.0f;
        }
      break;
    case MLRT_ACT_LEAKY_RELU:
    case MLRT_ACT_SIGMOID:
    case MLRT_ACT_TANH:
    case MLRT_ACT_GELU:
    case MLRT_ACT_HARD_SWISH:
    case MLRT_ACT_RELU6:
    default:
      for (i = 0; i < n; i++)
        out[i] = mlrt_act_apply (act, alpha, a[i] + b[i]);
      break;
    }
}

void
mlrt_cpu_mul (size_t n, const float *a, const float *b, float *out)
{
  size_t i;

  for (i = 0; i < n; i++)
    out[i] = a[i] * b[i];
}
