/*
 * softmax.c: softmax and log-softmax on the CPU along the middle axis of
 * [outer, n, inner]. Each line is shifted by its maximum first, so large
 * logits cannot overflow e^x; the log form subtracts the log of the sum
 * rather than taking the log of tiny quotients.
 */
#include <math.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "kernels.h"

#define LANES 8

/* A contiguous line (the usual softmax, over the last axis): the maximum
 * and the sum kept in LANES partial results, so neither loop is one chain
 * of dependent operations (it was, at four cycles an element: PaddleOCR's
 * recogniser's softmax over 80 x 6625 took 4.4 ms), and e^x by the
 * vectorisable mlrt_act_exp (a call to expf keeps a loop scalar). */
static void
softmax_contiguous (size_t n, const float *in, float *out)
{
  float max[LANES], top, inv;
  double sum[LANES] = { 0 }, total = 0.0;
  size_t i = 0, k;

  for (k = 0; k < LANES; k++)
    max[k] = in[0];
  for (; i + LANES <= n; i += LANES)
    for (k = 0; k < LANES; k++)
      max[k] = in[i + k] > max[k] ? in[i + k] : max[k];
  for (top = max[0], k = 1; k < LANES; k++)
    top = max[k] > top ? max[k] : top;
  for (; i < n; i++)
    top = in[i] > top ? in[i] : top;
  for (i = 0; i < n; i++)
    out[i] = mlrt_act_exp (in[i] - top);
  for (i = 0; i + LANES <= n; i += LANES)
    for (k = 0; k < LANES; k++)
      sum[k] += out[i + k];
  for (; i < n; i++)
    total += out[i];
  for (k = 0; k < LANES; k++)
    total += sum[k];
  inv = (float) (1.0 / total);
  for (i = 0; i < n; i++)
    out[i] *= inv;
}

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
      out[i * stride] = mlrt_act_exp (in[i * stride] - max);
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
  if (inner == 1 && !log_form)
    {
      for (size_t r = 0; r < outer; r++)
        softmax_contiguous (n, in + r * n, out + r * n);
      return;
    }
  for (size_t r = 0; r < outer; r++)
    for (size_t j = 0; j < inner; j++)
      softmax_line (n, inner, log_form, in + r * n * inner + j,
                    out + r * n * inner + j);
}
