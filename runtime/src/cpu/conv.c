/*
 * conv.c: 2-D convolution on the CPU.
 *
 * Five paths, picked from the shape alone (so the scratch size and the
 * kernel always agree):
 *  - pointwise (1x1, stride 1, no padding): the input already is the
 *    [in_c, h * w] matrix GEMM wants, so no copy at all; but from few
 *    channels, or of one pixel, too few multiply-adds an output for
 *    sgemm's rate to pay for a second pass of bias and activation: direct
 *    kernels that finish each block in registers (conv-direct.c,
 *    conv-pointwise.c);
 *  - depthwise (one input channel per group): direct, since im2col would
 *    turn each channel into a GEMM too thin for BLAS to pay off; by
 *    segments in registers (conv-direct.c), or a plain loop for the shapes
 *    those do not take;
 *  - 3x3 stride 1 from 32 channels or more to 16 or more
 *    (conv-winograd.c): Winograd's F(4x4, 3x3), 36 multiply-adds per 4x4
 *    outputs and channel pair instead of 144, on weights transformed at
 *    load; on images of few tiles only where the direct path cannot;
 *  - few output channels (conv-direct.c): a direct convolution over a
 *    padded copy of the input, on weights packed at load, since a GEMM of
 *    1-8 rows runs at a fraction of BLAS's rate (the style models' last
 *    9x9 layer);
 *  - everything else: im2col into the caller's scratch, then sgemm, a band
 *    of output rows at a time so scratch stays bounded whatever the image.
 * Each path cuts its work into tasks for the CPU pool (cpu-pool.h): bands
 * of rows, column slices, channels; each task adds the bias and applies
 * the fused activation to its own part of the output while it is still in
 * the cache.
 */
#include <cblas.h>
#include <string.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "conv-depthwise.h"
#include "conv-direct.h"
#include "conv-pointwise.h"
#include "conv-winograd.h"
#include "cpu-pool.h"
#include "kernels.h"

/* Upper bound on the im2col band, in floats (4 MB): large enough that each
 * sgemm has hundreds of columns, small enough to stay near the caches. */
#define MLRT_CONV_BAND_FLOATS (1u << 20)
/* A layer is cut into about 4 * MLRT_CONV_MAX_TASK_SPLIT tasks, a few per
 * worker of a 2-4 core machine so that a late helper leaves little undone;
 * the same cut whatever the pool's size, so results never depend on the
 * core count. */
#define MLRT_CONV_MAX_TASK_SPLIT 4
/* Output pixels of a task's sgemm, at least: narrower, OpenBLAS slows. */
#define MLRT_CONV_MIN_COLUMNS 1024
/* Below this many multiply-adds a layer runs on the calling thread: waking
 * helpers would cost more than they save. */
#define MLRT_CONV_PARALLEL_MACS 2000000.0
/* Fewer 4x4 output tiles than this, Winograd's transforms cost more than
 * they save where the direct path takes the layer: 3x3 from 96 channels
 * to 24 on 10x15 (12 tiles) ran at 0.6-0.7 of sgemm, direct at 1.1;
 * on 20x30 (40 tiles) Winograd was ahead. */
#define MLRT_CONV_WINOGRAD_MIN_TILES 24

int
mlrt_conv_output_size (int in, int kernel, int stride, int pad, int dilation)
{
  int span = dilation * (kernel - 1) + 1;
  int room = in + 2 * pad - span;

  if (in < 1 || kernel < 1 || stride < 1 || dilation < 1 || pad < 0
      || room < 0)
    return 0;
  return room / stride + 1;
}

/* Range [*lo, *hi) of output positions o whose input position
 * o * stride + off falls inside [0, in). */
static void
valid_range (int out, int in, int stride, int off, int *lo, int *hi)
{
  int l = off >= 0 ? 0 : (-off + stride - 1) / stride;
  int h = in - 1 - off < 0 ? 0 : (in - 1 - off) / stride + 1;

  if (l > out)
    l = out;
  if (h > out)
    h = out;
  if (h < l)
    h = l;
  *lo = l;
  *hi = h;
}

