/*
 * conv-transpose.c: 2-D transposed convolution on the CPU, as GEMM then
 * col2im. Each input pixel scatters a kh x kw patch per output channel:
 * GEMM computes all those patches at once (weight^T x input), and col2im
 * adds them into the output at their strided places. The patch matrix is
 * built for a band of input rows at a time, in the caller's scratch, so
 * scratch stays bounded whatever the image size. The output channels are
 * cut into groups, one task of the CPU pool each (a group's patches land
 * in its own channels only, so tasks never add into the same place).
 *
 * When the kernel equals the stride and nothing is padded (the 2x2
 * stride-2 upsampling of segmentation heads), patches do not overlap:
 * each output pixel is one tap of one input pixel. Then a task is a band
 * of input rows for every channel, and col2im stores the patches, each
 * output row with its bias and activation while in the cache, instead
 * of zeroing the output, adding into it and passing over it again (the
 * detector's two such layers took 4-7 ms of a 70 ms prediction).
 */
#include <cblas.h>
#include <string.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "cpu-pool.h"
#include "kernels.h"

/* Upper bound on the patch band of a task, in floats (4 MB). */
#define MLRT_DECONV_BAND_FLOATS (1u << 20)
/* Tasks a layer is cut into at most (fewer when it has fewer channels):
 * the same cut whatever the core count, so results never depend on it. */
#define MLRT_DECONV_TASKS 8
/* Below this many multiply-adds a layer runs on the calling thread. */
#define MLRT_DECONV_PARALLEL_MACS 2000000.0

/* Patch band of a non-overlapping layer, in floats: within the
 * second-level cache, so that the stores read it from there. */
#define MLRT_DECONV_PLACE_FLOATS (1u << 16)

static int
deconv_no_overlap (const MlrtConvTransposeParams *p)
{
  return p->kh == p->sh && p->kw == p->sw && p->ph == 0 && p->pw == 0
         && p->out_h == p->in_h * p->sh && p->out_w == p->in_w * p->sw;
}

/* Input rows per task of a non-overlapping layer. */
static int
place_band_rows (const MlrtConvTransposeParams *p)
{
  size_t row = (size_t) p->out_c * p->kh * p->kw * p->in_w;
  size_t rows = row ? MLRT_DECONV_PLACE_FLOATS / row : 1;

  return rows < 1 ? 1 : rows > (size_t) p->in_h ? p->in_h : (int) rows;
}

/* Output channels per task. */
static int
deconv_group (const MlrtConvTransposeParams *p)
{
  return (p->out_c + MLRT_DECONV_TASKS - 1) / MLRT_DECONV_TASKS;
}

static int
deconv_band_rows (const MlrtConvTransposeParams *p)
{
  size_t row = (size_t) deconv_group (p) * p->kh * p->kw * p->in_w;
  size_t rows = row ? MLRT_DECONV_BAND_FLOATS / row : 1;

  if (rows < 1)
    rows = 1;
  if (rows > (size_t) p->in_h)
    rows = p->in_h;
  return (int) rows;
}

size_t
mlrt_cpu_conv_transpose2d_scratch_size (const MlrtConvTransposeParams *p)
{
  if (deconv_no_overlap (p))
    return (size_t) p->out_c * p->kh * p->kw * place_band_rows (p) * p->in_w
           * mlrt_cpu_pool_workers () * sizeof (float);
  return (size_t) deconv_group (p) * p->kh * p->kw * deconv_band_rows (p)
         * p->in_w * mlrt_cpu_pool_workers () * sizeof (float);
}

/* Adds the patches of input rows [iy0, iy1) to output channels [oc0,
 * oc1) (row (oc - oc0, ki, kj) of `col`, one column per input pixel of
 * the band) into `out`. */
static void
col2im_band (const MlrtConvTransposeParams *p, const float *col, int oc0,
             int oc1, int iy0, int iy1, float *out)
{
  int n = (iy1 - iy0) * p->in_w;
  int oc, ki, kj, iy, ix;

  for (oc = oc0; oc < oc1; oc++)
    for (ki = 0; ki < p->kh; ki++)
      for (kj = 0; kj < p->kw; kj++)
        {
          const float *src = col + ((size_t) ((oc - oc0) * p->kh + ki)
                                    * p->kw + kj) * n;
          float *plane = out + (size_t) oc * p->out_h * p->out_w;
          int off = kj - p->pw;
          /* input columns whose output column ix * sw + off is inside */
          int lo = off >= 0 ? 0 : (-off + p->sw - 1) / p->sw;
          int hi = p->out_w - 1 - off < 0 ? 0
                   : (p->out_w - 1 - off) / p->sw + 1;

          if (hi > p->in_w)
            hi = p->in_w;
          for (iy = iy0; iy < iy1; iy++, src += p->in_w)
            {
              int oy = iy * p->sh - p->ph + ki;
              float *dst;

              if (oy < 0 || oy >= p->out_h)
                continue;
              dst = plane + (size_t) oy * p->out_w;
              for (ix = lo; ix < hi; ix++)
                dst[ix * p->sw + off] += src[ix];
            }
        }
}

typedef struct {
  const MlrtConvTransposeParams *p;
  const float *in, *weight, *bias;
  float *out, *scratch;
} DeconvJob;

/* Output channels [oc0, oc1): zeroed, their patches added band by band,
 * then the bias and the activation. */
