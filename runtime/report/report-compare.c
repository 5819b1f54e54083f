/*
 * report-compare.c: two reports side by side (A, B) with their differences,
 * absolute (B - A) and relative ((B - A) / A): for example the same model
 * under cpu-and-gpu and under all, or a compressed model against its
 * original. Layers are matched by name, so two encodings of one network
 * line up even if their indices differ.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void
print_change (FILE *out, double a, double b, int decimals)
{
  fprintf (out, " %+12.*f", decimals, b - a);
  if (a != 0.0)
    fprintf (out, " %+8.1f%%", 100.0 * (b - a) / fabs (a));
  else
    fprintf (out, " %9s", b == 0.0 ? "0.0%" : "n/a");
  fputc ('\n', out);
}

static void
print_row (FILE *out, const char *label, double a, double b, int decimals)
{
  fprintf (out, "%-30s %12.*f %12.*f", label, decimals, a, decimals, b);
  print_change (out, a, b, decimals);
}

static void
print_stats_rows (FILE *out, const char *label, const MlrtReportStats *a,
                  const MlrtReportStats *b)
{
  char line[64];

  snprintf (line, sizeof line, "%s, median ms", label);
  print_row (out, line, a->median_us / 1000.0, b->median_us / 1000.0, 3);
}

static void
print_side (FILE *out, const char *tag, const MlrtReport *r, const char *label)
{
  fprintf (out, "%s  %s, %s, %d iterations (%s)\n", tag,
           r->model_name ? r->model_name : "?",
           mlrt_report_compute_units_name (r->compute_units), r->iterations,
           label);
}

static void
print_totals (FILE *out, const MlrtReport *a, const MlrtReport *b)
{
  char line[64];

  fprintf (out, "\n%-30s %12s %12s %12s %9s\n", "", "A", "B", "B - A",
           "change");
  print_row (out, "Model size on disk, KiB", a->model_size_bytes / 1024.0,
             b->model_size_bytes / 1024.0, 1);
  print_stats_rows (out, "Compile (uncached)", &a->compile, &b->compile);
  print_stats_rows (out, "Load, uncached", &a->load_uncached,
                    &b->load_uncached);
  print_stats_rows (out, "Load, cached", &a->load_cached, &b->load_cached);
  print_stats_rows (out, "First prediction", &a->first_prediction,
                    &b->first_prediction);
  print_stats_rows (out, "Prediction", &a->prediction, &b->prediction);
  print_row (out, "Prediction, stddev ms", a->prediction.stddev_us / 1000.0,
             b->prediction.stddev_us / 1000.0, 3);
  print_row (out, "Throughput, predictions/s", a->fps, b->fps, 1);
  print_row (out, "Layers", a->n_layers, b->n_layers, 0);
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      snprintf (line, sizeof line, "Layers on %s",
                mlrt_report_unit_name ((MlrtUnit) u));
      print_row (out, line, a->layers_on[u], b->layers_on[u], 0);
    }
  print_row (out, "Layers that fell back", a->n_fallbacks, b->n_fallbacks, 0);
}

static void
print_layer_pair (FILE *out, const MlrtReportLayer *la,
                  const MlrtReportLayer *lb)
{
  const MlrtReportLayer *l = la != NULL ? la : lb;

  if (l == NULL)
    return;
  fprintf (out, "%-20.20s %-14.14s %-4s %-4s", l->name, l->op,
           la ? mlrt_report_unit_name (la->unit) : "-",
           lb ? mlrt_report_unit_name (lb->unit) : "-");
  if (la != NULL && la->measured)
    fprintf (out, " %10.1f", la->measured_us);
  else
    fprintf (out, " %10s", "-");
  if (lb != NULL && lb->measured)
    fprintf (out, " %10.1f", lb->measured_us);
  else
    fprintf (out, " %10s", "-");
  if (la != NULL && lb != NULL && la->measured && lb->measured)
    print_change (out, la->measured_us, lb->measured_us, 1);
  else
    fputc ('\n', out);
}

static void
print_layers (FILE *out, const MlrtReport *a, const MlrtReport *b)
{
  char *used = calloc (b->n_layers + 1, 1);

  if (used == NULL)
    return;
  fprintf (out, "\nPer layer, matched by name (measured us, median)\n");
  fprintf (out, "%-20s %-14s %-4s %-4s %10s %10s %12s %9s\n", "layer", "op",
           "A on", "B on", "A us", "B us", "B - A", "change");
  for (size_t i = 0; i < a->n_layers; i++)
    {
      const MlrtReportLayer *match = NULL;

      for (size_t j = 0; j < b->n_layers && match == NULL; j++)
        if (!used[j] && strcmp (a->layers[i].name, b->layers[j].name) == 0)
          {
            used[j] = 1;
            match = &b->layers[j];
          }
      print_layer_pair (out, &a->layers[i], match);
    }
  for (size_t j = 0; j < b->n_layers; j++)
    if (!used[j])
      print_layer_pair (out, NULL, &b->layers[j]);
  free (used);
}

int
mlrt_report_write_compare (const MlrtReport *a, const char *a_label,
                           const MlrtReport *b, const char *b_label,
                           FILE *out)
{
  fprintf (out, "mlrt performance reports compared\n\n");
  print_side (out, "A", a, a_label);
  print_side (out, "B", b, b_label);
  if (a->machine.cpu_model != NULL && b->machine.cpu_model != NULL
      && strcmp (a->machine.cpu_model, b->machine.cpu_model) != 0)
    fprintf (out, "Note: measured on different CPUs (%s; %s)\n",
             a->machine.cpu_model, b->machine.cpu_model);
  print_totals (out, a, b);
  print_layers (out, a, b);
  return ferror (out) ? -1 : 0;
}
