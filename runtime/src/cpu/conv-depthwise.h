/*
 * conv-depthwise.h: depthwise convolutions (one input channel per group)
 * by the direct path's segments, one channel at a time: im2col would
 * copy each channel kh * kw times for a product of one row, and the
 * plain loop of conv.c runs at 1-3 GFLOP/s. Private to conv.c.
 */
#ifndef MLRT_CPU_CONV_DEPTHWISE_H
#define MLRT_CPU_CONV_DEPTHWISE_H

#include <stddef.h>

#include "kernels.h"

/* Depthwise convolutions (no dilation across, at most 64 taps), one
 * channel at a time from a padded copy of its plane in `scratch` (of the
 * size below, per worker): the baseline loop of conv.c runs at 1-3
 * GFLOP/s, a fraction of what the segments reach. */
int mlrt_conv_direct_depthwise_fits (const MlrtConvParams *p);
size_t mlrt_conv_direct_depthwise_floats (const MlrtConvParams *p);
/* Output channel oc from input `plane` and its kh * kw taps `w`, the
 * bias (or NULL) and the activation applied row by row. `bordered`: the
 * scratch holds the previous channel of the same layer, whose zero
 * border (what the taps read outside the input) is kept. */
void mlrt_conv_direct_depthwise (const MlrtConvParams *p, const float *plane,
                                 const float *w, const float *bias, int oc,
                                 float *scratch, int bordered, float *out);

#endif /* MLRT_CPU_CONV_DEPTHWISE_H */
