/*
 * conv-direct.h: direct convolution for layers with few output channels
 * (up to 32), where im2col + sgemm is a GEMM of as many rows and runs at
 * a fraction of BLAS's rate (issue 13: the style models' 9x9 convolution
 * from 8 channels back to 3 ran at 6 GFLOP/s), or where the im2col copy
 * (9 times the input for a 3x3 kernel) costs more than a product of so
 * few rows gains (the 3x3 layers of 16-32 channels ran at 0.5-0.8 of
 * sgemm). Depthwise ones are conv-depthwise.h's. Private to conv.c.
 */
#ifndef MLRT_CPU_CONV_DIRECT_H
#define MLRT_CPU_CONV_DIRECT_H

#include <stddef.h>

#include "kernels.h"

/* Whether the AVX2 and FMA builds of the kernels run here (the CPU's
 * features; MLRT_CPU_ISA=baseline says no). */
int mlrt_cpu_have_avx2_fma (void);

/* o[i] = act (o[i] + bias), then p's output affine if it has one, in
 * place: every convolution's epilogue, in AVX2 where the CPU has it
 * (conv-epilogue.c). */
void mlrt_conv_bias_act (const MlrtConvParams *p, size_t n, float bias,
                         float *o);
/* The epilogue of output channels [oc0, oc0 + noc) on 16 values each,
 * channel oc0 + k at o + 16 k. */
void mlrt_conv_segment_epilogue (const MlrtConvParams *p, const float *bias,
                                 int oc0, int noc, float *o);
/* Whether the epilogue changes anything: a bias, an activation or an
 * output affine. */
int mlrt_conv_has_epilogue (const MlrtConvParams *p, const float *bias);

/* Whether the direct path takes this convolution. */
int mlrt_conv_direct_fits (const MlrtConvParams *p);
/* The weights packed tap by tap, four or six output channels side by
 * side, and where each tap reads, once at load: packing them per
 * prediction took a fifth of a 3x3 layer from 96 to 24 channels on a
 * 10x15 image. */
size_t mlrt_conv_direct_packed_floats (const MlrtConvParams *p);
void mlrt_conv_direct_pack (const MlrtConvParams *p, const float *weight,
                            float *packed);
/* Output rows per band for about `tasks` bands: as many as keep the
 * band's copy in the cache, and enough that the rows two bands both read
 * are a small part of each. */
int mlrt_conv_direct_band_rows (const MlrtConvParams *p, int tasks);
/* Scratch of one band of `rows` output rows, in floats. */
size_t mlrt_conv_direct_band_floats (const MlrtConvParams *p, int rows);
/* Output rows [oy0, oy1) of every channel, a band of a task: the padded
 * copy of the input rows the band reads (conv-pad.h), made in `scratch`
 * where it stays in the cache, then each segment's sums with the bias
 * (or NULL), the activation and the output affine applied before they
 * are stored. `packed`: mlrt_conv_direct_pack's. A copy of the whole
 * input first (the detector's first layer: 1.8 MB) went out to memory
 * and back. */
void mlrt_conv_direct_band (const MlrtConvParams *p, const float *in,
                            const float *packed, const float *bias, int oy0,
                            int oy1, float *scratch, float *out);

/* Pointwise (1x1) convolutions from at most 32 input channels to at
 * most 24, on images of 256 pixels or more: the same segments straight
 * from the input, with the bias and the activation applied to blocks of
 * 256 pixels while they are in the cache (after sgemm they are a pass of
 * their own, a fifth of the time of a product of so few terms). The
 * scratch holds the packed weights. */
int mlrt_conv_direct_pointwise_fits (const MlrtConvParams *p);
size_t mlrt_conv_direct_pointwise_floats (const MlrtConvParams *p);
void mlrt_conv_direct_pointwise_prepare (const MlrtConvParams *p,
                                         const float *weight, float *scratch);
/* Output pixels [x0, x1) of every channel; x0 a multiple of 16, x1 too
 * unless it is the end of the image. */
void mlrt_conv_direct_pointwise (const MlrtConvParams *p, const float *in,
                                 const float *scratch, const float *bias,
                                 int x0, int x1, float *out);

#endif /* MLRT_CPU_CONV_DIRECT_H */
