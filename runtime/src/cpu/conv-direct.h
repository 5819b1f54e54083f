/*
 * conv-direct.h: direct convolution for layers with few output channels
 * (1-8, or up to 16 from few input taps), where im2col + sgemm is a GEMM
 * of as many rows and runs at a fraction of BLAS's rate (issue 13: the
 * style models' 9x9 convolution from 8 channels back to 3 ran at 6
 * GFLOP/s), or where the im2col copy costs more than the product (3x3
 * from 3 channels, stride 2: the detector's first layer); and for
 * depthwise convolutions. Private to conv.c.
 */
#ifndef MLRT_CPU_CONV_DIRECT_H
#define MLRT_CPU_CONV_DIRECT_H

#include <stddef.h>

#include "kernels.h"

/* Whether the direct path takes this convolution. */
int mlrt_conv_direct_fits (const MlrtConvParams *p);
/* Scratch it needs, in floats: the padded input, the packed weights and
 * the taps' offsets. */
size_t mlrt_conv_direct_scratch_floats (const MlrtConvParams *p);
/* Fills the scratch: the input with its padding made explicit, the
 * weights packed tap by tap, four output channels side by side, and where
 * each tap reads. */
void mlrt_conv_direct_prepare (const MlrtConvParams *p, const float *in,
                               const float *weight, float *scratch);
/* Output rows [oy0, oy1) of every channel, from the prepared scratch
 * (bias and activation not applied). */
void mlrt_conv_direct_rows (const MlrtConvParams *p, const float *scratch,
                            int oy0, int oy1, float *out);

/* Depthwise convolutions (no dilation across, at most 64 taps), one
 * channel at a time from a padded copy of its plane in `scratch` (of the
 * size below, per worker): the baseline loop of conv.c runs at 1-3
 * GFLOP/s, a fraction of what the segments reach. */
int mlrt_conv_direct_depthwise_fits (const MlrtConvParams *p);
size_t mlrt_conv_direct_depthwise_floats (const MlrtConvParams *p);
/* Output channel from input `plane` and its kh * kw taps `w` (bias and
 * activation not applied). */
void mlrt_conv_direct_depthwise (const MlrtConvParams *p, const float *plane,
                                 const float *w, float *scratch, float *out);

#endif /* MLRT_CPU_CONV_DIRECT_H */
