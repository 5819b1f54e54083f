/*
 * report-text.c: the report for people, at most 100 columns wide: where it
 * ran, what the model is, the timing table (median first: it is the
 * headline), then the per-layer table with a note for every layer that fell
 * back or that some unit cannot run, saying why.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define TEXT_WIDTH 100
#define NAME_WIDTH 19
#define OP_WIDTH 16

static void
print_size (FILE *out, uint64_t bytes)
{
  if (bytes >= 1024 * 1024)
    fprintf (out, "%.1f MiB", bytes / (1024.0 * 1024.0));
  else if (bytes >= 1024)
    fprintf (out, "%.1f KiB", bytes / 1024.0);
  else
    fprintf (out, "%llu bytes", (unsigned long long) bytes);
}

/* Writes `text` from column `column`, wrapping at TEXT_WIDTH with lines
 * indented by `indent`. */
static void
print_wrapped (FILE *out, const char *text, int column, int indent)
{
  const char *p = text;
  int line_start = 1;

  while (*p != '\0')
    {
      const char *end = p;
      int len;

      while (*end != '\0' && *end != ' ')
        end++;
      len = (int) (end - p);
      if (!line_start && column + 1 + len > TEXT_WIDTH)
        {
          fprintf (out, "\n%*s", indent, "");
          column = indent;
        }
      else if (!line_start)
        {
          fputc (' ', out);
          column++;
        }
      line_start = 0;
      fwrite (p, 1, len, out);
      column += len;
      p = end;
      while (*p == ' ')
        p++;
    }
  fputc ('\n', out);
}

#define FIELD_WIDTH 15

/* "LABEL          TEXT", TEXT wrapped under itself: device and CPU names
 * run past 100 columns on some machines. */
static void print_field (FILE *out, const char *label, const char *format,
                         ...) __attribute__ ((format (printf, 3, 4)));

static void
print_field (FILE *out, const char *label, const char *format, ...)
{
  char *text = NULL;
  va_list ap;

  va_start (ap, format);
  if (vasprintf (&text, format, ap) < 0)
    text = NULL;
  va_end (ap);
  fprintf (out, "%-*s", FIELD_WIDTH, label);
  print_wrapped (out, text ? text : "?", FIELD_WIDTH, FIELD_WIDTH);
  free (text);
}

static void
print_header (const MlrtReport *r, FILE *out)
{
  const MlrtReportMachine *m = &r->machine;
  int first = 1;

  fprintf (out, "mlrt performance report: %s, %s\n\n",
           r->model_name ? r->model_name : "?",
           mlrt_report_compute_units_name (r->compute_units));
  print_field (out, "Machine", "%s, %d cores",
               m->cpu_model ? m->cpu_model : "unknown", m->cpu_cores);
  if (m->gpu != NULL && strcmp (m->gpu, "none") != 0)
    print_field (out, "GPU", "%s (OpenCL platform: %s)", m->gpu,
                 m->gpu_platform ? m->gpu_platform : "unknown");
  else
    print_field (out, "GPU", "none (no OpenCL device)");
  print_field (out, "NPU", "%s", m->npu ? m->npu : "unknown");
  fprintf (out, "Compute units  %s asked for; available here:",
           mlrt_report_compute_units_name (r->compute_units));
  for (int u = 0; u < MLRT_N_UNITS; u++)
    if (m->unit_available[u])
      {
        fprintf (out, "%s %s", first ? "" : ",",
                 mlrt_report_unit_name ((MlrtUnit) u));
        first = 0;
      }
  fprintf (out, "\n");
  print_field (out, "Model", "%s", r->model_path ? r->model_path : "?");
  fprintf (out, "               ");
  print_size (out, r->model_size_bytes);
  fprintf (out, " on disk, storage %s, compute %s, %zu layers\n",
           r->storage_precision ? r->storage_precision : "?",
           r->compute_precision ? r->compute_precision : "?", r->n_layers);
  fprintf (out, "Measured       %d iterations after %d warmup predictions%s%s\n\n",
           r->iterations, r->warmup, r->generated_at ? ", " : "",
           r->generated_at ? r->generated_at : "");
}

