/*
 * test-kernels.c: the CPU kernel tests' entry point and shared helpers.
 * Every kernel is compared with the plain reference of reference.c on
 * fixed shapes chosen to hit each code path and on seeded random shapes
 * (test-conv.c, test-ops.c), and with hand-computed results (test-hand.c)
 * so a bug shared by a kernel and its reference cannot hide. Outputs are
 * checked element by element and for writes past their end, scratch for
 * overruns.
 */
#include <math.h>
#include <string.h>

#include "reference.h"
#include "test-kernels.h"

#define GUARD 64
#define GUARD_VALUE 1234.5f

float *
guarded_new (size_t n, float fill)
{
  float *buf = g_new (float, n + GUARD);

  for (size_t i = 0; i < n; i++)
    buf[i] = fill;
  for (size_t i = 0; i < GUARD; i++)
    buf[n + i] = GUARD_VALUE;
  return buf;
}

gboolean
guard_intact (const float *buf, size_t n)
{
  for (size_t i = 0; i < GUARD; i++)
    if (buf[n + i] != GUARD_VALUE)
      return FALSE;
  return TRUE;
}

float *
random_new (GRand *rng, size_t n, double lo, double hi)
{
  float *buf = guarded_new (n, 0.0f);

  for (size_t i = 0; i < n; i++)
    buf[i] = (float) g_rand_double_range (rng, lo, hi);
  return buf;
}

const MlrtActivation all_acts[N_ACTS] = {
  MLRT_ACT_NONE, MLRT_ACT_RELU, MLRT_ACT_LEAKY_RELU, MLRT_ACT_SIGMOID,
  MLRT_ACT_TANH, MLRT_ACT_GELU, MLRT_ACT_HARD_SWISH, MLRT_ACT_RELU6,
};

int
rand_int (GRand *rng, int lo, int hi_inclusive)
{
  return g_rand_int_range (rng, lo, hi_inclusive + 1);
}

gboolean
assert_close (const char *what, const float *got, const float *want,
              size_t n, size_t reduction)
{
  double abs_tol = 1e-5 * (reduction ? reduction : 1);

  for (size_t i = 0; i < n; i++)
    {
      double diff = fabs ((double) got[i] - want[i]);

      if (!(diff <= abs_tol + 1e-4 * fabs (want[i])))
        {
          g_test_fail_printf ("%s: element %zu of %zu is %.9g, expected %.9g",
                              what, i, n, got[i], want[i]);
          return FALSE;
        }
    }
  if (!guard_intact (got, n))
    {
      g_test_fail_printf ("%s: kernel wrote past the end of its output", what);
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  /* several workers whatever the machine's cores, so the kernels' cuts
   * into tasks run on the pool (unless the caller chose a count) */
  g_setenv ("MLRT_CPU_THREADS", "3", FALSE);
  g_test_init (&argc, &argv, NULL);
  register_conv_tests ();
  register_ops_tests ();
  register_hand_tests ();
  return g_test_run ();
}

void
conv2d_packed (const MlrtConvParams *p, const float *in, const float *w,
               const float *bias, float *out)
{
  float *scratch = g_malloc (mlrt_cpu_conv2d_scratch_size (p) + 1);
  float *packed = g_new (float, mlrt_cpu_conv2d_packed_floats (p) + 1);

  mlrt_cpu_conv2d_pack (p, w, packed);
  mlrt_cpu_conv2d (p, in, w, packed, bias, out, scratch);
  g_free (packed);
  g_free (scratch);
}
