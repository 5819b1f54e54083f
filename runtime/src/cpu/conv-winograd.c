/*
 * conv-winograd.c: 3x3 stride-1 convolutions by Winograd's minimal
 * filtering F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2015). The PaddleOCR detector's 3x3
 * layers from 96 channels to 24 were half its prediction time (issue 13)
 * and ran level with sgemm of their im2col matrix, direct or through
 * im2col: 9 multiply-adds per output and channel pair. Winograd does each
 * 4x4 block of outputs with 36 instead of 144, as 36 matrix products (one
 * per position of the 6x6 transformed tile) of the weights transformed
 * once per load, [out_c, in_c], by the input tiles transformed per
 * prediction, [in_c, tiles]. F(2x2, 3x3) (16 products for 2x2 outputs),
 * in a first version whose transforms were partly scalar, measured
 * 1.1-1.5x slower on the detector's and the style model's shapes from
 * 32x32 up, 1.3x faster at 10x15; F(4x4)'s error stays within the kernel
 * tests' bound against the direct sum (its transforms scale by at most 8
 * and 1/24).
 *
 * A task is a band of tile rows: its input tiles are transformed into
 * the worker's scratch, multiplied by sgemm, and transformed back into
 * the output with the bias, the activation and the output affine while
 * the band is in the cache. Rows are split into the four phases of their
 * columns first, so that every transform loop reads and writes
 * contiguous memory and vectorises.
 */
#include <cblas.h>
#include <string.h>

#include "vectorize.h"
#include "conv-direct.h"
#include "conv-winograd.h"

/* Before the loops of the transforms: their rows, offsets of one array,
 * never overlap, which GCC cannot prove (six stores past the limit of
 * its run-time alias checks) and so kept them scalar. Clang's like
 * request is an error where it cannot vectorise (the sanitizers' build),
 * so clang goes without. */
#if defined(__GNUC__) && !defined(__clang__)
#define WINO_DISJOINT _Pragma ("GCC ivdep")
#else
#define WINO_DISJOINT
#endif

#define WINO_M 4                /* outputs per tile side */
#define WINO_T 6                /* inputs per tile side: m + 3 - 1 */
#define WINO_POS 36             /* a 6x6 transformed tile */
/* Fewer channels than this, the products are too thin for sgemm to run
 * at its rate and the transforms cost what they save: measured against
 * the direct kernel (conv-direct.c), 16 input channels were level at
 * 32x32-128x128, 32 ran 1.1-1.5x faster; 8 output channels 1.2-2x
 * slower. */
#define WINO_MIN_IN 32
#define WINO_MIN_OUT 16
/* Tiles per task: at least enough for sgemm to run at its rate, at most
 * what keeps one position's [in_c, tiles] slice in the L2 cache; about
 * 16 tasks a layer between the two, as conv.c cuts its other paths. */
#define WINO_MIN_TILES 48
#define WINO_MAX_TILES 128
#define WINO_TASK_SPLIT 16

int
mlrt_conv_winograd_fits (const MlrtConvParams *p)
{
  return p->kh == 3 && p->kw == 3 && p->sh == 1 && p->sw == 1
         && p->dh == 1 && p->dw == 1 && p->groups == 1
         && p->in_c >= WINO_MIN_IN && p->out_c >= WINO_MIN_OUT
         && p->out_h >= 2 && p->out_w >= 2;
}

size_t
mlrt_conv_winograd_packed_floats (const MlrtConvParams *p)
{
  return (size_t) WINO_POS * p->out_c * p->in_c;
}

/* G g, g three values at `stride`, into t[0..5] at `tstride`. */
static void
kernel_column (const float *g, int stride, float *t, int tstride)
{
  float a = g[0], b = g[stride], c = g[2 * stride];

  t[0] = a / 4;
  t[tstride] = -(a + b + c) / 6;
  t[2 * tstride] = -(a - b + c) / 6;
  t[3 * tstride] = a / 24 + b / 12 + c / 6;
  t[4 * tstride] = a / 24 - b / 12 + c / 6;
  t[5 * tstride] = c;
}

/* U = G g G^T for each (out, in) pair, stored [position][out][in] so that
 * each position's weights are the left operand of its product. */
