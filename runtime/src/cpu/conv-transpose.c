/*
 * conv-transpose.c: 2-D transposed convolution on the CPU, as GEMM then
 * col2im. Each input pixel scatters a kh x kw patch per output channel:
 * GEMM computes all those patches at once (weight^T x input), and col2im
 * adds them into the output at their strided places. The patch matrix is
 * built for a band of input rows at a time, in the caller's scratch, so
 * scratch stays bounded whatever the image size.
 */
#include <cblas.h>
#include <string.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "kernels.h"

/* Upper bound on the patch band, in floats (4 MB). */
#define MLRT_DECONV_BAND_FLOATS (1u << 20)

static int
deconv_band_rows (const MlrtConvTransposeParams *p)
{
  size_t row = (size_t) p->out_c * p->kh * p->kw * p->in_w;
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
  return (size_t) p->out_c * p->kh * p->kw * deconv_band_rows (p) * p->in_w
         * sizeof (float);
}

/* Adds the patches of input rows [iy0, iy1) (row (oc, ki, kj) of `col`,
 * one column per input pixel of the band) into `out`. */
static void
col2im_band (const MlrtConvTransposeParams *p, const float *col, int iy0,
             int iy1, float *out)
{
  int n = (iy1 - iy0) * p->in_w;
  int oc, ki, kj, iy, ix;

  for (oc = 0; oc < p->out_c; oc++)
    for (ki = 0; ki < p->kh; ki++)
      for (kj = 0; kj < p->kw; kj++)
        {
          const float *src = col + ((size_t) (oc * p->kh + ki) * p->kw + kj) * n;
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

void
mlrt_cpu_conv_transpose2d (const MlrtConvTransposeParams *p,
                           const float *in, const float *weight,
                           const float *bias, float *out, float *scratch)
{
  int m = p->out_c * p->kh * p->kw;
  int n_in = p->in_h * p->in_w;
  size_t n_out = (size_t) p->out_h * p->out_w;
  int band = deconv_band_rows (p);
  int iy0, oc;

  memset (out, 0, sizeof (float) * p->out_c * n_out);
  for (iy0 = 0; iy0 < p->in_h; iy0 += band)
    {
      int iy1 = iy0 + band < p->in_h ? iy0 + band : p->in_h;
      int nb = (iy1 - iy0) * p->in_w;

      /* weight is [in_c, out_c * kh * kw]; its transpose times the band's
       * [in_c, nb] slice of the input gives the band's patches. */
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, m, nb, p->in_c,
                   1.0f, weight, m, in + (size_t) iy0 * p->in_w, n_in, 0.0f,
                   scratch, nb);
      col2im_band (p, scratch, iy0, iy1, out);
    }

  if (!bias && p->act == MLRT_ACT_NONE)
    return;
  for (oc = 0; oc < p->out_c; oc++)
    mlrt_act_affine (p->act, p->alpha, n_out, out + oc * n_out, 0.0f,
                     1.0f, bias ? bias[oc] : 0.0f, out + oc * n_out);
}