static void
deconv_task (void *ctx, int task, int worker)
{
  const DeconvJob *j = ctx;
  const MlrtConvTransposeParams *p = j->p;
  int taps = p->kh * p->kw, m = p->out_c * taps;
  int oc0 = task * deconv_group (p);
  int oc1 = oc0 + deconv_group (p) < p->out_c ? oc0 + deconv_group (p)
                                               : p->out_c;
  int n_in = p->in_h * p->in_w, band = deconv_band_rows (p);
  size_t n_out = (size_t) p->out_h * p->out_w;
  float *col = j->scratch + (size_t) deconv_group (p) * taps * band
                            * p->in_w * worker;
  float *out = j->out + oc0 * n_out;

  memset (out, 0, sizeof (float) * (oc1 - oc0) * n_out);
  for (int iy0 = 0; iy0 < p->in_h; iy0 += band)
    {
      int iy1 = iy0 + band < p->in_h ? iy0 + band : p->in_h;
      int nb = (iy1 - iy0) * p->in_w;

      /* weight is [in_c, out_c * kh * kw]; the transpose of its columns
       * for these channels times the band's [in_c, nb] slice of the input
       * gives the band's patches. */
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
                   (oc1 - oc0) * taps, nb, p->in_c, 1.0f,
                   j->weight + (size_t) oc0 * taps, m,
                   j->in + (size_t) iy0 * p->in_w, n_in, 0.0f, col, nb);
      col2im_band (p, col, oc0, oc1, iy0, iy1, j->out);
    }
  if (!j->bias && p->act == MLRT_ACT_NONE)
    return;
  for (int oc = oc0; oc < oc1; oc++)
    mlrt_act_affine (p->act, p->alpha, n_out, j->out + oc * n_out, 0.0f,
                     1.0f, j->bias ? j->bias[oc] : 0.0f, j->out + oc * n_out);
}

/* dst = a[0] b[0] a[1] b[1] ...: the taps of a 2-wide kernel side by
 * side, as a loop the vectoriser turns into unpacks (the strided stores
 * of the general loop stay scalar). */
static void
interleave_2 (int n, const float *a, const float *b, float *dst)
{
  for (int i = 0; i < n; i++)
    {
      dst[2 * i] = a[i];
      dst[2 * i + 1] = b[i];
    }
}

/* A non-overlapping layer's patches of input rows [iy0, iy1), every
 * channel (row (oc, ki, kj) of `col`), stored at their places, then the
 * bias and the activation on each output row. */
static void
place_band (const MlrtConvTransposeParams *p, const float *col,
            const float *bias, int iy0, int iy1, float *out)
{
  size_t n = (size_t) (iy1 - iy0) * p->in_w;
  size_t n_out = (size_t) p->out_h * p->out_w;

  for (int oc = 0; oc < p->out_c; oc++)
    for (int iy = iy0; iy < iy1; iy++)
      for (int ki = 0; ki < p->kh; ki++)
        {
          float *dst = out + oc * n_out
                       + (size_t) (iy * p->sh + ki) * p->out_w;
          const float *src = col + (size_t) (oc * p->kh + ki) * p->kw * n
                             + (size_t) (iy - iy0) * p->in_w;
          if (p->kw == 2)
            interleave_2 (p->in_w, src, src + n, dst);
          else
            for (int kj = 0; kj < p->kw; kj++)
              for (int ix = 0; ix < p->in_w; ix++)
                dst[ix * p->kw + kj] = src[kj * n + ix];
          mlrt_act_affine (p->act, p->alpha, (size_t) p->out_w, dst, 0.0f,
                           1.0f, bias ? bias[oc] : 0.0f, dst);
        }
}

/* Input rows [task * band, ...) of a non-overlapping layer. */
static void
place_task (void *ctx, int task, int worker)
{
  const DeconvJob *j = ctx;
  const MlrtConvTransposeParams *p = j->p;
  int taps = p->kh * p->kw, band = place_band_rows (p);
  int iy0 = task * band, iy1 = iy0 + band < p->in_h ? iy0 + band : p->in_h;
  int nb = (iy1 - iy0) * p->in_w;
  float *col = j->scratch + (size_t) p->out_c * taps * band * p->in_w
                            * worker;

  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, p->out_c * taps, nb,
               p->in_c, 1.0f, j->weight, p->out_c * taps,
               j->in + (size_t) iy0 * p->in_w, p->in_h * p->in_w, 0.0f, col,
               nb);
  place_band (p, col, j->bias, iy0, iy1, j->out);
}

void
mlrt_cpu_conv_transpose2d (const MlrtConvTransposeParams *p,
                           const float *in, const float *weight,
                           const float *bias, float *out, float *scratch)
{
  DeconvJob j = { p, in, weight, bias, out, scratch };
  int tasks = (p->out_c + deconv_group (p) - 1) / deconv_group (p);
  double macs = (double) p->in_c * p->out_c * p->kh * p->kw * p->in_h
                * p->in_w;
  MlrtCpuTask fn = deconv_task;

  if (deconv_no_overlap (p))
    {
      fn = place_task;
      tasks = (p->in_h + place_band_rows (p) - 1) / place_band_rows (p);
    }
  if (macs < MLRT_DECONV_PARALLEL_MACS)
    for (int t = 0; t < tasks; t++)
      fn (&j, t, 0);
  else
    mlrt_cpu_parallel (tasks, fn, &j);
}
