/*
 * plan.c: the placement planner. For every layer it asks each compute unit
 * whether it supports the layer (and why not) and what it would cost, picks
 * the cheapest unit the configuration allows (the CPU supports every op, so
 * there is always one), groups consecutive layers on the same unit into
 * segments, and lets each unit prepare its segments.
 *
 * The units plug in through MlrtUnitOps (mlrt-internal.h). The GPU and NPU
 * units' tables are weak references: when their sources are not built into
 * the library they are NULL, and those units are reported as unavailable.
 */
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"

extern const MlrtUnitOps mlrt_gpu_unit_ops __attribute__ ((weak));
extern const MlrtUnitOps mlrt_npu_unit_ops __attribute__ ((weak));

const MlrtUnitOps *
mlrt_unit_ops (MlrtUnit unit)
{
  switch (unit)
    {
    case MLRT_UNIT_CPU: return &mlrt_cpu_unit_ops;
    case MLRT_UNIT_GPU: return &mlrt_gpu_unit_ops;
    case MLRT_UNIT_NPU: return &mlrt_npu_unit_ops;
    }
  return NULL;
}

int
mlrt_unit_available (MlrtUnit unit)
{
  const MlrtUnitOps *ops = mlrt_unit_ops (unit);
  return ops != NULL && (ops->available == NULL || ops->available ());
}

static int
allowed (MlrtComputeUnits units, MlrtUnit unit)
{
  switch (unit)
    {
    case MLRT_UNIT_CPU:
      return 1;
    case MLRT_UNIT_GPU:
      return units == MLRT_COMPUTE_CPU_AND_GPU || units == MLRT_COMPUTE_ALL;
    case MLRT_UNIT_NPU:
      return units == MLRT_COMPUTE_CPU_AND_NPU || units == MLRT_COMPUTE_ALL;
    }
  return 0;
}

/* Fills one layer's plan entry and returns the chosen unit, or -1. */
static int
plan_layer (MlrtModel *m, const MlrtLayer *l, MlrtLayerPlan *p)
{
  int best = -1;

  p->name = l->name;
  p->op = mlrt_op_name (l->op);
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      const MlrtUnitOps *ops = mlrt_unit_ops ((MlrtUnit) u);
      const char *reason = NULL;

      if (ops == NULL)
        reason = "unit not built into this mlrt";
      else if (!mlrt_unit_available ((MlrtUnit) u))
        reason = "no such device on this machine";
      else if (ops->supports (m, l, &reason))
        {
          p->supported[u] = 1;
          p->estimated_cost_us[u] = ops->estimate_us (m, l);
          if (allowed (m->compute_units, (MlrtUnit) u)
              && (best < 0
                  || p->estimated_cost_us[u] < p->estimated_cost_us[best]))
            best = u;
          continue;
        }
      p->unsupported_reason[u] = reason ? reason : "not supported";
    }
  return best;
}

MlrtStatus
mlrt_plan_build (MlrtModel *m, MlrtError *error)
{
  size_t n = m->spec.n_layers;

  m->plan = calloc (n, sizeof (MlrtLayerPlan));
  m->segments = calloc (n, sizeof (MlrtSegment));
  if (m->plan == NULL || m->segments == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < n; i++)
    {
      int unit = plan_layer (m, &m->spec.layers[i], &m->plan[i]);
      if (unit < 0)
        return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                               "%s: layer '%s' (%s): no allowed compute unit "
                               "supports it (cpu: %s)", m->name,
                               m->plan[i].name, m->plan[i].op,
                               m->plan[i].unsupported_reason[MLRT_UNIT_CPU]);
      m->plan[i].unit = (MlrtUnit) unit;
      if (i == 0 || m->plan[i - 1].unit != (MlrtUnit) unit)
        {
          MlrtSegment *s = &m->segments[m->n_segments++];
          s->unit = (MlrtUnit) unit;
          s->first = (int) i;
        }
      m->segments[m->n_segments - 1].last = (int) i;
      m->plan[i].segment = (int) m->n_segments - 1;
    }
  for (size_t s = 0; s < m->n_segments; s++)
    {
      const MlrtUnitOps *ops = mlrt_unit_ops (m->segments[s].unit);
      if (ops->prepare)
        {
          MlrtStatus st = ops->prepare (m, &m->segments[s], error);
          if (st != MLRT_OK)
            return st;
        }
    }
  return MLRT_OK;
}

void
mlrt_plan_free (MlrtModel *m)
{
  for (size_t s = 0; m->segments && s < m->n_segments; s++)
    {
      const MlrtUnitOps *ops = mlrt_unit_ops (m->segments[s].unit);
      if (ops->release && m->segments[s].unit_data)
        ops->release (m, &m->segments[s]);
      m->segments[s].unit_data = NULL;
    }
  free (m->segments);
  free (m->plan);
  m->segments = NULL;
  m->plan = NULL;
  m->n_segments = 0;
}

size_t
mlrt_model_plan (const MlrtModel *model, const MlrtLayerPlan **layers)
{
  if (model == NULL)
    {
      if (layers)
        *layers = NULL;
      return 0;
    }
  if (layers)
    *layers = model->plan;
  return model->spec.n_layers;
}
