/*
 * conv-direct.c: the direct convolutions of conv-direct.h. The input is
 * copied once with its padding made explicit, the rows of all channels
 * interleaved, and each row split into as many phases as the stride
 * across, phase f holding padded columns f, f + s, f + 2s, ...: the input
 * pixels a kernel tap meets along an output row are then contiguous,
 * whatever the stride. Each output row is computed in segments of
 * DIRECT_SEG pixels: for every tap, one load of input pixels feeds a
 * multiply-add into the accumulators of 4 or 6 output channels, which
 * stay in registers for the whole sum.
 * Built twice, for AVX2 with FMA and for the baseline, the better picked
 * at run time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "conv-direct.h"
#include "cpu-pool.h"

/* Output channels per pass at most: 4, or 6 where that wastes at most a
 * fifth more lanes (a pass of 6 loads each input vector once for 12
 * multiply-adds, one of 4 for 8, and the loads, not the multiply-adds,
 * bound the shorter one). */
#define DIRECT_OC 6
#define DIRECT_SEG 16
#define DW_MAX_TAPS 64
/* Past this many output channels im2col's copy is a small part of the
 * product, and sgemm's blocking beats passes of four or six channels. */
#define DIRECT_MAX_OC 32
/* Segments of an output row whose sums stay on the stack while chunks of
 * input channels go by, and the input a chunk may read for them: with
 * the packed weights, within a 32 KiB first-level cache. */
#define DIRECT_TILE_SEGS 8
#define DIRECT_CHUNK_BYTES 16384
/* Below this many floats per task the padded copy stays on the caller. */
#define PAD_MIN_TASK 65536

int
mlrt_conv_direct_fits (const MlrtConvParams *p)
{
  return p->groups == 1 && p->dw == 1 && p->kh * p->kw > 1
         && p->out_c <= DIRECT_MAX_OC;
}

int
mlrt_conv_direct_depthwise_fits (const MlrtConvParams *p)
{
  return p->groups == p->in_c && p->dw == 1 && p->kh * p->kw <= DW_MAX_TAPS;
}

/* Width of one phase of a padded row. */
static size_t
phase_width (const MlrtConvParams *p)
{
  return ((size_t) p->in_w + 2 * p->pw + p->sw - 1) / p->sw;
}

/* Floats between a channel's padded row y and row y + 1: the rows of
 * all `channels` channels, each split into its phases, interleave, so
 * that the rows a segment's taps read across every channel are one
 * contiguous stretch of memory rather than one page per channel. */
static size_t
row_pitch (const MlrtConvParams *p, int channels)
{
  return (size_t) channels * p->sw * phase_width (p);
}

/* Floats of `channels` padded channels, with room for the last segment to
 * read past the last row. */
static size_t
padded_floats (const MlrtConvParams *p, int channels)
{
  return ((size_t) p->in_h + 2 * p->ph) * row_pitch (p, channels)
         + DIRECT_SEG;
}

/* Phases of stride 2 from one input row: the split most strided layers
 * need, as plain loops the vectoriser turns into loads and shuffles. */
static void
split_row_2 (const MlrtConvParams *p, const float *src, float *row)
{
  float *even = row, *odd = row + phase_width (p);
  int x = 0;

  /* padded column px = x + pw goes to phase px % 2, at px / 2 */
  if (p->pw % 2)
    {
      odd[p->pw / 2] = src[0];
      x = 1;
    }
  float *e = even + (x + p->pw) / 2, *o = odd + (x + p->pw) / 2;
  int pairs = (p->in_w - x) / 2;
  for (int q = 0; q < pairs; q++)
    {
      e[q] = src[x + 2 * q];
      o[q] = src[x + 2 * q + 1];
    }
  if ((p->in_w - x) % 2)
    e[pairs] = src[p->in_w - 1];
}

