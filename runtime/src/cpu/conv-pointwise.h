/*
 * conv-pointwise.h: the pointwise (1x1) convolutions sgemm serves badly
 * (conv-pointwise.c): one-pixel layers and layers from few input
 * channels. Private to conv.c.
 */
#ifndef MLRT_CPU_CONV_POINTWISE_H
#define MLRT_CPU_CONV_POINTWISE_H

#include "kernels.h"

/* Whether this pointwise convolution (1x1, stride 1, no padding) runs
 * here rather than through sgemm: by its shape alone. */
int mlrt_conv_pointwise_fits (const MlrtConvParams *p);

/* Output pixels [x0, x1) of every channel, the bias (or NULL), the
 * activation and the output affine applied before the store. No
 * scratch. */
void mlrt_conv_pointwise (const MlrtConvParams *p, const float *in,
                          const float *weight, const float *bias, int x0,
                          int x1, float *out);

#endif /* MLRT_CPU_CONV_POINTWISE_H */
