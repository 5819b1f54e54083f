/*
 * conv-pad.c: the padded, phase-split copy of a direct convolution's
 * input (conv-pad.h), built for AVX2 with FMA and for the baseline, the
 * better picked at run time: the copy is a sixth of a 3-channel stride-2
 * layer's time.
 */
#include <stdint.h>
#include <string.h>

#include "vectorize.h"
#include "conv-direct.h"
#include "conv-pad.h"

/* Padded columns of a row at most, where the border is listed once per
 * call; a wider one (a kernel of 30 taps across) goes column by column. */
#define BORDER_MAX 32

typedef float Vec8 __attribute__ ((vector_size (8 * sizeof (float))));

/* Phases of stride 2 from one input row: the split most strided layers
 * need. With `avx`, 16 floats at a time in two loads and two shuffles
 * (the vectoriser's loop for it, after a scalar first column when the
 * padding is odd, cost three times a copy of the row); without, the
 * plain loop, which the vectoriser turns into SSE shuffles where GCC
 * lowers the 8-float shuffles element by element (5 times slower).
 * Input column 2q sits at padded column 2q + pw, so in phase pw % 2 at
 * q + pw / 2, and column 2q + 1 in the other phase at q + (pw + 1) / 2. */
static inline __attribute__ ((always_inline)) void
split_row_2 (int avx, const MlrtConvParams *p, const float *src, float *row)
{
  size_t width = mlrt_conv_pad_phase_width (p);
  float *even = row + (p->pw % 2) * width + p->pw / 2;
  float *odd = row + (1 - p->pw % 2) * width + (p->pw + 1) / 2;
  int pairs = p->in_w / 2, q = 0;

  for (; avx && q + 8 <= pairs; q += 8)
    {
      Vec8 a, b, ev, od;
      memcpy (&a, src + 2 * q, sizeof a);
      memcpy (&b, src + 2 * q + 8, sizeof b);
      ev = __builtin_shufflevector (a, b, 0, 2, 4, 6, 8, 10, 12, 14);
      od = __builtin_shufflevector (a, b, 1, 3, 5, 7, 9, 11, 13, 15);
      memcpy (even + q, &ev, sizeof ev);
      memcpy (odd + q, &od, sizeof od);
    }
  for (; q < pairs; q++)
    {
      even[q] = src[2 * q];
      odd[q] = src[2 * q + 1];
    }
  if (p->in_w % 2)
    even[pairs] = src[p->in_w - 1];
}

static inline __attribute__ ((always_inline)) void
pad_row (int avx, const MlrtConvParams *p, const float *src, float *row)
{
  if (p->sw == 1)
    {
      memcpy (row + p->pw, src, sizeof (float) * p->in_w);
      return;
    }
  if (p->sw == 2)
    {
      split_row_2 (avx, p, src, row);
      return;
    }
  /* phase f holds input columns x = q sw + f - pw */
  for (int f = 0; f < p->sw; f++)
    {
      float *out = row + (size_t) f * mlrt_conv_pad_phase_width (p);
      int q0 = (p->pw - f + p->sw - 1) / p->sw;
      if (p->pw < f)
        q0 = 0;
      for (int q = q0, x = q0 * p->sw + f - p->pw; x < p->in_w;
           q++, x += p->sw)
        out[q] = src[x];
    }
}

/* Where a channel's padded columns sit in its row, the only ones pad_row
 * does not write (clearing the whole copy instead cost a twelfth of a
 * 3-channel stride-2 layer): listed once, since finding them row by row
 * takes a division by the stride per column. -1: more than BORDER_MAX. */
static int
list_border (const MlrtConvParams *p, uint32_t border[BORDER_MAX])
{
  size_t width = mlrt_conv_pad_phase_width (p);
  int end = p->sw * (int) width, n = 0;

  if (end - p->in_w > BORDER_MAX)
    return -1;
  /* padded column px sits in phase px % sw, at px / sw */
  for (int px = 0; px < end; px++)
    if (px < p->pw || px >= p->pw + p->in_w)
      border[n++] = (uint32_t) ((size_t) (px % p->sw) * width + px / p->sw);
  return n;
}

static inline __attribute__ ((always_inline)) void
zero_border (const MlrtConvParams *p, const uint32_t *border, int n,
             float *row)
{
  size_t width = mlrt_conv_pad_phase_width (p);
  int end = p->sw * (int) width;

  for (int i = 0; i < n; i++)
    row[border[i]] = 0;
  if (n >= 0)
    return;
  for (int px = 0; px < end; px++)
    if (px < p->pw || px >= p->pw + p->in_w)
      row[(size_t) (px % p->sw) * width + px / p->sw] = 0;
}

/* Each row's padding zeroed and its values copied while it is in the
 * cache. */
static inline __attribute__ ((always_inline)) void
pad_rows_body (int avx, const MlrtConvParams *p, const float *in, int y0,
               int y1, float *dst)
{
  size_t pitch = mlrt_conv_pad_pitch (p, p->in_c);
  size_t per_channel = mlrt_conv_pad_pitch (p, 1);
  uint32_t border[BORDER_MAX];
  int n_border = list_border (p, border);

  for (int y = y0; y < y1; y++, dst += pitch)
    {
      int iy = y - p->ph;

      if (iy < 0 || iy >= p->in_h)
        {
          memset (dst, 0, pitch * sizeof (float));
          continue;
        }
      for (int c = 0; c < p->in_c; c++)
        zero_border (p, border, n_border, dst + c * per_channel);
      for (int c = 0; c < p->in_c; c++)
        pad_row (avx, p, in + ((size_t) c * p->in_h + iy) * p->in_w,
                 dst + c * per_channel);
    }
}

__attribute__ ((target ("avx2,fma"))) static void
pad_rows_avx2 (const MlrtConvParams *p, const float *in, int y0, int y1,
               float *dst)
{
  pad_rows_body (1, p, in, y0, y1, dst);
}

static void
pad_rows_baseline (const MlrtConvParams *p, const float *in, int y0, int y1,
                   float *dst)
{
  pad_rows_body (0, p, in, y0, y1, dst);
}

void
mlrt_conv_pad_rows (const MlrtConvParams *p, const float *in, int y0,
                    int y1, float *dst)
{
  if (mlrt_cpu_have_avx2_fma ())
    pad_rows_avx2 (p, in, y0, y1, dst);
  else
    pad_rows_baseline (p, in, y0, y1, dst);
}

__attribute__ ((target ("avx2,fma"))) static void
pad_row_avx2 (const MlrtConvParams *p, const float *src, float *row)
{
  pad_row (1, p, src, row);
}

void
mlrt_conv_pad_row (const MlrtConvParams *p, const float *src, float *row)
{
  if (mlrt_cpu_have_avx2_fma ())
    pad_row_avx2 (p, src, row);
  else
    pad_row (0, p, src, row);
}
