/*
 * conv-direct.c: the direct convolutions of conv-direct.h. The input is
 * copied once with its padding made explicit and each channel split into
 * as many phases as the stride across, phase f holding padded columns f,
 * f + s, f + 2s, ...: the input pixels a kernel tap meets along an output
 * row are then contiguous, whatever the stride. Each output row is
 * computed in segments of DIRECT_SEG pixels: for every tap, one load of
 * input pixels feeds a multiply-add into the accumulators of up to
 * DIRECT_OC output channels, which stay in registers for the whole sum.
 * Built twice, for AVX2 with FMA and for the baseline, the better picked
 * at run time.
 */
#include <stdint.h>
#include <string.h>

#include "vectorize.h"
#include "conv-direct.h"

#define DIRECT_OC 4             /* output channels per pass */
#define DIRECT_SEG 16
#define DW_MAX_TAPS 64

int
mlrt_conv_direct_fits (const MlrtConvParams *p)
{
  int taps = p->in_c * p->kh * p->kw;

  return p->groups == 1 && p->dw == 1 && p->kh * p->kw > 1
         && (p->out_c <= 8 || (p->out_c <= 16 && taps <= 32));
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

/* Floats of one phase of one channel. */
static size_t
phase_plane (const MlrtConvParams *p)
{
  return ((size_t) p->in_h + 2 * p->ph) * phase_width (p);
}

/* Floats of `channels` padded channels, with room for the last segment to
 * read past the last row. */
static size_t
padded_floats (const MlrtConvParams *p, int channels)
{
  return phase_plane (p) * p->sw * channels + DIRECT_SEG;
}

/* Padded column px of row `row` (phase 0's start). */
static float *
padded_at (const MlrtConvParams *p, float *row, int px)
{
  return row + (size_t) (px % p->sw) * phase_plane (p) + px / p->sw;
}

/* Zeroes the padding of one channel's phases at dst: what the taps read
 * outside the input. */
static void
zero_border (const MlrtConvParams *p, float *dst)
{
  size_t pws = phase_width (p);
  int pw_all = p->in_w + 2 * p->pw;

  for (int f = 0; f < p->sw; f++)
    {
      float *phase = dst + (size_t) f * phase_plane (p);
      memset (phase, 0, sizeof (float) * pws * p->ph);
      memset (phase + (size_t) (p->ph + p->in_h) * pws, 0,
              sizeof (float) * pws * p->ph);
    }
  for (int y = p->ph; y < p->ph + p->in_h; y++)
    for (int px = 0; px < pw_all; px++)
      {
        if (px == p->pw)
          px += p->in_w;
        if (px < pw_all)
          *padded_at (p, dst + (size_t) y * pws, px) = 0;
      }
}

/* Copies channel `plane` into its phases at dst, inside the border. */
static void
pad_channel (const MlrtConvParams *p, const float *plane, float *dst)
{
  size_t pws = phase_width (p);

  for (int y = 0; y < p->in_h; y++)
    {
      const float *src = plane + (size_t) y * p->in_w;
      float *row = dst + (size_t) (y + p->ph) * pws;

      if (p->sw == 1)
        {
          memcpy (row + p->pw, src, sizeof (float) * p->in_w);
          continue;
        }
      /* phase f holds input columns x = q sw + f - pw */
      for (int f = 0; f < p->sw; f++)
        {
          float *out = row + (size_t) f * phase_plane (p);
          int q0 = (p->pw - f + p->sw - 1) / p->sw;
          if (p->pw < f)
            q0 = 0;
          for (int q = q0, x = q0 * p->sw + f - p->pw; x < p->in_w;
               q++, x += p->sw)
            out[q] = src[x];
        }
    }
}

/* Where tap (c, ki, kj) reads, from the first input pixel of a segment. */
static size_t
tap_offset (const MlrtConvParams *p, int c, int ki, int kj)
{
  return ((size_t) c * p->sw + kj % p->sw) * phase_plane (p)
         + (size_t) ki * p->dh * phase_width (p) + kj / p->sw;
}

/* Where output row oy's segment at x0 starts reading. */
static size_t
segment_start (const MlrtConvParams *p, int oy, int x0)
{
  return (size_t) oy * p->sh * phase_width (p) + x0;
}

/* Half a segment, 8 floats: one AVX register, two SSE ones on the
 * baseline (GCC's vector extension). Two per channel keep 8 independent
 * sums in flight, enough to hide the multiply-add's latency. */
typedef float Vec __attribute__ ((vector_size (DIRECT_SEG / 2 * sizeof (float))));

/* acc[k] = the sum over the taps of w[t * DIRECT_OC + k] * the input at
 * src + off[t], for DIRECT_SEG pixels. Inlined into one copy per
 * instruction set below. */
static inline __attribute__ ((always_inline)) void
segment_body (int taps, const float *src, const uint32_t *off,
              const float *w, Vec acc[DIRECT_OC][2])
{
  Vec a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
  Vec b0 = { 0 }, b1 = { 0 }, b2 = { 0 }, b3 = { 0 };

  for (int t = 0; t < taps; t++, w += DIRECT_OC)
    {
      Vec x, y;
      memcpy (&x, src + off[t], sizeof x);
      memcpy (&y, src + off[t] + DIRECT_SEG / 2, sizeof y);
      a0 += w[0] * x;
      b0 += w[0] * y;
      a1 += w[1] * x;
      b1 += w[1] * y;
      a2 += w[2] * x;
      b2 += w[2] * y;
      a3 += w[3] * x;
      b3 += w[3] * y;
    }
  acc[0][0] = a0;
  acc[0][1] = b0;
  acc[1][0] = a1;
  acc[1][1] = b1;
  acc[2][0] = a2;
  acc[2][1] = b2;
  acc[3][0] = a3;
  acc[3][1] = b3;
}

/* The same for one channel, w[t] its taps. */
static inline __attribute__ ((always_inline)) void
dw_segment_body (int taps, const float *src, const uint32_t *off,
                 const float *w, Vec acc[DIRECT_OC][2])
{
  Vec a = { 0 }, b = { 0 };

  for (int t = 0; t < taps; t++)
    {
      Vec x, y;
      memcpy (&x, src + off[t], sizeof x);
      memcpy (&y, src + off[t] + DIRECT_SEG / 2, sizeof y);
      a += w[t] * x;
      b += w[t] * y;
    }
  acc[0][0] = a;
  acc[0][1] = b;
}

typedef void (*SegmentFn) (int taps, const float *src, const uint32_t *off,
                           const float *w, Vec acc[DIRECT_OC][2]);

__attribute__ ((target ("avx2,fma"))) static void
segment_avx2 (int taps, const float *src, const uint32_t *off,
              const float *w, Vec acc[DIRECT_OC][2])
{
  segment_body (taps, src, off, w, acc);
}

static void
segment_baseline (int taps, const float *src, const uint32_t *off,
                  const float *w, Vec acc[DIRECT_OC][2])
{
  segment_body (taps, src, off, w, acc);
}

__attribute__ ((target ("avx2,fma"))) static void
dw_segment_avx2 (int taps, const float *src, const uint32_t *off,
                 const float *w, Vec acc[DIRECT_OC][2])
{
  dw_segment_body (taps, src, off, w, acc);
}

static void
dw_segment_baseline (int taps, const float *src, const uint32_t *off,
                     const float *w, Vec acc[DIRECT_OC][2])
{
  dw_segment_body (taps, src, off, w, acc);
}

/* By the features the CPU has, not its model: GCC's arch= clones test the
 * model, and pass over AMD's AVX2 processors. */
static int
have_avx2_fma (void)
{
  static int known = -1;        /* every thread finds the same answer */
  int have = __atomic_load_n (&known, __ATOMIC_RELAXED);

  if (have < 0)
    {
      __builtin_cpu_init ();
      have = __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
      __atomic_store_n (&known, have, __ATOMIC_RELAXED);
    }
  return have;
}

/* ---- few output channels ---- */

static int
passes (const MlrtConvParams *p)
{
  return (p->out_c + DIRECT_OC - 1) / DIRECT_OC;
}

size_t
mlrt_conv_direct_scratch_floats (const MlrtConvParams *p)
{
  size_t taps = (size_t) p->in_c * p->kh * p->kw;
  /* the padded input, the packed weights, the taps' offsets */
  return padded_floats (p, p->in_c) + passes (p) * taps * DIRECT_OC + taps;
}

void
mlrt_conv_direct_prepare (const MlrtConvParams *p, const float *in,
                          const float *weight, float *scratch)
{
  size_t taps = (size_t) p->in_c * p->kh * p->kw;
  float *packed = scratch + padded_floats (p, p->in_c);
  uint32_t *off = (uint32_t *) (packed + passes (p) * taps * DIRECT_OC);

  memset (scratch, 0, padded_floats (p, p->in_c) * sizeof (float));
  for (int c = 0; c < p->in_c; c++)
    pad_channel (p, in + (size_t) c * p->in_h * p->in_w,
                 scratch + phase_plane (p) * p->sw * c);
  /* pass by pass, tap by tap, the pass's channels side by side */
  for (int pass = 0; pass < passes (p); pass++)
    for (size_t t = 0; t < taps; t++)
      for (int k = 0; k < DIRECT_OC; k++)
        {
          int oc = pass * DIRECT_OC + k;
          *packed++ = oc < p->out_c ? weight[oc * taps + t] : 0;
        }
  for (int c = 0; c < p->in_c; c++)
    for (int ki = 0; ki < p->kh; ki++)
      for (int kj = 0; kj < p->kw; kj++)
        *off++ = (uint32_t) tap_offset (p, c, ki, kj);
}

void
mlrt_conv_direct_rows (const MlrtConvParams *p, const float *scratch,
                       int oy0, int oy1, float *out)
{
  SegmentFn segment = have_avx2_fma () ? segment_avx2 : segment_baseline;
  int taps = p->in_c * p->kh * p->kw;
  const float *packed = scratch + padded_floats (p, p->in_c);
  const uint32_t *off = (const uint32_t *) (packed + (size_t) passes (p)
                                            * taps * DIRECT_OC);
  size_t n = (size_t) p->out_h * p->out_w;
  Vec acc[DIRECT_OC][2];

  for (int oy = oy0; oy < oy1; oy++)
    for (int x0 = 0; x0 < p->out_w; x0 += DIRECT_SEG)
      for (int pass = 0; pass < passes (p); pass++)
        {
          int nx = p->out_w - x0 < DIRECT_SEG ? p->out_w - x0 : DIRECT_SEG;
          int oc0 = pass * DIRECT_OC;
          int noc = p->out_c - oc0 < DIRECT_OC ? p->out_c - oc0 : DIRECT_OC;
          segment (taps, scratch + segment_start (p, oy, x0), off,
                   packed + (size_t) pass * taps * DIRECT_OC, acc);
          for (int k = 0; k < noc; k++)
            memcpy (out + (oc0 + k) * n + (size_t) oy * p->out_w + x0,
                    acc[k], sizeof (float) * nx);
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
                            const float *w, float *scratch, float *out)
{
  SegmentFn segment = have_avx2_fma () ? dw_segment_avx2
                                       : dw_segment_baseline;
  int taps = p->kh * p->kw;
  uint32_t off[DW_MAX_TAPS];
  Vec acc[DIRECT_OC][2];

  /* each channel overwrites the same interior: the border stays zero */
  zero_border (p, scratch);
  pad_channel (p, plane, scratch);
  for (int ki = 0; ki < p->kh; ki++)
    for (int kj = 0; kj < p->kw; kj++)
      off[ki * p->kw + kj] = (uint32_t) tap_offset (p, 0, ki, kj);
  for (int oy = 0; oy < p->out_h; oy++)
    for (int x0 = 0; x0 < p->out_w; x0 += DIRECT_SEG)
      {
        int nx = p->out_w - x0 < DIRECT_SEG ? p->out_w - x0 : DIRECT_SEG;
        segment (taps, scratch + segment_start (p, oy, x0), off, w, acc);
        memcpy (out + (size_t) oy * p->out_w + x0, acc[0],
                sizeof (float) * nx);
      }
}
