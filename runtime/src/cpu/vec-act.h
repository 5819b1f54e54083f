/*
 * vec-act.h: the activations that are a few vector operations (ReLU,
 * leaky ReLU, ReLU6, hard swish) on eight floats in GCC's vector
 * extension: one AVX register, two SSE ones in a baseline build. For the
 * kernels that apply them to sums still in registers; through the scalar
 * functions of activation-inline.h, 16 values at a time, the epilogue
 * took a fifth of a 3-channel convolution. Private to the CPU unit.
 */
#ifndef MLRT_CPU_VEC_ACT_H
#define MLRT_CPU_VEC_ACT_H

#include <stdint.h>

#include "kernels.h"

typedef float MlrtVec8 __attribute__ ((vector_size (8 * sizeof (float))));
typedef int32_t MlrtMask8 __attribute__ ((vector_size (8 * sizeof (float))));

/* Whether mlrt_vec_act computes `act`. */
static inline int
mlrt_vec_act_fits (MlrtActivation act)
{
  return act == MLRT_ACT_NONE || act == MLRT_ACT_RELU
         || act == MLRT_ACT_LEAKY_RELU || act == MLRT_ACT_HARD_SWISH
         || act == MLRT_ACT_RELU6;
}

/* Lanes of *v where `keep` is set stay, the others take `other`'s. By
 * pointer: a vector passed by value changes the ABI of the baseline
 * build (clang refuses it). */
static inline __attribute__ ((always_inline)) void
mlrt_vec_keep (MlrtVec8 *v, const MlrtMask8 *keep, const MlrtVec8 *other)
{
  *v = (MlrtVec8) ((*keep & (MlrtMask8) *v) | (~*keep & (MlrtMask8) *other));
}

/* Clamped to [lo, hi]; NaN stays NaN, as in activation-inline.h. */
static inline __attribute__ ((always_inline)) void
mlrt_vec_clamp (MlrtVec8 *v, float lo, float hi)
{
  MlrtMask8 keep = ~(*v < lo);
  MlrtVec8 bound = (MlrtVec8) { 0 } + lo;

  mlrt_vec_keep (v, &keep, &bound);
  keep = ~(*v > hi);
  bound = (MlrtVec8) { 0 } + hi;
  mlrt_vec_keep (v, &keep, &bound);
}

/* The activation, in place; act a constant in each inlined copy, which
 * leaves only its own operations. */
static inline __attribute__ ((always_inline)) void
mlrt_vec_act (MlrtActivation act, float alpha, MlrtVec8 *v)
{
  MlrtMask8 positive = *v > 0.0f;
  MlrtVec8 r;

  switch (act)
    {
    case MLRT_ACT_RELU:
      r = (MlrtVec8) { 0 };
      mlrt_vec_keep (v, &positive, &r);
      break;
    case MLRT_ACT_LEAKY_RELU:
      r = alpha * *v;
      mlrt_vec_keep (v, &positive, &r);
      break;
    case MLRT_ACT_HARD_SWISH:
      r = *v + 3.0f;
      mlrt_vec_clamp (&r, 0.0f, 6.0f);
      *v = *v * r * (1.0f / 6.0f);
      break;
    case MLRT_ACT_RELU6:
      mlrt_vec_clamp (v, 0.0f, 6.0f);
      break;
    case MLRT_ACT_NONE:
    case MLRT_ACT_SIGMOID:
    case MLRT_ACT_TANH:
    case MLRT_ACT_GELU:
    default:
      break;
    }
}

#endif /* MLRT_CPU_VEC_ACT_H */
