/*
 * upsample.c: integer-factor upsampling on the CPU, nearest or bilinear.
 * Bilinear samples at half-pixel centres (align_corners = false): output
 * pixel o looks at input coordinate (o + 0.5) / scale - 0.5, clamped to the
 * image so border pixels repeat rather than fade to zero. Channels are
 * cut into ranges for the pool (cpu-split.c).
 */
#include <string.h>

#include "vectorize.h"
#include "cpu-pool.h"
#include "kernels.h"

/* Below this many output values per task a resize stays on the calling
 * thread. */
#define UPSAMPLE_MIN_TASK 32768

/* Input rows i0, i1 and the weight of i1 for output row o. */
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

/* dst = each of src's w values sw times. A constant sw lets the
 * vectoriser turn the loop into shuffles; the detector's pyramid scales
 * by 2, 4 and 8, and the general loop's scalar stores took most of the
 * resize's time. */
static inline __attribute__ ((always_inline)) void
repeat_by (int w, int sw, const float *src, float *dst)
{
  for (int x = 0; x < w; x++)
    for (int k = 0; k < sw; k++)
      dst[x * sw + k] = src[x];
}

static void
repeat_values (int w, int sw, const float *src, float *dst)
{
  switch (sw)
    {
    case 2:
      repeat_by (w, 2, src, dst);
      break;
    case 4:
      repeat_by (w, 4, src, dst);
      break;
    case 8:
      repeat_by (w, 8, src, dst);
      break;
    default:
      repeat_by (w, sw, src, dst);
      break;
    }
}

/* Channels [c0, c1). */
static void
upsample_nearest (int c0, int c1, int h, int w, int sh, int sw,
                  const float *in, float *out)
{
  size_t ow = (size_t) w * sw;
  int ch, y, r;

  out += (size_t) c0 * h * sh * ow;
  for (ch = c0; ch < c1; ch++)
    for (y = 0; y < h; y++)
      {
        const float *src = in + ((size_t) ch * h + y) * w;
        float *first = out;

        /* Build one output row, then repeat it sh times. */
        repeat_values (w, sw, src, out);
        out += ow;
        for (r = 1; r < sh; r++, out += ow)
          memcpy (out, first, sizeof (float) * ow);
      }
}

static float
blend (const float *r0, const float *r1, int a, int b, float lx, float ly)
{
  float top = r0[a] + lx * (r0[b] - r0[a]);
  float bottom = r1[a] + lx * (r1[b] - r1[a]);

  return top + ly * (bottom - top);
}

/* One output row from input rows r0, r1 blended by ly. With an integer
 * scale, output column x * sw + k always samples input x + f_k for a fixed
 * offset f_k in (-0.5, 0.5), so each phase k is a plain loop over x with
 * constant weights; only the first or last column needs clamping. */
static void
bilinear_row (const float *r0, const float *r1, float ly, int w, int sw,
              float *dst)
{
  int k, x;

  for (k = 0; k < sw; k++)
    {
      float f = ((float) k + 0.5f) / (float) sw - 0.5f;
      int d = f < 0.0f ? -1 : 0;
      float lx = f - (float) d;
      int lo = d < 0 ? 1 : 0;
      int hi = d < 0 ? w : w - 1;
      float *o = dst + k;

      if (lo > w)
        lo = w;
      if (hi < lo)
        hi = lo;
      for (x = 0; x < lo; x++)
        o[x * sw] = blend (r0, r1, 0, 0, lx, ly);
      for (x = lo; x < hi; x++)
        o[x * sw] = blend (r0, r1, x + d, x + d + 1, lx, ly);
      for (x = hi; x < w; x++)
        o[x * sw] = blend (r0, r1, w - 1, w - 1, lx, ly);
    }
}

static void
upsample_bilinear (int c0, int c1, int h, int w, int sh, int sw,
                   const float *in, float *out)
{
  int oh = h * sh, ow = w * sw;
  int ch, oy;

  out += (size_t) c0 * oh * ow;
  for (ch = c0; ch < c1; ch++)
    {
      const float *plane = in + (size_t) ch * h * w;

      for (oy = 0; oy < oh; oy++, out += ow)
        {
          int y0, y1;
          float ly;

          bilinear_tap (oy, sh, h, &y0, &y1, &ly);
          bilinear_row (plane + (size_t) y0 * w, plane + (size_t) y1 * w, ly,
                        w, sw, out);
        }
    }
}

typedef struct {
  int h, w, sh, sw;
  MlrtUpsampleMode mode;
  const float *in;
  float *out;
} Upsample;

static void
upsample_channels (void *ctx, size_t c0, size_t c1)
{
  const Upsample *u = ctx;

  if (u->mode == MLRT_UPSAMPLE_NEAREST)
    upsample_nearest ((int) c0, (int) c1, u->h, u->w, u->sh, u->sw, u->in,
                      u->out);
  else
    upsample_bilinear ((int) c0, (int) c1, u->h, u->w, u->sh, u->sw, u->in,
                       u->out);
}

void
mlrt_cpu_upsample (int c, int h, int w, int sh, int sw,
                   MlrtUpsampleMode mode, const float *in, float *out)
{
  Upsample u = { h, w, sh, sw, mode, in, out };
  size_t plane = (size_t) h * sh * w * sw;

  mlrt_cpu_parallel_range ((size_t) c, (UPSAMPLE_MIN_TASK + plane - 1) / plane,
                           upsample_channels, &u);
}
