/*
 * resample.cl: the kernels of the GPU unit that change a tensor's spatial
 * size: windowed and global pooling (padding never contributes a value:
 * max ignores it, average divides by the real pixels under the window,
 * or with count_pad by the window inside the padded input) and
 * integer-factor upsampling (nearest; bilinear at half-pixel centres,
 * edges clamped).
 */

__kernel void
pool2d (PoolP p, __global const float *in, __global float *out)
{
  int ox = get_global_id (0), oy = get_global_id (1), c = get_global_id (2);
  int y0 = oy * p.sh - p.ph, x0 = ox * p.sw - p.pw;
  int y1 = min (y0 + p.kh, p.in_h), x1 = min (x0 + p.kw, p.in_w);
  /* with count_pad, the divisor: the window inside the padded input */
  int padded = (min (y0 + p.kh, p.in_h + p.ph) - y0)
               * (min (x0 + p.kw, p.in_w + p.pw) - x0);
  __global const float *plane = in + (size_t) c * p.in_h * p.in_w;
  float acc = p.is_max ? -INFINITY : 0.0f;

  if (ox >= p.out_w || oy >= p.out_h)
    return;
  y0 = max (y0, 0);
  x0 = max (x0, 0);
  int count = (y1 - y0) * (x1 - x0);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        float v = plane[y * p.in_w + x];
        acc = p.is_max ? fmax (acc, v) : acc + v;
      }
  out[((size_t) c * p.out_h + oy) * p.out_w + ox]
    = count <= 0 ? 0.0f : p.is_max ? acc
      : acc / (float) (p.count_pad ? padded : count);
}

__kernel void
global_pool (int is_max, int hw, __global const float *in,
             __global float *out)
{
  int c = get_global_id (0);
  __global const float *x = in + (size_t) c * hw;
  float acc = is_max ? -INFINITY : 0.0f;

  for (int i = 0; i < hw; i++)
    acc = is_max ? fmax (acc, x[i]) : acc + x[i];
  out[c] = is_max ? acc : acc / (float) hw;
}

__kernel void
upsample_nearest (int h, int w, int sh, int sw, __global const float *in,
                  __global float *out)
{
  int ox = get_global_id (0), oy = get_global_id (1), c = get_global_id (2);
  int ow = w * sw, oh = h * sh;

  out[((size_t) c * oh + oy) * ow + ox]
    = in[((size_t) c * h + oy / sh) * w + ox / sw];
}

static inline void
bilinear_tap (int o, int scale, int in, int *i0, int *i1, float *frac)
{
  float src = fmax (((float) o + 0.5f) / (float) scale - 0.5f, 0.0f);
  int lo = min ((int) src, in - 1);
  *i0 = lo;
  *i1 = min (lo + 1, in - 1);
  *frac = src - (float) lo;
}

__kernel void
upsample_bilinear (int h, int w, int sh, int sw, __global const float *in,
                   __global float *out)
{
  int ox = get_global_id (0), oy = get_global_id (1), c = get_global_id (2);
  int ow = w * sw, oh = h * sh;
  __global const float *plane = in + (size_t) c * h * w;
  int y0, y1, x0, x1;
  float ly, lx;

  bilinear_tap (oy, sh, h, &y0, &y1, &ly);
  bilinear_tap (ox, sw, w, &x0, &x1, &lx);
  float top = plane[y0 * w + x0] + lx * (plane[y0 * w + x1] - plane[y0 * w + x0]);
  float bottom = plane[y1 * w + x0] + lx * (plane[y1 * w + x1] - plane[y1 * w + x0]);
  out[((size_t) c * oh + oy) * ow + ox] = top + ly * (bottom - top);
}
