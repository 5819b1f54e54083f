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

/* [C, H, W] of tensor t: c, h, w (h = w = 1 for vectors). */
static inline void
mlrt_layer_chw (const MlrtSpec *s, int t, int *c, int *h, int *w)
{
  const MlrtTensor *x = &s->tensors[t];

  *c = x->rank >= 1 ? (int) x->shape[0] : 1;
  *h = x->rank == 3 ? (int) x->shape[1] : 1;
  *w = x->rank == 3 ? (int) x->shape[2] : 1;
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

/* Whether tensor t is read by a layer of the segment [first, last] but
 * produced before it (a model input or an earlier segment's output). */
static inline int
mlrt_layer_is_segment_input (const MlrtSpec *s, int t, int first)
{
  return s->tensors[t].producer < first;
}

#endif /* MLRT_LAYER_PARAMS_H */
