/*
 * report-compare.c: two reports side by side (A, B) with their differences,
 * absolute (B - A) and relative ((B - A) / A): for example the same model
 * under cpu-and-gpu and under all, or a compressed model against its
 * original. Layers are matched by name, so two encodings of one network
 * line up even if their indices differ. The figures and the matching are
 * shared with the JSON comparison (report-compare-json.c).
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
print_side (FILE *out, const char *tag, const MlrtReport *r, const char *label)
{
  fprintf (out, "%s  %s, %s, %d iterations (%s)\n", tag,
           r->model_name ? r->model_name : "?",
           mlrt_report_compute_units_name (r->compute_units), r->iterations,
           label);
}

static void
add_figure (MlrtCompareFigure *f, size_t *n, const char *key,
            const char *label, double a, double b, int decimals)
{
  f[*n].key = key;
  snprintf (f[*n].label, sizeof f[*n].label, "%s", label);
  f[*n].a = a;
  f[*n].b = b;
  f[*n].decimals = decimals;
  (*n)++;
}

size_t
mlrt_report_compare_figures (const MlrtReport *a, const MlrtReport *b,
                             MlrtCompareFigure *f)
{
  static const char *const on_keys[MLRT_N_UNITS] = {
    "layers_on_cpu", "layers_on_gpu", "layers_on_npu",
  };
  size_t n = 0;

  add_figure (f, &n, "size_kib", "Model size on disk, KiB",
              a->model_size_bytes / 1024.0, b->model_size_bytes / 1024.0, 1);
  add_figure (f, &n, "compile_ms", "Compile (uncached), median ms",
              a->compile.median_us / 1000.0, b->compile.median_us / 1000.0, 3);
  add_figure (f, &n, "load_uncached_ms", "Load, uncached, median ms",
              a->load_uncached.median_us / 1000.0,
              b->load_uncached.median_us / 1000.0, 3);
  add_figure (f, &n, "load_cached_ms", "Load, cached, median ms",
              a->load_cached.median_us / 1000.0,
              b->load_cached.median_us / 1000.0, 3);
  add_figure (f, &n, "first_prediction_ms", "First prediction, median ms",
              a->first_prediction.median_us / 1000.0,
              b->first_prediction.median_us / 1000.0, 3);
  add_figure (f, &n, "prediction_ms", "Prediction, median ms",
              a->prediction.median_us / 1000.0,
              b->prediction.median_us / 1000.0, 3);
  add_figure (f, &n, "prediction_stddev_ms", "Prediction, stddev ms",
              a->prediction.stddev_us / 1000.0,
              b->prediction.stddev_us / 1000.0, 3);
  add_figure (f, &n, "throughput", "Throughput, predictions/s", a->fps,
              b->fps, 1);
  add_figure (f, &n, "layers", "Layers", a->n_layers, b->n_layers, 0);
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      char label[32];

      snprintf (label, sizeof label, "Layers on %s",
                mlrt_report_unit_name ((MlrtUnit) u));
      add_figure (f, &n, on_keys[u], label, a->layers_on[u], b->layers_on[u],
                  0);
    }
  add_figure (f, &n, "fallbacks", "Layers that fell back", a->n_fallbacks,
              b->n_fallbacks, 0);
  return n;
}

static void
print_totals (FILE *out, const MlrtReport *a, const MlrtReport *b)
{
  MlrtCompareFigure f[MLRT_COMPARE_MAX_FIGURES];
  size_t n = mlrt_report_compare_figures (a, b, f);

  fprintf (out, "\n%-30s %12s %12s %12s %9s\n", "", "A", "B", "B - A",
           "change");
  for (size_t i = 0; i < n; i++)
    print_row (out, f[i].label, f[i].a, f[i].b, f[i].decimals);
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

MlrtLayerPair *
mlrt_report_match_layers (const MlrtReport *a, const MlrtReport *b,
                          size_t *n_pairs)
{
  MlrtLayerPair *pairs = calloc (a->n_layers + b->n_layers + 1,
                                 sizeof *pairs);
  char *used = calloc (b->n_layers + 1, 1);
  size_t n = 0;

  if (pairs == NULL || used == NULL)
    {
      free (pairs);
      free (used);
      return NULL;
    }
  for (size_t i = 0; i < a->n_layers; i++)
    {
      pairs[n].a = &a->layers[i];
      for (size_t j = 0; j < b->n_layers && pairs[n].b == NULL; j++)
        if (!used[j] && strcmp (a->layers[i].name, b->layers[j].name) == 0)
          {
            used[j] = 1;
            pairs[n].b = &b->layers[j];
          }
      n++;
    }
  for (size_t j = 0; j < b->n_layers; j++)
    if (!used[j])
      pairs[n++].b = &b->layers[j];
  free (used);
  *n_pairs = n;
  return pairs;
}

static int
print_layers (FILE *out, const MlrtReport *a, const MlrtReport *b)
{
  size_t n;
  MlrtLayerPair *pairs = mlrt_report_match_layers (a, b, &n);

  if (pairs == NULL)
    return -1;
  fprintf (out, "\nPer layer, matched by name (measured us, median)\n");
  fprintf (out, "%-20s %-14s %-4s %-4s %10s %10s %12s %9s\n", "layer", "op",
           "A on", "B on", "A us", "B us", "B - A", "change");
  for (size_t i = 0; i < n; i++)
    print_layer_pair (out, pairs[i].a, pairs[i].b);
  free (pairs);
  return 0;
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
  if (print_layers (out, a, b) != 0)
    return -1;
  return ferror (out) ? -1 : 0;
}
