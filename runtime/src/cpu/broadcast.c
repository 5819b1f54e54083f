/*
 * broadcast.c: the element-wise ops whose operands broadcast, on the CPU:
 * add, sub, mul, div, pow, max and min of two tensors, and scale (x times
 * a stored scale plus a stored bias). Each walks the output row by row of
 * its innermost dim (MlrtBroadcast merges dims so that rows are as long
 * as they can be), each operand at its own stride along the row: 1, or 0
 * where it repeats. Same-shape add and mul go to activation.c's loops;
 * the rest runs a range of rows per task on the pool (cpu-split.c).
 */
#include <math.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "cpu-pool.h"
#include "kernels.h"

/* Below this many values per task a pass stays on the calling thread. */
#define BROADCAST_MIN_TASK 32768

/* The output offset of row `row` of `bc` (all dims but the last), and the
 * operands' offsets there. */
static void
row_offsets (const MlrtBroadcast *bc, int n, int64_t row, int64_t *off)
{
  for (int o = 0; o < n; o++)
    off[o] = 0;
  for (int d = bc->rank - 2; d >= 0; d--)
    {
      int64_t i = row % bc->shape[d];

      for (int o = 0; o < n; o++)
        off[o] += i * bc->stride[o][d];
      row /= bc->shape[d];
    }
}

static int64_t
n_rows (const MlrtBroadcast *bc)
{
  int64_t rows = 1;

  for (int d = 0; d + 1 < bc->rank; d++)
    rows *= bc->shape[d];
  return rows;
}

/* The loop of one op, specialised for the strides element-wise ops meet
 * (both operands along the row, or one repeated), which the vectoriser
 * then turns into plain vector loops. */
#define BINARY_LOOP(expr)                                   \
  do                                                        \
    {                                                       \
      int64_t i;                                            \
      if (sa == 1 && sb == 1)                               \
        for (i = 0; i < len; i++)                           \
          {                                                 \
            float x = a[i], y = b[i];                       \
            out[i] = (expr);                                \
          }                                                 \
      else if (sa == 1 && sb == 0)                          \
        for (i = 0; i < len; i++)                           \
          {                                                 \
            float x = a[i], y = b[0];                       \
            out[i] = (expr);                                \
          }                                                 \
      else if (sa == 0 && sb == 1)                          \
        for (i = 0; i < len; i++)                           \
          {                                                 \
            float x = a[0], y = b[i];                       \
            out[i] = (expr);                                \
          }                                                 \
      else                                                  \
        for (i = 0; i < len; i++)                           \
          {                                                 \
            float x = a[i * sa], y = b[i * sb];             \
            out[i] = (expr);                                \
          }                                                 \
    }                                                       \
  while (0)

static void
binary_row (MlrtBinaryOp op, int64_t len, const float *a, int64_t sa,
            const float *b, int64_t sb, float *out)
{
  switch (op)
    {
    case MLRT_BINARY_ADD:
      BINARY_LOOP (x + y);
      break;
    case MLRT_BINARY_SUB:
      BINARY_LOOP (x - y);
      break;
    case MLRT_BINARY_MUL:
      BINARY_LOOP (x * y);
      break;
    case MLRT_BINARY_DIV:
      BINARY_LOOP (x / y);
      break;
    case MLRT_BINARY_POW:
      BINARY_LOOP (powf (x, y));
      break;
    case MLRT_BINARY_MAX:
      BINARY_LOOP (x > y || isnan (x) ? x : y);
      break;
    case MLRT_BINARY_MIN:
      BINARY_LOOP (x < y || isnan (x) ? x : y);
      break;
    default:
      break;
    }
}

/* What the row tasks of one binary or scale op share. */
typedef struct {
  const MlrtBroadcast *bc;
  MlrtBinaryOp op;
  const float *x[3];            /* the operands (scale: x, scale, bias) */
  MlrtActivation act;
  float alpha;
  float *out;
} RowJob;

