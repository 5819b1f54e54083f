/*
 * conv-pointwise.c: pointwise (1x1) convolutions that sgemm serves badly
 * (issue 13: 0.65-0.79 of sgemm's rate on the same matrix).
 *  - One pixel (the squeeze-excite blocks): a matrix-vector product of a
 *    few hundred to a few thousand multiply-adds, where sgemm's set-up
 *    and the epilogue's second call cost about as much as the product.
 *    Here a dot product per output channel plus its bias, then the
 *    activation and the output affine over those few hundred bytes in
 *    vector code.
 *  - Few input channels (up to 64): each output takes so few
 *    multiply-adds that the bias, activation and affine, a second pass
 *    over the whole output after sgemm, cost a fifth to a third of the
 *    product. Here the input of 64-256 pixels is copied into one contiguous
 *    block (the channels' planes, a whole image apart, otherwise meet in
 *    the same cache sets), and blocks of 4 or 6 output channels by 16
 *    pixels are summed in registers, each input vector loaded once per
 *    block, and finished (bias, activation, affine) before the store.
 * Built twice, for AVX2 with FMA and for the baseline, the better picked
 * at run time (conv-epilogue.c).
 */
#include <stdint.h>
#include <string.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "conv-direct.h"
#include "conv-pointwise.h"

/* The packed input of a chunk of pixels, in floats (16 KiB): it stays in
 * the first-level cache while every block of output channels reads it. A
 * chunk has as many pixels as fit, up to PW_MAX_CHUNK: longer, the rows
 * of output each block writes at a time (one per channel) are fewer. */
#define PW_PACK_FLOATS 4096
#define PW_MAX_CHUNK 256
/* Input channels at most: a chunk of them still has 64 pixels. */
#define PW_MAX_IN 64
/* Pixels per block: two vectors, enough independent sums per channel to
 * hide the multiply-add's latency. */
#define PW_SEG 16
/* Output channels per block at most. */
#define PW_OC 6

/* 8 floats: one AVX register, two SSE ones on the baseline. */
typedef float Vec __attribute__ ((vector_size (PW_SEG / 2 * sizeof (float))));
typedef int32_t IVec __attribute__ ((vector_size (sizeof (Vec))));

/* m ? a : b lane by lane, m a comparison's mask, in code GCC and clang
 * both turn into vector instructions (C has no ?: on vectors). A macro:
 * a function taking or returning a vector of 32 bytes has two ABIs. */
#define VEC_PICK(m, a, b) ((Vec) (((m) & (IVec) (a)) | (~(m) & (IVec) (b))))

/* act (v + bias), then the output affine, on 8 outputs: straight-line
 * vector code for the activations the models fuse into pointwise layers,
 * lane by lane for the others. */
static inline __attribute__ ((always_inline)) void
finish_vec (MlrtActivation act, const MlrtConvParams *p, float bias, Vec *x)
{
  const Vec zero = { 0 }, six = zero + 6.0f;
  Vec v = *x + bias, r;

  switch (act)
    {
    case MLRT_ACT_NONE:
      break;
    /* the same comparisons as activation-inline.h's, so NaN goes the
     * same way */
    case MLRT_ACT_RELU:
      v = VEC_PICK (v > zero, v, zero);
      break;
    case MLRT_ACT_RELU6:
      r = VEC_PICK (v > six, six, v);
      v = VEC_PICK (v < zero, zero, r);
      break;
    case MLRT_ACT_HARD_SWISH:
      r = v + 3.0f;
      r = VEC_PICK (r > six, six, r);
      r = VEC_PICK (r < zero, zero, r);
      v = v * r * (1.0f / 6.0f);
      break;
    case MLRT_ACT_LEAKY_RELU:
    case MLRT_ACT_SIGMOID:
    case MLRT_ACT_TANH:
    case MLRT_ACT_GELU:
    default:
      for (int i = 0; i < PW_SEG / 2; i++)
        v[i] = mlrt_act_apply (act, p->alpha, v[i]);
      break;
    }
  *x = p->has_out_affine ? v * p->out_scale + p->out_shift : v;
}

int
mlrt_conv_pointwise_fits (const MlrtConvParams *p)
{
  if (p->groups != 1 || p->kh != 1 || p->kw != 1 || p->sh != 1
      || p->sw != 1 || p->ph != 0 || p->pw != 0)
    return 0;
  return p->out_h * p->out_w == 1 || p->in_c <= PW_MAX_IN;
}

/* ---- one pixel ---- */

