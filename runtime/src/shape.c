/*
 * shape.c: resolves a spec's tensor names and infers every tensor's shape,
 * layer by layer, checking that shapes chain, that params make sense for the
 * input and that each weight has the shape its op needs. Every message
 * names the file and the layer. Also the per-layer cost the planner uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"

typedef struct {
  const char *origin;
  const MlrtLayer *l;
  MlrtError *error;
} Ctx;

static MlrtStatus
fail (Ctx *c, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

static MlrtStatus
fail (Ctx *c, const char *format, ...)
{
  MlrtStatus st;
  va_list ap;

  va_start (ap, format);
  st = mlrt_set_format_error (c->error, c->origin, c->l ? c->l->name : NULL,
                              c->l ? mlrt_op_name (c->l->op) : NULL, format,
                              ap);
  va_end (ap);
  return st;
}

#define TRY(x) do { MlrtStatus st_ = (x); if (st_ != MLRT_OK) return st_; } while (0)

size_t
mlrt_tensor_count (const MlrtTensor *t)
{
  size_t n = 1;
  for (int i = 0; i < t->rank; i++)
    n *= (size_t) t->shape[i];
  return n;
}

int
mlrt_shape_fits (int rank, const int64_t *shape)
{
  int64_t n = 1;
  for (int i = 0; i < rank; i++)
    {
      if (shape[i] < 1 || shape[i] > MLRT_MAX_ELEMENTS)
        return 0;
      n *= shape[i];
      if (n > MLRT_MAX_ELEMENTS)
        return 0;
    }
  return 1;
}

static void
shape_str (int rank, const int64_t *shape, char *buf, size_t len)
{
  size_t at = 0;
  at += (size_t) snprintf (buf, len, "[");
  for (int i = 0; i < rank && at < len; i++)
    at += (size_t) snprintf (buf + at, len - at, "%s%lld", i ? ", " : "",
                             (long long) shape[i]);
  if (at < len)
    snprintf (buf + at, len - at, "]");
}

void
mlrt_feature_tensor_shape (const MlrtFeatureDescription *d, int *rank,
                           int64_t *shape)
{
  if (d->type == MLRT_TYPE_GRAY8 || d->type == MLRT_TYPE_GRAY16_HALF
      || d->type == MLRT_TYPE_BGRA8)
    {
      *rank = 3;
      shape[0] = d->type == MLRT_TYPE_BGRA8 ? 3 : 1;
      shape[1] = d->shape[0];
      shape[2] = d->shape[1];
      return;
    }
  *rank = d->rank;
  memcpy (shape, d->shape, sizeof d->shape);
}

/* Checks a weight's presence and shape; dims < 0 are not checked. */
static MlrtStatus
want_weight (Ctx *c, const char *name, int required, int rank, int64_t d0,
             int64_t d1, int64_t d2, int64_t d3)
{
  const MlrtWeight *w = mlrt_layer_weight (c->l, name);
  int64_t want[4] = { d0, d1, d2, d3 };
  char got[96], exp[96];

  if (w == NULL)
    return required ? fail (c, "missing weight '%s'", name) : MLRT_OK;
  for (int i = 0; i < rank; i++)
    if (want[i] < 0)
      want[i] = w->shape[i];
  if (w->rank != rank || memcmp (w->shape, want, rank * sizeof (int64_t)))
    {
      shape_str (w->rank, w->shape, got, sizeof got);
      shape_str (rank, want, exp, sizeof exp);
      return fail (c, "weight '%s' has shape %s, expected %s", name, got, exp);
    }
  return MLRT_OK;
}

static MlrtStatus
only_weights (Ctx *c, const char *const *allowed)
{
  for (int i = 0; i < c->l->n_weights; i++)
    {
      int ok = 0;
      for (int j = 0; allowed[j]; j++)
        ok |= strcmp (c->l->weights[i].name, allowed[j]) == 0;
      if (!ok)
        return fail (c, "unexpected weight '%s'", c->l->weights[i].name);
    }
  return MLRT_OK;
}

