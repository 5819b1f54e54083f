/*
 * reduce.c: the reductions on the CPU (mean, sum, max, min, prod, L1, L2,
 * sum of squares, log-sum-exp), each output value folded in double over
 * its reduced values, which MlrtReduce lays out as strided dims.
 */
#include <math.h>

#include "vectorize.h"
#include "kernels.h"

static double
fold (MlrtReduceOp op, double acc, double v)
{
  switch (op)
    {
    case MLRT_REDUCE_MAX:
      return v > acc || isnan (v) ? v : acc;
    case MLRT_REDUCE_MIN:
      return v < acc || isnan (v) ? v : acc;
    case MLRT_REDUCE_PROD:
      return acc * v;
    case MLRT_REDUCE_L1:
      return acc + fabs (v);
    case MLRT_REDUCE_L2:
    case MLRT_REDUCE_SUM_SQUARE:
      return acc + v * v;
    case MLRT_REDUCE_MEAN:
    case MLRT_REDUCE_SUM:
    case MLRT_REDUCE_LOG_SUM_EXP:
    default:
      return acc + v;
    }
}

static double
start (MlrtReduceOp op)
{
  return op == MLRT_REDUCE_MAX ? -INFINITY : op == MLRT_REDUCE_MIN ? INFINITY
         : op == MLRT_REDUCE_PROD ? 1.0 : 0.0;
}

static int64_t
product (int rank, const int64_t *dims)
{
  int64_t n = 1;

  for (int d = 0; d < rank; d++)
    n *= dims[d];
  return n;
}

static int64_t
offset_of (int rank, const int64_t *dims, const int64_t *stride, int64_t i)
{
  int64_t at = 0;

  for (int d = rank - 1; d >= 0; d--)
    {
      at += (i % dims[d]) * stride[d];
      i /= dims[d];
    }
  return at;
}

void
mlrt_cpu_reduce (const MlrtReduce *r, const float *in, float *out)
{
  int64_t n_out = product (r->kept_rank, r->kept);
  int64_t n_red = product (r->red_rank, r->red);
  int64_t len = r->red[r->red_rank - 1], step = r->red_stride[r->red_rank - 1];

  for (int64_t o = 0; o < n_out; o++)
    {
      const float *base = in + offset_of (r->kept_rank, r->kept,
                                          r->kept_stride, o);
      double acc = start (r->op), max = -INFINITY;

      /* log-sum-exp: shifted by the maximum, so no exp overflows */
      if (r->op == MLRT_REDUCE_LOG_SUM_EXP)
        for (int64_t j = 0; j < n_red; j += len)
          {
            const float *row = base + offset_of (r->red_rank - 1, r->red,
                                                 r->red_stride, j / len);
            for (int64_t i = 0; i < len; i++)
              max = row[i * step] > max ? row[i * step] : max;
          }
      for (int64_t j = 0; j < n_red; j += len)
        {
          const float *row = base + offset_of (r->red_rank - 1, r->red,
                                               r->red_stride, j / len);
          for (int64_t i = 0; i < len; i++)
            acc = fold (r->op, acc, r->op == MLRT_REDUCE_LOG_SUM_EXP
                                    ? exp (row[i * step] - max)
                                    : row[i * step]);
        }
      if (r->op == MLRT_REDUCE_MEAN)
        acc /= (double) n_red;
      else if (r->op == MLRT_REDUCE_L2)
        acc = sqrt (acc);
      else if (r->op == MLRT_REDUCE_LOG_SUM_EXP)
        acc = isinf (max) ? max : max + log (acc);
      out[o] = (float) acc;
    }
}
