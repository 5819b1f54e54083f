/*
 * conv-depthwise.c: the depthwise convolutions of conv-depthwise.h. Each
 * channel's plane is copied with its padding made explicit and its rows
 * split into phases by the stride (conv-pad.h), then each output row is
 * summed in segments of 16 pixels, two vector registers, over the taps.
 * Built for AVX2 with FMA and for the baseline, the better picked at run
 * time.
 */
#include <stdint.h>
#include <string.h>

#include "vectorize.h"
#include "conv-depthwise.h"
#include "conv-direct.h"
#include "conv-pad.h"
#include "vec-act.h"

#define DW_SEG 16
#define DW_MAX_TAPS 64

typedef MlrtVec8 Vec;

int
mlrt_conv_direct_depthwise_fits (const MlrtConvParams *p)
{
  return p->groups == p->in_c && p->dw == 1 && p->kh * p->kw <= DW_MAX_TAPS;
}

/* Floats of a padded plane, with room for the last segment to read past
 * the last row. */
static size_t
padded_floats (const MlrtConvParams *p)
{
  return ((size_t) p->in_h + 2 * p->ph) * mlrt_conv_pad_pitch (p, 1)
         + DW_SEG;
}

/* Output row of one channel, w[t] its taps, src the row's first input
 * pixel: segment by segment, stored straight into the row. */
static inline __attribute__ ((always_inline)) void
dw_row_body (int taps, const float *src, const uint32_t *off, const float *w,
             int width, float *dst)
{
  for (int x0 = 0; x0 < width; x0 += DW_SEG)
    {
      Vec a = { 0 }, b = { 0 };
      float tail[DW_SEG];

      for (int t = 0; t < taps; t++)
        {
          Vec x, y;
          memcpy (&x, src + x0 + off[t], sizeof x);
          memcpy (&y, src + x0 + off[t] + DW_SEG / 2, sizeof y);
          a += w[t] * x;
          b += w[t] * y;
        }
      if (width - x0 >= DW_SEG)
        {
          memcpy (dst + x0, &a, sizeof a);
          memcpy (dst + x0 + DW_SEG / 2, &b, sizeof b);
          continue;
        }
      memcpy (tail, &a, sizeof a);
      memcpy (tail + DW_SEG / 2, &b, sizeof b);
      memcpy (dst + x0, tail, sizeof (float) * (width - x0));
    }
}

typedef void (*DwRowFn) (int taps, const float *src, const uint32_t *off,
                         const float *w, int width, float *dst);

__attribute__ ((target ("avx2,fma"))) static void
dw_row_avx2 (int taps, const float *src, const uint32_t *off, const float *w,
             int width, float *dst)
{
  dw_row_body (taps, src, off, w, width, dst);
}

static void
dw_row_baseline (int taps, const float *src, const uint32_t *off,
                 const float *w, int width, float *dst)
{
  dw_row_body (taps, src, off, w, width, dst);
}

size_t
mlrt_conv_direct_depthwise_floats (const MlrtConvParams *p)
{
  return padded_floats (p);
}

void
mlrt_conv_direct_depthwise (const MlrtConvParams *p, const float *plane,
                            const float *w, const float *bias, int oc,
                            float *scratch, int bordered, float *out)
{
  DwRowFn row = mlrt_cpu_have_avx2_fma () ? dw_row_avx2 : dw_row_baseline;
  int taps = p->kh * p->kw;
  uint32_t off[DW_MAX_TAPS];

  /* each channel overwrites the same interior: the border stays zero */
  if (!bordered)
    memset (scratch, 0, padded_floats (p) * sizeof (float));
  for (int y = 0; y < p->in_h; y++)
    mlrt_conv_pad_row (p, plane + (size_t) y * p->in_w,
                       scratch + (size_t) (y + p->ph)
                                 * mlrt_conv_pad_pitch (p, 1));
  for (int ki = 0; ki < p->kh; ki++)
    for (int kj = 0; kj < p->kw; kj++)
      off[ki * p->kw + kj] = (uint32_t) mlrt_conv_pad_tap (p, 1, 0, ki, kj);
  for (int oy = 0; oy < p->out_h; oy++)
    {
      float *o = out + (size_t) oy * p->out_w;
      row (taps, scratch + (size_t) oy * p->sh * mlrt_conv_pad_pitch (p, 1),
           off, w, p->out_w, o);
      if (mlrt_conv_has_epilogue (p, bias))
        mlrt_conv_bias_act (p, (size_t) p->out_w,
                            bias ? bias[oc] : 0.0f, o);
    }
}