static int
conv_out (int64_t in, int k, int s, int p, int d)
{
  int64_t span = (int64_t) d * (k - 1) + 1;
  if (in + 2 * p < span)
    return 0;
  return (int) ((in + 2 * p - span) / s + 1);
}

static MlrtStatus
infer_conv (Ctx *c, const MlrtTensor *in, MlrtTensor *out)
{
  const MlrtParams *p = &c->l->p;
  int64_t ci = in->shape[0];
  static const char *const allowed[] = { "weight", "bias", "bn_mean",
    "bn_variance", "bn_gamma", "bn_beta", NULL };

  if (ci % p->groups || p->out_channels % p->groups)
    return fail (c, "groups %d must divide the %lld input and %d output "
                 "channels", p->groups, (long long) ci, p->out_channels);
  TRY (only_weights (c, allowed));
  TRY (want_weight (c, "weight", 1, 4, p->out_channels, ci / p->groups,
                    p->kernel[0], p->kernel[1]));
  TRY (want_weight (c, "bias", 0, 1, p->out_channels, 0, 0, 0));
  if (c->l->fold_bn)
    {
      static const char *const bn[] = { "bn_mean", "bn_variance", "bn_gamma",
        "bn_beta" };
      for (int i = 0; i < 4; i++)
        TRY (want_weight (c, bn[i], 1, 1, p->out_channels, 0, 0, 0));
    }
  out->rank = 3;
  out->shape[0] = p->out_channels;
  out->shape[1] = conv_out (in->shape[1], p->kernel[0], p->stride[0],
                            p->padding[0], p->dilation[0]);
  out->shape[2] = conv_out (in->shape[2], p->kernel[1], p->stride[1],
                            p->padding[1], p->dilation[1]);
  return MLRT_OK;
}

static MlrtStatus
infer_conv_transpose (Ctx *c, const MlrtTensor *in, MlrtTensor *out)
{
  const MlrtParams *p = &c->l->p;
  static const char *const allowed[] = { "weight", "bias", NULL };

  TRY (only_weights (c, allowed));
  TRY (want_weight (c, "weight", 1, 4, in->shape[0], p->out_channels,
                    p->kernel[0], p->kernel[1]));
  TRY (want_weight (c, "bias", 0, 1, p->out_channels, 0, 0, 0));
  out->rank = 3;
  out->shape[0] = p->out_channels;
  for (int a = 0; a < 2; a++)
    {
      out->shape[1 + a] = (in->shape[1 + a] - 1) * p->stride[a]
                          - 2 * p->padding[a] + p->kernel[a]
                          + p->output_padding[a];
      if (p->output_padding[a] >= p->stride[a])
        return fail (c, "output_padding must be smaller than the stride");
    }
  return MLRT_OK;
}

static MlrtStatus
infer_norm (Ctx *c, const MlrtTensor *in, MlrtTensor *out)
{
  static const char *const bn[] = { "mean", "variance", "gamma", "beta",
    NULL };
  static const char *const inorm[] = { "gamma", "beta", NULL };
  const char *const *names = c->l->op == MLRT_OP_BATCH_NORM ? bn : inorm;

  TRY (only_weights (c, names));
  for (int i = 0; names[i]; i++)
    TRY (want_weight (c, names[i], 1, 1, in->shape[0], 0, 0, 0));
  *out = *in;
  return MLRT_OK;
}

static MlrtStatus
infer_pool (Ctx *c, const MlrtTensor *in, MlrtTensor *out)
{
  const MlrtParams *p = &c->l->p;

  for (int a = 0; a < 2; a++)
    if (p->padding[a] >= p->kernel[a])
      return fail (c, "padding must be smaller than the kernel");
  out->rank = 3;
  out->shape[0] = in->shape[0];
  out->shape[1] = conv_out (in->shape[1], p->kernel[0], p->stride[0],
                            p->padding[0], 1);
  out->shape[2] = conv_out (in->shape[2], p->kernel[1], p->stride[1],
                            p->padding[1], 1);
  return MLRT_OK;
}

