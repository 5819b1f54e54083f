/*
 * conv-direct.c: the direct convolutions of conv-direct.h, reading the
 * padded, phase-split copy of conv-pad.h: each output row is computed in
 * segments of DIRECT_SEG pixels: for every tap, one load of input pixels
 * feeds a multiply-add into the accumulators of 4 or 6 output channels,
 * which stay in registers for the whole sum.
 * Built twice, for AVX2 with FMA and for the baseline, the better picked
 * at run time.
 */
#include <stdint.h>
#include <string.h>

#include "vectorize.h"
#include "conv-direct.h"
#include "conv-pad.h"
#include "vec-act.h"

/* Output channels per pass at most (passes_of_6 splits them into passes
 * of 6 and 4). */
#define DIRECT_OC 6
#define DIRECT_SEG 16
/* Past this many output channels im2col's copy is a small part of the
 * product, and sgemm's blocking beats passes of four or six channels. */
#define DIRECT_MAX_OC 32
/* Segments of an output row whose sums stay on the stack while chunks of
 * input channels go by, and the input a chunk may read for them: with
 * the packed weights, within a 32 KiB first-level cache. */
#define DIRECT_TILE_SEGS 8
#define DIRECT_CHUNK_BYTES 16384
/* The padded rows of a band at most, to stay in a second-level cache. */
#define DIRECT_BAND_BYTES (128 * 1024)

int
mlrt_conv_direct_fits (const MlrtConvParams *p)
{
  return p->groups == 1 && p->dw == 1 && p->kh * p->kw > 1
         && p->out_c <= DIRECT_MAX_OC;
}

/* Half a segment, 8 floats: one AVX register, two SSE ones on the
 * baseline (GCC's vector extension). Two per channel keep 8 independent
 * sums in flight, enough to hide the multiply-add's latency. */
typedef MlrtVec8 Vec;

/* What a pass's segments do to their sums before they are stored, when
 * it is a few vector operations (vec-act.h): in registers, where a call
 * per segment on the stored sums took a fifth of a 3-channel layer. */
typedef struct {
  float bias[DIRECT_OC];        /* the pass's channels', zero past out_c */
  MlrtActivation act;
  float alpha;
  int affine;
  float scale, shift;
} SegmentEpilogue;

/* Where output row oy's segment at x0 starts reading, in a band's copy
 * of the input from padded row y0. */
static size_t
segment_start (const MlrtConvParams *p, int y0, int oy, int x0)
{
  return (size_t) (oy * p->sh - y0) * mlrt_conv_pad_pitch (p, p->in_c) + x0;
}

/* The epilogue on the sums of `block` channels, for one activation. */
static inline __attribute__ ((always_inline)) void
finish_act (int block, MlrtActivation act, const SegmentEpilogue *ep,
            Vec a[DIRECT_OC], Vec b[DIRECT_OC])
{
#pragma GCC unroll 6
  for (int k = 0; k < block; k++)
    {
      a[k] += ep->bias[k];
      b[k] += ep->bias[k];
      mlrt_vec_act (act, ep->alpha, &a[k]);
      mlrt_vec_act (act, ep->alpha, &b[k]);
      if (ep->affine)
        {
          a[k] = a[k] * ep->scale + ep->shift;
          b[k] = b[k] * ep->scale + ep->shift;
        }
    }
}

/* One inlined copy of finish_act per activation, so that each copy holds
 * only its own operations and no branch runs per channel. */