void
mlrt_conv_winograd_pack (const MlrtConvParams *p, const float *weight,
                         float *packed)
{
  size_t plane = (size_t) p->out_c * p->in_c;

  for (int k = 0; k < p->out_c; k++)
    for (int c = 0; c < p->in_c; c++)
      {
        const float *g = weight + ((size_t) k * p->in_c + c) * 9;
        float t[WINO_T][3], u[WINO_T][WINO_T];

        for (int j = 0; j < 3; j++)
          kernel_column (g + j, 3, &t[0][j], 3);
        for (int i = 0; i < WINO_T; i++)
          kernel_column (t[i], 1, u[i], 1);
        for (int i = 0; i < WINO_POS; i++)
          packed[i * plane + (size_t) k * p->in_c + c]
            = u[i / WINO_T][i % WINO_T];
      }
}

static int
tiles_x (const MlrtConvParams *p)
{
  return (p->out_w + WINO_M - 1) / WINO_M;
}

static int
tiles_y (const MlrtConvParams *p)
{
  return (p->out_h + WINO_M - 1) / WINO_M;
}

int
mlrt_conv_winograd_tiles (const MlrtConvParams *p)
{
  return tiles_x (p) * tiles_y (p);
}

/* Rows of tiles per task. */
static int
band_rows (const MlrtConvParams *p)
{
  int tx = tiles_x (p), ty = tiles_y (p);
  int rows = (ty + WINO_TASK_SPLIT - 1) / WINO_TASK_SPLIT;
  int min_rows = (WINO_MIN_TILES + tx - 1) / tx;
  int max_rows = WINO_MAX_TILES / tx;

  if (rows < min_rows)
    rows = min_rows;
  if (rows > max_rows)
    rows = max_rows;
  if (rows < 1)
    rows = 1;
  return rows < ty ? rows : ty;
}

/* Columns of one phase of a split input row (padded columns 4 x + k for
 * phase k): one per tile and one past the last. */
static size_t
phase_width (const MlrtConvParams *p)
{
  return (size_t) tiles_x (p) + 1;
}

/* Input rows a band of tiles reads. */
static size_t
band_input_rows (int band)
{
  return (size_t) WINO_M * band + WINO_T - WINO_M;
}

size_t
mlrt_conv_winograd_floats (const MlrtConvParams *p)
{
  size_t tiles = (size_t) band_rows (p) * tiles_x (p);
  size_t pw = phase_width (p);

  return WINO_POS * tiles * ((size_t) p->in_c + p->out_c)
         + band_input_rows (band_rows (p)) * WINO_M * pw
         + (WINO_T * WINO_M + WINO_M * WINO_T + WINO_M * WINO_M) * pw;
}

int
mlrt_conv_winograd_tasks (const MlrtConvParams *p)
{
  int band = band_rows (p);

  return (tiles_y (p) + band - 1) / band;
}

/* dst[x] = src[4 x + first] where that lies in [0, n), for x < pw. */
static inline __attribute__ ((always_inline)) void
every_fourth (const float *restrict src, int first, int n,
              float *restrict dst, int pw)
{
  int lo = first >= 0 ? 0 : (3 - first) / 4;
  int hi = n - 1 - first >= 0 ? (n - 1 - first) / 4 + 1 : 0;

  if (hi > pw)
    hi = pw;
  for (int x = lo; x < hi; x++)
    dst[x] = src[4 * x + first];
}

/* Input row iy of `plane` split into the four phases of its padded
 * columns (zero outside the image), so that each tile's six columns are
 * q0[t], q1[t], q2[t], q3[t], q0[t + 1], q1[t + 1] and the transforms
 * read contiguous memory. */
static inline __attribute__ ((always_inline)) void
split_row (const MlrtConvParams *p, const float *plane, int iy, float *q)
{
  int pw = (int) phase_width (p);

  memset (q, 0, sizeof (float) * WINO_M * pw);
  if (iy < 0 || iy >= p->in_h)
    return;
  /* padded column x of the row is input column x - pw */
  for (int k = 0; k < WINO_M; k++)
    every_fourth (plane + (size_t) iy * p->in_w, k - p->pw, p->in_w,
                  q + k * pw, pw);
}

/* y = B^T x over n columns: six rows x[0..5] into six rows y[0..5],
 * the one-dimensional input transform, down the columns of a tile (B^T
 * d) or across them (.. B). */
