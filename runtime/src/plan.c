/*
 * plan.c: the placement planner. For every layer it asks each compute unit
 * whether it supports the layer (and why not) and what it would cost, picks
 * units within the configuration (the CPU has a kernel for every op, so
 * there is always one) to minimise the whole prediction's latency, groups
 * consecutive layers on the same unit into segments, and lets each unit
 * prepare its segments.
 *
 * Costs are measured by the first load that may choose between units and
 * kept in the placement cache for later ones (calibrate.c,
 * placement-cache.c), or the units' cost models, fitted to this machine
 * for estimated placement (calibrate-machine.c; docs/placement.md). Units
 * the compute units exclude are never started. The choice
 * is a dynamic programme over layers x units: the cost of layer i on unit
 * u is its cost there, plus moving each input from the unit that produced
 * it (host memory for model inputs; a unit's transfer cost each way,
 * through the host), plus a request's fixed cost whenever a new
 * segment starts, plus bringing model outputs back to the host. Inputs made
 * further back than the previous layer (skip connections) are charged
 * from the unit their producer has on the best path being extended, which
 * is exact for chains and a close heuristic otherwise. Work off the CPU
 * counts a margin more than its figures, so noise does not flip plans.
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
    default: break;
    }
  return NULL;
}

int
mlrt_unit_available (MlrtUnit unit)
{
  const MlrtUnitOps *ops = mlrt_unit_ops (unit);
  return ops != NULL && (ops->available == NULL || ops->available ());
}

int
mlrt_unit_allowed (MlrtComputeUnits units, MlrtUnit unit)
{
  switch (unit)
    {
    case MLRT_UNIT_CPU:
      return 1;
    case MLRT_UNIT_GPU:
      return units == MLRT_COMPUTE_CPU_AND_GPU || units == MLRT_COMPUTE_ALL;
    case MLRT_UNIT_NPU:
      return units == MLRT_COMPUTE_CPU_AND_NPU || units == MLRT_COMPUTE_ALL;
    default:
      break;
    }
  return 0;
}

/* Fills one layer's plan entry; returns the cheapest allowed unit for the
 * layer alone, or -1 when no allowed unit supports it. */
static int
plan_layer (MlrtModel *m, const MlrtLayer *l, MlrtLayerPlan *p)
{
  int best = -1;

  static const char *const no_kernel[MLRT_N_UNITS] = {
    [MLRT_UNIT_CPU] = "the cpu has no kernel for this op",
    [MLRT_UNIT_GPU] = "the gpu has no kernel for this op",
    [MLRT_UNIT_NPU] = "the npu has no kernel for this op",
  };

  p->name = l->name;
  p->origin = l->origin ? l->origin : l->name;
  p->op = l->op->name;
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      const MlrtUnitOps *ops = mlrt_unit_ops ((MlrtUnit) u);
      const char *reason = NULL;
      int allowed = mlrt_unit_allowed (m->compute_units, (MlrtUnit) u);

      if (ops == NULL)
        reason = "unit not built into this mlrt";
      else if (allowed && !mlrt_unit_available ((MlrtUnit) u))
        reason = "no such device on this machine";
      else if (!ops->has_kernel (l->op))
        reason = no_kernel[u];
      else if (ops->supports == NULL || ops->supports (m, l, &reason))
        {
          /* A unit the load may not use is never started: its device is
           * not asked for an estimate (a cpu-only load never loads
           * OpenCL's driver). */
          p->supported[u] = 1;
          p->estimated_cost_us[u] = allowed ? ops->estimate_us (m, l) : -1;
          p->model_estimate_us[u] = p->estimated_cost_us[u];
          if (allowed && (best < 0 || p->estimated_cost_us[u]
                                      < p->estimated_cost_us[best]))
            best = u;
          continue;
        }
      p->unsupported_reason[u] = reason ? reason : "not supported";
    }
  return best;
}

/* The cost of moving tensor t between unit u and host memory, one way:
 * measured at load, else the unit's estimate. */
static double
unit_transfer_us (const MlrtModel *m, int t, int u)
{
  const MlrtUnitCosts *c = &m->unit_costs[u];
  const MlrtUnitOps *ops;

  if (c->measured)
    return c->byte_us * (double) mlrt_tensor_count (&m->spec.tensors[t])
           * (m->spec.half ? 2 : 4);
  ops = mlrt_unit_ops ((MlrtUnit) u);
  return ops && ops->transfer_us ? ops->transfer_us (m, t) : 0;
}

/* The cost of moving tensor t from unit `from` to unit `to`. */
static double
transfer_us (const MlrtModel *m, int t, int from, int to)
{
  if (from == to)
    return 0;
  return unit_transfer_us (m, t, from) + unit_transfer_us (m, t, to);
}

static double
request_us (const MlrtModel *m, int u)
{
  const MlrtUnitOps *ops;

  if (m->unit_costs[u].measured)
    return m->unit_costs[u].request_us;
  ops = mlrt_unit_ops ((MlrtUnit) u);
  return ops && ops->request_us ? ops->request_us (m) : 0;
}

/* The unit of layer p on the best path that puts layer i on unit u. */
static int
unit_on_path (const int *back, int i, int u, int p)
{
  while (i > p)
    {
      u = back[i * MLRT_N_UNITS + u];
      i--;
    }
  return u;
}

/* Cost of layer i on unit u after the path ending with layer i - 1 on
 * unit v (v < 0 for the first layer). Work on a unit other than the CPU
 * counts MLRT_PLAN_MARGIN more than its figures say, so that a layer
 * leaves the CPU only where it gains clearly: noise in measured figures
 * (another process on the cores, a clock that moved) does not move layers
 * whose units are about as fast, and a plan that gains little is not
 * worth the device's own risks (docs/placement.md, "Stable plans"). */
