/*
 * tensor-ref.c: plain references of the ops on tensors of any rank
 * (tensor-ref.h), written from each op's definition with whole
 * multi-indices and double arithmetic: no plans, no merged dims, no BLAS.
 */
#include <math.h>
#include <string.h>

#include "tensor-ref.h"

size_t
ref_count (const RefShape *s)
{
  size_t n = 1;

  for (int d = 0; d < s->rank; d++)
    n *= (size_t) s->dims[d];
  return n;
}

/* Multi-index of flat index i over s. */
static void
unravel (const RefShape *s, size_t i, int64_t *idx)
{
  for (int d = s->rank - 1; d >= 0; d--)
    {
      idx[d] = (int64_t) (i % (size_t) s->dims[d]);
      i /= (size_t) s->dims[d];
    }
}

static size_t
ravel (const RefShape *s, const int64_t *idx)
{
  size_t at = 0;

  for (int d = 0; d < s->rank; d++)
    at = at * (size_t) s->dims[d] + (size_t) idx[d];
  return at;
}

/* The element of `s` an output index (of rank `out_rank`) reads under
 * numpy broadcasting: aligned at the last dim, a dim of 1 repeats. */
static size_t
broadcast_at (const RefShape *s, int out_rank, const int64_t *out_idx)
{
  int64_t idx[REF_MAX_RANK] = { 0 };

  for (int d = 0; d < s->rank; d++)
    {
      int od = d + out_rank - s->rank;
      idx[d] = s->dims[d] == 1 ? 0 : out_idx[od];
    }
  return ravel (s, idx);
}

double
ref_binary_fn (const char *op, double x, double y)
{
  if (!strcmp (op, "add"))
    return x + y;
  if (!strcmp (op, "sub"))
    return x - y;
  if (!strcmp (op, "mul"))
    return x * y;
  if (!strcmp (op, "div"))
    return x / y;
  if (!strcmp (op, "pow"))
    return pow (x, y);
  if (!strcmp (op, "max"))
    return fmax (x, y);
  return fmin (x, y);
}

void
ref_binary (const char *op, const RefShape *a, const float *x,
            const RefShape *b, const float *y, const RefShape *out,
            float *z)
{
  int64_t idx[REF_MAX_RANK] = { 0 };

  for (size_t i = 0; i < ref_count (out); i++)
    {
      unravel (out, i, idx);
      z[i] = (float) ref_binary_fn (op, x[broadcast_at (a, out->rank, idx)],
                                    y[broadcast_at (b, out->rank, idx)]);
    }
}

void
ref_scale (const RefShape *xs, const float *x, const RefShape *ss,
           const float *s, const RefShape *bs, const float *b,
           const RefShape *out, float *z)
{
  int64_t idx[REF_MAX_RANK] = { 0 };

  for (size_t i = 0; i < ref_count (out); i++)
    {
      double v;

      unravel (out, i, idx);
      v = x[broadcast_at (xs, out->rank, idx)];
      if (s)
        v *= s[broadcast_at (ss, out->rank, idx)];
      if (b)
        v += b[broadcast_at (bs, out->rank, idx)];
      z[i] = (float) v;
    }
}

double
ref_unary_fn (const char *op, double x)
{
  static const struct { const char *name; double (*fn) (double); } fns[] = {
    { "sqrt", sqrt }, { "exp", exp }, { "log", log }, { "abs", fabs },
    { "floor", floor }, { "ceil", ceil }, { "round", nearbyint },
    { "erf", erf }, { "sin", sin }, { "cos", cos },
  };

  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
    if (!strcmp (op, fns[i].name))
      return fns[i].fn (x);
  if (!strcmp (op, "reciprocal"))
    return 1 / x;
  if (!strcmp (op, "softplus"))
    return log (1 + exp (x));
  if (!strcmp (op, "softsign"))
    return x / (1 + fabs (x));
  if (!strcmp (op, "hard_swish"))
    return x * fmin (fmax (x + 3, 0), 6) / 6;
  if (!strcmp (op, "relu6"))
    return fmin (fmax (x, 0), 6);
  return NAN;
}

