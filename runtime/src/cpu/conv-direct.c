/*
 * conv-direct.c: the direct convolution of conv-direct.h. Each output row
 * is computed in segments of DIRECT_SEG pixels, the DIRECT_OC output
 * channels at once: for every input channel and kernel tap, one load of
 * input pixels feeds a multiply-add into each channel's accumulators,
 * which stay in registers for the whole sum. Explicit padding removes
 * every bounds test from the inner loop. Built twice, for AVX2 with FMA
 * and for the baseline, the better picked at run time.
 */
#include <string.h>

#include "vectorize.h"
#include "conv-direct.h"

#define DIRECT_OC 4             /* output channels per pass */
#define DIRECT_MAX_OC 8         /* so at most two passes */
#define DIRECT_SEG 16

int
mlrt_conv_direct_fits (const MlrtConvParams *p)
{
  return p->groups == 1 && p->out_c <= DIRECT_MAX_OC && p->sw == 1
         && p->dw == 1 && p->kh * p->kw > 1;
}

static size_t
padded_width (const MlrtConvParams *p)
{
  return (size_t) p->in_w + 2 * p->pw;
}

static size_t
padded_plane (const MlrtConvParams *p)
{
  return ((size_t) p->in_h + 2 * p->ph) * padded_width (p);
}

static int
passes (const MlrtConvParams *p)
{
  return (p->out_c + DIRECT_OC - 1) / DIRECT_OC;
}

/* Floats of the padded input, with room for the last segment to read
 * past the last row. */
static size_t
padded_floats (const MlrtConvParams *p)
{
  return padded_plane (p) * p->in_c + DIRECT_SEG;
}

size_t
mlrt_conv_direct_scratch_floats (const MlrtConvParams *p)
{
  return padded_floats (p)
         + (size_t) passes (p) * p->in_c * p->kh * p->kw * DIRECT_OC;
}

void
mlrt_conv_direct_prepare (const MlrtConvParams *p, const float *in,
                          const float *weight, float *scratch)
{
  size_t pw = padded_width (p), taps = (size_t) p->in_c * p->kh * p->kw;
  float *packed = scratch + padded_floats (p);

  memset (scratch, 0, padded_floats (p) * sizeof (float));
  for (int c = 0; c < p->in_c; c++)
    for (int y = 0; y < p->in_h; y++)
      memcpy (scratch + c * padded_plane (p) + (y + p->ph) * pw + p->pw,
              in + ((size_t) c * p->in_h + y) * p->in_w,
              sizeof (float) * p->in_w);
  /* pass by pass, tap by tap, the pass's channels side by side */
  for (int pass = 0; pass < passes (p); pass++)
    for (size_t t = 0; t < taps; t++)
      for (int k = 0; k < DIRECT_OC; k++)
        {
          int oc = pass * DIRECT_OC + k;
          *packed++ = oc < p->out_c ? weight[oc * taps + t] : 0;
        }
}

/* Half a segment, 8 floats: one AVX register, two SSE ones on the
 * baseline (GCC's vector extension). Two per channel keep 8 independent
 * sums in flight, enough to hide the multiply-add's latency. */
typedef float Vec __attribute__ ((vector_size (DIRECT_SEG / 2 * sizeof (float))));

/* One segment: acc[oc] = the sum over taps of w * input, for the
 * DIRECT_SEG pixels whose first input pixel (tap 0) is `src`. Inlined
 * into one copy per instruction set below. */
