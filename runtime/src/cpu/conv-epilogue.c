/*
 * conv-epilogue.c: what every convolution does to its output after the
 * sums (conv-direct.h): the bias, the activation and the fused output
 * affine, in place, built for AVX2 with FMA and for the baseline, and the
 * test of which of the two this CPU runs, shared with the direct kernels.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "conv-direct.h"

/* By the features the CPU has, not its model: GCC's arch= clones test the
 * model, and pass over AMD's AVX2 processors. MLRT_CPU_ISA=baseline turns
 * the AVX2 kernels off, so the path of a CPU without them is tested on one
 * that has them. */
int
mlrt_cpu_have_avx2_fma (void)
{
  static int known = -1;        /* every thread finds the same answer */
  int have = __atomic_load_n (&known, __ATOMIC_RELAXED);

  if (have < 0)
    {
      const char *isa = getenv ("MLRT_CPU_ISA");

      __builtin_cpu_init ();
      have = __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma")
             && !(isa && strcmp (isa, "baseline") == 0);
      __atomic_store_n (&known, have, __ATOMIC_RELAXED);
    }
  return have;
}

/* o[i] = act (o[i] + bias), then the layer's output affine, built for
 * AVX2 with FMA and the baseline: after a product of few terms per
 * output this pass is a fifth of the time, and the baseline's 4-wide
 * loop makes it twice what it need be. The affine runs over the values
 * the first loop left in the cache. */
static inline __attribute__ ((always_inline)) void
epilogue_body (const MlrtConvParams *p, size_t n, float bias, float *o)
{
  mlrt_act_affine (p->act, p->alpha, n, o, 0.0f, 1.0f, bias, o);
  if (p->has_out_affine)
    mlrt_act_affine (MLRT_ACT_NONE, 0.0f, n, o, 0.0f, p->out_scale,
                     p->out_shift, o);
}

__attribute__ ((target ("avx2,fma"))) static void
bias_act_avx2 (const MlrtConvParams *p, size_t n, float bias, float *o)
{
  epilogue_body (p, n, bias, o);
}

static void
bias_act_baseline (const MlrtConvParams *p, size_t n, float bias, float *o)
{
  epilogue_body (p, n, bias, o);
}

/* Eight floats, one AVX register (two SSE ones on the baseline), and the
 * mask a comparison of two gives. */
typedef float Vec8 __attribute__ ((vector_size (8 * sizeof (float))));
typedef int32_t Mask8 __attribute__ ((vector_size (8 * sizeof (float))));

/* *v = m ? a : b, lane by lane. In place rather than returned: a vector
 * return changes the ABI of the baseline build. */
static inline __attribute__ ((always_inline)) void
select8 (Vec8 *v, Mask8 m, Vec8 a, Vec8 b)
{
  *v = (Vec8) ((m & (Mask8) a) | (~m & (Mask8) b));
}

static inline __attribute__ ((always_inline)) void
clamp8 (Vec8 *v, float lo, float hi)
{
  select8 (v, *v < lo, (Vec8) { 0 } + lo, *v);
  select8 (v, *v > hi, (Vec8) { 0 } + hi, *v);
}

/* The activations that are a few vector operations, in place; act a
 * constant in each inlined copy. */
static inline __attribute__ ((always_inline)) void
act8 (MlrtActivation act, float alpha, Vec8 *v)
{
  Vec8 r;

  switch (act)
    {
    case MLRT_ACT_RELU:
      select8 (v, *v > 0.0f, *v, (Vec8) { 0 });
      break;
    case MLRT_ACT_LEAKY_RELU:
      select8 (v, *v > 0.0f, *v, alpha * *v);
      break;
    case MLRT_ACT_HARD_SWISH:
      r = *v + 3.0f;
      clamp8 (&r, 0.0f, 6.0f);
      *v = *v * r * (1.0f / 6.0f);
      break;
    case MLRT_ACT_RELU6:
      clamp8 (v, 0.0f, 6.0f);
      break;
    case MLRT_ACT_NONE:
    case MLRT_ACT_SIGMOID:
    case MLRT_ACT_TANH:
    case MLRT_ACT_GELU:
    default:
      break;
    }
}