static inline __attribute__ ((always_inline)) void
finish (int block, const SegmentEpilogue *ep, Vec a[DIRECT_OC],
        Vec b[DIRECT_OC])
{
  switch (ep->act)
    {
    case MLRT_ACT_RELU:
      finish_act (block, MLRT_ACT_RELU, ep, a, b);
      break;
    case MLRT_ACT_LEAKY_RELU:
      finish_act (block, MLRT_ACT_LEAKY_RELU, ep, a, b);
      break;
    case MLRT_ACT_HARD_SWISH:
      finish_act (block, MLRT_ACT_HARD_SWISH, ep, a, b);
      break;
    case MLRT_ACT_RELU6:
      finish_act (block, MLRT_ACT_RELU6, ep, a, b);
      break;
    case MLRT_ACT_NONE:
    case MLRT_ACT_SIGMOID:
    case MLRT_ACT_TANH:
    case MLRT_ACT_GELU:
    default:
      finish_act (block, MLRT_ACT_NONE, ep, a, b);
      break;
    }
}

/* acc[k] = (with `add`, acc[k] plus) the sum over the taps of
 * w[t * block + k] * the input at src + off[t], for DIRECT_SEG pixels,
 * k < block, then `ep`'s epilogue if there is one. Inlined into one copy
 * per block and instruction set below, where `block` is a constant and
 * the accumulators unrolled into registers. */
static inline __attribute__ ((always_inline)) void
segment_body (int block, int taps, const float *src, const uint32_t *off,
              const float *w, Vec acc[DIRECT_OC][2], int add,
              const SegmentEpilogue *ep)
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
  if (ep)
    finish (block, ep, a, b);
#pragma GCC unroll 6
  for (int k = 0; k < block; k++)
    {
      acc[k][0] = a[k];
      acc[k][1] = b[k];
    }
}

typedef void (*SegmentFn) (int taps, const float *src, const uint32_t *off,
                           const float *w, Vec acc[DIRECT_OC][2], int add,
                           const SegmentEpilogue *ep);

__attribute__ ((target ("avx2,fma"))) static void
segment4_avx2 (int taps, const float *src, const uint32_t *off,
               const float *w, Vec acc[DIRECT_OC][2], int add,
               const SegmentEpilogue *ep)
{
  segment_body (4, taps, src, off, w, acc, add, ep);
}

static void
segment4_baseline (int taps, const float *src, const uint32_t *off,
                   const float *w, Vec acc[DIRECT_OC][2], int add,
                   const SegmentEpilogue *ep)
{
  segment_body (4, taps, src, off, w, acc, add, ep);
}

__attribute__ ((target ("avx2,fma"))) static void
segment6_avx2 (int taps, const float *src, const uint32_t *off,
               const float *w, Vec acc[DIRECT_OC][2], int add,
               const SegmentEpilogue *ep)
{
  segment_body (6, taps, src, off, w, acc, add, ep);
}

static void
segment6_baseline (int taps, const float *src, const uint32_t *off,
                   const float *w, Vec acc[DIRECT_OC][2], int add,
                   const SegmentEpilogue *ep)
{
  segment_body (6, taps, src, off, w, acc, add, ep);
}

/* ---- few output channels ---- */

/* Passes of 6 output channels, the rest in passes of 4: the split that
 * pads out_c the least, with as many passes of 6 as that allows (a pass
 * of 6 loads each input vector once for 12 multiply-adds, one of 4 for
 * 8). 16 channels as 6 + 6 + 4 rather than three passes of 6 saves the
 * ninth of the multiply-adds two zero channels cost. */
static int
passes_of_6 (const MlrtConvParams *p)
{
  int best = 0, least = -1;

  for (int n6 = 0; n6 <= (p->out_c + 5) / 6; n6++)
    {
      int rest = p->out_c - 6 * n6 > 0 ? p->out_c - 6 * n6 : 0;
      int padded = 6 * n6 + (rest + 3) / 4 * 4;
      if (least < 0 || padded <= least)
        {
          best = n6;
          least = padded;
        }
    }
  return best;
}

/* One pass: its first output channel, its width (4 or 6) and how many of
 * its channels are real. */
typedef struct {
  int oc0, block, noc;
} Pass;

/* The passes of a layer, planned once per call rather than found again
 * per segment (the classifier's 8>8 pointwise layer went from 0.72-0.78
 * of sgemm to 0.82-0.87). */
