/*
 * layer-params.h: a layer of the runtime's spec (mlrt-internal.h) turned
 * into the kernels' parameter blocks (ops/ops.h), for the compute units
 * that all speak those blocks (cpu/, gpu/, npu/).
 * Inline so each unit stays one translation unit away from the others.
 */
#ifndef MLRT_LAYER_PARAMS_H
#define MLRT_LAYER_PARAMS_H

#include <string.h>

#include "mlrt-internal.h"

/* [C, H, W] (or [1, C, H, W]) of tensor t: c, h, w (h = w = 1 for
 * vectors). */
static inline void
mlrt_layer_chw (const MlrtSpec *s, int t, int *c, int *h, int *w)
{
  const MlrtTensor *x = &s->tensors[t];
  int64_t c64, h64, w64;

  if (mlrt_shape_is_chw (x))
    {
      mlrt_shape_chw (x, &c64, &h64, &w64);
      *c = (int) c64;
      *h = (int) h64;
      *w = (int) w64;
      return;
    }
  *c = x->rank >= 1 ? (int) x->shape[0] : 1;
  *h = 1;
  *w = 1;
}

static inline void
mlrt_layer_conv_params (const MlrtSpec *s, const MlrtLayer *l,
                        MlrtConvParams *p)
{
  memset (p, 0, sizeof *p);
  mlrt_layer_chw (s, l->inputs[0], &p->in_c, &p->in_h, &p->in_w);
  mlrt_layer_chw (s, l->output, &p->out_c, &p->out_h, &p->out_w);
  p->kh = l->p.kernel[0];
  p->kw = l->p.kernel[1];
  p->sh = l->p.stride[0];
  p->sw = l->p.stride[1];
  p->ph = l->p.padding[0];
  p->pw = l->p.padding[1];
  p->dh = l->p.dilation[0];
  p->dw = l->p.dilation[1];
  p->groups = l->p.groups;
  p->act = l->act;
  p->alpha = l->act_alpha;
  const MlrtWeight *scale = mlrt_layer_weight (l, "out_scale");
  const MlrtWeight *shift = mlrt_layer_weight (l, "out_bias");
  if ((scale && scale->data) || (shift && shift->data))
    {
      p->has_out_affine = 1;
      p->out_scale = scale && scale->data ? scale->data[0] : 1.0f;
      p->out_shift = shift && shift->data ? shift->data[0] : 0.0f;
    }
}

static inline void
mlrt_layer_conv_t_params (const MlrtSpec *s, const MlrtLayer *l,
                          MlrtConvTransposeParams *p)
{
  memset (p, 0, sizeof *p);
  mlrt_layer_chw (s, l->inputs[0], &p->in_c, &p->in_h, &p->in_w);
  mlrt_layer_chw (s, l->output, &p->out_c, &p->out_h, &p->out_w);
  p->kh = l->p.kernel[0];
  p->kw = l->p.kernel[1];
  p->sh = l->p.stride[0];
  p->sw = l->p.stride[1];
  p->ph = l->p.padding[0];
  p->pw = l->p.padding[1];
  p->act = l->act;
  p->alpha = l->act_alpha;
}

static inline void
mlrt_layer_pool_params (const MlrtSpec *s, const MlrtLayer *l,
                        MlrtPoolParams *p)
{
  int oc;

  memset (p, 0, sizeof *p);
  mlrt_layer_chw (s, l->inputs[0], &p->c, &p->in_h, &p->in_w);
  mlrt_layer_chw (s, l->output, &oc, &p->out_h, &p->out_w);
  p->kh = l->p.kernel[0];
  p->kw = l->p.kernel[1];
  p->sh = l->p.stride[0];
  p->sw = l->p.stride[1];
  p->ph = l->p.padding[0];
  p->pw = l->p.padding[1];
  p->kind = mlrt_op_is (l->op, MLRT_OP_MAX_POOL) ? MLRT_POOL_MAX
                                                 : MLRT_POOL_AVG;
  p->count_pad = l->p.count_pad != 0;
}