static int
conv_is_pointwise (const MlrtConvParams *p)
{
  return p->kh == 1 && p->kw == 1 && p->sh == 1 && p->sw == 1
         && p->ph == 0 && p->pw == 0;
}

static int
conv_is_winograd (const MlrtConvParams *p)
{
  return mlrt_conv_winograd_fits (p)
         && (mlrt_conv_winograd_tiles (p) >= MLRT_CONV_WINOGRAD_MIN_TILES
             || !mlrt_conv_direct_fits (p));
}

static int
conv_is_depthwise (const MlrtConvParams *p)
{
  return p->groups > 1 && p->groups == p->in_c;
}

/* Output rows per im2col band. */
static int
conv_band_rows (const MlrtConvParams *p)
{
  size_t k = (size_t) (p->in_c / p->groups) * p->kh * p->kw;
  size_t row = k * (size_t) p->out_w;
  size_t rows = row ? MLRT_CONV_BAND_FLOATS / row : 1;
  size_t share = ((size_t) p->out_h + 4 * MLRT_CONV_MAX_TASK_SPLIT - 1)
                 / (4 * MLRT_CONV_MAX_TASK_SPLIT);

  /* ... but wide enough for sgemm to run at its rate */
  size_t min_rows = (MLRT_CONV_MIN_COLUMNS + (size_t) p->out_w - 1)
                    / p->out_w;

  if (share < min_rows)
    share = min_rows;
  if (rows > share)
    rows = share;
  if (rows < 1)
    rows = 1;
  if (rows > (size_t) p->out_h)
    rows = p->out_h;
  return (int) rows;
}

/* Whether the layer is big enough to pay for the pool. */
static int
conv_runs_parallel (const MlrtConvParams *p)
{
  double macs = (double) p->out_c * p->out_h * p->out_w
                * (p->in_c / p->groups) * p->kh * p->kw;

  return macs >= MLRT_CONV_PARALLEL_MACS;
}

/* Output rows per direct task: about as many tasks as the other paths
 * cut a layer into, whatever the core count, or one band when the layer
 * runs on the caller alone. */
static int
direct_band_rows (const MlrtConvParams *p)
{
  return mlrt_conv_direct_band_rows (p, conv_runs_parallel (p)
                                        ? 4 * MLRT_CONV_MAX_TASK_SPLIT : 1);
}

/* Floats of im2col scratch one worker needs. */
static size_t
band_floats (const MlrtConvParams *p)
{
  size_t k = (size_t) (p->in_c / p->groups) * p->kh * p->kw;
  return k * (size_t) conv_band_rows (p) * p->out_w;
}

size_t
mlrt_cpu_conv2d_scratch_size (const MlrtConvParams *p)
{
  if (conv_is_depthwise (p))
    return mlrt_conv_direct_depthwise_fits (p)
           ? mlrt_conv_direct_depthwise_floats (p) * mlrt_cpu_pool_workers ()
             * sizeof (float)
           : 0;
  if (mlrt_conv_direct_pointwise_fits (p))
    return mlrt_conv_direct_pointwise_floats (p) * sizeof (float);
  if (conv_is_pointwise (p))
    return 0;
  if (conv_is_winograd (p))
    return mlrt_conv_winograd_floats (p) * mlrt_cpu_pool_workers ()
           * sizeof (float);
  if (mlrt_conv_direct_fits (p))
    return mlrt_conv_direct_band_floats (p, direct_band_rows (p))
           * mlrt_cpu_pool_workers () * sizeof (float);
  return band_floats (p) * mlrt_cpu_pool_workers () * sizeof (float);
}

/* im2col for channels [c0, c0 + n_c) and output rows [oy0, oy1): row
 * (c, ki, kj) of `col` holds, for each output pixel of the band, the input
 * value that kernel tap meets there (zero in the padding). */
