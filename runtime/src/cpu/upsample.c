/*
 * upsample.c: integer-factor upsampling on the CPU, nearest or bilinear.
 * Bilinear samples at half-pixel centres (align_corners = false): output
 * pixel o looks at input coordinate (o + 0.5) / scale - 0.5, clamped to the
 * image so border pixels repeat rather than fade to zero.
 */
#include "kernels.h"

/* Input taps i0, i1 and the weight of i1 for output coordinate o. */
static void
bilinear_tap (int o, int scale, int in, int *i0, int *i1, float *frac)
{
  float src = ((float) o + 0.5f) / (float) scale - 0.5f;
  int lo;

  if (src < 0.0f)
    src = 0.0f;
  lo = (int) src;
  if (lo > in - 1)
    lo = in - 1;
  *i0 = lo;
  *i1 = lo + 1 < in ? lo + 1 : in - 1;
  *frac = src - (float) lo;
}

static void
upsample_nearest (int c, int h, int w, int sh, int sw, const float *in,
                  float *out)
{
  int ow = w * sw;
  int ch, y, x, r, k;

  for (ch = 0; ch < c; ch++)
    for (y = 0; y < h; y++)
      {
        const float *src = in + ((size_t) ch * h + y) * w;

        /* Build one output row, then repeat it sh times. */
        float *first = out;
        for (x = 0; x < w; x++)
          for (k = 0; k < sw; k++)
            *out++ = src[x];
        for (r = 1; r < sh; r++)
          for (x = 0; x < ow; x++)
            *out++ = first[x];
      }
}

static void
upsample_bilinear (int c, int h, int w, int sh, int sw, const float *in,
                   float *out)
{
  int oh = h * sh, ow = w * sw;
  int ch, oy, ox;

  for (ch = 0; ch < c; ch++)
    {
      const float *plane = in + (size_t) ch * h * w;

      for (oy = 0; oy < oh; oy++)
        {
          int y0, y1;
          float ly;
          const float *r0, *r1;

          bilinear_tap (oy, sh, h, &y0, &y1, &ly);
          r0 = plane + (size_t) y0 * w;
          r1 = plane + (size_t) y1 * w;
          for (ox = 0; ox < ow; ox++)
            {
              int x0, x1;
              float lx, top, bottom;

              bilinear_tap (ox, sw, w, &x0, &x1, &lx);
              top = r0[x0] + lx * (r0[x1] - r0[x0]);
              bottom = r1[x0] + lx * (r1[x1] - r1[x0]);
              *out++ = top + ly * (bottom - top);
            }
        }
    }
}

void
mlrt_cpu_upsample (int c, int h, int w, int sh, int sw,
                   MlrtUpsampleMode mode, const float *in, float *out)
{
  if (mode == MLRT_UPSAMPLE_NEAREST)
    upsample_nearest (c, h, w, sh, sw, in, out);
  else
    upsample_bilinear (c, h, w, sh, sw, in, out);
}