static inline __attribute__ ((always_inline)) void
b_transpose (const float *const x[WINO_T], size_t n, float *const y[WINO_T])
{
  const float *restrict x0 = x[0], *restrict x1 = x[1];
  const float *restrict x2 = x[2], *restrict x3 = x[3];
  const float *restrict x4 = x[4], *restrict x5 = x[5];
  float *restrict y0 = y[0], *restrict y1 = y[1], *restrict y2 = y[2];
  float *restrict y3 = y[3], *restrict y4 = y[4], *restrict y5 = y[5];

  WINO_DISJOINT
  for (size_t t = 0; t < n; t++)
    {
      y0[t] = 4 * x0[t] - 5 * x2[t] + x4[t];
      y1[t] = x3[t] + x4[t] - 4 * (x1[t] + x2[t]);
      y2[t] = 4 * (x1[t] - x2[t]) - x3[t] + x4[t];
      y3[t] = 2 * (x3[t] - x1[t]) - x2[t] + x4[t];
      y4[t] = 2 * (x1[t] - x3[t]) - x2[t] + x4[t];
      y5[t] = 4 * x1[t] - 5 * x3[t] + x5[t];
    }
}

/* The B^T d half of B^T d B: six rows `stride` apart combined down the
 * columns into six rows n apart. */
static inline __attribute__ ((always_inline)) void
down (const float *r, size_t stride, size_t n, float *u)
{
  const float *const x[WINO_T] = { r, r + stride, r + 2 * stride,
                                   r + 3 * stride, r + 4 * stride,
                                   r + 5 * stride };
  float *const y[WINO_T] = { u, u + n, u + 2 * n, u + 3 * n, u + 4 * n,
                             u + 5 * n };

  b_transpose (x, n, y);
}

/* The loops across tiles run in blocks of WINO_BLOCK tiles, the last
 * block moved back to end at the last tile (computing a few twice, the
 * same values): a row of 30 tiles is then four vector blocks rather than
 * three and six scalar tiles, which were a third of the time. */
#define WINO_BLOCK 8
#define FOR_TILE_BLOCKS(n, t0, block)                                   \
  do                                                                    \
    {                                                                   \
      if ((n) < WINO_BLOCK)                                             \
        for (int t0 = 0, t_n_ = (n); t0 < t_n_; t0++)                   \
          block (1);                                                    \
      else                                                              \
        for (int t0 = 0, t_n_ = (n); t0 < t_n_; t0 += WINO_BLOCK)       \
          {                                                             \
            if (t0 + WINO_BLOCK > t_n_)                                 \
              t0 = t_n_ - WINO_BLOCK;                                   \
            block (WINO_BLOCK);                                         \
          }                                                             \
    }                                                                   \
  while (0)

/* The (.. B) half: tiles [t0, t0 + count) of a row of transformed tiles,
 * six positions `stride` apart, from a row combined down the columns, as
 * four phases: a tile's six columns are q0[t], q1[t], q2[t], q3[t],
 * q0[t + 1], q1[t + 1]. */
static inline __attribute__ ((always_inline)) void
across_block (const float *q, size_t pw, int t0, int count, float *v,
              size_t stride)
{
  const float *const x[WINO_T] = { q + t0, q + pw + t0, q + 2 * pw + t0,
                                   q + 3 * pw + t0, q + t0 + 1,
                                   q + pw + t0 + 1 };
  float *const y[WINO_T] = { v + t0, v + stride + t0, v + 2 * stride + t0,
                             v + 3 * stride + t0, v + 4 * stride + t0,
                             v + 5 * stride + t0 };

  b_transpose (x, (size_t) count, y);
}

static inline __attribute__ ((always_inline)) void
across (const float *q, size_t pw, int n, float *v, size_t stride)
{
#define ACROSS(count) across_block (q, pw, t0, count, v, stride)
  FOR_TILE_BLOCKS (n, t0, ACROSS);
#undef ACROSS
}

/* B^T d B of every tile of tile rows [ty0, ty1) of one channel, into
 * v[position * pos_stride + tile]. `rows` holds the band's input rows
 * split, `u` six of them combined down the columns. */
