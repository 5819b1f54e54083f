/*
 * softmax.c: softmax on the CPU over the last axis. Each row is shifted by
 * its maximum first, so large logits cannot overflow expf.
 */
#include <math.h>

#include "vectorize.h"
#include "kernels.h"

static void
softmax_row (size_t n, const float *in, float *out)
{
  float max = in[0];
  double sum = 0.0;
  float inv;
  size_t i;

  for (i = 1; i < n; i++)
    max = in[i] > max ? in[i] : max;
  for (i = 0; i < n; i++)
    {
      out[i] = expf (in[i] - max);
      sum += out[i];
    }
  inv = (float) (1.0 / sum);
  for (i = 0; i < n; i++)
    out[i] *= inv;
}

void
mlrt_cpu_softmax (size_t outer, size_t n, const float *in, float *out)
{
  size_t r;

  if (n == 0)
    return;
  for (r = 0; r < outer; r++)
    softmax_row (n, in + r * n, out + r * n);
}
