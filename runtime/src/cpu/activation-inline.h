/*
 * activation-inline.h: the scalar activation functions, inlined so every
 * kernel that fuses an activation (conv, norm, add, inner product) applies
 * it while the value is still in a register instead of in a second pass
 * over memory. Private to the CPU unit.
 */
#ifndef MLRT_CPU_ACTIVATION_INLINE_H
#define MLRT_CPU_ACTIVATION_INLINE_H

#include <math.h>
#include <stddef.h>

#include "kernels.h"

/* sqrt(2 / pi), the constant of the tanh approximation of GELU. */
#define MLRT_GELU_K 0.7978845608028654f

static inline float
mlrt_act_sigmoid (float x)
{
  return 1.0f / (1.0f + expf (-x));
}

/* 0.5 x (1 + tanh u) rewritten as x / (1 + exp(-2u)), the same function:
 * glibc's expf is several times faster than its tanhf. */
static inline float
mlrt_act_gelu (float x)
{
  float u = MLRT_GELU_K * (x + 0.044715f * x * x * x);

  return x / (1.0f + expf (-2.0f * u));
}

static inline float
mlrt_act_hard_swish (float x)
{
  float r = x + 3.0f;

  r = r < 0.0f ? 0.0f : r > 6.0f ? 6.0f : r;
  return x * r * (1.0f / 6.0f);
}

static inline float
mlrt_act_apply (MlrtActivation act, float alpha, float x)
{
  switch (act)
    {
    case MLRT_ACT_RELU:
      return x > 0.0f ? x : 0.0f;
    case MLRT_ACT_LEAKY_RELU:
      return x > 0.0f ? x : alpha * x;
    case MLRT_ACT_SIGMOID:
      return mlrt_act_sigmoid (x);
    case MLRT_ACT_TANH:
      return tanhf (x);
    case MLRT_ACT_GELU:
      return mlrt_act_gelu (x);
    case MLRT_ACT_HARD_SWISH:
      return mlrt_act_hard_swish (x);
    case MLRT_ACT_RELU6:
      return x < 0.0f ? 0.0f : x > 6.0f ? 6.0f : x;
    case MLRT_ACT_NONE:
    default:
      return x;
    }
}

/* y[i] = act((x[i] - center) * scale + shift): the shape of every fused
 * epilogue (bias add, batch / instance norm). Centring before scaling keeps
 * precision when values sit far from zero, where folding the centre into
 * the shift would cancel catastrophically. Switching outside the loop
 * keeps each loop body branch-free so the compiler can vectorise the cheap
 * cases; always inlined, so a caller built for AVX2 gets AVX2 loops. */
static inline __attribute__ ((always_inline)) void
mlrt_act_affine (MlrtActivation act, float alpha, size_t n, const float *x,
                 float center, float scale, float shift, float *y)
{
  size_t i;

  switch (act)
    {
    case MLRT_ACT_NONE:
      for (i = 0; i < n; i++)
        y[i] = (x[i] - center) * scale + shift;
      break;
    case MLRT_ACT_RELU:
      for (i = 0; i < n; i++)
        {
          float v = (x[i] - center) * scale + shift;
          y[i] = v > 0.0f ? v : 0.0f;
        }
      break;
    case MLRT_ACT_LEAKY_RELU:
      for (i = 0; i < n; i++)
        {
          float v = (x[i] - center) * scale + shift;
          y[i] = v > 0.0f ? v : alpha * v;
        }
      break;
    case MLRT_ACT_HARD_SWISH:
      for (i = 0; i < n; i++)
        y[i] = mlrt_act_hard_swish ((x[i] - center) * scale + shift);
      break;
    case MLRT_ACT_RELU6:
      for (i = 0; i < n; i++)
        {
          float v = (x[i] - center) * scale + shift;
          y[i] = v < 0.0f ? 0.0f : v > 6.0f ? 6.0f : v;
        }
      break;
    case MLRT_ACT_SIGMOID:
    case MLRT_ACT_TANH:
    case MLRT_ACT_GELU:
    default:
      for (i = 0; i < n; i++)
        y[i] = mlrt_act_apply (act, alpha, (x[i] - center) * scale + shift);
      break;
    }
}

#endif /* MLRT_CPU_ACTIVATION_INLINE_H */