static inline __attribute__ ((always_inline)) void
segment_body (const MlrtConvParams *p, const float *src, const float *packed,
         Vec acc[DIRECT_OC][2])
{
  size_t pw = padded_width (p), plane = padded_plane (p);
  Vec a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
  Vec b0 = { 0 }, b1 = { 0 }, b2 = { 0 }, b3 = { 0 };

  for (int c = 0; c < p->in_c; c++)
    for (int ki = 0; ki < p->kh; ki++)
      {
        const float *row = src + c * plane + (size_t) ki * p->dh * pw;
        for (int kj = 0; kj < p->kw; kj++, packed += DIRECT_OC)
          {
            Vec x, y;
            memcpy (&x, row + kj, sizeof x);
            memcpy (&y, row + kj + DIRECT_SEG / 2, sizeof y);
            a0 += packed[0] * x;
            b0 += packed[0] * y;
            a1 += packed[1] * x;
            b1 += packed[1] * y;
            a2 += packed[2] * x;
            b2 += packed[2] * y;
            a3 += packed[3] * x;
            b3 += packed[3] * y;
          }
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

typedef void (*SegmentFn) (const MlrtConvParams *p, const float *src,
                           const float *packed, Vec acc[DIRECT_OC][2]);

__attribute__ ((target ("avx2,fma"))) static void
segment_avx2 (const MlrtConvParams *p, const float *src, const float *packed,
              Vec acc[DIRECT_OC][2])
{
  segment_body (p, src, packed, acc);
}

static void
segment_baseline (const MlrtConvParams *p, const float *src,
                  const float *packed, Vec acc[DIRECT_OC][2])
{
  segment_body (p, src, packed, acc);
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

static SegmentFn
segment_fn (void)
{
  return have_avx2_fma () ? segment_avx2 : segment_baseline;
}

void
mlrt_conv_direct_rows (const MlrtConvParams *p, const float *scratch,
                       int oy0, int oy1, float *out)
{
  const float *packed = scratch + padded_floats (p);
  size_t n = (size_t) p->out_h * p->out_w, pw = padded_width (p);
  SegmentFn segment = segment_fn ();
  Vec acc[DIRECT_OC][2];

  size_t taps = (size_t) p->in_c * p->kh * p->kw;

  for (int oy = oy0; oy < oy1; oy++)
    for (int x0 = 0; x0 < p->out_w; x0 += DIRECT_SEG)
      for (int pass = 0; pass < passes (p); pass++)
        {
          int nx = p->out_w - x0 < DIRECT_SEG ? p->out_w - x0 : DIRECT_SEG;
          int oc0 = pass * DIRECT_OC;
          int noc = p->out_c - oc0 < DIRECT_OC ? p->out_c - oc0 : DIRECT_OC;
          segment (p, scratch + (size_t) oy * p->sh * pw + x0,
                   packed + pass * taps * DIRECT_OC, acc);
          for (int k = 0; k < noc; k++)
            memcpy (out + (oc0 + k) * n + (size_t) oy * p->out_w + x0,
                    acc[k], sizeof (float) * nx);
        }
}

/* ---- depthwise ----
 * A stride across of s is handled by splitting the padded plane into s
 * phases, phase f holding padded columns f, f + s, f + 2s, ...: the input
 * pixels a kernel tap meets along an output row are then contiguous in
 * one phase, and the segments load them as they are. */

#define DW_MAX_TAPS 64

int
mlrt_conv_direct_depthwise_fits (const MlrtConvParams *p)
{
  return p->groups == p->in_c && p->dw == 1 && p->kh * p->kw <= DW_MAX_TAPS;
}

/* Width of one phase of the padded plane. */
static size_t
phase_width (const MlrtConvParams *p)
{
  return (padded_width (p) + p->sw - 1) / p->sw;
}

static size_t
phase_plane (const MlrtConvParams *p)
{
  return ((size_t) p->in_h + 2 * p->ph) * phase_width (p);
}

size_t
mlrt_conv_direct_depthwise_floats (const MlrtConvParams *p)
{
  return phase_plane (p) * p->sw + DIRECT_SEG;
}

/* DIRECT_SEG pixels of one channel: the sum over the kernel's `taps` of
 * w[t] * input at src + off[t]. */
static inline __attribute__ ((always_inline)) void
dw_segment_body (int taps, const float *src, const size_t *off,
                 const float *w, Vec acc[2])
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
  acc[0] = a;
  acc[1] = b;
}

typedef void (*DwSegmentFn) (int taps, const float *src, const size_t *off,
                             const float *w, Vec acc[2]);

__attribute__ ((target ("avx2,fma"))) static void
dw_segment_avx2 (int taps, const float *src, const size_t *off,
                 const float *w, Vec acc[2])
{
  dw_segment_body (taps, src, off, w, acc);
}

static void
dw_segment_baseline (int taps, const float *src, const size_t *off,
                     const float *w, Vec acc[2])
{
  dw_segment_body (taps, src, off, w, acc);
}

void
mlrt_conv_direct_depthwise (const MlrtConvParams *p, const float *plane,
                            const float *w, float *scratch, float *out)
{
  DwSegmentFn segment = have_avx2_fma () ? dw_segment_avx2
                                         : dw_segment_baseline;
  size_t pws = phase_width (p), off[DW_MAX_TAPS];
  int taps = p->kh * p->kw;
  Vec acc[2];

  memset (scratch, 0, mlrt_conv_direct_depthwise_floats (p) * sizeof (float));
  for (int y = 0; y < p->in_h; y++)
    for (int x = 0; x < p->in_w; x++)
      {
        int px = x + p->pw;
        scratch[(size_t) (px % p->sw) * phase_plane (p)
                + (size_t) (y + p->ph) * pws + px / p->sw]
          = plane[(size_t) y * p->in_w + x];
      }
  for (int ki = 0; ki < p->kh; ki++)
    for (int kj = 0; kj < p->kw; kj++)
      off[ki * p->kw + kj] = (size_t) (kj % p->sw) * phase_plane (p)
                             + (size_t) ki * p->dh * pws + kj / p->sw;
  for (int oy = 0; oy < p->out_h; oy++)
    for (int x0 = 0; x0 < p->out_w; x0 += DIRECT_SEG)
      {
        int nx = p->out_w - x0 < DIRECT_SEG ? p->out_w - x0 : DIRECT_SEG;
        segment (taps, scratch + (size_t) oy * p->sh * pws + x0, off, w,
                 acc);
        memcpy (out + (size_t) oy * p->out_w + x0, acc, sizeof (float) * nx);
      }
}
