/*
 * layout.c: the ops that move values on the CPU without computing new
 * ones: concatenation along any axis (row by row of the dims before it)
 * and gathers (transpose and slice, MlrtGather), walked row by row of the
 * output's innermost dim. Concatenation copies ranges of its output on
 * the pool (cpu-split.c).
 */
#include <string.h>

#include "vectorize.h"
#include "cpu-pool.h"
#include "kernels.h"

/* Below this many values per task a copy stays on the calling thread. */
#define LAYOUT_MIN_TASK 65536

typedef struct {
  int n_inputs;
  const size_t *chunk;
  const float *const *inputs;
  size_t row;                   /* the sum of the chunks */
  float *out;
} Concat;

/* Output values [lo, hi): the parts of the input chunks that land there. */
static void
concat_range (void *ctx, size_t lo, size_t hi)
{
  const Concat *c = ctx;

  while (lo < hi)
    {
      size_t r = lo / c->row, at = lo % c->row, start = 0;
      int i = 0;

      while (at >= start + c->chunk[i])
        start += c->chunk[i++];
      size_t n = start + c->chunk[i] - at;
      if (n > hi - lo)
        n = hi - lo;
      memcpy (c->out + lo, c->inputs[i] + r * c->chunk[i] + (at - start),
              n * sizeof (float));
      lo += n;
    }
}

void
mlrt_cpu_concat (int n_inputs, size_t outer, const size_t *chunk,
                 const float *const *inputs, float *out)
{
  Concat c = { n_inputs, chunk, inputs, 0, out };

  for (int i = 0; i < n_inputs; i++)
    c.row += chunk[i];
  mlrt_cpu_parallel_range (outer * c.row, LAYOUT_MIN_TASK, concat_range, &c);
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