static MlrtStatus
infer_concat (Ctx *c, const MlrtSpec *spec, MlrtTensor *out)
{
  const MlrtLayer *l = c->l;
  const MlrtTensor *first = &spec->tensors[l->inputs[0]];

  if (l->p.axis != 0)
    return fail (c, "only axis 0 (channels) is supported, not %d", l->p.axis);
  *out = *first;
  out->name = NULL;
  out->shape[0] = 0;
  for (int i = 0; i < l->n_inputs; i++)
    {
      const MlrtTensor *t = &spec->tensors[l->inputs[i]];
      if (t->rank != 3 || t->shape[1] != first->shape[1]
          || t->shape[2] != first->shape[2])
        return fail (c, "input '%s' does not match the others' height and "
                     "width", t->name);
      out->shape[0] += t->shape[0];
    }
  return MLRT_OK;
}

static MlrtStatus
infer_reshape (Ctx *c, const MlrtTensor *in, MlrtTensor *out)
{
  const MlrtParams *p = &c->l->p;
  size_t known = 1, total = mlrt_tensor_count (in);
  int wild = -1;

  out->rank = p->shape_rank;
  for (int i = 0; i < p->shape_rank; i++)
    {
      if (p->shape[i] == -1)
        {
          if (wild >= 0)
            return fail (c, "param 'shape' has more than one -1");
          wild = i;
          continue;
        }
      if (p->shape[i] == 0)
        return fail (c, "param 'shape' has a zero dimension");
      known *= (size_t) p->shape[i];
      out->shape[i] = p->shape[i];
    }
  if (wild >= 0 && known && total % known == 0)
    out->shape[wild] = (int64_t) (total / known);
  if (mlrt_tensor_count (out) != total || (wild >= 0 && total % known))
    return fail (c, "cannot reshape %zu values to param 'shape'", total);
  return MLRT_OK;
}