/* The activation a standalone activation layer applies, and its alpha. */
static inline MlrtActivation
mlrt_layer_activation (const MlrtLayer *l, float *alpha)
{
  *alpha = l->p.alpha;
  return l->op->activation;
}

/* The reduction a global pooling layer applies. */
static inline MlrtPoolKind
mlrt_layer_global_pool (const MlrtLayer *l)
{
  return mlrt_op_is (l->op, MLRT_OP_GLOBAL_MAX_POOL) ? MLRT_POOL_MAX
                                                     : MLRT_POOL_AVG;
}

/* A binary op's broadcast: operand 0 the first input, 1 the second. */
static inline void
mlrt_layer_binary (const MlrtSpec *s, const MlrtLayer *l, MlrtBroadcast *b)
{
  const MlrtTensor *a = &s->tensors[l->inputs[0]];
  const MlrtTensor *c = &s->tensors[l->inputs[1]];
  const MlrtTensor *o = &s->tensors[l->output];
  int ranks[2] = { a->rank, c->rank };
  const int64_t *shapes[2] = { a->shape, c->shape };

  mlrt_broadcast_plan (b, 2, ranks, shapes, o->rank, o->shape);
}

/* A scale layer's broadcast: operand 0 the input, 1 the scale, 2 the
 * bias (a missing weight is a scalar, which the kernels skip). */
static inline void
mlrt_layer_scale (const MlrtSpec *s, const MlrtLayer *l, MlrtBroadcast *b)
{
  const MlrtTensor *x = &s->tensors[l->inputs[0]];
  const MlrtTensor *o = &s->tensors[l->output];
  const MlrtWeight *sc = mlrt_layer_weight (l, "scale");
  const MlrtWeight *bi = mlrt_layer_weight (l, "bias");
  static const int64_t one[1] = { 1 };
  int ranks[3] = { x->rank, sc ? sc->rank : 1, bi ? bi->rank : 1 };
  const int64_t *shapes[3] = { x->shape, sc ? sc->shape : one,
                               bi ? bi->shape : one };

  mlrt_broadcast_plan (b, 3, ranks, shapes, o->rank, o->shape);
}

/* Row-major strides of a shape. */
static inline void
mlrt_layer_strides (int rank, const int64_t *shape, int64_t *strides)
{
  int64_t n = 1;

  for (int d = rank - 1; d >= 0; d--)
    {
      strides[d] = n;
      n *= shape[d];
    }
}

/* Drops the dims of 1 of a gather (they move nothing) and merges dims
 * walked back to back; leaves at least one dim. */
static inline void
mlrt_gather_simplify (MlrtGather *g)
{
  int r = 0;

  for (int d = 0; d < g->rank; d++)
    if (g->shape[d] != 1)
      {
        g->shape[r] = g->shape[d];
        g->stride[r++] = g->stride[d];
      }
  if (r == 0)
    {
      g->shape[0] = 1;
      g->stride[0] = 1;
      r = 1;
    }
  g->rank = r;
  for (int d = g->rank - 2; d >= 0; d--)
    if (g->stride[d] == g->stride[d + 1] * g->shape[d + 1])
      {
        g->shape[d] *= g->shape[d + 1];
        g->stride[d] = g->stride[d + 1];
        for (int e = d + 1; e + 1 < g->rank; e++)
          {
            g->shape[e] = g->shape[e + 1];
            g->stride[e] = g->stride[e + 1];
          }
        g->rank--;
      }
}

/* A transpose or slice layer as the gather it is. */
static inline void
mlrt_layer_gather (const MlrtSpec *s, const MlrtLayer *l, MlrtGather *g)
{
  const MlrtTensor *x = &s->tensors[l->inputs[0]];
  int64_t in_stride[MLRT_MAX_RANK];

  memset (g, 0, sizeof *g);
  mlrt_layer_strides (x->rank, x->shape, in_stride);
  g->rank = x->rank;
  for (int d = 0; d < x->rank; d++)
    if (mlrt_op_is (l->op, MLRT_OP_TRANSPOSE))
      {
        g->shape[d] = x->shape[l->p.perm[d]];
        g->stride[d] = in_stride[l->p.perm[d]];
      }
    else
      {
        g->shape[d] = l->p.shape[d];
        g->stride[d] = in_stride[d] * l->p.steps[d];
        g->offset += in_stride[d] * l->p.starts[d];
      }
  mlrt_gather_simplify (g);
}

