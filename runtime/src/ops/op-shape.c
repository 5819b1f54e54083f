/*
 * op-shape.c: what the ops' shape and cost rules share: failing with the
 * file and layer named, checking a weight's shape, the extent of a sliding
 * window, image-like tensors, broadcasting (the rule, and the plan every
 * unit's kernels iterate by), and the element-wise rules several rows use
 * as they are.
 */
#include <stdio.h>
#include <string.h>

#include "mlrt-internal.h"

MlrtStatus
mlrt_shape_fail (MlrtShapeCtx *c, const char *format, ...)
{
  const MlrtLayer *l = c->layer;
  MlrtStatus st;
  va_list ap;

  va_start (ap, format);
  st = mlrt_set_format_error (c->error, c->origin, l ? l->name : NULL,
                              l ? l->op->name : NULL, l ? l->origin : NULL,
                              format, ap);
  va_end (ap);
  return st;
}

void
mlrt_shape_str (int rank, const int64_t *shape, char *buf, size_t len)
{
  size_t at = 0;
  at += (size_t) snprintf (buf, len, "[");
  for (int i = 0; i < rank && at < len; i++)
    at += (size_t) snprintf (buf + at, len - at, "%s%lld", i ? ", " : "",
                             (long long) shape[i]);
  if (at < len)
    snprintf (buf + at, len - at, "]");
}

MlrtStatus
mlrt_shape_want_weight (MlrtShapeCtx *c, const char *name, int required,
                        int rank, int64_t d0, int64_t d1, int64_t d2,
                        int64_t d3)
{
  const MlrtWeight *w = mlrt_layer_weight (c->layer, name);
  int64_t want[4] = { d0, d1, d2, d3 };
  char got[96], exp[96];

  if (w == NULL)
    return required ? mlrt_shape_fail (c, "missing weight '%s'", name)
                    : MLRT_OK;
  for (int i = 0; i < rank; i++)
    if (want[i] < 0)
      want[i] = w->shape[i];
  if (w->rank != rank || memcmp (w->shape, want, rank * sizeof (int64_t)))
    {
      mlrt_shape_str (w->rank, w->shape, got, sizeof got);
      mlrt_shape_str (rank, want, exp, sizeof exp);
      return mlrt_shape_fail (c, "weight '%s' has shape %s, expected %s",
                              name, got, exp);
    }
  return MLRT_OK;
}

int64_t
mlrt_shape_window (int64_t in, int kernel, int stride, int pad, int dilation)
{
  int64_t span = (int64_t) dilation * (kernel - 1) + 1;

  if (in + 2 * pad < span)
    return 0;
  return (in + 2 * pad - span) / stride + 1;
}

int64_t
mlrt_shape_window_ceil (int64_t in, int kernel, int stride, int pad)
{
  int64_t room = in + 2 * pad - kernel, out;

  if (room < 0)
    return 0;
  out = (room + stride - 1) / stride + 1;
  if ((out - 1) * stride >= in + pad)
    out--;
  return out;
}

MlrtStatus
mlrt_shape_same (MlrtShapeCtx *c, const MlrtTensor *const *in,
                 MlrtTensor *out)
{
  out->rank = in[0]->rank;
  memcpy (out->shape, in[0]->shape, sizeof out->shape);
  return MLRT_OK;
}

double
mlrt_cost_bytes (const MlrtSpec *spec, const MlrtLayer *l)
{
  double n = (double) mlrt_tensor_count (&spec->tensors[l->output]);

  for (int i = 0; i < l->n_inputs; i++)
    n += (double) mlrt_tensor_count (&spec->tensors[l->inputs[i]]);
  for (int i = 0; i < l->n_weights; i++)
    n += (double) mlrt_weight_count (&l->weights[i]);
  return n * sizeof (float);
}

MlrtOpCost
mlrt_cost_per_output (const MlrtSpec *spec, const MlrtLayer *l)
{
  MlrtOpCost cost = {
    (double) mlrt_tensor_count (&spec->tensors[l->output]),
    mlrt_cost_bytes (spec, l),
  };
  return cost;
}

int
mlrt_shape_broadcast (int ra, const int64_t *a, int rb, const int64_t *b,
                      int *rank, int64_t *out)
{
  int r = ra > rb ? ra : rb;

  for (int i = 0; i < r; i++)
    {
      int64_t da = i < r - ra ? 1 : a[i - (r - ra)];
      int64_t db = i < r - rb ? 1 : b[i - (r - rb)];

      if (da != db && da != 1 && db != 1)
        return 0;
      out[i] = da == 1 ? db : da;
    }
  *rank = r;
  return 1;
}

int
mlrt_shape_is_chw (const MlrtTensor *t)
{
  return t->rank == 3 || (t->rank == 4 && t->shape[0] == 1);
}

void
mlrt_shape_chw (const MlrtTensor *t, int64_t *c, int64_t *h, int64_t *w)
{
  const int64_t *s = t->shape + (t->rank == 4 ? 1 : 0);

  *c = s[0];
  *h = s[1];
  *w = s[2];
}

void
mlrt_shape_set_chw (const MlrtTensor *like, int64_t c, int64_t h, int64_t w,
                    MlrtTensor *out)
{
  int lead = like->rank == 4;

  out->rank = 3 + lead;
  out->shape[0] = 1;
  out->shape[lead] = c;
  out->shape[lead + 1] = h;
  out->shape[lead + 2] = w;
}

/* Whether dim d and d + 1 of every operand lie back to back in memory (or
 * both repeat), so the two can be walked as one. */
static int
mergeable (const MlrtBroadcast *b, int n, int d)
{
  for (int o = 0; o < n; o++)
    {
      int64_t inner = b->stride[o][d + 1], outer = b->stride[o][d];

      if (!(inner == 0 && outer == 0)
          && outer != inner * b->shape[d + 1])
        return 0;
    }
  return 1;
}

void
mlrt_broadcast_plan (MlrtBroadcast *b, int n, const int *ranks,
                     const int64_t *const *shapes, int out_rank,
                     const int64_t *out)
{
  int r = 0;

  memset (b, 0, sizeof *b);
  /* The output's dims, dims of 1 dropped (they move nothing). */
  for (int d = 0; d < out_rank; d++)
    {
      if (out[d] == 1)
        continue;
      b->shape[r] = out[d];
      for (int o = 0; o < n; o++)
        {
          int od = d - (out_rank - ranks[o]);
          int64_t stride = 1;

          if (od < 0 || shapes[o][od] == 1)
            stride = 0;
          else
            for (int e = od + 1; e < ranks[o]; e++)
              stride *= shapes[o][e];
          b->stride[o][r] = stride;
        }
      r++;
    }
  if (r == 0)
    {
      b->shape[0] = 1;
      r = 1;
    }
  b->rank = r;
  /* Merge from the innermost dim outwards. */
  for (int d = b->rank - 2; d >= 0; d--)
    if (mergeable (b, n, d))
      {
        b->shape[d] *= b->shape[d + 1];
        for (int o = 0; o < n; o++)
          b->stride[o][d] = b->stride[o][d + 1];
        for (int e = d + 1; e + 1 < b->rank; e++)
          {
            b->shape[e] = b->shape[e + 1];
            for (int o = 0; o < n; o++)
              b->stride[o][e] = b->stride[o][e + 1];
          }
        b->rank--;
      }
}