static void
im2col_band (const MlrtConvParams *p, const float *in, int c0, int n_c,
             int oy0, int oy1, float *col)
{
  int n = (oy1 - oy0) * p->out_w;
  int c, ki, kj, oy;

  for (c = 0; c < n_c; c++)
    for (ki = 0; ki < p->kh; ki++)
      for (kj = 0; kj < p->kw; kj++)
        {
          float *dst = col + ((size_t) (c * p->kh + ki) * p->kw + kj) * n;
          const float *plane = in + (size_t) (c0 + c) * p->in_h * p->in_w;
          int off = kj * p->dw - p->pw;
          int lo, hi;

          valid_range (p->out_w, p->in_w, p->sw, off, &lo, &hi);
          for (oy = oy0; oy < oy1; oy++, dst += p->out_w)
            {
              int iy = oy * p->sh - p->ph + ki * p->dh;
              const float *src;
              int ox;

              if (iy < 0 || iy >= p->in_h)
                {
                  memset (dst, 0, sizeof (float) * p->out_w);
                  continue;
                }
              src = plane + (size_t) iy * p->in_w;
              memset (dst, 0, sizeof (float) * lo);
              if (p->sw == 1)
                memcpy (dst + lo, src + lo + off, sizeof (float) * (hi - lo));
              else
                for (ox = lo; ox < hi; ox++)
                  dst[ox] = src[ox * p->sw + off];
              memset (dst + hi, 0, sizeof (float) * (p->out_w - hi));
            }
        }
}

/* One output channel of a depthwise convolution, accumulated a kernel tap
 * at a time over whole output rows so the inner loop is a contiguous
 * multiply-add (vectorisable at stride 1). */
static void
depthwise_channel (const MlrtConvParams *p, const float *plane,
                   const float *w, float *dst)
{
  int oy, ki, kj, ox;

  memset (dst, 0, sizeof (float) * p->out_h * p->out_w);
  for (kj = 0; kj < p->kw; kj++)
    {
      int off = kj * p->dw - p->pw;
      int lo, hi;

      valid_range (p->out_w, p->in_w, p->sw, off, &lo, &hi);
      for (oy = 0; oy < p->out_h; oy++)
        {
          float *orow = dst + (size_t) oy * p->out_w;

          for (ki = 0; ki < p->kh; ki++)
            {
              int iy = oy * p->sh - p->ph + ki * p->dh;
              const float *src;
              float wv = w[ki * p->kw + kj];

              if (iy < 0 || iy >= p->in_h)
                continue;
              src = plane + (size_t) iy * p->in_w;
              if (p->sw == 1)
                for (ox = lo; ox < hi; ox++)
                  orow[ox] += wv * src[ox + off];
              else
                for (ox = lo; ox < hi; ox++)
                  orow[ox] += wv * src[ox * p->sw + off];
            }
        }
    }
}

/* What the tasks of one convolution share. */
typedef struct {
  const MlrtConvParams *p;
  const float *in, *weight, *bias;
  float *out, *scratch;
  int band;                     /* output rows per im2col / direct task */
  int bands;                    /* such tasks per group */
  int cols;                     /* pointwise: output pixels per task */
  int col_tasks;                /* such tasks per group */
  /* depthwise: the workers whose scratch has its zero border already */
  char bordered[MLRT_CPU_MAX_WORKERS];
  const float *packed;          /* mlrt_cpu_conv2d_pack's weights */
} ConvJob;

/* Bias and activation on channels [oc0, oc1) at pixels [start, start +
 * count) of each. */