static inline __attribute__ ((always_inline)) void
matvec_body (const MlrtConvParams *p, const float *in, const float *weight,
             const float *bias, float *out)
{
  int k_in = p->in_c;

  for (int oc = 0; oc < p->out_c; oc++)
    {
      const float *w = weight + (size_t) oc * k_in;
      Vec acc = { 0 };
      float l[PW_SEG / 2], even = 0.0f, odd = 0.0f;
      int k = 0;

      for (; k + PW_SEG / 2 <= k_in; k += PW_SEG / 2)
        {
          Vec a, b;
          memcpy (&a, w + k, sizeof a);
          memcpy (&b, in + k, sizeof b);
          acc += a * b;
        }
      /* in two chains, and the lanes as a tree: with a product this
       * short, the latency of one chain of adds is most of the time */
      for (; k + 1 < k_in; k += 2)
        {
          even += w[k] * in[k];
          odd += w[k + 1] * in[k + 1];
        }
      if (k < k_in)
        even += w[k] * in[k];
      memcpy (l, &acc, sizeof l);
      out[oc] = ((l[0] + l[4]) + (l[1] + l[5]))
                + ((l[2] + l[6]) + (l[3] + l[7])) + (even + odd)
                + (bias ? bias[oc] : 0.0f);
    }
  /* the activation and the affine over the channels, in vectors */
  mlrt_act_affine (p->act, p->alpha, p->out_c, out, 0.0f, 1.0f, 0.0f, out);
  if (p->has_out_affine)
    mlrt_act_affine (MLRT_ACT_NONE, 0.0f, p->out_c, out, 0.0f, p->out_scale,
                     p->out_shift, out);
}

__attribute__ ((target ("avx2,fma"))) static void
matvec_avx2 (const MlrtConvParams *p, const float *in, const float *weight,
             const float *bias, float *out)
{
  matvec_body (p, in, weight, bias, out);
}

static void
matvec_baseline (const MlrtConvParams *p, const float *in,
                 const float *weight, const float *bias, float *out)
{
  matvec_body (p, in, weight, bias, out);
}

/* ---- few input channels ---- */

/* Output channels [oc0, oc0 + rows) of a chunk's block of pixels: the
 * sums over the packed input x (rows of `pitch` pixels), finished and
 * stored at out, nx of them. Rows past `rows` repeat the last one's
 * weights and are dropped. Inlined into one copy per block size,
 * activation and instruction set, where the accumulators are registers
 * and the epilogue straight-line vector code. */
static inline __attribute__ ((always_inline)) void
block_body (int block, MlrtActivation act, const MlrtConvParams *p,
            const float *x, int pitch, const float *weight,
            const float *bias, int oc0, int rows, int nx, float *out)
{
  size_t n = (size_t) p->out_h * p->out_w, row[PW_OC];
  Vec acc[PW_OC][2];
  int k_in = p->in_c;

#pragma GCC unroll 6
  for (int j = 0; j < block; j++)
    {
      row[j] = (size_t) (oc0 + (j < rows ? j : rows - 1));
      acc[j][0] = acc[j][1] = (Vec) { 0 };
    }
  for (int k = 0; k < k_in; k++, x += pitch)
    {
      Vec u, v;
      memcpy (&u, x, sizeof u);
      memcpy (&v, x + PW_SEG / 2, sizeof v);
#pragma GCC unroll 6
      for (int j = 0; j < block; j++)
        {
          float w = weight[row[j] * k_in + k];
          acc[j][0] += w * u;
          acc[j][1] += w * v;
        }
    }
  /* over constant indices, so the sums stay in registers */
#pragma GCC unroll 6
  for (int j = 0; j < block; j++)
    {
      float *o = out + row[j] * n, b = bias ? bias[row[j]] : 0.0f;
      Vec lo = acc[j][0], hi = acc[j][1];
      float part[PW_SEG];

      if (j >= rows)
        break;
      finish_vec (act, p, b, &lo);
      finish_vec (act, p, b, &hi);
      if (nx >= PW_SEG)
        {
          memcpy (o, &lo, sizeof lo);
          memcpy (o + PW_SEG / 2, &hi, sizeof hi);
        }
      else
        {
          memcpy (part, &lo, sizeof lo);
          memcpy (part + PW_SEG / 2, &hi, sizeof hi);
          memcpy (o, part, sizeof (float) * nx);
        }
    }
}

static inline __attribute__ ((always_inline)) void
chunk_loop (int block, MlrtActivation act, const MlrtConvParams *p,
            const float *x, int pitch, const float *weight,
            const float *bias, int nx, float *out)
{
  for (int oc0 = 0; oc0 < p->out_c; oc0 += block)
    {
      int rows = p->out_c - oc0 < block ? p->out_c - oc0 : block;
      for (int s = 0; s < nx; s += PW_SEG)
        block_body (block, act, p, x + s, pitch, weight, bias, oc0, rows,
                    nx - s, out + s);
    }
}

