/*
 * pool.c: max and average pooling on the CPU, windowed and global.
 * Padding never contributes a value: a max ignores it and an average
 * divides by the number of real input pixels under the window, or, when
 * the layer counts padding (count_pad, PyTorch's count_include_pad), by
 * the window's cells inside the padded input.
 */
#include <math.h>

#include "vectorize.h"
#include "kernels.h"

/* Clips the window [start, start + k) to [0, in). */
static void
window (int start, int k, int in, int *lo, int *hi)
{
  *lo = start < 0 ? 0 : start;
  *hi = start + k > in ? in : start + k;
}

/* divisor: what an average divides by, or 0 for the real pixels under
 * the window. */
static float
pool_window (MlrtPoolKind kind, const float *plane, int in_w, int y0, int y1,
             int x0, int x1, int divisor)
{
  float acc = kind == MLRT_POOL_MAX ? -INFINITY : 0.0f;
  int count = (y1 - y0) * (x1 - x0);
  int y, x;

  /* Only reachable with padding >= kernel: no real pixel to pool. */
  if (count <= 0)
    return 0.0f;
  if (divisor > 0)
    count = divisor;
  for (y = y0; y < y1; y++)
    {
      const float *row = plane + (size_t) y * in_w;

      if (kind == MLRT_POOL_MAX)
        for (x = x0; x < x1; x++)
          acc = row[x] > acc ? row[x] : acc;
      else
        for (x = x0; x < x1; x++)
          acc += row[x];
    }
  return kind == MLRT_POOL_MAX ? acc : acc / (float) count;
}

void
mlrt_cpu_pool2d (const MlrtPoolParams *p, const float *in, float *out)
{
  int c, oy, ox;

  for (c = 0; c < p->c; c++)
    {
      const float *plane = in + (size_t) c * p->in_h * p->in_w;

      for (oy = 0; oy < p->out_h; oy++)
        {
          int y0, y1;

          window (oy * p->sh - p->ph, p->kh, p->in_h, &y0, &y1);
          for (ox = 0; ox < p->out_w; ox++)
            {
              int x0, x1;

              window (ox * p->sw - p->pw, p->kw, p->in_w, &x0, &x1);
              *out++ = pool_window (p->kind, plane, p->in_w, y0, y1, x0, x1,
                                    p->count_pad ? mlrt_pool_padded_count
                                                     (p, oy, ox) : 0);
            }
        }
    }
}

/* The sum of n values in POOL_LANES running sums, which the vectoriser
 * turns into vector adds: one running sum is a chain of dependent adds
 * at one per 3-4 cycles (the squeeze-excite layers' global averages took
 * 1.5 ms of the detector's prediction). */
#define POOL_LANES 16

static float
plane_sum (const float *x, int n)
{
  float lane[POOL_LANES] = { 0 }, sum = 0.0f;
  int i = 0;

  for (; i + POOL_LANES <= n; i += POOL_LANES)
    for (int k = 0; k < POOL_LANES; k++)
      lane[k] += x[i + k];
  for (; i < n; i++)
    sum += x[i];
  for (int k = 0; k < POOL_LANES; k++)
    sum += lane[k];
  return sum;
}

void
mlrt_cpu_global_pool (MlrtPoolKind kind, int c, int hw, const float *in,
                      float *out)
{
  for (int i = 0; i < c; i++)
    out[i] = kind == MLRT_POOL_AVG ? plane_sum (in + (size_t) i * hw, hw) / hw
                                   : pool_window (kind, in + (size_t) i * hw,
                                                  hw, 0, 1, 0, hw, 0);
}