/* Copies input row `src` into its phases at `row`, inside the border. */
static void
pad_row (const MlrtConvParams *p, const float *src, float *row)
{
  if (p->sw == 1)
    {
      memcpy (row + p->pw, src, sizeof (float) * p->in_w);
      return;
    }
  if (p->sw == 2)
    {
      split_row_2 (p, src, row);
      return;
    }
  /* phase f holds input columns x = q sw + f - pw */
  for (int f = 0; f < p->sw; f++)
    {
      float *out = row + (size_t) f * phase_width (p);
      int q0 = (p->pw - f + p->sw - 1) / p->sw;
      if (p->pw < f)
        q0 = 0;
      for (int q = q0, x = q0 * p->sw + f - p->pw; x < p->in_w;
           q++, x += p->sw)
        out[q] = src[x];
    }
}

/* Where tap (c, ki, kj) reads, from the first input pixel of a segment,
 * in a copy of `channels` channels. */
static size_t
tap_offset (const MlrtConvParams *p, int channels, int c, int ki, int kj)
{
  return (size_t) ki * p->dh * row_pitch (p, channels)
         + ((size_t) c * p->sw + kj % p->sw) * phase_width (p) + kj / p->sw;
}

/* Where output row oy's segment at x0 starts reading. */
static size_t
segment_start (const MlrtConvParams *p, int channels, int oy, int x0)
{
  return (size_t) oy * p->sh * row_pitch (p, channels) + x0;
}

/* Half a segment, 8 floats: one AVX register, two SSE ones on the
 * baseline (GCC's vector extension). Two per channel keep 8 independent
 * sums in flight, enough to hide the multiply-add's latency. */
typedef float Vec __attribute__ ((vector_size (DIRECT_SEG / 2 * sizeof (float))));

/* acc[k] = (with `add`, acc[k] plus) the sum over the taps of
 * w[t * block + k] * the input at src + off[t], for DIRECT_SEG pixels,
 * k < block. Inlined into one copy per block and instruction set below,
 * where `block` is a constant and the accumulators unrolled into
 * registers. */
static inline __attribute__ ((always_inline)) void
segment_body (int block, int taps, const float *src, const uint32_t *off,
              const float *w, Vec acc[DIRECT_OC][2], int add)
{
  Vec a[DIRECT_OC], b[DIRECT_OC];

  if (add)
#pragma GCC unroll 6
    for (int k = 0; k < block; k++)
      {
        a[k] = acc[k][0];
        b[k] = acc[k][1];
      }
  else
#pragma GCC unroll 6
    for (int k = 0; k < block; k++)
      a[k] = b[k] = (Vec) { 0 };

  for (int t = 0; t < taps; t++, w += block)
    {
      Vec x, y;
      memcpy (&x, src + off[t], sizeof x);
      memcpy (&y, src + off[t] + DIRECT_SEG / 2, sizeof y);
#pragma GCC unroll 6
      for (int k = 0; k < block; k++)
        {
          a[k] += w[k] * x;
          b[k] += w[k] * y;
        }
    }
#pragma GCC unroll 6
  for (int k = 0; k < block; k++)
    {
      acc[k][0] = a[k];
      acc[k][1] = b[k];
    }
}

/* Output row of one channel, w[t] its taps, src the row's first input
 * pixel: segment by segment, stored straight into the row. */
static inline __attribute__ ((always_inline)) void
dw_row_body (int taps, const float *src, const uint32_t *off, const float *w,
             int width, float *dst)
{
  for (int x0 = 0; x0 < width; x0 += DIRECT_SEG)
    {
      Vec a = { 0 }, b = { 0 };
      float tail[DIRECT_SEG];

      for (int t = 0; t < taps; t++)
        {
          Vec x, y;
          memcpy (&x, src + x0 + off[t], sizeof x);
          memcpy (&y, src + x0 + off[t] + DIRECT_SEG / 2, sizeof y);
          a += w[t] * x;
          b += w[t] * y;
        }
      if (width - x0 >= DIRECT_SEG)
        {
          memcpy (dst + x0, &a, sizeof a);
          memcpy (dst + x0 + DIRECT_SEG / 2, &b, sizeof b);
          continue;
        }
      memcpy (tail, &a, sizeof a);
      memcpy (tail + DIRECT_SEG / 2, &b, sizeof b);
      memcpy (dst + x0, tail, sizeof (float) * (width - x0));
    }
}