/* Copies pixels [x0, x0 + nx) of every input channel into rows of
 * `pitch`, zero past nx up to the end of its last block. */
static inline __attribute__ ((always_inline)) void
pack_chunk (const MlrtConvParams *p, const float *in, int x0, int nx,
            int pitch, float *x)
{
  size_t n = (size_t) p->out_h * p->out_w;
  int padded = (nx + PW_SEG - 1) / PW_SEG * PW_SEG;

  in += x0;
  for (int c = 0; c < p->in_c; c++, x += pitch, in += n)
    {
      if (nx < pitch)
        {
          memcpy (x, in, sizeof (float) * nx);
          memset (x + nx, 0, sizeof (float) * (padded - nx));
          continue;
        }
#pragma GCC unroll 8
      for (int i = 0; i < pitch; i += PW_SEG / 2)
        {
          Vec v;
          memcpy (&v, in + i, sizeof v);
          memcpy (x + i, &v, sizeof v);
        }
    }
}

/* Every output channel at pixels [x0, x1), a packed chunk at a time,
 * `block` channels at a time; a copy of the loop for each activation the
 * models fuse into pointwise layers, one for the others. */
static inline __attribute__ ((always_inline)) void
range_body (int block, const MlrtConvParams *p, const float *in,
            const float *weight, const float *bias, int x0, int x1,
            float *out)
{
  float x[PW_PACK_FLOATS] __attribute__ ((aligned (32)));
  int chunk = PW_PACK_FLOATS / p->in_c / PW_SEG * PW_SEG;

  if (chunk > PW_MAX_CHUNK)
    chunk = PW_MAX_CHUNK;
  for (int c0 = x0; c0 < x1; c0 += chunk)
    {
      int nx = x1 - c0 < chunk ? x1 - c0 : chunk;

      pack_chunk (p, in, c0, nx, chunk, x);
      /* a constant activation, so each copy inlines its own */
#define CHUNK(act) chunk_loop (block, act, p, x, chunk, weight, bias, nx, \
                               out + c0)
      if (p->act == MLRT_ACT_NONE)
        CHUNK (MLRT_ACT_NONE);
      else if (p->act == MLRT_ACT_RELU)
        CHUNK (MLRT_ACT_RELU);
      else if (p->act == MLRT_ACT_RELU6)
        CHUNK (MLRT_ACT_RELU6);
      else if (p->act == MLRT_ACT_HARD_SWISH)
        CHUNK (MLRT_ACT_HARD_SWISH);
      else
        CHUNK (p->act);
#undef CHUNK
    }
}

typedef void (*RangeFn) (const MlrtConvParams *p, const float *in,
                         const float *weight, const float *bias, int x0,
                         int x1, float *out);

/* range<block>_avx2 and range<block>_baseline: range_body built for AVX2
 * with FMA and for the baseline, with `block` channels per block. */
#define RANGE_CLONES(block)                                                 \
  __attribute__ ((target ("avx2,fma"))) static void                         \
  range##block##_avx2 (const MlrtConvParams *p, const float *in,            \
                       const float *weight, const float *bias, int x0,      \
                       int x1, float *out)                                  \
  {                                                                         \
    range_body (block, p, in, weight, bias, x0, x1, out);                   \
  }                                                                         \
  static void                                                               \
  range##block##_baseline (const MlrtConvParams *p, const float *in,        \
                           const float *weight, const float *bias, int x0,  \
                           int x1, float *out)                              \
  {                                                                         \
    range_body (block, p, in, weight, bias, x0, x1, out);                   \
  }

RANGE_CLONES (4)
RANGE_CLONES (6)

/* The kernel for this layer and CPU: blocks of 6 channels where that
 * wastes at most a fifth more lanes than blocks of 4 (a block of 6 loads
 * each input vector once for 12 multiply-adds, one of 4 for 8). */
static RangeFn
range_fn (const MlrtConvParams *p)
{
  int by4 = (p->out_c + 3) / 4 * 4, by6 = (p->out_c + 5) / 6 * 6;
  int avx2 = mlrt_cpu_have_avx2_fma ();

  if (p->out_c >= 12 && by6 * 4 <= by4 * 5)
    return avx2 ? range6_avx2 : range6_baseline;
  return avx2 ? range4_avx2 : range4_baseline;
}

void
mlrt_conv_pointwise (const MlrtConvParams *p, const float *in,
                     const float *weight, const float *bias, int x0, int x1,
                     float *out)
{
  if (p->out_h * p->out_w > 1)
    range_fn (p) (p, in, weight, bias, x0, x1, out);
  else if (mlrt_cpu_have_avx2_fma ())
    matvec_avx2 (p, in, weight, bias, out);
  else
    matvec_baseline (p, in, weight, bias, out);
}