void
ref_transpose (const RefShape *in, const float *x, const int64_t *perm,
               float *z)
{
  RefShape out = { in->rank, { 0 } };
  int64_t oidx[REF_MAX_RANK] = { 0 }, iidx[REF_MAX_RANK] = { 0 };

  for (int d = 0; d < in->rank; d++)
    out.dims[d] = in->dims[perm[d]];
  for (size_t i = 0; i < ref_count (&out); i++)
    {
      unravel (&out, i, oidx);
      for (int d = 0; d < in->rank; d++)
        iidx[perm[d]] = oidx[d];
      z[i] = x[ravel (in, iidx)];
    }
}

void
ref_slice (const RefShape *in, const float *x, const int64_t *starts,
           const int64_t *steps, const RefShape *out, float *z)
{
  int64_t oidx[REF_MAX_RANK] = { 0 }, iidx[REF_MAX_RANK] = { 0 };

  for (size_t i = 0; i < ref_count (out); i++)
    {
      unravel (out, i, oidx);
      for (int d = 0; d < in->rank; d++)
        iidx[d] = starts[d] + oidx[d] * steps[d];
      z[i] = x[ravel (in, iidx)];
    }
}

void
ref_concat (int n, const RefShape *const *in, const float *const *x,
            int axis, const RefShape *out, float *z)
{
  int64_t idx[REF_MAX_RANK] = { 0 };

  for (size_t i = 0; i < ref_count (out); i++)
    {
      int k = 0;

      unravel (out, i, idx);
      while (k < n - 1 && idx[axis] >= in[k]->dims[axis])
        idx[axis] -= in[k++]->dims[axis];
      z[i] = x[k][ravel (in[k], idx)];
    }
}

void
ref_reduce (const char *op, const RefShape *in, const float *x,
            int axes_mask, float *z)
{
  RefShape kept = { 0, { 0 } };
  int64_t idx[REF_MAX_RANK] = { 0 }, kidx[REF_MAX_RANK] = { 0 };
  double acc[4096], max[4096];
  size_t n[4096];

  for (int d = 0; d < in->rank; d++)
    if (!(axes_mask & (1 << d)))
      kept.dims[kept.rank++] = in->dims[d];
  for (size_t o = 0; o < ref_count (&kept); o++)
    {
      acc[o] = !strcmp (op, "reduce_max") ? -INFINITY
               : !strcmp (op, "reduce_min") ? INFINITY
               : !strcmp (op, "reduce_prod") ? 1 : 0;
      max[o] = -INFINITY;
      n[o] = 0;
    }
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < ref_count (in); i++)
      {
        size_t o;
        double v = x[i];
        int r = 0;

        unravel (in, i, idx);
        for (int d = 0; d < in->rank; d++)
          if (!(axes_mask & (1 << d)))
            kidx[r++] = idx[d];
        o = ravel (&kept, kidx);
        if (pass == 0)
          {
            max[o] = fmax (max[o], v);
            continue;
          }
        n[o]++;
        if (!strcmp (op, "reduce_max"))
          acc[o] = fmax (acc[o], v);
        else if (!strcmp (op, "reduce_min"))
          acc[o] = fmin (acc[o], v);
        else if (!strcmp (op, "reduce_prod"))
          acc[o] *= v;
        else if (!strcmp (op, "reduce_l1"))
          acc[o] += fabs (v);
        else if (!strcmp (op, "reduce_l2")
                 || !strcmp (op, "reduce_sum_square"))
          acc[o] += v * v;
        else if (!strcmp (op, "reduce_log_sum_exp"))
          acc[o] += exp (v - max[o]);
        else
          acc[o] += v;
      }
  for (size_t o = 0; o < ref_count (&kept); o++)
    z[o] = (float) (!strcmp (op, "reduce_mean") ? acc[o] / (double) n[o]
                    : !strcmp (op, "reduce_l2") ? sqrt (acc[o])
                    : !strcmp (op, "reduce_log_sum_exp")
                      ? max[o] + log (acc[o]) : acc[o]);
}