static inline __attribute__ ((always_inline)) void
input_tiles_body (const MlrtConvParams *p, const float *plane, int ty0,
                  int ty1, float *rows, float *u, float *v,
                  size_t pos_stride)
{
  size_t pw = phase_width (p), row = WINO_M * pw;
  int tx_n = tiles_x (p), iy0 = WINO_M * ty0 - p->ph;

  for (size_t r = 0; r < band_input_rows (ty1 - ty0); r++)
    split_row (p, plane, iy0 + (int) r, rows + r * row);
  for (int ty = ty0; ty < ty1; ty++)
    {
      float *vt = v + (size_t) (ty - ty0) * tx_n;

      /* the four phases alike: x over the whole split row */
      down (rows + (size_t) WINO_M * (ty - ty0) * row, row, row, u);
      for (int i = 0; i < WINO_T; i++)
        across (u + i * row, pw, tx_n, vt + (size_t) (WINO_T * i)
                * pos_stride, pos_stride);
    }
}

/* y = A^T x over `count` columns: six rows x[0..5], `xs` apart, into
 * four, `ys` apart: the one-dimensional output transform, down the
 * columns of a tile of products (A^T m) or across them (.. A). */
static inline __attribute__ ((always_inline)) void
a_transpose (const float *x, size_t xs, int count, float *y, size_t ys)
{
  const float *restrict x0 = x, *restrict x1 = x + xs;
  const float *restrict x2 = x1 + xs, *restrict x3 = x2 + xs;
  const float *restrict x4 = x3 + xs, *restrict x5 = x4 + xs;
  float *restrict y0 = y, *restrict y1 = y + ys;
  float *restrict y2 = y1 + ys, *restrict y3 = y2 + ys;

  WINO_DISJOINT
  for (int t = 0; t < count; t++)
    {
      float a = x1[t] + x2[t], b = x1[t] - x2[t];
      float c = x3[t] + x4[t], d = x3[t] - x4[t];

      y0[t] = x0[t] + a + c;
      y1[t] = b + 2 * d;
      y2[t] = a + 4 * c;
      y3[t] = b + 8 * d + x5[t];
    }
}

/* The A^T m half of A^T m A, tiles [t0, t0 + count): for each of the six
 * columns of the tiles, six rows of products (positions `stride` apart)
 * into four rows of s, s[row * WINO_T + column][t]. */
static inline __attribute__ ((always_inline)) void
out_down_block (const float *m, size_t stride, int t0, int count, float *s,
                size_t pw)
{
  for (int j = 0; j < WINO_T; j++)
    a_transpose (m + j * stride + t0, WINO_T * stride, count,
                 s + j * pw + t0, WINO_T * pw);
}

/* The (.. A) half, tiles [t0, t0 + count): one row of s into the four
 * phases of an output row. */
static inline __attribute__ ((always_inline)) void
out_across_block (const float *s, size_t pw, int t0, int count, float *q)
{
  a_transpose (s + t0, pw, count, q + t0, pw);
}

/* The four phases of an output row interleaved into it. */
static inline __attribute__ ((always_inline)) void
interleave (const float *restrict q, size_t pw, int width, float *restrict o)
{
  const float *restrict q0 = q, *restrict q1 = q + pw;
  const float *restrict q2 = q1 + pw, *restrict q3 = q2 + pw;

  WINO_DISJOINT
  for (int t = 0; t < width / WINO_M; t++)
    {
      o[4 * t] = q0[t];
      o[4 * t + 1] = q1[t];
      o[4 * t + 2] = q2[t];
      o[4 * t + 3] = q3[t];
    }
  for (int x = width / WINO_M * WINO_M; x < width; x++)
    o[x] = q[(x % WINO_M) * pw + x / WINO_M];
}

/* A^T m A of every tile of one row of output channel k, m[position *
 * pos_stride + tile], into output rows oy .. oy + rows - 1. */