static double
step_cost (const MlrtModel *m, const int *back, int i, int u, int v)
{
  const MlrtLayer *l = &m->spec.layers[i];
  double cost = m->plan[i].estimated_cost_us[u];
  double factor = u == MLRT_UNIT_CPU ? 1.0 : 1.0 + MLRT_PLAN_MARGIN;

  if (u != v)
    cost += request_us (m, u);
  for (int j = 0; j < l->n_inputs; j++)
    {
      int p = m->spec.tensors[l->inputs[j]].producer;
      int from = p < 0 ? MLRT_UNIT_CPU
                 : p == i - 1 ? v : unit_on_path (back, i - 1, v, p);
      cost += transfer_us (m, l->inputs[j], from, u);
    }
  if (m->spec.tensors[l->output].is_output)
    cost += transfer_us (m, l->output, u, MLRT_UNIT_CPU);
  return cost * factor;
}

/* MLRT_PLACEMENT_PRIORITY: the first allowed unit that supports each
 * layer, in the order the units are preferred. */
static void
choose_by_priority (const MlrtModel *m, const int *ok, int *chosen)
{
  static const MlrtUnit order[] = { MLRT_UNIT_NPU, MLRT_UNIT_GPU,
                                    MLRT_UNIT_CPU };

  for (size_t i = 0; i < m->spec.n_layers; i++)
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
      if (ok[i * MLRT_N_UNITS + order[k]])
        {
          chosen[i] = order[k];
          break;
        }
}

MlrtStatus
mlrt_plan_choose (const MlrtModel *m, const int *ok, int *chosen,
                  MlrtError *error)
{
  size_t n = m->spec.n_layers;
  double *best = malloc (n * MLRT_N_UNITS * sizeof (double));
  int *back = malloc (n * MLRT_N_UNITS * sizeof (int));
  int u_end = -1;

  if (best == NULL || back == NULL)
    {
      free (best);
      free (back);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
    }
  for (size_t i = 0; i < n; i++)
    for (int u = 0; u < MLRT_N_UNITS; u++)
      {
        double *b = &best[i * MLRT_N_UNITS + u];

        *b = -1;
        back[i * MLRT_N_UNITS + u] = -1;
        if (!ok[i * MLRT_N_UNITS + u])
          continue;
        if (i == 0)
          {
            *b = step_cost (m, back, 0, u, -1);
            continue;
          }
        for (int v = 0; v < MLRT_N_UNITS; v++)
          {
            double prev = best[(i - 1) * MLRT_N_UNITS + v], c;
            if (prev < 0)
              continue;
            c = prev + step_cost (m, back, (int) i, u, v);
            if (*b < 0 || c < *b)
              {
                *b = c;
                back[i * MLRT_N_UNITS + u] = v;
              }
          }
      }
  for (int u = 0; n > 0 && u < MLRT_N_UNITS; u++)
    {
      double c = best[(n - 1) * MLRT_N_UNITS + u];
      if (c >= 0 && (u_end < 0 || c < best[(n - 1) * MLRT_N_UNITS + u_end]))
        u_end = u;
    }
  for (size_t i = n; i-- > 0;)
    {
      chosen[i] = u_end;
      u_end = back[i * MLRT_N_UNITS + u_end];
    }
  free (best);
  free (back);
  return MLRT_OK;
}

MlrtStatus
mlrt_plan_build (MlrtModel *m, MlrtError *error)
{
  size_t n = m->spec.n_layers;
  int *ok, *chosen;
  MlrtStatus st;

  m->plan = calloc (n, sizeof (MlrtLayerPlan));
  m->segments = calloc (n, sizeof (MlrtSegment));
  ok = calloc (n * MLRT_N_UNITS + 1, sizeof (int));
  chosen = calloc (n + 1, sizeof (int));
  if (m->plan == NULL || m->segments == NULL || ok == NULL || chosen == NULL)
    {
      free (ok);
      free (chosen);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
    }
  for (size_t i = 0; i < n; i++)
    {
      if (plan_layer (m, &m->spec.layers[i], &m->plan[i]) < 0)
        {
          char layer[384];

          mlrt_layer_describe (&m->spec.layers[i], layer, sizeof layer);
          free (ok);
          free (chosen);
          return mlrt_set_error (error, MLRT_ERROR_UNSUPPORTED,
                                 "%s: %s: no allowed compute unit supports "
                                 "it (cpu: %s)", m->name, layer,
                                 m->plan[i].unsupported_reason[MLRT_UNIT_CPU]);
        }
      for (int u = 0; u < MLRT_N_UNITS; u++)
        ok[i * MLRT_N_UNITS + u] = m->plan[i].supported[u]
                                   && mlrt_unit_allowed (m->compute_units,
                                                         (MlrtUnit) u);
    }
  st = mlrt_calibrate_estimates (m, ok, m->cache_dir, m->cache_stem != NULL,
                                 error);
  if (st == MLRT_OK)
    st = mlrt_calibrate (m, ok, error);
  if (st == MLRT_OK && m->placement == MLRT_PLACEMENT_PRIORITY)
    choose_by_priority (m, ok, chosen);
  else if (st == MLRT_OK)
    st = mlrt_plan_choose (m, ok, chosen, error);
  free (ok);
  if (st != MLRT_OK)
    {
      free (chosen);
      return st;
    }
  for (size_t i = 0; i < n; i++)
    {
      int unit = chosen[i];
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
  free (chosen);
  for (size_t s = 0; s < m->n_segments; s++)
    {
      const MlrtUnitOps *ops = mlrt_unit_ops (m->segments[s].unit);
      if (ops && ops->prepare)
        {
          st = ops->prepare (m, &m->segments[s], error);
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
      if (ops && ops->release && m->segments[s].unit_data)
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
