/*
 * conv-winograd.c: 3x3 stride-1 convolutions by Winograd's minimal
 * filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2015). The PaddleOCR detector's 3x3
 * layers from 96 channels to 24 are half its prediction time (issue 13),
 * and im2col + sgemm or the direct kernel cannot beat sgemm's rate on the
 * 9 multiply-adds per tap; Winograd does each 2x2 block of outputs with
 * 16 multiply-adds per channel pair instead of 36, as 16 matrix products
 * (one per position of the 4x4 transformed tile) of the weights
 * transformed once at load, [out_c, in_c], by the input tiles
 * transformed per prediction, [in_c, tiles].
 *
 * A task is a band of output rows: its input tiles are transformed into
 * the worker's scratch, multiplied by sgemm, and transformed back into
 * the output with the bias, the activation and the output affine while
 * the band is in the cache. The transforms add and subtract only; the
 * weights' transform divides by two, exactly, so the error against the
 * direct sum stays that of a few more float additions.
 */
#include <cblas.h>
#include <string.h>

#include "vectorize.h"
#include "conv-direct.h"
#include "conv-winograd.h"

#define WINO_POS 16             /* a 4x4 transformed tile */
/* Fewer channels than this on either side, the products are too thin for
 * sgemm to run at its rate and the transforms cost what they save. */
#define WINO_MIN_CHANNELS 16
/* Tiles per task: at least enough for sgemm to run at its rate, at most
 * what keeps one position's [in_c, tiles] slice in the L2 cache; about
 * 16 tasks a layer between the two, as conv.c cuts its other paths. */
#define WINO_MIN_TILES 96
#define WINO_MAX_TILES 256
#define WINO_TASK_SPLIT 16

int
mlrt_conv_winograd_fits (const MlrtConvParams *p)
{
  return p->kh == 3 && p->kw == 3 && p->sh == 1 && p->sw == 1
         && p->dh == 1 && p->dw == 1 && p->groups == 1
         && p->in_c >= WINO_MIN_CHANNELS && p->out_c >= WINO_MIN_CHANNELS
         && p->out_h >= 2 && p->out_w >= 2;
}

size_t
mlrt_conv_winograd_packed_floats (const MlrtConvParams *p)
{
  return (size_t) WINO_POS * p->out_c * p->in_c;
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
        float t[4][3];

        for (int j = 0; j < 3; j++)
          {
            t[0][j] = g[j];
            t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
            t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
            t[3][j] = g[6 + j];
          }
        for (int i = 0; i < 4; i++)
          {
            float u[4] = { t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]),
                           0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2] };
            for (int j = 0; j < 4; j++)
              packed[(i * 4 + j) * plane + (size_t) k * p->in_c + c] = u[j];
          }
      }
}

static int
tiles_x (const MlrtConvParams *p)
{
  return (p->out_w + 1) / 2;
}