typedef struct {
  int n;
  Pass at[DIRECT_MAX_OC / 4];
} PassPlan;

static void
plan_passes (const MlrtConvParams *p, PassPlan *plan)
{
  int n6 = passes_of_6 (p), oc0 = 0;

  for (plan->n = 0; oc0 < p->out_c; plan->n++)
    {
      Pass *ps = &plan->at[plan->n];
      ps->block = plan->n < n6 ? 6 : 4;
      ps->oc0 = oc0;
      ps->noc = p->out_c - oc0 < ps->block ? p->out_c - oc0 : ps->block;
      oc0 += ps->block;
    }
}

/* Output channels the passes compute, past out_c zero. */
static int
padded_out (const MlrtConvParams *p)
{
  PassPlan plan;

  plan_passes (p, &plan);
  return plan.at[plan.n - 1].oc0 + plan.at[plan.n - 1].block;
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
segment_fn (int block)
{
  if (block == 6)
    return mlrt_cpu_have_avx2_fma () ? segment6_avx2 : segment6_baseline;
  return mlrt_cpu_have_avx2_fma () ? segment4_avx2 : segment4_baseline;
}

/* Packs weights w[oc * taps + t] pass by pass, tap by tap, the pass's
 * channels side by side (zero past the last one): pass k's from
 * packed + taps * its first channel. */
static float *
pack_weights (const MlrtConvParams *p, size_t taps, const float *weight,
              float *packed)
{
  PassPlan plan;

  plan_passes (p, &plan);
  for (int pass = 0; pass < plan.n; pass++)
    {
      const Pass *ps = &plan.at[pass];
      for (size_t t = 0; t < taps; t++)
        for (int k = 0; k < ps->block; k++)
          *packed++ = k < ps->noc ? weight[(ps->oc0 + k) * taps + t] : 0;
    }
  return packed;
}

size_t
mlrt_conv_direct_packed_floats (const MlrtConvParams *p)
{
  /* the weights, then where each tap reads in the padded copy */
  return (size_t) (padded_out (p) + 1) * p->in_c * p->kh * p->kw;
}

void
mlrt_conv_direct_pack (const MlrtConvParams *p, const float *weight,
                       float *packed)
{
  uint32_t *off = (void *) pack_weights (p, (size_t) p->in_c * p->kh * p->kw,
                                         weight, packed);

  for (int c = 0; c < p->in_c; c++)
    for (int ki = 0; ki < p->kh; ki++)
      for (int kj = 0; kj < p->kw; kj++)
        *off++ = (uint32_t) mlrt_conv_pad_tap (p, p->in_c, c, ki, kj);
}

/* Padded rows a band of `rows` output rows reads. */
static int
band_padded_rows (const MlrtConvParams *p, int rows)
{
  return (rows - 1) * p->sh + (p->kh - 1) * p->dh + 1;
}

int
mlrt_conv_direct_band_rows (const MlrtConvParams *p, int tasks)
{
  size_t pitch = mlrt_conv_pad_pitch (p, p->in_c) * sizeof (float);
  int overlap = band_padded_rows (p, 1) - p->sh;
  int fit = (int) (DIRECT_BAND_BYTES / pitch) - overlap;
  int rows = (p->out_h + tasks - 1) / tasks, bands;

  /* padded rows read twice at most a quarter of the band's own */
  if (rows < 4 * overlap / p->sh)
    rows = 4 * overlap / p->sh;
  if (rows > fit / p->sh)
    rows = fit / p->sh;
  if (rows < 1)
    rows = 1;
  if (rows > p->out_h)
    rows = p->out_h;
  /* as many bands, of even heights */
  bands = (p->out_h + rows - 1) / rows;
  return (p->out_h + bands - 1) / bands;
}

size_t
mlrt_conv_direct_band_floats (const MlrtConvParams *p, int rows)
{
  /* the band's padded rows and room for the last segment to read past
   * them */
  return (size_t) band_padded_rows (p, rows) * mlrt_conv_pad_pitch (p, p->in_c)
         + DIRECT_SEG;
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
rows_tile (const MlrtConvParams *p, const PassPlan *plan, const float *src,
           const uint32_t *off, const float *packed,
           const SegmentEpilogue *eps, int segs,
           Vec acc[][DIRECT_TILE_SEGS][DIRECT_OC][2])
{
  int khw = p->kh * p->kw, taps = p->in_c * khw, cb = chunk_channels (p);

  for (int c0 = 0; c0 < p->in_c; c0 += cb)
    {
      int t0 = c0 * khw, nt = (p->in_c - c0 < cb ? p->in_c - c0 : cb) * khw;
      for (int pass = 0; pass < plan->n; pass++)
        {
          const Pass *ps = &plan->at[pass];
          SegmentFn segment = segment_fn (ps->block);
          const float *w = packed + (size_t) ps->oc0 * taps
                           + (size_t) t0 * ps->block;
          const SegmentEpilogue *ep = eps && c0 + cb >= p->in_c ? &eps[pass]
                                                                : NULL;
          for (int s = 0; s < segs; s++)
            segment (nt, src + s * DIRECT_SEG, off + t0, w, acc[pass][s],
                     c0 > 0, ep);
        }
    }
}

/* Each pass's epilogue in registers, or NULL when it has none or its
 * activation is not a few vector operations. */
static const SegmentEpilogue *
segment_epilogues (const MlrtConvParams *p, const PassPlan *plan,
                   const float *bias, SegmentEpilogue eps[DIRECT_MAX_OC / 4])
{
  if (!mlrt_conv_has_epilogue (p, bias) || !mlrt_vec_act_fits (p->act))
    return NULL;
  for (int pass = 0; pass < plan->n; pass++)
    {
      const Pass *ps = &plan->at[pass];
      SegmentEpilogue *ep = &eps[pass];
      for (int k = 0; k < DIRECT_OC; k++)
        ep->bias[k] = bias && k < ps->noc ? bias[ps->oc0 + k] : 0.0f;
      ep->act = p->act;
      ep->alpha = p->alpha;
      ep->affine = p->has_out_affine;
      ep->scale = p->out_scale;
      ep->shift = p->out_shift;
    }
  return eps;
}

/* Output rows [oy0, oy1) from the band's padded rows (from row y0 on)
 * and the taps' offsets in it. */
static void
band_rows (const MlrtConvParams *p, const float *band, const uint32_t *off,
           int y0, const float *packed, const float *bias, int oy0, int oy1,
           float *out)
{
  Vec acc[DIRECT_MAX_OC / 4][DIRECT_TILE_SEGS][DIRECT_OC][2];
  SegmentEpilogue eps_storage[DIRECT_MAX_OC / 4];
  PassPlan plan;
  const SegmentEpilogue *eps;
  int tile = DIRECT_TILE_SEGS * DIRECT_SEG;
  int epilogue;

  plan_passes (p, &plan);
  eps = segment_epilogues (p, &plan, bias, eps_storage);
  /* an activation without a vector form: on the stored sums */
  epilogue = !eps && mlrt_conv_has_epilogue (p, bias);

  for (int oy = oy0; oy < oy1; oy++)
    {
      for (int x0 = 0; x0 < p->out_w; x0 += tile)
        {
          int nx = p->out_w - x0 < tile ? p->out_w - x0 : tile;
          int segs = (nx + DIRECT_SEG - 1) / DIRECT_SEG;

          rows_tile (p, &plan, band + segment_start (p, y0, oy, x0),
                     off, packed, eps, segs, acc);
          for (int pass = 0; pass < plan.n; pass++)
            for (int s = 0; s < segs; s++)
              {
                const Pass *ps = &plan.at[pass];
                int x = s * DIRECT_SEG;
                if (epilogue)
                  mlrt_conv_segment_epilogue (p, bias, ps->oc0, ps->noc,
                                              (float *) (void *)
                                              acc[pass][s]);
                store_segment (p, acc[pass][s], ps->oc0, ps->noc, oy, x0 + x,
                               nx - x < DIRECT_SEG ? nx - x : DIRECT_SEG,
                               out);
              }
        }
    }
}

void
mlrt_conv_direct_band (const MlrtConvParams *p, const float *in,
                       const float *packed, const float *bias, int oy0,
                       int oy1, float *scratch, float *out)
{
  int y0 = oy0 * p->sh, y1 = y0 + band_padded_rows (p, oy1 - oy0);
  const uint32_t *off = (const void *) (packed + (size_t) padded_out (p)
                                        * p->in_c * p->kh * p->kw);

  mlrt_conv_pad_rows (p, in, y0, y1, scratch);
  memset (scratch + (size_t) (y1 - y0) * mlrt_conv_pad_pitch (p, p->in_c), 0,
          DIRECT_SEG * sizeof (float));
  band_rows (p, scratch, off, y0, packed, bias, oy0, oy1, out);
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
  return (size_t) padded_out (p) * p->in_c + p->in_c;
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

/* Every pass over one segment of `nx` output pixels at x0, read from
 * src at the input channels' offsets `off`. */
static void
pointwise_segment (const MlrtConvParams *p, const PassPlan *plan,
                   const float *src, const uint32_t *off, const float *packed,
                   int x0, int nx, float *out)
{
  Vec acc[DIRECT_OC][2];

  for (int pass = 0; pass < plan->n; pass++)
    {
      const Pass *ps = &plan->at[pass];
      segment_fn (ps->block) (p->in_c, src, off,
                              packed + (size_t) ps->oc0 * p->in_c, acc, 0,
                              NULL);
      store_segment (p, acc, ps->oc0, ps->noc, 0, x0, nx, out);
    }
}

/* The last, partial segment: its pixels copied into a block of whole
 * segments, so that no load reads past the input. */
static void
pointwise_tail (const MlrtConvParams *p, const PassPlan *plan,
                const float *in, const float *packed, int x0, float *out)
{
  size_t n = (size_t) p->out_h * p->out_w;
  int nx = (int) n - x0;
  float copy[POINTWISE_MAX_IN * DIRECT_SEG];
  uint32_t off[POINTWISE_MAX_IN];

  memset (copy, 0, sizeof copy);
  for (int c = 0; c < p->in_c; c++)
    {
      memcpy (copy + c * DIRECT_SEG, in + c * n + x0, sizeof (float) * nx);
      off[c] = (uint32_t) (c * DIRECT_SEG);
    }
  pointwise_segment (p, plan, copy, off, packed, x0, nx, out);
}

void
mlrt_conv_direct_pointwise (const MlrtConvParams *p, const float *in,
                            const float *scratch, const float *bias,
                            int x0, int x1, float *out)
{
  const uint32_t *off = (const void *) (scratch + (size_t) padded_out (p)
                                        * p->in_c);
  size_t n = (size_t) p->out_h * p->out_w;
  PassPlan plan;

  plan_passes (p, &plan);
  for (int c0 = x0; c0 < x1; c0 += POINTWISE_CHUNK)
    {
      int c1 = c0 + POINTWISE_CHUNK < x1 ? c0 + POINTWISE_CHUNK : x1;
      for (int x = c0; x < c1; x += DIRECT_SEG)
        {
          if (c1 - x < DIRECT_SEG)
            {
              pointwise_tail (p, &plan, in, scratch, x, out);
              break;
            }
          pointwise_segment (p, &plan, in + x, off, scratch, x, DIRECT_SEG,
                             out);
        }
      if (mlrt_conv_has_epilogue (p, bias))
        for (int oc = 0; oc < p->out_c; oc++)
          mlrt_conv_bias_act (p, (size_t) (c1 - c0),
                              bias ? bias[oc] : 0.0f, out + oc * n + c0);
    }
}