static void
epilogue (const ConvJob *j, int oc0, int oc1, size_t start, size_t count)
{
  const MlrtConvParams *p = j->p;
  size_t n = (size_t) p->out_h * p->out_w;

  if (!mlrt_conv_has_epilogue (p, j->bias))
    return;
  if (n == 1)
    {
      /* one pixel (the squeeze-excite layers): the channels are one row */
      for (int oc = oc0; oc < oc1; oc++)
        {
          float v = mlrt_act_apply (p->act, p->alpha, j->out[oc]
                                    + (j->bias ? j->bias[oc] : 0.0f));
          j->out[oc] = p->has_out_affine ? v * p->out_scale + p->out_shift
                                         : v;
        }
      return;
    }
  for (int oc = oc0; oc < oc1; oc++)
    mlrt_conv_bias_act (p, count, j->bias ? j->bias[oc] : 0.0f,
                        j->out + oc * n + start);
}

static void
pointwise_task (void *ctx, int task, int worker)
{
  const ConvJob *j = ctx;
  const MlrtConvParams *p = j->p;
  int g = task / j->col_tasks, cg = p->in_c / p->groups;
  int og = p->out_c / p->groups, n = p->out_h * p->out_w;
  int c0 = task % j->col_tasks * j->cols;
  int nc = c0 + j->cols < n ? j->cols : n - c0;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, og, nc, cg, 1.0f,
               j->weight + (size_t) g * og * cg, cg,
               j->in + (size_t) g * cg * n + c0, n, 0.0f,
               j->out + (size_t) g * og * n + c0, n);
  epilogue (j, g * og, (g + 1) * og, c0, nc);
}

static void
direct_pointwise_task (void *ctx, int task, int worker)
{
  const ConvJob *j = ctx;
  const MlrtConvParams *p = j->p;
  int n = p->out_h * p->out_w;
  int c0 = task * j->cols;
  int c1 = c0 + j->cols < n ? c0 + j->cols : n;

  mlrt_conv_direct_pointwise (p, j->in, j->scratch, j->bias, c0, c1, j->out);
}

static void
pointwise_blocked_task (void *ctx, int task, int worker)
{
  const ConvJob *j = ctx;
  int n = j->p->out_h * j->p->out_w;
  int c0 = task * j->cols;
  int c1 = c0 + j->cols < n ? c0 + j->cols : n;

  mlrt_conv_pointwise (j->p, j->in, j->weight, j->bias, c0, c1, j->out);
}

static void
im2col_task (void *ctx, int task, int worker)
{
  const ConvJob *j = ctx;
  const MlrtConvParams *p = j->p;
  int g = task / j->bands, cg = p->in_c / p->groups;
  int og = p->out_c / p->groups, k = cg * p->kh * p->kw;
  int oy0 = task % j->bands * j->band;
  int oy1 = oy0 + j->band < p->out_h ? oy0 + j->band : p->out_h;
  int nb = (oy1 - oy0) * p->out_w;
  float *col = j->scratch + band_floats (p) * worker;

  im2col_band (p, j->in, g * cg, cg, oy0, oy1, col);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, og, nb, k, 1.0f,
               j->weight + (size_t) g * og * k, k, col, nb, 0.0f,
               j->out + (size_t) g * og * p->out_h * p->out_w
               + (size_t) oy0 * p->out_w, p->out_h * p->out_w);
  epilogue (j, g * og, (g + 1) * og, (size_t) oy0 * p->out_w, nb);
}

static void
depthwise_task (void *ctx, int oc, int worker)
{
  ConvJob *j = ctx;
  const MlrtConvParams *p = j->p;
  int mult = p->out_c / p->groups;
  size_t out_plane = (size_t) p->out_h * p->out_w;
  const float *plane = j->in + (size_t) (oc / mult) * p->in_h * p->in_w;
  const float *w = j->weight + (size_t) oc * p->kh * p->kw;

  if (mlrt_conv_direct_depthwise_fits (p))
    {
      mlrt_conv_direct_depthwise (p, plane, w, j->bias, oc, j->scratch
                                  + mlrt_conv_direct_depthwise_floats (p)
                                    * worker, j->bordered[worker],
                                  j->out + oc * out_plane);
      j->bordered[worker] = 1;
      return;
    }
  depthwise_channel (p, plane, w, j->out + oc * out_plane);
  epilogue (j, oc, oc + 1, 0, out_plane);
}