void
ref_matmul (const RefShape *as, const float *a, const RefShape *bs,
            const float *b, const float *bias, const RefShape *out, float *z)
{
  int64_t oidx[REF_MAX_RANK] = { 0 }, aidx[REF_MAX_RANK] = { 0 };
  int64_t bidx[REF_MAX_RANK] = { 0 };
  int64_t k = as->dims[as->rank - 1];

  for (size_t i = 0; i < ref_count (out); i++)
    {
      double acc;

      unravel (out, i, oidx);
      acc = bias ? bias[oidx[out->rank - 1]] : 0;
      for (int64_t j = 0; j < k; j++)
        {
          /* batch dims broadcast like numpy's, then [m, k] x [k, n] */
          for (int d = 0; d < as->rank - 2; d++)
            aidx[d] = as->dims[d] == 1
                      ? 0 : oidx[d + out->rank - as->rank];
          for (int d = 0; d < bs->rank - 2; d++)
            bidx[d] = bs->dims[d] == 1
                      ? 0 : oidx[d + out->rank - bs->rank];
          aidx[as->rank - 2] = oidx[out->rank - 2];
          aidx[as->rank - 1] = j;
          bidx[bs->rank - 2] = j;
          bidx[bs->rank - 1] = oidx[out->rank - 1];
          acc += (double) a[ravel (as, aidx)] * b[ravel (bs, bidx)];
        }
      z[i] = (float) acc;
    }
}

void
ref_softmax_axis (const RefShape *in, const float *x, int axis, int log_form,
                  float *z)
{
  int64_t idx[REF_MAX_RANK] = { 0 };

  for (size_t i = 0; i < ref_count (in); i++)
    {
      double max = -INFINITY, sum = 0;

      unravel (in, i, idx);
      for (int64_t j = 0; j < in->dims[axis]; j++)
        {
          int64_t k[REF_MAX_RANK];
          memcpy (k, idx, sizeof k);
          k[axis] = j;
          max = fmax (max, x[ravel (in, k)]);
        }
      for (int64_t j = 0; j < in->dims[axis]; j++)
        {
          int64_t k[REF_MAX_RANK];
          memcpy (k, idx, sizeof k);
          k[axis] = j;
          sum += exp (x[ravel (in, k)] - max);
        }
      z[i] = (float) (log_form ? x[i] - max - log (sum)
                               : exp (x[i] - max) / sum);
    }
}

void
ref_avg_pool (const RefShape *in, const float *x, int k, int s, int pad,
              int count_pad, const RefShape *out, float *z)
{
  int64_t c = in->dims[1], h = in->dims[2], w = in->dims[3];
  int64_t oh = out->dims[2], ow = out->dims[3];

  for (int64_t ch = 0; ch < c; ch++)
    for (int64_t oy = 0; oy < oh; oy++)
      for (int64_t ox = 0; ox < ow; ox++)
        {
          double sum = 0;
          int real = 0, padded = 0;

          for (int64_t y = oy * s - pad; y < oy * s - pad + k; y++)
            for (int64_t xx = ox * s - pad; xx < ox * s - pad + k; xx++)
              {
                /* inside the padded input: counts with count_pad */
                padded += y < h + pad && xx < w + pad;
                if (y < 0 || xx < 0 || y >= h || xx >= w)
                  continue;
                sum += x[(ch * h + y) * w + xx];
                real++;
              }
          z[(ch * oh + oy) * ow + ox] = (float) (sum / (count_pad ? padded
                                                                  : real));
        }
}