/* Rows per task: enough values for a pass to pay for waking a helper. */
static size_t
min_rows (const MlrtBroadcast *bc)
{
  int64_t len = bc->shape[bc->rank - 1];
  return (size_t) ((BROADCAST_MIN_TASK + len - 1) / len);
}

static void
binary_rows (void *ctx, size_t r0, size_t r1)
{
  const RowJob *j = ctx;
  const MlrtBroadcast *bc = j->bc;
  int64_t len = bc->shape[bc->rank - 1];
  int64_t sa = bc->stride[0][bc->rank - 1], sb = bc->stride[1][bc->rank - 1];

  for (int64_t r = (int64_t) r0; r < (int64_t) r1; r++)
    {
      int64_t off[2];
      float *row = j->out + r * len;

      row_offsets (bc, 2, r, off);
      binary_row (j->op, len, j->x[0] + off[0], sa, j->x[1] + off[1], sb,
                  row);
      if (j->act != MLRT_ACT_NONE)
        mlrt_act_affine (j->act, j->alpha, (size_t) len, row, 0.0f, 1.0f,
                         0.0f, row);
    }
}

void
mlrt_cpu_binary (MlrtBinaryOp op, const MlrtBroadcast *bc, const float *a,
                 const float *b, MlrtActivation act, float alpha, float *out)
{
  int64_t len = bc->shape[bc->rank - 1], rows = n_rows (bc);
  int64_t sa = bc->stride[0][bc->rank - 1], sb = bc->stride[1][bc->rank - 1];
  RowJob j = { bc, op, { a, b, NULL }, act, alpha, out };

  if (rows == 1 && sa == 1 && sb == 1 && op == MLRT_BINARY_ADD)
    {
      mlrt_cpu_add ((size_t) len, a, b, act, alpha, out);
      return;
    }
  if (rows == 1 && sa == 1 && sb == 1 && op == MLRT_BINARY_MUL
      && act == MLRT_ACT_NONE)
    {
      mlrt_cpu_mul ((size_t) len, a, b, out);
      return;
    }
  mlrt_cpu_parallel_range ((size_t) rows, min_rows (bc), binary_rows, &j);
}

static void
scale_rows (void *ctx, size_t r0, size_t r1)
{
  static const float one = 1.0f, zero = 0.0f;
  const RowJob *j = ctx;
  const MlrtBroadcast *bc = j->bc;
  const float *x = j->x[0], *scale = j->x[1], *bias = j->x[2];
  int64_t len = bc->shape[bc->rank - 1];
  int64_t sx = bc->stride[0][bc->rank - 1];
  int64_t ss = scale ? bc->stride[1][bc->rank - 1] : 0;
  int64_t sb = bias ? bc->stride[2][bc->rank - 1] : 0;

  for (int64_t r = (int64_t) r0; r < (int64_t) r1; r++)
    {
      int64_t off[3];
      const float *xr, *s, *b;
      float *o = j->out + r * len;

      row_offsets (bc, 3, r, off);
      xr = x + off[0];
      s = scale ? scale + off[1] : &one;
      b = bias ? bias + off[2] : &zero;
      if (ss == 0 && sb == 0 && sx == 1)
        mlrt_act_affine (j->act, j->alpha, (size_t) len, xr, 0.0f, s[0], b[0],
                         o);
      else
        {
          for (int64_t i = 0; i < len; i++)
            o[i] = xr[i * sx] * s[i * ss] + b[i * sb];
          if (j->act != MLRT_ACT_NONE)
            mlrt_act_affine (j->act, j->alpha, (size_t) len, o, 0.0f, 1.0f,
                             0.0f, o);
        }
    }
}

void
mlrt_cpu_scale (const MlrtBroadcast *bc, const float *x, const float *scale,
                const float *bias, MlrtActivation act, float alpha,
                float *out)
{
  RowJob j = { bc, MLRT_BINARY_ADD, { x, scale, bias }, act, alpha, out };

  mlrt_cpu_parallel_range ((size_t) n_rows (bc), min_rows (bc), scale_rows,
                           &j);
}