static inline __attribute__ ((always_inline)) void
output_tiles_body (const MlrtConvParams *p, const float *m,
                   size_t pos_stride, int rows, float *work, float *o)
{
  int tx_n = tiles_x (p);
  size_t pw = phase_width (p);
  float *s = work, *q = s + WINO_M * WINO_T * pw;

#define DOWN(count) out_down_block (m, pos_stride, t0, count, s, pw)
  FOR_TILE_BLOCKS (tx_n, t0, DOWN);
#undef DOWN
  for (int r = 0; r < rows; r++)
    {
      const float *sr = s + r * WINO_T * pw;
#define ACROSS(count) out_across_block (sr, pw, t0, count, q)
      FOR_TILE_BLOCKS (tx_n, t0, ACROSS);
#undef ACROSS
      interleave (q, pw, p->out_w, o + (size_t) r * p->out_w);
    }
}

/* The transforms, built for AVX2 with FMA and for the baseline, like
 * the epilogue (conv-epilogue.c): they are a third of the time. */
__attribute__ ((target ("avx2,fma"))) static void
input_tiles_avx2 (const MlrtConvParams *p, const float *plane, int ty0,
                  int ty1, float *rows, float *u, float *v,
                  size_t pos_stride)
{
  input_tiles_body (p, plane, ty0, ty1, rows, u, v, pos_stride);
}

static void
input_tiles_baseline (const MlrtConvParams *p, const float *plane, int ty0,
                      int ty1, float *rows, float *u, float *v,
                      size_t pos_stride)
{
  input_tiles_body (p, plane, ty0, ty1, rows, u, v, pos_stride);
}

__attribute__ ((target ("avx2,fma"))) static void
output_tiles_avx2 (const MlrtConvParams *p, const float *m,
                   size_t pos_stride, int rows, float *work, float *o)
{
  output_tiles_body (p, m, pos_stride, rows, work, o);
}

static void
output_tiles_baseline (const MlrtConvParams *p, const float *m,
                       size_t pos_stride, int rows, float *work, float *o)
{
  output_tiles_body (p, m, pos_stride, rows, work, o);
}

void
mlrt_conv_winograd_task (const MlrtConvParams *p, const float *in,
                         const float *packed, const float *bias, int task,
                         float *scratch, float *out)
{
  int band = band_rows (p), tx_n = tiles_x (p);
  int avx2 = mlrt_cpu_have_avx2_fma ();
  int ty0 = task * band;
  int ty1 = ty0 + band < tiles_y (p) ? ty0 + band : tiles_y (p);
  size_t tiles = (size_t) (ty1 - ty0) * tx_n;
  size_t most = (size_t) band * tx_n, pw = phase_width (p);
  float *v = scratch, *m = v + WINO_POS * most * p->in_c;
  float *rows = m + WINO_POS * most * p->out_c;
  float *work = rows + band_input_rows (band) * WINO_M * pw;
  size_t in_plane = (size_t) p->in_h * p->in_w;
  size_t out_plane = (size_t) p->out_h * p->out_w;
  int oy0 = WINO_M * ty0;
  int oy1 = WINO_M * ty1 < p->out_h ? WINO_M * ty1 : p->out_h;

  for (int c = 0; c < p->in_c; c++)
    (avx2 ? input_tiles_avx2 : input_tiles_baseline)
      (p, in + c * in_plane, ty0, ty1, rows, work, v + c * tiles,
       (size_t) p->in_c * tiles);
  for (int pos = 0; pos < WINO_POS; pos++)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, p->out_c,
                 (int) tiles, p->in_c, 1.0f,
                 packed + (size_t) pos * p->out_c * p->in_c, p->in_c,
                 v + pos * p->in_c * tiles, (int) tiles, 0.0f,
                 m + pos * p->out_c * tiles, (int) tiles);
  for (int k = 0; k < p->out_c; k++)
    {
      float *o = out + k * out_plane;

      for (int ty = ty0; ty < ty1; ty++)
        {
          int oy = WINO_M * ty;

          (avx2 ? output_tiles_avx2 : output_tiles_baseline)
            (p, m + k * tiles + (size_t) (ty - ty0) * tx_n,
             (size_t) p->out_c * tiles,
             oy + WINO_M <= p->out_h ? WINO_M : p->out_h - oy, work,
             o + (size_t) oy * p->out_w);
        }
      if (mlrt_conv_has_epilogue (p, bias))
        mlrt_conv_bias_act (p, (size_t) (oy1 - oy0) * p->out_w,
                            bias ? bias[k] : 0.0f,
                            o + (size_t) oy0 * p->out_w);
    }
}
