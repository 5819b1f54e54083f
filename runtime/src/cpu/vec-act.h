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

/* *v = m ? a : b, lane by lane. In place rather than returned: a vector
 * return changes the ABI of the baseline build. */
static inline __attribute__ ((always_inline)) void
mlrt_vec_select (MlrtVec8 *v, MlrtMask8 m, MlrtVec8 a, MlrtVec8 b)
{
  *v = (MlrtVec8) ((m & (MlrtMask8) a) | (~m & (MlrtMask8) b));
}

static inline __attribute__ ((always_inline)) void
mlrt_vec_clamp (MlrtVec8 *v, float lo, float hi)
{
  mlrt_vec_select (v, *v < lo, (MlrtVec8) { 0 } + lo, *v);
  mlrt_vec_select (v, *v > hi, (MlrtVec8) { 0 } + hi, *v);
}

/* The activation, in place; act a constant in each inlined copy, which
 * leaves only its own operations. */
static inline __attribute__ ((always_inline)) void
mlrt_vec_act (MlrtActivation act, float alpha, MlrtVec8 *v)
{
  MlrtVec8 r;

  switch (act)
    {
    case MLRT_ACT_RELU:
      mlrt_vec_select (v, *v > 0.0f, *v, (MlrtVec8) { 0 });
      break;
    case MLRT_ACT_LEAKY_RELU:
      mlrt_vec_select (v, *v > 0.0f, *v, alpha * *v);
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