static int
tiles_y (const MlrtConvParams *p)
{
  return (p->out_h + 1) / 2;
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

/* Columns of a deinterleaved input row: even or odd padded columns, one
 * per tile and one past the last. */
static size_t
half_width (const MlrtConvParams *p)
{
  return (size_t) tiles_x (p) + 1;
}

size_t
mlrt_conv_winograd_floats (const MlrtConvParams *p)
{
  size_t tiles = (size_t) band_rows (p) * tiles_x (p);

  return WINO_POS * tiles * ((size_t) p->in_c + p->out_c)
         + (2 * (size_t) band_rows (p) + 2) * 2 * half_width (p)
         + 8 * half_width (p);
}

int
mlrt_conv_winograd_tasks (const MlrtConvParams *p)
{
  int band = band_rows (p);

  return (tiles_y (p) + band - 1) / band;
}

/* dst[x] = src[2 x + first] where that lies in [0, n), for x < hw. */
static inline __attribute__ ((always_inline)) void
every_other (const float *restrict src, int first, int n, float *restrict dst,
             int hw)
{
  int lo = first >= 0 ? 0 : (1 - first) / 2;
  int hi = n - 1 - first >= 0 ? (n - 1 - first) / 2 + 1 : 0;

  if (hi > hw)
    hi = hw;
  for (int x = lo; x < hi; x++)
    dst[x] = src[2 * x + first];
}

/* Input row iy of `plane` split into its even and odd padded columns
 * (zero outside the image), so that each tile's four columns are
 * e[t], o[t], e[t + 1], o[t + 1] and the transform reads contiguous
 * memory. */
static inline __attribute__ ((always_inline)) void
split_row (const MlrtConvParams *p, const float *plane, int iy, float *e,
           float *o)
{
  int hw = (int) half_width (p);

  memset (e, 0, sizeof (float) * hw);
  memset (o, 0, sizeof (float) * hw);
  if (iy < 0 || iy >= p->in_h)
    return;
  /* padded column x of the row is input column x - pw */
  every_other (plane + (size_t) iy * p->in_w, -p->pw, p->in_w, e, hw);
  every_other (plane + (size_t) iy * p->in_w, 1 - p->pw, p->in_w, o, hw);
}

/* One row of transformed tiles from four rows combined down the columns,
 * as even and odd columns: the (.. B) half of B^T d B. */
static inline __attribute__ ((always_inline)) void
across (const float *restrict e, const float *restrict o, int n,
        float *restrict v0, float *restrict v1, float *restrict v2,
        float *restrict v3)
{
  for (int t = 0; t < n; t++)
    {
      v0[t] = e[t] - e[t + 1];
      v1[t] = o[t] + e[t + 1];
      v2[t] = e[t + 1] - o[t];
      v3[t] = o[t] - o[t + 1];
    }
}

/* The B^T d half: four rows combined down the columns. */
static inline __attribute__ ((always_inline)) void
down (const float *restrict r0, const float *restrict r1,
      const float *restrict r2, const float *restrict r3, size_t n,
      float *restrict u0, float *restrict u1, float *restrict u2,
      float *restrict u3)
{
  for (size_t x = 0; x < n; x++)
    {
      u0[x] = r0[x] - r2[x];
      u1[x] = r1[x] + r2[x];
      u2[x] = r2[x] - r1[x];
      u3[x] = r1[x] - r3[x];
    }
}

/* B^T d B of every tile of tile rows [ty0, ty1) of one channel, into
 * v[position * pos_stride + tile]. `rows` holds the band's input rows
 * split, `u` four of them combined down the columns. */
static inline __attribute__ ((always_inline)) void
input_tiles_body (const MlrtConvParams *p, const float *plane, int ty0,
                  int ty1, float *rows, float *u, float *v,
                  size_t pos_stride)
{
  size_t hw = half_width (p);
  int tx_n = tiles_x (p), iy0 = 2 * ty0 - p->ph;

  for (int r = 0; r < 2 * (ty1 - ty0) + 2; r++)
    split_row (p, plane, iy0 + r, rows + 2 * r * hw, rows + (2 * r + 1) * hw);
  for (int ty = ty0; ty < ty1; ty++)
    {
      const float *r0 = rows + 4 * (size_t) (ty - ty0) * hw;
      float *vt = v + (size_t) (ty - ty0) * tx_n;

      /* even and odd columns alike: x over both halves of each row */
      down (r0, r0 + 2 * hw, r0 + 4 * hw, r0 + 6 * hw, 2 * hw, u, u + 2 * hw,
            u + 4 * hw, u + 6 * hw);
      for (int i = 0; i < 4; i++)
        {
          float *v0 = vt + (size_t) (4 * i) * pos_stride;

          across (u + 2 * i * hw, u + (2 * i + 1) * hw, tx_n, v0,
                  v0 + pos_stride, v0 + 2 * pos_stride, v0 + 3 * pos_stride);
        }
    }
}

/* A^T m A of every tile of one row of output channel k, m[position *
 * pos_stride + tile], into output rows oy and oy + 1 (the second only
 * when `two`): even and odd columns apart in `eo`, then interleaved. */
static inline __attribute__ ((always_inline)) void
output_tiles_body (const MlrtConvParams *p, const float *m,
                   size_t pos_stride, int two, float *eo, float *o0)
{
  int tx_n = tiles_x (p);
  size_t hw = half_width (p);
  float *e0 = eo, *od0 = eo + hw, *e1 = eo + 2 * hw, *od1 = eo + 3 * hw;
  float *o1 = o0 + p->out_w;

  for (int t = 0; t < tx_n; t++)
    {
      float s[4], d[4];

      for (int j = 0; j < 4; j++)
        {
          float m0 = m[j * pos_stride + t];
          float m1 = m[(4 + j) * pos_stride + t];
          float m2 = m[(8 + j) * pos_stride + t];
          float m3 = m[(12 + j) * pos_stride + t];

          s[j] = m0 + m1 + m2;
          d[j] = m1 - m2 - m3;
        }
      e0[t] = s[0] + s[1] + s[2];
      od0[t] = s[1] - s[2] - s[3];
      e1[t] = d[0] + d[1] + d[2];
      od1[t] = d[1] - d[2] - d[3];
    }
  for (int t = 0; t < p->out_w / 2; t++)
    {
      o0[2 * t] = e0[t];
      o0[2 * t + 1] = od0[t];
    }
  if (p->out_w % 2)
    o0[p->out_w - 1] = e0[tx_n - 1];
  if (!two)
    return;
  for (int t = 0; t < p->out_w / 2; t++)
    {
      o1[2 * t] = e1[t];
      o1[2 * t + 1] = od1[t];
    }
  if (p->out_w % 2)
    o1[p->out_w - 1] = e1[tx_n - 1];
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
                   size_t pos_stride, int two, float *eo, float *o0)
{
  output_tiles_body (p, m, pos_stride, two, eo, o0);
}

static void
output_tiles_baseline (const MlrtConvParams *p, const float *m,
                       size_t pos_stride, int two, float *eo, float *o0)
{
  output_tiles_body (p, m, pos_stride, two, eo, o0);
}

void
mlrt_conv_winograd_task (const MlrtConvParams *p, const float *in,
                         const float *packed, const float *bias, int task,
                         float *scratch, float *out)
{
  int band = band_rows (p), tx_n = tiles_x (p), avx2 = mlrt_cpu_have_avx2_fma ();
  int ty0 = task * band;
  int ty1 = ty0 + band < tiles_y (p) ? ty0 + band : tiles_y (p);
  size_t tiles = (size_t) (ty1 - ty0) * tx_n;
  size_t most = (size_t) band * tx_n, hw = half_width (p);
  float *v = scratch, *m = v + WINO_POS * most * p->in_c;
  float *rows = m + WINO_POS * most * p->out_c;
  float *u = rows + (2 * (size_t) band + 2) * 2 * hw;
  size_t in_plane = (size_t) p->in_h * p->in_w;
  size_t out_plane = (size_t) p->out_h * p->out_w;
  int oy0 = 2 * ty0;
  int oy1 = 2 * ty1 < p->out_h ? 2 * ty1 : p->out_h;

  for (int c = 0; c < p->in_c; c++)
    (avx2 ? input_tiles_avx2 : input_tiles_baseline)
      (p, in + c * in_plane, ty0, ty1, rows, u, v + c * tiles,
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
        (avx2 ? output_tiles_avx2 : output_tiles_baseline)
          (p, m + k * tiles + (size_t) (ty - ty0) * tx_n,
           (size_t) p->out_c * tiles, 2 * ty + 1 < p->out_h, u,
           o + (size_t) 2 * ty * p->out_w);
      if (mlrt_conv_has_epilogue (p, bias))
        mlrt_conv_bias_act (p, (size_t) (oy1 - oy0) * p->out_w,
                            bias ? bias[k] : 0.0f,
                            o + (size_t) oy0 * p->out_w);
    }
}
