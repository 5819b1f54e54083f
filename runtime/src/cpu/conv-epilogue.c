/*
 * conv-epilogue.c: what every convolution does to its output after the
 * sums (conv-direct.h): the bias, the activation and the fused output
 * affine, in place, built for AVX2 with FMA and for the baseline, and the
 * test of which of the two this CPU runs, shared with the direct kernels.
 */
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

/* The same on `noc` blocks of 16 values, block k of channel oc0 + k: a
 * segment's sums before they are stored, n a constant the compiler
 * unrolls into two vectors. For the activations without a vector form
 * (vec-act.h); the others run on the sums in registers. */
static inline __attribute__ ((always_inline)) void
segment_epilogue_body (const MlrtConvParams *p, const float *bias, int oc0,
                       int noc, float *o)
{
  for (int k = 0; k < noc; k++)
    epilogue_body (p, 16, bias ? bias[oc0 + k] : 0.0f, o + 16 * k);
}

__attribute__ ((target ("avx2,fma"))) static void
segment_epilogue_avx2 (const MlrtConvParams *p, const float *bias, int oc0,
                       int noc, float *o)
{
  segment_epilogue_body (p, bias, oc0, noc, o);
}

static void
segment_epilogue_baseline (const MlrtConvParams *p, const float *bias,
                           int oc0, int noc, float *o)
{
  segment_epilogue_body (p, bias, oc0, noc, o);
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
