/*
 * layout.c: the ops that move values on the CPU without computing new
 * ones: concatenation along any axis (row by row of the dims before it)
 * and gathers (transpose and slice, MlrtGather), walked row by row of the
 * output's innermost dim.
 */
#include <string.h>

#include "vectorize.h"
#include "kernels.h"

void
mlrt_cpu_concat (int n_inputs, size_t outer, const size_t *chunk,
                 const float *const *inputs, float *out)
{
  for (size_t r = 0; r < outer; r++)
    for (int i = 0; i < n_inputs; i++)
      {
        memcpy (out, inputs[i] + r * chunk[i], chunk[i] * sizeof (float));
        out += chunk[i];
      }
}

void
mlrt_cpu_gather (const MlrtGather *g, const float *in, float *out)
{
  int64_t len = g->shape[g->rank - 1], step = g->stride[g->rank - 1];
  int64_t rows = 1;

  for (int d = 0; d + 1 < g->rank; d++)
    rows *= g->shape[d];
  for (int64_t r = 0; r < rows; r++)
    {
      int64_t at = g->offset, rest = r;
      const float *src;

      for (int d = g->rank - 2; d >= 0; d--)
        {
          at += (rest % g->shape[d]) * g->stride[d];
          rest /= g->shape[d];
        }
      src = in + at;
      if (step == 1)
        memcpy (out, src, (size_t) len * sizeof (float));
      else
        for (int64_t i = 0; i < len; i++)
          out[i] = src[i * step];
      out += len;
    }
}