static void
winograd_task (void *ctx, int task, int worker)
{
  const ConvJob *j = ctx;

  mlrt_conv_winograd_task (j->p, j->in, j->packed, j->bias, task,
                           j->scratch + mlrt_conv_winograd_floats (j->p)
                                        * worker, j->out);
}

static void
direct_task (void *ctx, int task, int worker)
{
  const ConvJob *j = ctx;
  const MlrtConvParams *p = j->p;
  int oy0 = task * j->band;
  int oy1 = oy0 + j->band < p->out_h ? oy0 + j->band : p->out_h;

  mlrt_conv_direct_band (p, j->in, j->packed, j->bias, oy0, oy1,
                         j->scratch + mlrt_conv_direct_band_floats (p, j->band)
                                      * worker, j->out);
}

/* Runs `n` tasks, on the pool when the layer is big enough to pay. */
static void
run_tasks (const MlrtConvParams *p, int n, MlrtCpuTask fn, ConvJob *j)
{
  if (!conv_runs_parallel (p))
    for (int t = 0; t < n; t++)
      fn (j, t, 0);
  else
    mlrt_cpu_parallel (n, fn, j);
}

size_t
mlrt_cpu_conv2d_packed_floats (const MlrtConvParams *p)
{
  if (conv_is_winograd (p))
    return mlrt_conv_winograd_packed_floats (p);
  return mlrt_conv_direct_fits (p) ? mlrt_conv_direct_packed_floats (p) : 0;
}

void
mlrt_cpu_conv2d_pack (const MlrtConvParams *p, const float *weight,
                      float *packed)
{
  if (conv_is_winograd (p))
    mlrt_conv_winograd_pack (p, weight, packed);
  else if (mlrt_conv_direct_fits (p))
    mlrt_conv_direct_pack (p, weight, packed);
}

void
mlrt_cpu_conv2d (const MlrtConvParams *p, const float *in,
                 const float *weight, const float *packed, const float *bias,
                 float *out, float *scratch)
{
  ConvJob j = { p, in, weight, bias, out, scratch, 0, 0, 0, 0, { 0 },
                packed };
  int n = p->out_h * p->out_w;

  if (conv_is_depthwise (p))
    run_tasks (p, p->out_c, depthwise_task, &j);
  else if (conv_is_pointwise (p))
    {
      /* slices of whole cache lines, a few per worker, but wide enough
       * for sgemm to run at its rate */
      j.cols = (n + 4 * MLRT_CONV_MAX_TASK_SPLIT - 1)
               / (4 * MLRT_CONV_MAX_TASK_SPLIT);
      j.cols = j.cols < MLRT_CONV_MIN_COLUMNS ? MLRT_CONV_MIN_COLUMNS
                                              : (j.cols + 15) / 16 * 16;
      j.col_tasks = (n + j.cols - 1) / j.cols;
      if (mlrt_conv_direct_pointwise_fits (p))
        {
          mlrt_conv_direct_pointwise_prepare (p, weight, scratch);
          run_tasks (p, j.col_tasks, direct_pointwise_task, &j);
        }
      else if (mlrt_conv_pointwise_fits (p))
        run_tasks (p, j.col_tasks, pointwise_blocked_task, &j);
      else
        run_tasks (p, p->groups * j.col_tasks, pointwise_task, &j);
    }
  else if (conv_is_winograd (p))
    run_tasks (p, mlrt_conv_winograd_tasks (p), winograd_task, &j);
  else if (mlrt_conv_direct_fits (p))
    {
      j.band = direct_band_rows (p);
      run_tasks (p, (p->out_h + j.band - 1) / j.band, direct_task, &j);
    }
  else
    {
      j.band = conv_band_rows (p);
      j.bands = (p->out_h + j.band - 1) / j.band;
      run_tasks (p, p->groups * j.bands, im2col_task, &j);
    }
}