static MlrtStatus
infer_layer (Ctx *c, MlrtSpec *spec, MlrtTensor *out)
{
  const MlrtLayer *l = c->l;
  const MlrtTensor *in = &spec->tensors[l->inputs[0]];
  int want_inputs = 1;

  if (l->op == MLRT_OP_ADD || l->op == MLRT_OP_MUL)
    want_inputs = 2;
  else if (l->op == MLRT_OP_CONCAT)
    want_inputs = l->n_inputs;
  if (l->n_inputs != want_inputs)
    return fail (c, "takes %d input%s, not %d", want_inputs,
                 want_inputs > 1 ? "s" : "", l->n_inputs);
  switch (l->op)
    {
    case MLRT_OP_CONV2D: case MLRT_OP_CONV_TRANSPOSE2D: case MLRT_OP_UPSAMPLE:
    case MLRT_OP_BATCH_NORM: case MLRT_OP_INSTANCE_NORM:
    case MLRT_OP_MAX_POOL: case MLRT_OP_AVG_POOL:
    case MLRT_OP_GLOBAL_AVG_POOL: case MLRT_OP_GLOBAL_MAX_POOL:
      if (in->rank != 3)
        return fail (c, "input '%s' has rank %d, expected a [C, H, W] "
                     "tensor", in->name, in->rank);
      break;
    default:
      break;
    }
  if (l->op != MLRT_OP_CONV2D && l->op != MLRT_OP_CONV_TRANSPOSE2D
      && l->op != MLRT_OP_BATCH_NORM && l->op != MLRT_OP_INSTANCE_NORM
      && l->op != MLRT_OP_INNER_PRODUCT && l->n_weights > 0)
    return fail (c, "takes no weights");
  switch (l->op)
    {
    case MLRT_OP_CONV2D:
      TRY (infer_conv (c, in, out));
      break;
    case MLRT_OP_CONV_TRANSPOSE2D:
      TRY (infer_conv_transpose (c, in, out));
      break;
    case MLRT_OP_UPSAMPLE:
      *out = *in;
      out->shape[1] *= l->p.scale[0];
      out->shape[2] *= l->p.scale[1];
      break;
    case MLRT_OP_BATCH_NORM:
    case MLRT_OP_INSTANCE_NORM:
      TRY (infer_norm (c, in, out));
      break;
    case MLRT_OP_ADD:
    case MLRT_OP_MUL:
      {
        const MlrtTensor *b = &spec->tensors[l->inputs[1]];
        char sa[96], sb[96];
        if (b->rank != in->rank
            || memcmp (b->shape, in->shape, in->rank * sizeof (int64_t)))
          {
            shape_str (in->rank, in->shape, sa, sizeof sa);
            shape_str (b->rank, b->shape, sb, sizeof sb);
            return fail (c, "inputs '%s' %s and '%s' %s differ in shape",
                         in->name, sa, b->name, sb);
          }
        *out = *in;
        break;
      }
    case MLRT_OP_CONCAT:
      TRY (infer_concat (c, spec, out));
      break;
    case MLRT_OP_MAX_POOL:
    case MLRT_OP_AVG_POOL:
      TRY (infer_pool (c, in, out));
      break;
    case MLRT_OP_GLOBAL_AVG_POOL:
    case MLRT_OP_GLOBAL_MAX_POOL:
      out->rank = 1;
      out->shape[0] = in->shape[0];
      break;
    case MLRT_OP_INNER_PRODUCT:
      {
        static const char *const allowed[] = { "weight", "bias", NULL };
        TRY (only_weights (c, allowed));
        TRY (want_weight (c, "weight", 1, 2, l->p.out_features,
                          (int64_t) mlrt_tensor_count (in), 0, 0));
        TRY (want_weight (c, "bias", 0, 1, l->p.out_features, 0, 0, 0));
        out->rank = 1;
        out->shape[0] = l->p.out_features;
        break;
      }
    case MLRT_OP_SOFTMAX:
      if (l->p.has_axis && l->p.axis != -1 && l->p.axis != in->rank - 1)
        return fail (c, "only the last axis is supported, not %d", l->p.axis);
      *out = *in;
      break;
    case MLRT_OP_RESHAPE:
      TRY (infer_reshape (c, in, out));
      break;
    case MLRT_OP_FLATTEN:
      out->rank = 1;
      out->shape[0] = (int64_t) mlrt_tensor_count (in);
      break;
    default:                    /* element-wise activations */
      *out = *in;
      break;
    }
  for (int i = 0; i < out->rank; i++)
    if (out->shape[i] < 1)
      return fail (c, "the output '%s' would be empty (input too small for "
                   "the kernel?)", l->output_name);
  if (!mlrt_shape_fits (out->rank, out->shape))
    return fail (c, "the output '%s' would have more than %d values",
                 l->output_name, MLRT_MAX_ELEMENTS);
  return MLRT_OK;
}

static int
find_tensor (const MlrtSpec *spec, const char *name)
{
  for (size_t i = 0; i < spec->n_tensors; i++)
    if (strcmp (spec->tensors[i].name, name) == 0)
      return (int) i;
  return -1;
}

static MlrtStatus
check_output (Ctx *c, MlrtSpec *spec, MlrtFeature *f)
{
  MlrtTensor want = { 0 };
  const MlrtTensor *t;
  char sa[96], sb[96];

  f->tensor = find_tensor (spec, f->d.name);
  if (f->tensor < 0)
    return fail (c, "output '%s' names no tensor of the network", f->d.name);
  t = &spec->tensors[f->tensor];
  mlrt_feature_tensor_shape (&f->d, &want.rank, want.shape);
  if (t->rank != want.rank
      || memcmp (t->shape, want.shape, t->rank * sizeof (int64_t)))
    {
      shape_str (t->rank, t->shape, sa, sizeof sa);
      shape_str (want.rank, want.shape, sb, sizeof sb);
      return fail (c, "output '%s' is declared %s (tensor %s) but the "
                   "network makes %s", f->d.name,
                   mlrt_feature_type_name (f->d.type), sb, sa);
    }
  spec->tensors[f->tensor].is_output = 1;
  return MLRT_OK;
}

