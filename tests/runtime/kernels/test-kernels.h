/*
 * test-kernels.h: helpers shared by the kernel tests: buffers with guard
 * zones (so a kernel writing past its output or scratch is caught), seeded
 * random fills, and the fp32 comparison used against the references.
 */
#ifndef MLRT_TEST_KERNELS_H
#define MLRT_TEST_KERNELS_H

#include <glib.h>

#include "cpu/kernels.h"

/* n floats of `fill`, followed by a guard zone checked by guard_intact. */
float *guarded_new (size_t n, float fill);
gboolean guard_intact (const float *buf, size_t n);

/* n floats uniform in [lo, hi) from `rng`, guarded. */
float *random_new (GRand *rng, size_t n, double lo, double hi);

/* Compares `got` against `want` elementwise with a tolerance of
 * 1e-4 relative plus 1e-5 absolute per term of a reduction of length
 * `reduction`; fails the current test naming `what` and the first bad
 * index. Returns whether all matched. */
gboolean assert_close (const char *what, const float *got, const float *want,
                       size_t n, size_t reduction);

/* mlrt_cpu_conv2d as the CPU unit calls it: its weights packed first
 * (mlrt_cpu_conv2d_pack), scratch of the size it asks for. */
void conv2d_packed (const MlrtConvParams *p, const float *in, const float *w,
                    const float *bias, float *out);

/* Every activation, for tests that sweep them. */
extern const MlrtActivation all_acts[];
#define N_ACTS 8

/* Uniform in [lo, hi], both included. */
int rand_int (GRand *rng, int lo, int hi_inclusive);

void register_conv_tests (void);
void register_ops_tests (void);
void register_hand_tests (void);

#endif /* MLRT_TEST_KERNELS_H */
