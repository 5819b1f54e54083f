/*
 * report-layers.c: the per-layer half of the report: how each compute unit
 * stands for each layer (ran / supported but not chosen / excluded by the
 * compute units asked for / not supported, with the planner's reason),
 * which layers fell back and why, and the per-unit counts.
 *
 * A layer "fell back" when a unit the caller allowed, and that mlrt prefers
 * to the one that ran it, could not run it. The preference is the usual
 * one for on-device inference: NPU, then GPU, then CPU. A layer that an
 * allowed accelerator could run but that the planner put elsewhere because
 * it was estimated cheaper there did not fall back: that was a choice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Most preferred first. */
static const MlrtUnit preference[MLRT_N_UNITS] = {
  MLRT_UNIT_NPU, MLRT_UNIT_GPU, MLRT_UNIT_CPU,
};

static char *
dup_or_null (const char *s)
{
  return s != NULL ? strdup (s) : NULL;
}

static int
unit_usable (const MlrtReport *report, MlrtUnit unit)
{
  return mlrt_report_units_allow (report->compute_units, unit)
         && report->machine.unit_available[unit];
}

static MlrtReportPlacement
classify (const MlrtReport *report, const MlrtLayerPlan *plan, MlrtUnit unit)
{
  if (plan->unit == unit)
    return MLRT_REPORT_RAN;
  if (!plan->supported[unit])
    return MLRT_REPORT_UNSUPPORTED;
  if (!unit_usable (report, unit))
    return MLRT_REPORT_EXCLUDED;
  return MLRT_REPORT_SUPPORTED;
}

/* Builds "npu: reason; gpu: reason" for the preferred units that could not
 * run the layer, or returns NULL when there are none. */
static char *
fallback_reason (const MlrtReport *report, const MlrtReportLayer *layer)
{
  char buffer[1024];
  size_t used = 0;

  buffer[0] = '\0';
  for (int p = 0; p < MLRT_N_UNITS && preference[p] != layer->unit; p++)
    {
      MlrtUnit u = preference[p];
      int n;

      if (!unit_usable (report, u)
          || layer->placement[u] != MLRT_REPORT_UNSUPPORTED)
        continue;
      n = snprintf (buffer + used, sizeof buffer - used, "%s%s: %s",
                    used > 0 ? "; " : "", mlrt_report_unit_name (u),
                    layer->reason[u] != NULL ? layer->reason[u]
                                             : "not supported");
      if (n < 0 || (size_t) n >= sizeof buffer - used)
        break;
      used += n;
    }
  return used > 0 ? strdup (buffer) : NULL;
}

static void
set_layer (MlrtReport *report, MlrtReportLayer *layer, size_t index,
           const MlrtLayerPlan *plan)
{
  memset (layer, 0, sizeof *layer);
  layer->index = index;
  layer->name = strdup (plan->name != NULL ? plan->name : "");
  layer->op = strdup (plan->op != NULL ? plan->op : "");
  layer->unit = plan->unit;
  layer->segment = plan->segment;
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      layer->placement[u] = classify (report, plan, (MlrtUnit) u);
      if (layer->placement[u] == MLRT_REPORT_UNSUPPORTED)
        layer->reason[u] = dup_or_null (plan->unsupported_reason[u]
                                        ? plan->unsupported_reason[u]
                                        : "not supported");
      layer->estimated_cost_us[u] = plan->supported[u]
                                    && plan->estimated_cost_us[u] >= 0
                                    ? plan->estimated_cost_us[u] : -1.0;
    }
  layer->fallback_reason = fallback_reason (report, layer);
  layer->fallback = layer->fallback_reason != NULL;
}

void
mlrt_report_set_plan (MlrtReport *report, const MlrtLayerPlan *plan,
                      size_t n_layers)
{
  report->layers = calloc (n_layers > 0 ? n_layers : 1,
                           sizeof *report->layers);
  if (report->layers == NULL)
    return;
  report->n_layers = n_layers;
  for (size_t i = 0; i < n_layers; i++)
    set_layer (report, &report->layers[i], i, &plan[i]);
  mlrt_report_summarize (report);
}

void
mlrt_report_summarize (MlrtReport *report)
{
  double prediction = report->prediction.median_us;

  memset (report->layers_on, 0, sizeof report->layers_on);
  report->n_fallbacks = 0;
  report->layer_total_us = 0.0;
  report->layers_measured = report->n_layers > 0;
  for (size_t i = 0; i < report->n_layers; i++)
    {
      MlrtReportLayer *layer = &report->layers[i];

      if ((int) layer->unit >= 0 && layer->unit < MLRT_N_UNITS)
        report->layers_on[layer->unit]++;
      if (layer->fallback)
        report->n_fallbacks++;
      if (!layer->measured)
        {
          report->layers_measured = 0;
          layer->share = 0.0;
          continue;
        }
      report->layer_total_us += layer->measured_us;
      layer->share = prediction > 0.0 ? layer->measured_us / prediction : 0.0;
    }
}

static const MlrtReport *sort_report;

static int
compare_measured (const void *a, const void *b)
{
  const MlrtReportLayer *x = &sort_report->layers[*(const size_t *) a];
  const MlrtReportLayer *y = &sort_report->layers[*(const size_t *) b];

  if (x->measured != y->measured)
    return y->measured - x->measured;
  if (x->measured && x->measured_us != y->measured_us)
    return x->measured_us < y->measured_us ? 1 : -1;
  return (x->index > y->index) - (x->index < y->index);
}

size_t *
mlrt_report_layer_order (const MlrtReport *report, MlrtReportSort sort)
{
  size_t *order = malloc ((report->n_layers + 1) * sizeof *order);

  if (order == NULL)
    return NULL;
  for (size_t i = 0; i < report->n_layers; i++)
    order[i] = i;
  if (sort == MLRT_REPORT_SORT_MEASURED)
    {
      /* qsort has no user-data argument in C11; the report is sorted from
       * one thread, so a file-level pointer is enough. */
      sort_report = report;
      qsort (order, report->n_layers, sizeof *order, compare_measured);
      sort_report = NULL;
    }
  return order;
}
