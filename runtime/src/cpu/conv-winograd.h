/*
 * conv-winograd.h: 3x3 stride-1 convolutions by Winograd's minimal
 * filtering, F(4x4, 3x3) (conv-winograd.c says why). Private to conv.c.
 */
#ifndef MLRT_CPU_CONV_WINOGRAD_H
#define MLRT_CPU_CONV_WINOGRAD_H

#include <stddef.h>

#include "kernels.h"

/* Whether the Winograd path takes this convolution, and the 4x4 tiles
 * of its output. */
int mlrt_conv_winograd_fits (const MlrtConvParams *p);
int mlrt_conv_winograd_tiles (const MlrtConvParams *p);

/* The transformed weights, computed once per layer: how many floats
 * they take, and filling them from weight [out_c, in_c, 3, 3]. */
size_t mlrt_conv_winograd_packed_floats (const MlrtConvParams *p);
void mlrt_conv_winograd_pack (const MlrtConvParams *p, const float *weight,
                              float *packed);

/* Scratch one worker needs, in floats: one task's transformed input
 * tiles and their products. */
size_t mlrt_conv_winograd_floats (const MlrtConvParams *p);

/* How many tasks the layer is cut into, and task `task` of them: a band
 * of output rows, every channel, the bias (or NULL), the activation and
 * the output affine applied while the band is in the cache. */
int mlrt_conv_winograd_tasks (const MlrtConvParams *p);
void mlrt_conv_winograd_task (const MlrtConvParams *p, const float *in,
                              const float *packed, const float *bias,
                              int task, float *scratch, float *out);

#endif /* MLRT_CPU_CONV_WINOGRAD_H */