static void
print_stats_row (FILE *out, const char *label, const MlrtReportStats *s)
{
  if (s->count == 0)
    {
      fprintf (out, "%-20s %12s\n", label, "not measured");
      return;
    }
  fprintf (out, "%-20s %12.3f %11.3f %11.3f %11.3f %11.3f %5zu\n", label,
           s->median_us / 1000.0, s->avg_us / 1000.0, s->min_us / 1000.0,
           s->max_us / 1000.0, s->stddev_us / 1000.0, s->count);
}

static void
print_timings (const MlrtReport *r, FILE *out)
{
  fprintf (out, "%-20s %12s %11s %11s %11s %11s %5s\n", "Times in ms",
           "median", "avg", "min", "max", "stddev", "runs");
  print_stats_row (out, "Compile (uncached)", &r->compile);
  print_stats_row (out, "Load, uncached", &r->load_uncached);
  print_stats_row (out, "Load, cached", &r->load_cached);
  print_stats_row (out, "First prediction", &r->first_prediction);
  print_stats_row (out, "Prediction", &r->prediction);
  if (r->fps > 0.0)
    fprintf (out, "Throughput           %.1f predictions/s at the median\n\n",
             r->fps);
  else
    fprintf (out, "Throughput           unknown\n\n");
}

static void
print_summary (const MlrtReport *r, FILE *out)
{
  char line[512];
  int n;

  n = snprintf (line, sizeof line, "Layers: %zu; on", r->n_layers);
  for (int u = 0; u < MLRT_N_UNITS && n > 0 && (size_t) n < sizeof line; u++)
    n += snprintf (line + n, sizeof line - n, " %s %zu%s",
                   mlrt_report_unit_name ((MlrtUnit) u), r->layers_on[u],
                   u + 1 < MLRT_N_UNITS ? "," : ";");
  if (n > 0 && (size_t) n < sizeof line)
    snprintf (line + n, sizeof line - n, " %zu fell back%s", r->n_fallbacks,
              r->n_fallbacks > 0 ? " (listed below)" : "");
  fprintf (out, "%s\n", line);
  if (!r->layers_measured)
    fprintf (out, "Per-layer times: not measured (the runtime reported no"
             " time for some layers)\n");
  else if (r->prediction.median_us > 0.0)
    {
      snprintf (line, sizeof line, "Measured layer time: %.3f ms, %.1f%% of"
                " the median prediction (the rest is input and output"
                " conversion, copies between units and scheduling)",
                r->layer_total_us / 1000.0,
                100.0 * r->layer_total_us / r->prediction.median_us);
      print_wrapped (out, line, 0, 2);
    }
}

/* The distinct "not supported" reasons, numbered from 1 in the order the
 * table shows them, with the units each applies to. */
typedef struct {
  size_t n;
  const char **text;
  unsigned *units;          /* bit per MlrtUnit */
} Reasons;

static int
reason_number (Reasons *reasons, const char *text, MlrtUnit unit)
{
  size_t i;

  for (i = 0; i < reasons->n; i++)
    if (strcmp (reasons->text[i], text) == 0)
      break;
  if (i == reasons->n)
    reasons->text[reasons->n++] = text;
  reasons->units[i] |= 1u << unit;
  return (int) i + 1;
}

/* Cuts a name to `width` characters, marking the cut with '~'. */
static void
print_cell (FILE *out, const char *s, int width)
{
  int len = (int) strlen (s);

  if (len <= width)
    fprintf (out, "%-*s", width, s);
  else
    fprintf (out, "%.*s~", width - 1, s);
}

static void
print_placement (FILE *out, const MlrtReportLayer *l, MlrtUnit u,
                 Reasons *reasons)
{
  char text[16];

  switch (l->placement[u])
    {
    case MLRT_REPORT_RAN:
      fprintf (out, " %-4s", "RAN");
      return;
    case MLRT_REPORT_SUPPORTED:
      fprintf (out, " %-4s", "yes");
      return;
    case MLRT_REPORT_EXCLUDED:
      fprintf (out, " %-4s", "off");
      return;
    case MLRT_REPORT_UNSUPPORTED:
      snprintf (text, sizeof text, "no%d",
                reason_number (reasons, l->reason[u] ? l->reason[u]
                                                     : "not supported", u));
      fprintf (out, " %-4s", text);
      return;
    default:
      break;
    }
}