/* A reduction layer's plan. */
static inline void
mlrt_layer_reduce (const MlrtSpec *s, const MlrtLayer *l, MlrtReduce *r)
{
  const MlrtTensor *x = &s->tensors[l->inputs[0]];
  int64_t stride[MLRT_MAX_RANK];
  int reduced = 0;
  MlrtGather kept = { 0 }, red = { 0 };

  memset (r, 0, sizeof *r);
  r->op = (MlrtReduceOp) l->op->function;
  for (int i = 0; i < l->p.axes_rank; i++)
    reduced |= 1 << l->p.axes[i];
  mlrt_layer_strides (x->rank, x->shape, stride);
  for (int d = 0; d < x->rank; d++)
    {
      MlrtGather *g = (reduced & (1 << d)) ? &red : &kept;
      g->shape[g->rank] = x->shape[d];
      g->stride[g->rank++] = stride[d];
    }
  mlrt_gather_simplify (&kept);
  mlrt_gather_simplify (&red);
  r->kept_rank = kept.rank;
  r->red_rank = red.rank;
  memcpy (r->kept, kept.shape, sizeof r->kept);
  memcpy (r->kept_stride, kept.stride, sizeof r->kept_stride);
  memcpy (r->red, red.shape, sizeof r->red);
  memcpy (r->red_stride, red.stride, sizeof r->red_stride);
}

/* A matmul layer's plan (by a weight when it has one). */
static inline void
mlrt_layer_matmul (const MlrtSpec *s, const MlrtLayer *l, MlrtMatmul *m)
{
  const MlrtTensor *a = &s->tensors[l->inputs[0]];
  const MlrtWeight *w = mlrt_layer_weight (l, "weight");
  int rb = w ? w->rank : s->tensors[l->inputs[1]].rank;
  const int64_t *b = w ? w->shape : s->tensors[l->inputs[1]].shape;
  int64_t batch[MLRT_MAX_RANK];
  int ranks[2], rank = 0;
  const int64_t *shapes[2] = { a->shape, b };

  m->k = a->shape[a->rank - 1];
  m->m = a->rank > 1 ? a->shape[a->rank - 2] : 1;
  m->n = rb > 1 ? b[rb - 1] : 1;
  ranks[0] = a->rank > 2 ? a->rank - 2 : 0;
  ranks[1] = rb > 2 ? rb - 2 : 0;
  mlrt_shape_broadcast (ranks[0], a->shape, ranks[1], b, &rank, batch);
  if (w)
    {
      /* The input's rows all meet the one weight. */
      m->m = (int64_t) mlrt_tensor_count (a) / m->k;
      ranks[0] = 0;
      rank = 0;
    }
  mlrt_broadcast_plan (&m->batch, 2, ranks, shapes, rank, batch);
}

/* A softmax layer's axis as [outer, n, inner]. */
static inline void
mlrt_layer_softmax (const MlrtSpec *s, const MlrtLayer *l, size_t *outer,
                    size_t *n, size_t *inner)
{
  const MlrtTensor *x = &s->tensors[l->inputs[0]];
  int axis = l->p.has_axis ? l->p.axis : x->rank - 1;

  if (axis < 0)
    axis += x->rank;
  *outer = *inner = 1;
  for (int d = 0; d < x->rank; d++)
    if (d < axis)
      *outer *= (size_t) x->shape[d];
    else if (d > axis)
      *inner *= (size_t) x->shape[d];
  *n = (size_t) x->shape[axis];
}

/* Whether tensor t is read by a layer of the segment [first, last] but
 * produced before it (a model input or an earlier segment's output). */
static inline int
mlrt_layer_is_segment_input (const MlrtSpec *s, int t, int first)
{
  return s->tensors[t].producer < first;
}

#endif /* MLRT_LAYER_PARAMS_H */