typedef void (*SegmentFn) (int taps, const float *src, const uint32_t *off,
                           const float *w, Vec acc[DIRECT_OC][2], int add);

__attribute__ ((target ("avx2,fma"))) static void
segment4_avx2 (int taps, const float *src, const uint32_t *off,
               const float *w, Vec acc[DIRECT_OC][2], int add)
{
  segment_body (4, taps, src, off, w, acc, add);
}

static void
segment4_baseline (int taps, const float *src, const uint32_t *off,
                   const float *w, Vec acc[DIRECT_OC][2], int add)
{
  segment_body (4, taps, src, off, w, acc, add);
}

__attribute__ ((target ("avx2,fma"))) static void
segment6_avx2 (int taps, const float *src, const uint32_t *off,
               const float *w, Vec acc[DIRECT_OC][2], int add)
{
  segment_body (6, taps, src, off, w, acc, add);
}

static void
segment6_baseline (int taps, const float *src, const uint32_t *off,
                   const float *w, Vec acc[DIRECT_OC][2], int add)
{
  segment_body (6, taps, src, off, w, acc, add);
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

/* ---- few output channels ---- */

/* Output channels per pass. */
static int
block (const MlrtConvParams *p)
{
  int by4 = (p->out_c + 3) / 4 * 4, by6 = (p->out_c + 5) / 6 * 6;
  return p->out_c >= 12 && by6 * 4 <= by4 * 5 ? 6 : 4;
}

static int
passes (const MlrtConvParams *p)
{
  return (p->out_c + block (p) - 1) / block (p);
}

/* Input channels per chunk: as many as keep what a tile's taps read (kh
 * rows of each, every phase, as wide as the tile or the image) within
 * DIRECT_CHUNK_BYTES, split evenly. */
static int
chunk_channels (const MlrtConvParams *p)
{
  int tile = DIRECT_TILE_SEGS * DIRECT_SEG;
  int width = p->out_w < tile ? (p->out_w + DIRECT_SEG - 1) / DIRECT_SEG
                                * DIRECT_SEG : tile;
  size_t per_channel = (size_t) p->kh * p->sw * (width + p->kw)
                       * sizeof (float);
  size_t most = DIRECT_CHUNK_BYTES / per_channel;
  size_t chunks;

  if (most < 1)
    most = 1;
  chunks = ((size_t) p->in_c + most - 1) / most;
  return (int) (((size_t) p->in_c + chunks - 1) / chunks);
}

/* The segment kernel of a pass, for this CPU. */
static SegmentFn
segment_fn (const MlrtConvParams *p)
{
  if (block (p) == 6)
    return mlrt_cpu_have_avx2_fma () ? segment6_avx2 : segment6_baseline;
  return mlrt_cpu_have_avx2_fma () ? segment4_avx2 : segment4_baseline;
}

/* Packs weights w[oc * taps + t] pass by pass, tap by tap, the pass's
 * channels side by side (zero past the last one). */
static float *
pack_weights (const MlrtConvParams *p, size_t taps, const float *weight,
              float *packed)
{
  for (int pass = 0; pass < passes (p); pass++)
    for (size_t t = 0; t < taps; t++)
      for (int k = 0; k < block (p); k++)
        {
          int oc = pass * block (p) + k;
          *packed++ = oc < p->out_c ? weight[oc * taps + t] : 0;
        }
  return packed;
}

size_t
mlrt_conv_direct_packed_floats (const MlrtConvParams *p)
{
  return (size_t) passes (p) * p->in_c * p->kh * p->kw * block (p);
}

void
mlrt_conv_direct_pack (const MlrtConvParams *p, const float *weight,
                       float *packed)
{
  pack_weights (p, (size_t) p->in_c * p->kh * p->kw, weight, packed);
}

size_t
mlrt_conv_direct_scratch_floats (const MlrtConvParams *p)
{
  size_t taps = (size_t) p->in_c * p->kh * p->kw;
  /* the padded input, the packed weights, the taps' offsets */
  return padded_floats (p, p->in_c) + passes (p) * taps * block (p) + taps;
}

/* Zeroes the padded columns of one channel's row at `row`, the only
 * ones pad_row does not write: clearing the whole copy instead cost a
 * twelfth of a 3-channel stride-2 layer. */
static void
zero_border (const MlrtConvParams *p, float *row)
{
  size_t width = phase_width (p);
  int end = p->sw * (int) width;

  /* padded column px sits in phase px % sw, at px / sw */
  for (int px = 0; px < p->pw; px++)
    row[(size_t) (px % p->sw) * width + px / p->sw] = 0;
  for (int px = p->pw + p->in_w; px < end; px++)
    row[(size_t) (px % p->sw) * width + px / p->sw] = 0;
}

typedef struct {
  const MlrtConvParams *p;
  const float *in;
  float *scratch;
} PadJob;

/* Padded rows [y0, y1) of every channel, filled and their padding
 * zeroed while they are in the cache. */
static void
pad_rows (void *ctx, size_t y0, size_t y1)
{
  const PadJob *j = ctx;
  const MlrtConvParams *p = j->p;
  size_t pitch = row_pitch (p, p->in_c), per_channel = row_pitch (p, 1);

  for (size_t y = y0; y < y1; y++)
    {
      int iy = (int) y - p->ph;
      float *row = j->scratch + y * pitch;

      if (iy < 0 || iy >= p->in_h)
        {
          memset (row, 0, pitch * sizeof (float));
          continue;
        }
      for (int c = 0; c < p->in_c; c++)
        zero_border (p, row + c * per_channel);
      for (int c = 0; c < p->in_c; c++)
        pad_row (p, j->in + ((size_t) c * p->in_h + iy) * p->in_w,
                 row + c * per_channel);
    }
}

const float *
mlrt_conv_direct_prepare (const MlrtConvParams *p, const float *in,
                          const float *weight, const float *packed,
                          float *scratch)
{
  size_t rows = (size_t) p->in_h + 2 * p->ph, pitch = row_pitch (p, p->in_c);
  float *own = scratch + padded_floats (p, p->in_c);
  uint32_t *off = (void *) (own + mlrt_conv_direct_packed_floats (p));
  PadJob pad = { p, in, scratch };

  mlrt_cpu_parallel_range (rows, (PAD_MIN_TASK + pitch - 1) / pitch,
                           pad_rows, &pad);
  memset (scratch + rows * pitch, 0, DIRECT_SEG * sizeof (float));
  for (int c = 0; c < p->in_c; c++)
    for (int ki = 0; ki < p->kh; ki++)
      for (int kj = 0; kj < p->kw; kj++)
        *off++ = (uint32_t) tap_offset (p, p->in_c, c, ki, kj);
  if (packed)
    return packed;
  mlrt_conv_direct_pack (p, weight, own);
  return own;
}

/* Stores the accumulators of channels [oc0, oc0 + noc) at pixels [x0,
 * x0 + nx) of row oy. */
static void
store_segment (const MlrtConvParams *p, Vec acc[DIRECT_OC][2], int oc0,
               int noc, int oy, int x0, int nx, float *out)
{
  size_t n = (size_t) p->out_h * p->out_w;

  for (int k = 0; k < noc; k++)
    {
      float *o = out + (oc0 + k) * n + (size_t) oy * p->out_w + x0;
      if (nx == DIRECT_SEG)
        memcpy (o, acc[k], sizeof acc[k]);
      else
        memcpy (o, acc[k], sizeof (float) * nx);
    }
}

/* The sums of a tile's segments, every pass, kept across chunks of input
 * channels: a chunk's inputs stay in the first-level cache while every
 * pass and segment of the tile reads them, where a whole row of every
 * channel (a 3x3 layer from 96 channels at 120 pixels: 140 KB) only fits
 * the second (measured: 27-30 GFLOP/s, half the time waiting on loads). */
static void
rows_tile (const MlrtConvParams *p, const float *scratch,
           const float *packed, int oy, int x0, int segs,
           Vec acc[][DIRECT_TILE_SEGS][DIRECT_OC][2])
{
  SegmentFn segment = segment_fn (p);
  int khw = p->kh * p->kw, taps = p->in_c * khw, cb = chunk_channels (p);
  const uint32_t *off = (const void *) (scratch + padded_floats (p, p->in_c)
                                        + mlrt_conv_direct_packed_floats (p));
  const float *src = scratch + segment_start (p, p->in_c, oy, x0);

  for (int c0 = 0; c0 < p->in_c; c0 += cb)
    {
      int t0 = c0 * khw, nt = (p->in_c - c0 < cb ? p->in_c - c0 : cb) * khw;
      for (int pass = 0; pass < passes (p); pass++)
        for (int s = 0; s < segs; s++)
          segment (nt, src + s * DIRECT_SEG, off + t0,
                   packed + ((size_t) pass * taps + t0) * block (p),
                   acc[pass][s], c0 > 0);
    }
}

void
mlrt_conv_direct_rows (const MlrtConvParams *p, const float *scratch,
                       const float *packed, const float *bias, int oy0,
                       int oy1, float *out)
{
  Vec acc[DIRECT_MAX_OC / 4][DIRECT_TILE_SEGS][DIRECT_OC][2];
  int tile = DIRECT_TILE_SEGS * DIRECT_SEG;
  int epilogue = mlrt_conv_has_epilogue (p, bias);

  for (int oy = oy0; oy < oy1; oy++)
    {
      for (int x0 = 0; x0 < p->out_w; x0 += tile)
        {
          int nx = p->out_w - x0 < tile ? p->out_w - x0 : tile;
          int segs = (nx + DIRECT_SEG - 1) / DIRECT_SEG;

          rows_tile (p, scratch, packed, oy, x0, segs, acc);
          for (int pass = 0; pass < passes (p); pass++)
            for (int s = 0; s < segs; s++)
              {
                int oc0 = pass * block (p), x = s * DIRECT_SEG;
                int noc = p->out_c - oc0 < block (p) ? p->out_c - oc0
                                                     : block (p);
                if (epilogue)
                  mlrt_conv_segment_epilogue (p, bias, oc0, noc,
                                              (float *) (void *)
                                              acc[pass][s]);
                store_segment (p, acc[pass][s], oc0, noc, oy, x0 + x,
                               nx - x < DIRECT_SEG ? nx - x : DIRECT_SEG,
                               out);
              }
        }
    }
}

/* ---- pointwise from few input channels ---- */

/* Output pixels whose bias and activation are applied together: a block
 * of every output channel that stays in the first-level cache. */
#define POINTWISE_CHUNK 256
/* Past this many input channels sgemm's rate leaves the epilogue's pass
 * a small part of the time; past this many output channels sgemm's
 * blocking beats passes over 16-pixel segments whose loads (one per
 * input channel, a plane apart) meet in the same cache sets (measured:
 * 0.65-0.75 of sgemm for 32-48 channels at 80x120, 1.0-1.3 up to 24). */
#define POINTWISE_MAX_IN 32
#define POINTWISE_MAX_OUT 24

int
mlrt_conv_direct_pointwise_fits (const MlrtConvParams *p)
{
  return p->groups == 1 && p->kh == 1 && p->kw == 1 && p->sh == 1
         && p->sw == 1 && p->ph == 0 && p->pw == 0
         && p->in_c <= POINTWISE_MAX_IN && p->out_c <= POINTWISE_MAX_OUT
         && p->out_h * p->out_w >= POINTWISE_CHUNK;
}

size_t
mlrt_conv_direct_pointwise_floats (const MlrtConvParams *p)
{
  return (size_t) passes (p) * p->in_c * block (p) + p->in_c;
}

void
mlrt_conv_direct_pointwise_prepare (const MlrtConvParams *p,
                                    const float *weight, float *scratch)
{
  uint32_t *off = (void *) pack_weights (p, (size_t) p->in_c, weight,
                                         scratch);
  size_t n = (size_t) p->out_h * p->out_w;

  for (int c = 0; c < p->in_c; c++)
    off[c] = (uint32_t) (c * n);
}

/* The last, partial segment: its pixels copied into a block of whole
 * segments, so that no load reads past the input. */
static void
pointwise_tail (const MlrtConvParams *p, const float *in,
                const float *packed, SegmentFn segment, int x0, float *out)
{
  size_t n = (size_t) p->out_h * p->out_w;
  int nx = (int) n - x0;
  float copy[POINTWISE_MAX_IN * DIRECT_SEG];
  uint32_t off[POINTWISE_MAX_IN];
  Vec acc[DIRECT_OC][2];

  memset (copy, 0, sizeof copy);
  for (int c = 0; c < p->in_c; c++)
    {
      memcpy (copy + c * DIRECT_SEG, in + c * n + x0, sizeof (float) * nx);
      off[c] = (uint32_t) (c * DIRECT_SEG);
    }
  for (int pass = 0; pass < passes (p); pass++)
    {
      int noc = p->out_c - pass * block (p);
      segment (p->in_c, copy, off, packed + (size_t) pass * p->in_c
               * block (p), acc, 0);
      store_segment (p, acc, pass * block (p),
                     noc < block (p) ? noc : block (p), 0, x0, nx, out);
    }
}

void
mlrt_conv_direct_pointwise (const MlrtConvParams *p, const float *in,
                            const float *scratch, const float *bias,
                            int x0, int x1, float *out)
{
  SegmentFn segment = segment_fn (p);
  const uint32_t *off = (const void *) (scratch + (size_t) passes (p)
                                        * p->in_c * block (p));
  size_t n = (size_t) p->out_h * p->out_w;
  Vec acc[DIRECT_OC][2];

  for (int c0 = x0; c0 < x1; c0 += POINTWISE_CHUNK)
    {
      int c1 = c0 + POINTWISE_CHUNK < x1 ? c0 + POINTWISE_CHUNK : x1;
      for (int x = c0; x < c1; x += DIRECT_SEG)
        {
          if (c1 - x < DIRECT_SEG)
            {
              pointwise_tail (p, in, scratch, segment, x, out);
              break;
            }
          for (int pass = 0; pass < passes (p); pass++)
            {
              int noc = p->out_c - pass * block (p);
              segment (p->in_c, in + x, off, scratch + (size_t) pass
                       * p->in_c * block (p), acc, 0);
              store_segment (p, acc, pass * block (p),
                             noc < block (p) ? noc : block (p), 0, x,
                             DIRECT_SEG, out);
            }
        }
      if (mlrt_conv_has_epilogue (p, bias))
        for (int oc = 0; oc < p->out_c; oc++)
          mlrt_conv_bias_act (p, (size_t) (c1 - c0),
                              bias ? bias[oc] : 0.0f, out + oc * n + c0);
    }
}

/* ---- depthwise ---- */

size_t
mlrt_conv_direct_depthwise_floats (const MlrtConvParams *p)
{
  return padded_floats (p, 1);
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
    memset (scratch, 0, padded_floats (p, 1) * sizeof (float));
  for (int y = 0; y < p->in_h; y++)
    pad_row (p, plane + (size_t) y * p->in_w,
             scratch + (size_t) (y + p->ph) * row_pitch (p, 1));
  for (int ki = 0; ki < p->kh; ki++)
    for (int kj = 0; kj < p->kw; kj++)
      off[ki * p->kw + kj] = (uint32_t) tap_offset (p, 1, 0, ki, kj);
  for (int oy = 0; oy < p->out_h; oy++)
    {
      float *o = out + (size_t) oy * p->out_w;
      row (taps, scratch + segment_start (p, 1, oy, 0), off, w, p->out_w, o);
      if (mlrt_conv_has_epilogue (p, bias))
        mlrt_conv_bias_act (p, (size_t) p->out_w,
                            bias ? bias[oc] : 0.0f, o);
    }
}
