/*
 * tensor.cl: the GPU unit's kernels for the ops that take tensors of any
 * rank, each work-item one output value found through the op's plan
 * (prelude.cl): clamp (hard_sigmoid, clip), the broadcasting binary ops
 * and scale, the math functions, gathers (transpose, slice), the parts of
 * a concatenation, reductions, matrix products and softmax along any
 * axis. They follow runtime/src/cpu/kernels.h.
 */

__kernel void
clamp_affine (float a, float b, float lo, float hi, __global const float *in,
              __global float *out)
{
  size_t i = get_global_id (0);
  out[i] = clamp (a * in[i] + b, lo, hi);
}

static inline float
binary_apply (int op, float x, float y)
{
  switch (op)
    {
    case BIN_ADD: return x + y;
    case BIN_SUB: return x - y;
    case BIN_MUL: return x * y;
    case BIN_DIV: return x / y;
    case BIN_POW: return pow (x, y);
    case BIN_MAX: return x > y || isnan (x) ? x : y;
    case BIN_MIN: return x < y || isnan (x) ? x : y;
    default: return x;
    }
}

__kernel void
binary (int op, BcastP p, __global const float *a, __global const float *b,
        int act, float alpha, __global float *out)
{
  int i = get_global_id (0);
  float v = binary_apply (op, a[bcast_offset (&p, 0, i)],
                          b[bcast_offset (&p, 1, i)]);
  out[i] = act_apply (act, alpha, v);
}

__kernel void
scale (BcastP p, __global const float *x, __global const float *s,
       __global const float *b, int has_s, int has_b, int act, float alpha,
       __global float *out)
{
  int i = get_global_id (0);
  float v = x[bcast_offset (&p, 0, i)];

  if (has_s)
    v *= s[bcast_offset (&p, 1, i)];
  if (has_b)
    v += b[bcast_offset (&p, 2, i)];
  out[i] = act_apply (act, alpha, v);
}

__kernel void
unary (int op, __global const float *in, __global float *out)
{
  size_t i = get_global_id (0);
  float x = in[i], y;

  switch (op)
    {
    case UN_SQRT: y = sqrt (x); break;
    case UN_EXP: y = exp (x); break;
    case UN_LOG: y = log (x); break;
    case UN_ABS: y = fabs (x); break;
    case UN_RECIPROCAL: y = 1.0f / x; break;
    case UN_FLOOR: y = floor (x); break;
    case UN_CEIL: y = ceil (x); break;
    case UN_ROUND: y = rint (x); break;
    case UN_ERF: y = erf (x); break;
    case UN_SIN: y = sin (x); break;
    case UN_COS: y = cos (x); break;
    case UN_SOFTPLUS: y = x > 0.0f ? x + log1p (exp (-x)) : log1p (exp (x));
      break;
    case UN_SOFTSIGN: y = x / (1.0f + fabs (x)); break;
    default: y = x; break;
    }
  out[i] = y;
}

__kernel void
gather (GatherP p, __global const float *in, __global float *out)
{
  int i = get_global_id (0), rest = i, at = p.offset;

  for (int d = p.rank - 1; d >= 0; d--)
    {
      at += (rest % p.shape[d]) * p.stride[d];
      rest /= p.shape[d];
    }
  out[i] = in[at];
}

/* One input's part of a concatenation: its rows of `chunk` values land
 * `at` values into rows of `total`. */
__kernel void
concat_part (int chunk, int total, int at, __global const float *in,
             __global float *out)
{
  int i = get_global_id (0);
  out[(i / chunk) * total + at + i % chunk] = in[i];
}

static inline int
dims_offset (int rank, const int *dims, const int *stride, int i)
{
  int at = 0;

  for (int d = rank - 1; d >= 0; d--)
    {
      at += (i % dims[d]) * stride[d];
      i /= dims[d];
    }
  return at;
}

__kernel void
reduce (ReduceP p, __global const float *in, __global float *out)
{
  int o = get_global_id (0), n = 1;
  __global const float *base = in + dims_offset (p.kept_rank, p.kept,
                                                 p.kept_stride, o);
  float acc, max = -INFINITY;

  for (int d = 0; d < p.red_rank; d++)
    n *= p.red[d];
  acc = p.op == RED_MAX ? -INFINITY : p.op == RED_MIN ? INFINITY
        : p.op == RED_PROD ? 1.0f : 0.0f;
  if (p.op == RED_LOG_SUM_EXP)
    for (int j = 0; j < n; j++)
      max = fmax (max, base[dims_offset (p.red_rank, p.red, p.red_stride, j)]);
  for (int j = 0; j < n; j++)
    {
      float v = base[dims_offset (p.red_rank, p.red, p.red_stride, j)];

      switch (p.op)
        {
        case RED_MAX: acc = v > acc || isnan (v) ? v : acc; break;
        case RED_MIN: acc = v < acc || isnan (v) ? v : acc; break;
        case RED_PROD: acc *= v; break;
        case RED_L1: acc += fabs (v); break;
        case RED_L2:
        case RED_SUM_SQUARE: acc += v * v; break;
        case RED_LOG_SUM_EXP: acc += exp (v - max); break;
        default: acc += v; break;
        }
    }
  if (p.op == RED_MEAN)
    acc /= (float) n;
  else if (p.op == RED_L2)
    acc = sqrt (acc);
  else if (p.op == RED_LOG_SUM_EXP)
    acc = isinf (max) ? max : max + log (acc);
  out[o] = acc;
}

/* Work-item (col, row, item) computes one output value. */
__kernel void
matmul (MatmulP p, __global const float *a, __global const float *b,
        __global const float *bias, int has_bias, int act, float alpha,
        __global float *out)
{
  int col = get_global_id (0), row = get_global_id (1);
  int item = get_global_id (2);
  __global const float *ar = a + bcast_offset (&p.batch, 0, item) * p.m * p.k
                             + row * p.k;
  __global const float *bc = b + bcast_offset (&p.batch, 1, item) * p.k * p.n
                             + col;
  float acc = has_bias ? bias[col] : 0.0f;

  for (int i = 0; i < p.k; i++)
    acc += ar[i] * bc[i * p.n];
  out[((size_t) item * p.m + row) * p.n + col] = act_apply (act, alpha, acc);
}

/* One work-item per line along the axis: [outer, n, inner]. */
__kernel void
softmax_axis (int n, int inner, int log_form, __global const float *in,
              __global float *out)
{
  int line = get_global_id (0);
  int r = line / inner, j = line % inner;
  __global const float *x = in + (size_t) r * n * inner + j;
  __global float *y = out + (size_t) r * n * inner + j;
  float max = x[0], sum = 0.0f;

  for (int i = 1; i < n; i++)
    max = fmax (max, x[i * inner]);
  for (int i = 0; i < n; i++)
    sum += exp (x[i * inner] - max);
  for (int i = 0; i < n; i++)
    y[i * inner] = log_form ? x[i * inner] - max - log (sum)
                            : exp (x[i * inner] - max) / sum;
}