MlrtStatus
mlrt_spec_infer (MlrtSpec *spec, const char *origin, MlrtError *error)
{
  Ctx c = { origin, NULL, error };
  size_t cap = spec->n_inputs + spec->n_layers;

  for (size_t i = 0; spec->tensors && i < spec->n_tensors; i++)
    free (spec->tensors[i].name);
  free (spec->tensors);
  spec->n_tensors = 0;
  spec->tensors = calloc (cap, sizeof (MlrtTensor));
  if (spec->tensors == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < spec->n_inputs; i++)
    {
      MlrtTensor *t = &spec->tensors[spec->n_tensors];
      if (find_tensor (spec, spec->inputs[i].d.name) >= 0)
        return fail (&c, "input '%s' is declared twice",
                     spec->inputs[i].d.name);
      mlrt_feature_tensor_shape (&spec->inputs[i].d, &t->rank, t->shape);
      if (!mlrt_shape_fits (t->rank, t->shape))
        return fail (&c, "input '%s' has more than %d values",
                     spec->inputs[i].d.name, MLRT_MAX_ELEMENTS);
      t->name = strdup (spec->inputs[i].d.name);
      t->producer = -1;
      t->last_consumer = -1;
      spec->inputs[i].tensor = (int) spec->n_tensors++;
    }
  for (size_t li = 0; li < spec->n_layers; li++)
    {
      MlrtLayer *l = &spec->layers[li];
      MlrtTensor out = { 0 };

      c.l = l;
      for (int j = 0; j < l->n_inputs; j++)
        {
          l->inputs[j] = find_tensor (spec, l->input_names[j]);
          if (l->inputs[j] < 0)
            return fail (&c, "input '%s' is not a model input or an earlier "
                         "layer's output", l->input_names[j]);
          spec->tensors[l->inputs[j]].last_consumer = (int) li;
        }
      if (find_tensor (spec, l->output_name) >= 0)
        return fail (&c, "output '%s' is already defined earlier",
                     l->output_name);
      TRY (infer_layer (&c, spec, &out));
      out.name = strdup (l->output_name);
      out.producer = (int) li;
      out.last_consumer = -1;
      out.is_output = 0;
      l->output = (int) spec->n_tensors;
      spec->tensors[spec->n_tensors++] = out;
    }
  c.l = NULL;
  for (size_t i = 0; i < spec->n_outputs; i++)
    TRY (check_output (&c, spec, &spec->outputs[i]));
  return MLRT_OK;
}

int
mlrt_tensor_needed_outside (const MlrtSpec *spec, int t, int first, int last)
{
  const MlrtTensor *tensor = &spec->tensors[t];

  if (tensor->is_output || tensor->last_consumer > last)
    return 1;
  /* A tensor made before the segment is read inside it: an input. */
  return tensor->producer < first;
}

double
mlrt_layer_flops (const MlrtSpec *spec, const MlrtLayer *l)
{
  const MlrtTensor *in = &spec->tensors[l->inputs[0]];
  const MlrtTensor *out = &spec->tensors[l->output];
  double n_out = (double) mlrt_tensor_count (out);

  switch (l->op)
    {
    case MLRT_OP_CONV2D:
      return n_out * (double) (in->shape[0] / l->p.groups)
             * l->p.kernel[0] * l->p.kernel[1];
    case MLRT_OP_CONV_TRANSPOSE2D:
      return (double) mlrt_tensor_count (in) * (double) l->p.out_channels
             * l->p.kernel[0] * l->p.kernel[1];
    case MLRT_OP_INNER_PRODUCT:
      return n_out * (double) mlrt_tensor_count (in);
    case MLRT_OP_MAX_POOL:
    case MLRT_OP_AVG_POOL:
      return n_out * l->p.kernel[0] * l->p.kernel[1];
    case MLRT_OP_GLOBAL_AVG_POOL:
    case MLRT_OP_GLOBAL_MAX_POOL:
      return (double) mlrt_tensor_count (in);
    default:
      return n_out;
    }
}
