/*
 * report-csv.c: the per-layer table as CSV (RFC 4180 quoting), one header
 * row then one row per layer, for spreadsheets and scripts. Durations are
 * microseconds; empty cells mean "no value" (no estimate, not measured).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void
csv_string (FILE *out, const char *s)
{
  if (s == NULL)
    return;
  if (strpbrk (s, ",\"\n\r") == NULL)
    {
      fputs (s, out);
      return;
    }
  fputc ('"', out);
  for (; *s != '\0'; s++)
    {
      if (*s == '"')
        fputc ('"', out);
      fputc (*s, out);
    }
  fputc ('"', out);
}

static void
csv_double (FILE *out, int present, double value, int decimals)
{
  if (present)
    fprintf (out, "%.*f", decimals, value);
}

static void
write_row (FILE *out, const MlrtReportLayer *l)
{
  fprintf (out, "%zu,", l->index);
  csv_string (out, l->name);
  fputc (',', out);
  csv_string (out, l->op);
  fprintf (out, ",%s,%d", mlrt_report_unit_name (l->unit), l->segment);
  for (int u = 0; u < MLRT_N_UNITS; u++)
    fprintf (out, ",%s", mlrt_report_placement_name (l->placement[u]));
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      fputc (',', out);
      csv_string (out, l->reason[u]);
    }
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      fputc (',', out);
      csv_double (out, l->estimated_cost_us[u] >= 0.0,
                  l->estimated_cost_us[u], 3);
    }
  fputc (',', out);
  csv_double (out, l->measured, l->measured_us, 3);
  fputc (',', out);
  csv_double (out, l->measured, l->share, 4);
  fprintf (out, ",%d,", l->fallback);
  csv_string (out, l->fallback_reason);
  fputc ('\n', out);
}

int
mlrt_report_write_csv (const MlrtReport *report, MlrtReportSort sort,
                       FILE *out)
{
  size_t *order = mlrt_report_layer_order (report, sort);

  if (order == NULL)
    return -1;
  fputs ("index,name,op,unit,segment,cpu,gpu,npu,cpu_reason,gpu_reason,"
         "npu_reason,cpu_estimated_us,gpu_estimated_us,npu_estimated_us,"
         "measured_us,share,fallback,fallback_reason\n", out);
  for (size_t k = 0; k < report->n_layers; k++)
    write_row (out, &report->layers[order[k]]);
  free (order);
  return ferror (out) ? -1 : 0;
}
