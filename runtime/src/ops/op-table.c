/*
 * op-table.c: the built-in op table, gathered from the rows the family
 * files define (a row missing for an op of MLRT_OPS is a link error), and
 * what every row shares: lookup by name, parameter defaults and range
 * checks driven by the rows' descriptors, activation names.
 */
#include <string.h>

#include "mlrt-internal.h"

#define MLRT_OP_ROW(ID, name) [MLRT_OP_##ID] = &mlrt_op_##name,
static const MlrtOpDef *const builtin_ops[MLRT_N_OPS] = {
  MLRT_OPS (MLRT_OP_ROW)
};
#undef MLRT_OP_ROW

const MlrtOpTable mlrt_op_table = { MLRT_N_OPS, builtin_ops };

const MlrtOpDef *
mlrt_op_lookup (const MlrtOpTable *table, const char *name)
{
  for (size_t i = 0; name && i < table->n_ops; i++)
    if (strcmp (table->ops[i]->name, name) == 0)
      return table->ops[i];
  return NULL;
}

const MlrtParamDesc *
mlrt_param_find (const MlrtOpDef *op, const char *name)
{
  for (const MlrtParamDesc *d = op->params; d && d->name; d++)
    if (strcmp (d->name, name) == 0)
      return d;
  return NULL;
}

void
mlrt_params_init (const MlrtOpDef *op, MlrtParams *p)
{
  memset (p, 0, sizeof *p);
  for (const MlrtParamDesc *d = op->params; d && d->name; d++)
    switch (d->kind)
      {
      case MLRT_PARAM_INT:
      case MLRT_PARAM_CHOICE:
        *(int *) mlrt_param_at (p, d->offset) = d->def;
        break;
      case MLRT_PARAM_PAIR:
        ((int *) mlrt_param_at (p, d->offset))[0] = d->def;
        ((int *) mlrt_param_at (p, d->offset))[1] = d->def;
        break;
      case MLRT_PARAM_FLOAT:
        *(float *) mlrt_param_at (p, d->offset) = d->fdef;
        break;
      case MLRT_PARAM_DIMS:
      default:
        break;
      }
}

static int
n_choices (const MlrtParamDesc *d)
{
  int n = 0;
  while (d->choices && d->choices[n])
    n++;
  return n;
}

static MlrtStatus
check_int (MlrtShapeCtx *c, const MlrtParamDesc *d, int64_t v, int64_t max)
{
  if (v < d->min || v > max)
    return mlrt_shape_fail (c, "param '%s' is %lld, must be %d to %lld",
                            d->name, (long long) v, d->min, (long long) max);
  return MLRT_OK;
}

static MlrtStatus
check_param (MlrtShapeCtx *c, const MlrtParamDesc *d)
{
  const MlrtParams *p = &c->layer->p;
  const void *v = mlrt_param_get (p, d->offset);
  MlrtStatus st = MLRT_OK;

  if ((d->flags & MLRT_PARAM_MAY_BE_ABSENT)
      && !*(const int *) mlrt_param_get (p, d->given))
    return MLRT_OK;
  switch (d->kind)
    {
    case MLRT_PARAM_INT:
      return check_int (c, d, *(const int *) v, MLRT_PARAM_INT_MAX);
    case MLRT_PARAM_PAIR:
      for (int i = 0; st == MLRT_OK && i < 2; i++)
        st = check_int (c, d, ((const int *) v)[i], MLRT_PARAM_PAIR_MAX);
      return st;
    case MLRT_PARAM_FLOAT:
      if ((d->flags & MLRT_PARAM_NONNEGATIVE) && !(*(const float *) v >= 0))
        return mlrt_shape_fail (c, "param '%s' must not be negative",
                                d->name);
      return MLRT_OK;
    case MLRT_PARAM_CHOICE:
      return check_int (c, d, *(const int *) v, n_choices (d) - 1);
    case MLRT_PARAM_DIMS:
      {
        int n = *(const int *) mlrt_param_get (p, d->count);
        if (n < 1 || n > MLRT_MAX_RANK)
          return mlrt_shape_fail (c, "param '%s' must have 1 to %d values",
                                  d->name, MLRT_MAX_RANK);
        for (int i = 0; st == MLRT_OK && i < n; i++)
          st = check_int (c, d, ((const int64_t *) v)[i], MLRT_MAX_DIM);
        return st;
      }
    default:
      return mlrt_shape_fail (c, "param '%s' is of an unknown kind", d->name);
    }
}

MlrtStatus
mlrt_params_check (MlrtShapeCtx *c)
{
  for (const MlrtParamDesc *d = c->layer->op->params; d && d->name; d++)
    {
      MlrtStatus st = check_param (c, d);
      if (st != MLRT_OK)
        return st;
    }
  return MLRT_OK;
}

static const char *const act_names[] = {
  [MLRT_ACT_NONE] = "none",
  [MLRT_ACT_RELU] = "relu",
  [MLRT_ACT_LEAKY_RELU] = "leaky_relu",
  [MLRT_ACT_SIGMOID] = "sigmoid",
  [MLRT_ACT_TANH] = "tanh",
  [MLRT_ACT_GELU] = "gelu",
  [MLRT_ACT_HARD_SWISH] = "hard_swish",
  [MLRT_ACT_RELU6] = "relu6",
};

const char *
mlrt_activation_name (MlrtActivation act)
{
  if ((unsigned) act >= sizeof act_names / sizeof act_names[0])
    return "invalid";
  return act_names[act];
}

int
mlrt_activation_from_name (const char *name, MlrtActivation *act)
{
  for (size_t i = 0; i < sizeof act_names / sizeof act_names[0]; i++)
    if (strcmp (name, act_names[i]) == 0)
      {
        *act = (MlrtActivation) i;
        return 1;
      }
  return 0;
}
