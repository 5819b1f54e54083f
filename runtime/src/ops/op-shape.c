/*
 * op-shape.c: what the ops' shape and cost rules share: failing with the
 * file and layer named, checking a weight's shape, the extent of a sliding
 * window, and the element-wise rules several rows use as they are.
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
