/*
 * conv.c: 2-D convolution on the CPU.
 *
 * Three paths, picked from the shape alone (so the scratch size and the
 * kernel always agree):
 *  - pointwise (1x1, stride 1, no padding): the input already is the
 *    [in_c, h * w] matrix GEMM wants, so no copy at all;
 *  - depthwise (one input channel per group): a direct loop, since im2col
 *    would turn each channel into a GEMM too thin for BLAS to pay off;
 *  - everything else: im2col into the caller's scratch, then one sgemm per
 *    group. The im2col matrix is built for a band of output rows at a time
 *    so scratch stays bounded (a few MB) whatever the image size.
 * Bias and the fused activation are applied in one pass over the output.
 */
#include <cblas.h>
#include <string.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "kernels.h"

/* Upper bound on the im2col band, in floats (4 MB): large enough that each
 * sgemm has hundreds of columns, small enough to stay near the caches. */
#define MLRT_CONV_BAND_FLOATS (1u << 20)

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

  if (rows < 1)
    rows = 1;
  if (rows > (size_t) p->out_h)
    rows = p->out_h;
  return (int) rows;
}

size_t
mlrt_cpu_conv2d_scratch_size (const MlrtConvParams *p)
{
  size_t k;

  if (conv_is_pointwise (p) || conv_is_depthwise (p))
    return 0;
  k = (size_t) (p->in_c / p->groups) * p->kh * p->kw;
  return k * (size_t) conv_band_rows (p) * p->out_w * sizeof (float);
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

static void
conv_gemm (const MlrtConvParams *p, const float *in, const float *weight,
           float *out, float *scratch)
{
  int cg = p->in_c / p->groups;
  int og = p->out_c / p->groups;
  int k = cg * p->kh * p->kw;
  int n = p->out_h * p->out_w;
  int band = conv_band_rows (p);
  int g, oy0;

  for (g = 0; g < p->groups; g++)
    {
      const float *a = weight + (size_t) g * og * k;
      float *c = out + (size_t) g * og * n;

      if (conv_is_pointwise (p))
        {
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, og, n, k,
                       1.0f, a, k, in + (size_t) g * cg * n, n, 0.0f, c, n);
          continue;
        }
      for (oy0 = 0; oy0 < p->out_h; oy0 += band)
        {
          int oy1 = oy0 + band < p->out_h ? oy0 + band : p->out_h;
          int nb = (oy1 - oy0) * p->out_w;

          im2col_band (p, in, g * cg, cg, oy0, oy1, scratch);
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, og, nb, k,
                       1.0f, a, k, scratch, nb, 0.0f,
                       c + (size_t) oy0 * p->out_w, n);
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

static void
conv_depthwise (const MlrtConvParams *p, const float *in, const float *weight,
                float *out)
{
  int mult = p->out_c / p->groups;
  size_t in_plane = (size_t) p->in_h * p->in_w;
  size_t out_plane = (size_t) p->out_h * p->out_w;
  int oc;

  for (oc = 0; oc < p->out_c; oc++)
    depthwise_channel (p, in + (size_t) (oc / mult) * in_plane,
                       weight + (size_t) oc * p->kh * p->kw,
                       out + (size_t) oc * out_plane);
}

void
mlrt_cpu_conv2d (const MlrtConvParams *p, const float *in,
                 const float *weight, const float *bias, float *out,
                 float *scratch)
{
  size_t n = (size_t) p->out_h * p->out_w;
  int oc;

  if (conv_is_depthwise (p))
    conv_depthwise (p, in, weight, out);
  else
    conv_gemm (p, in, weight, out, scratch);

  if (!bias && p->act == MLRT_ACT_NONE)
    return;
  for (oc = 0; oc < p->out_c; oc++)
    mlrt_act_affine (p->act, p->alpha, n, out + oc * n, 0.0f, 1.0f,
                     bias ? bias[oc] : 0.0f, out + oc * n);
}