/* The epilogue on `noc` blocks of 16 values, block k of channel oc0 + k:
 * a segment's sums before they are stored, in registers. Through
 * mlrt_act_affine, one call per block of 16, it took a fifth of a
 * 3-channel layer's time (the detector's first: 0.2 of 0.9 ms). */
static inline __attribute__ ((always_inline)) void
segment_epilogue_body (MlrtActivation act, const MlrtConvParams *p,
                       const float *bias, int oc0, int noc, float *o)
{
  for (int k = 0; k < noc; k++, o += 16)
    {
      float add = bias ? bias[oc0 + k] : 0.0f;
      Vec8 lo, hi;

      /* one vector at a time: a copy of the 16 floats as an array of two
       * went through general registers */
      memcpy (&lo, o, sizeof lo);
      memcpy (&hi, o + 8, sizeof hi);
      lo += add;
      hi += add;
      act8 (act, p->alpha, &lo);
      act8 (act, p->alpha, &hi);
      if (p->has_out_affine)
        {
          lo = lo * p->out_scale + p->out_shift;
          hi = hi * p->out_scale + p->out_shift;
        }
      memcpy (o, &lo, sizeof lo);
      memcpy (o + 8, &hi, sizeof hi);
    }
}

/* One copy per activation with a vector form; the others through the
 * scalar functions, a block at a time. */
static inline __attribute__ ((always_inline)) void
segment_epilogue_switch (const MlrtConvParams *p, const float *bias, int oc0,
                         int noc, float *o)
{
  switch (p->act)
    {
    case MLRT_ACT_NONE:
      segment_epilogue_body (MLRT_ACT_NONE, p, bias, oc0, noc, o);
      break;
    case MLRT_ACT_RELU:
      segment_epilogue_body (MLRT_ACT_RELU, p, bias, oc0, noc, o);
      break;
    case MLRT_ACT_LEAKY_RELU:
      segment_epilogue_body (MLRT_ACT_LEAKY_RELU, p, bias, oc0, noc, o);
      break;
    case MLRT_ACT_HARD_SWISH:
      segment_epilogue_body (MLRT_ACT_HARD_SWISH, p, bias, oc0, noc, o);
      break;
    case MLRT_ACT_RELU6:
      segment_epilogue_body (MLRT_ACT_RELU6, p, bias, oc0, noc, o);
      break;
    case MLRT_ACT_SIGMOID:
    case MLRT_ACT_TANH:
    case MLRT_ACT_GELU:
    default:
      for (int k = 0; k < noc; k++)
        epilogue_body (p, 16, bias ? bias[oc0 + k] : 0.0f, o + 16 * k);
      break;
    }
}

__attribute__ ((target ("avx2,fma"))) static void
segment_epilogue_avx2 (const MlrtConvParams *p, const float *bias, int oc0,
                       int noc, float *o)
{
  segment_epilogue_switch (p, bias, oc0, noc, o);
}

static void
segment_epilogue_baseline (const MlrtConvParams *p, const float *bias,
                           int oc0, int noc, float *o)
{
  segment_epilogue_switch (p, bias, oc0, noc, o);
}

void
mlrt_conv_segment_epilogue (const MlrtConvParams *p, const float *bias,
                            int oc0, int noc, float *o)
{
  if (mlrt_cpu_have_avx2_fma ())
    segment_epilogue_avx2 (p, bias, oc0, noc, o);
  else
    segment_epilogue_baseline (p, bias, oc0, noc, o);
}

int
mlrt_conv_has_epilogue (const MlrtConvParams *p, const float *bias)
{
  return bias || p->act != MLRT_ACT_NONE || p->has_out_affine;
}

void
mlrt_conv_bias_act (const MlrtConvParams *p, size_t n, float bias, float *o)
{
  if (mlrt_cpu_have_avx2_fma ())
    bias_act_avx2 (p, n, bias, o);
  else
    bias_act_baseline (p, n, bias, o);
}
