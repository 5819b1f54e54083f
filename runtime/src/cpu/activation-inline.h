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
#include <stdint.h>
#include <string.h>

#include "kernels.h"

/* sqrt(2 / pi), the constant of the tanh approximation of GELU. */
#define MLRT_GELU_K 0.7978845608028654f

/* e^x in straight-line arithmetic the vectoriser turns into vector code
 * (a call to expf keeps a loop scalar: a sigmoid over the detector's
 * 320x480 map took 1.5 ms). x = n ln 2 + r with |r| <= ln 2 / 2, e^r by
 * Cephes' degree-6 polynomial for expf, 2^(n-1) put into the exponent
 * bits and doubled (2^128 has none); within 2 ulp of expf down to
 * e^-86.6 (2.6e-38), 0 below, infinity past the largest float, NaN for
 * NaN. */
static inline float
mlrt_act_exp (float x)
{
  const float magic = 12582912.0f;      /* 1.5 * 2^23: rounds to integer */
  const float lo = -86.6f, hi = 88.7228394f;    /* ln FLT_MAX */
  /* NaN too becomes a number here: converting it to int is undefined */
  float c = x > lo ? x : lo, n, r, p, scale;
  int32_t bits;

  c = c < hi ? c : hi;
  n = (c * 1.44269504088896341f + magic) - magic;
  r = c - n * 0.693359375f + n * 2.12194440e-4f;
  bits = ((int32_t) n + 126) << 23;
  p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  memcpy (&scale, &bits, sizeof scale);
  p = p * scale * 2.0f;
  return x < lo ? 0.0f : x > hi ? INFINITY : x == x ? p : x;
}

static inline float
mlrt_act_sigmoid (float x)
{
  return 1.0f / (1.0f + mlrt_act_exp (-x));
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
      for (i = 0; i < n; i++)
        y[i] = mlrt_act_sigmoid ((x[i] - center) * scale + shift);
      break;
    case MLRT_ACT_TANH:
    case MLRT_ACT_GELU:
    default:
      for (i = 0; i < n; i++)
        y[i] = mlrt_act_apply (act, alpha, (x[i] - center) * scale + shift);
      break;
    }
}

#endif /* MLRT_CPU_ACTIVATION_INLINE_H */
