/*
 * conv-pad.h: the input of a direct convolution as its kernels read it
 * (conv-direct.c): rows with their padding made explicit, each split into
 * as many phases as the stride across, phase f holding padded columns f,
 * f + s, f + 2s, ...: the input pixels a kernel tap meets along an output
 * row are then contiguous, whatever the stride. The rows of all channels
 * interleave, so that the rows the taps of a segment read across every
 * channel are one stretch of memory rather than one page per channel.
 * Private to the CPU unit.
 */
#ifndef MLRT_CPU_CONV_PAD_H
#define MLRT_CPU_CONV_PAD_H

#include <stddef.h>

#include "kernels.h"

/* Width of one phase of a padded row. */
static inline size_t
mlrt_conv_pad_phase_width (const MlrtConvParams *p)
{
  return ((size_t) p->in_w + 2 * p->pw + p->sw - 1) / p->sw;
}

/* Floats between padded row y and row y + 1 of a copy of `channels`
 * channels. */
static inline size_t
mlrt_conv_pad_pitch (const MlrtConvParams *p, int channels)
{
  return (size_t) channels * p->sw * mlrt_conv_pad_phase_width (p);
}

/* Where tap (c, ki, kj) reads, from the first input pixel of a segment,
 * in a copy of `channels` channels. */
static inline size_t
mlrt_conv_pad_tap (const MlrtConvParams *p, int channels, int c, int ki,
                   int kj)
{
  return (size_t) ki * p->dh * mlrt_conv_pad_pitch (p, channels)
         + ((size_t) c * p->sw + kj % p->sw) * mlrt_conv_pad_phase_width (p)
         + kj / p->sw;
}

/* Padded rows [y0, y1) of all in_c channels of `in` ([in_c, in_h, in_w]),
 * padded row y at dst + (y - y0) * pitch: the input's values in their
 * phases, zero in the padding. */
void mlrt_conv_pad_rows (const MlrtConvParams *p, const float *in, int y0,
                         int y1, float *dst);
/* Input row `src` of one channel into its phases at `row`, leaving the
 * padding as it is. */
void mlrt_conv_pad_row (const MlrtConvParams *p, const float *src,
                        float *row);

#endif /* MLRT_CPU_CONV_PAD_H */
