/*
 * softmax.c: softmax and log-softmax on the CPU along the middle axis of
 * [outer, n, inner]. Each line is shifted by its maximum first, so large
 * logits cannot overflow expf; the log form subtracts the log of the sum
 * rather than taking the log of tiny quotients.
 */
#include <math.h>

#include "vectorize.h"
#include "kernels.h"

static void
softmax_line (size_t n, size_t stride, int log_form, const float *in,
              float *out)
{
  float max = in[0];
  double sum = 0.0;
  size_t i;

  for (i = 1; i < n; i++)
    max = in[i * stride] > max ? in[i * stride] : max;
  if (log_form)
    {
      for (i = 0; i < n; i++)
        sum += exp ((double) in[i * stride] - max);
      for (i = 0; i < n; i++)
        out[i * stride] = (float) ((double) in[i * stride] - max - log (sum));
      return;
    }
  for (i = 0; i < n; i++)
    {
      out[i * stride] = expf (in[i * stride] - max);
      sum += out[i * stride];
    }
  for (i = 0; i < n; i++)
    out[i * stride] = (float) (out[i * stride] / sum);
}

void
mlrt_cpu_softmax (size_t outer, size_t n, size_t inner, int log_form,
                  const float *in, float *out)
{
  if (n == 0)
    return;
  for (size_t r = 0; r < outer; r++)
    for (size_t j = 0; j < inner; j++)
      softmax_line (n, inner, log_form, in + r * n * inner + j,
                    out + r * n * inner + j);
}
