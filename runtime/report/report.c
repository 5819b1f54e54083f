/*
 * report.c: the life of an MlrtReport, and the names of units, compute
 * unit sets and placements as the report spells them. The names match
 * mlrt's own (mlrt_unit_name, mlrt_compute_units_name) but are kept here
 * so that the formatters and --compare need no runtime.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *const unit_names[MLRT_N_UNITS] = { "cpu", "gpu", "npu" };

static const char *const compute_units_names[] = {
  [MLRT_COMPUTE_CPU_ONLY] = "cpu-only",
  [MLRT_COMPUTE_CPU_AND_GPU] = "cpu-and-gpu",
  [MLRT_COMPUTE_CPU_AND_NPU] = "cpu-and-npu",
  [MLRT_COMPUTE_ALL] = "all",
};

static const char *const placement_names[] = {
  [MLRT_REPORT_RAN] = "ran",
  [MLRT_REPORT_SUPPORTED] = "supported",
  [MLRT_REPORT_EXCLUDED] = "excluded",
  [MLRT_REPORT_UNSUPPORTED] = "unsupported",
};

MlrtReport *
mlrt_report_new (void)
{
  MlrtReport *report = calloc (1, sizeof *report);

  if (report == NULL)
    return NULL;
  for (int u = 0; u < MLRT_N_UNITS; u++)
    report->machine.unit_available[u] = 1;
  return report;
}

static void
layer_clear (MlrtReportLayer *layer)
{
  free (layer->name);
  free (layer->op);
  for (int u = 0; u < MLRT_N_UNITS; u++)
    free (layer->reason[u]);
  free (layer->fallback_reason);
}

void
mlrt_report_free (MlrtReport *report)
{
  if (report == NULL)
    return;
  free (report->generated_at);
  mlrt_report_machine_clear (&report->machine);
  free (report->model_path);
  free (report->model_name);
  free (report->storage_precision);
  free (report->compute_precision);
  for (size_t i = 0; i < report->n_layers; i++)
    layer_clear (&report->layers[i]);
  free (report->layers);
  free (report);
}

const char *
mlrt_report_unit_name (MlrtUnit unit)
{
  if ((int) unit < 0 || unit >= MLRT_N_UNITS)
    return "none";
  return unit_names[unit];
}

int
mlrt_report_unit_from_name (const char *name, MlrtUnit *unit)
{
  for (int u = 0; u < MLRT_N_UNITS; u++)
    if (name != NULL && strcmp (name, unit_names[u]) == 0)
      {
        *unit = (MlrtUnit) u;
        return 0;
      }
  return -1;
}

const char *
mlrt_report_compute_units_name (MlrtComputeUnits units)
{
  if ((int) units < 0 || units > MLRT_COMPUTE_ALL)
    return "unknown";
  return compute_units_names[units];
}

int
mlrt_report_compute_units_from_name (const char *name,
                                     MlrtComputeUnits *units)
{
  for (int i = 0; i <= MLRT_COMPUTE_ALL; i++)
    if (name != NULL && strcmp (name, compute_units_names[i]) == 0)
      {
        *units = (MlrtComputeUnits) i;
        return 0;
      }
  return -1;
}

int
mlrt_report_units_allow (MlrtComputeUnits units, MlrtUnit unit)
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

const char *
mlrt_report_placement_name (MlrtReportPlacement placement)
{
  if ((int) placement < 0 || placement > MLRT_REPORT_UNSUPPORTED)
    return "unknown";
  return placement_names[placement];
}

int
mlrt_report_placement_from_name (const char *name,
                                 MlrtReportPlacement *placement)
{
  for (int i = 0; i <= MLRT_REPORT_UNSUPPORTED; i++)
    if (name != NULL && strcmp (name, placement_names[i]) == 0)
      {
        *placement = (MlrtReportPlacement) i;
        return 0;
      }
  return -1;
}
