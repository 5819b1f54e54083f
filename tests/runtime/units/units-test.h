/*
 * units-test.h: helpers shared by the GPU and NPU unit tests: random
 * tensors and shapes, the closeness check with the error figure it
 * reports, and loading a model for a compute-unit setting.
 */
#ifndef MLRT_UNITS_TEST_H
#define MLRT_UNITS_TEST_H

#include <glib.h>
#include <stddef.h>

#include "cpu/kernels.h"
#include "mlrt/mlrt.h"

/* n floats uniform in [lo, hi), g_free() them. */
float *units_random (size_t n, float lo, float hi);

/* A random conv configuration (stride, padding, dilation, groups, fused
 * activation among `acts`). */
void units_random_conv (MlrtConvParams *p, const MlrtActivation *acts,
                        int n_acts);
/* With `on`, a scalar affine after the activation (what
 * fuse-output-scale.c fuses), its scale far enough from 1 and its shift
 * from 0 that a unit leaving it out fails any tolerance; else none. */
void units_random_out_affine (MlrtConvParams *p, int on);
void units_random_pool (MlrtPoolParams *p, MlrtPoolKind kind);

void units_cpu_conv2d (const MlrtConvParams *p, const float *in,
                       const float *w, const float *bias, float *out);
void units_cpu_conv_transpose2d (const MlrtConvTransposeParams *p,
                                 const float *in, const float *w,
                                 const float *bias, float *out);

/* The worst error units_check_abs judges, without judging it; the index
 * of the worst element in *worst_at (may be NULL). */
double units_error (const float *got, const float *ref, size_t n,
                    double atol, size_t *worst_at);

/* Worst error of `got` against `ref`, relative to |ref| plus the RMS of
 * ref (so an output that cancels to near zero is judged at the tensor's
 * scale, not against its own tiny value). Fails the test above `rtol`;
 * logs the figure and keeps the worst per label for the summary. */
double units_check (const char *label, const float *got, const float *ref,
                    size_t n, double rtol);
/* The same, forgiving differences up to `atol`: what a format cannot
 * tell apart (Float16's subnormal spacing, 2^-24). */
double units_check_abs (const char *label, const float *got,
                        const float *ref, size_t n, double rtol, double atol);

/* Loads `path` for `units` with `placement`, compiling into `cache_dir`;
 * fails the test, naming the file and the units, when the load fails. */
MlrtModel *units_load (const char *path, MlrtComputeUnits units,
                       MlrtPlacement placement, const char *cache_dir);

/* Whether the GPU unit is built into this mlrt (-Dgpu); when it is, the
 * machine must have an OpenCL device. */
gboolean units_have_gpu (void);
/* Every layer of the model's plan says `unit` is not built in: the weak
 * reference path of an absent unit (runtime/src/plan.c). */
void units_assert_unit_absent (MlrtModel *model, MlrtUnit unit);

/* Prints "label worst-error" lines of everything checked so far. */
void units_print_figures (void);

#endif /* MLRT_UNITS_TEST_H */
