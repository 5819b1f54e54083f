/*
 * reference.h: plain, obviously-correct implementations of the CPU kernels,
 * written straight from each op's definition (naive loops, double
 * accumulation, no BLAS, no cleverness) for test-kernels.c to compare the
 * real kernels against.
 */
#ifndef MLRT_TEST_REFERENCE_H
#define MLRT_TEST_REFERENCE_H

#include <stddef.h>

#include "cpu/kernels.h"

double ref_activation (MlrtActivation act, double alpha, double x);

void ref_conv2d (const MlrtConvParams *p, const float *in,
                 const float *weight, const float *bias, float *out);
void ref_conv_transpose2d (const MlrtConvTransposeParams *p, const float *in,
                           const float *weight, const float *bias,
                           float *out);
void ref_upsample (int c, int h, int w, int sh, int sw, MlrtUpsampleMode mode,
                   const float *in, float *out);
void ref_batch_norm (int c, int hw, const float *mean, const float *var,
                     const float *gamma, const float *beta, float eps,
                     MlrtActivation act, float alpha, const float *in,
                     float *out);
void ref_instance_norm (int c, int hw, const float *gamma, const float *beta,
                        float eps, MlrtActivation act, float alpha,
                        const float *in, float *out);
void ref_pool2d (const MlrtPoolParams *p, const float *in, float *out);
void ref_global_pool (MlrtPoolKind kind, int c, int hw, const float *in,
                      float *out);
void ref_inner_product (int in_features, int out_features, const float *in,
                        const float *weight, const float *bias,
                        MlrtActivation act, float alpha, float *out);
/* Along the middle axis of [outer, n, inner]; its log when log_form. */
void ref_softmax (size_t outer, size_t n, size_t inner, int log_form,
                  const float *in, float *out);

#endif /* MLRT_TEST_REFERENCE_H */