static void
print_layer_row (FILE *out, const MlrtReportLayer *l, Reasons *reasons)
{
  double est = l->estimated_cost_us[l->unit];

  fprintf (out, "%4zu ", l->index);
  print_cell (out, l->name, NAME_WIDTH);
  fputc (' ', out);
  print_cell (out, l->op, OP_WIDTH);
  fprintf (out, " %-4s", mlrt_report_unit_name (l->unit));
  for (int u = 0; u < MLRT_N_UNITS; u++)
    print_placement (out, l, (MlrtUnit) u, reasons);
  if (est >= 0.0)
    fprintf (out, " %8.1f", est);
  else
    fprintf (out, " %8s", "-");
  if (l->measured)
    fprintf (out, " %9.1f %5.1f%%", l->measured_us, 100.0 * l->share);
  else
    fprintf (out, " %9s %6s", "-", "-");
  fprintf (out, "%s\n", l->fallback ? "  FELL BACK" : "");
}

static void
print_fallbacks (const MlrtReport *r, const size_t *order, FILE *out)
{
  char text[2048];

  if (r->n_fallbacks == 0)
    return;
  fprintf (out, "\nLayers that fell back\n");
  for (size_t k = 0; k < r->n_layers; k++)
    {
      const MlrtReportLayer *l = &r->layers[order[k]];

      if (!l->fallback)
        continue;
      snprintf (text, sizeof text, "%s (%s, layer %zu) ran on %s because"
                " %s", l->name, l->op, l->index,
                mlrt_report_unit_name (l->unit), l->fallback_reason);
      fputs ("  ", out);
      print_wrapped (out, text, 2, 4);
    }
}

static void
print_reasons (const Reasons *reasons, FILE *out)
{
  char text[2048];

  if (reasons->n == 0)
    return;
  fprintf (out, "\nWhy units cannot run layers (noN in the cpu / gpu / npu"
           " columns)\n");
  for (size_t i = 0; i < reasons->n; i++)
    {
      int n = snprintf (text, sizeof text, "no%-3zu", i + 1);
      int first = 1;

      for (int u = 0; u < MLRT_N_UNITS && n > 0 && (size_t) n < sizeof text;
           u++)
        if (reasons->units[i] & (1u << u))
          {
            n += snprintf (text + n, sizeof text - n, "%s%s", first ? "" : ", ",
                           mlrt_report_unit_name ((MlrtUnit) u));
            first = 0;
          }
      if (n > 0 && (size_t) n < sizeof text)
        snprintf (text + n, sizeof text - n, ": %s", reasons->text[i]);
      fputs ("  ", out);
      print_wrapped (out, text, 2, 8);
    }
}

static void
print_layers (const MlrtReport *r, MlrtReportSort sort, FILE *out)
{
  size_t *order = mlrt_report_layer_order (r, sort);
  size_t max = r->n_layers * MLRT_N_UNITS + 1;
  Reasons reasons = { 0, calloc (max, sizeof (char *)),
                      calloc (max, sizeof (unsigned)) };

  if (order != NULL && reasons.text != NULL && reasons.units != NULL)
    {
      fprintf (out, "\n%4s %-*s %-*s %-4s %-4s %-4s %-4s %8s %9s %6s\n", "#",
               NAME_WIDTH, "layer", OP_WIDTH, "op", "unit", "cpu", "gpu",
               "npu", "est. us", "meas. us", "share");
      for (size_t k = 0; k < r->n_layers; k++)
        print_layer_row (out, &r->layers[order[k]], &reasons);
      fputc ('\n', out);
      print_wrapped (out, "cpu / gpu / npu: RAN = ran there; yes = supported,"
                     " not chosen (slower for the planner); off = supported, but not"
                     " in the compute units asked for; noN = not supported,"
                     " reason N below. est. us: the planner's cost on the unit"
                     " that ran the layer (measured when the model was loaded"
                     " for more than one unit, else the unit's cost model;"
                     " docs/placement.md). meas. us: median measured time;"
                     " share: of the median prediction. FELL BACK: a preferred"
                     " unit (npu, then gpu) that was asked for cannot run the"
                     " layer.", 0, 0);
      print_fallbacks (r, order, out);
      print_reasons (&reasons, out);
    }
  free (order);
  free (reasons.text);
  free (reasons.units);
}

int
mlrt_report_write_text (const MlrtReport *report, MlrtReportSort sort,
                        FILE *out)
{
  print_header (report, out);
  print_timings (report, out);
  print_summary (report, out);
  print_layers (report, sort, out);
  return ferror (out) ? -1 : 0;
}
