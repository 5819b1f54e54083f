/*
 * report-json.c: the report as JSON, in the stable schema documented in
 * docs/report-json.md, and back (for --compare). The reader is strict: a
 * missing or mistyped key is an error naming the file and the key, so a
 * comparison never silently reads zeros.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mlrt-internal.h"
#include "report.h"

/* Doubles with a fixed number of decimals: json-c's default "%.17g" would
 * print timings as 0.10000000000000001. */
static json_object *
new_double (double value, int decimals)
{
  char text[64];

  snprintf (text, sizeof text, "%.*f", decimals, value);
  return json_object_new_double_s (value, text);
}

static json_object *
new_string_or_null (const char *s)
{
  return s != NULL ? json_object_new_string (s) : NULL;
}

static json_object *
stats_to_json (const MlrtReportStats *s)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "count", json_object_new_int64 (s->count));
  json_object_object_add (o, "median_us", new_double (s->median_us, 3));
  json_object_object_add (o, "avg_us", new_double (s->avg_us, 3));
  json_object_object_add (o, "min_us", new_double (s->min_us, 3));
  json_object_object_add (o, "max_us", new_double (s->max_us, 3));
  json_object_object_add (o, "stddev_us", new_double (s->stddev_us, 3));
  return o;
}

static json_object *
machine_to_json (const MlrtReportMachine *m)
{
  json_object *o = json_object_new_object ();
  json_object *avail = json_object_new_object ();

  json_object_object_add (o, "cpu_model", new_string_or_null (m->cpu_model));
  json_object_object_add (o, "cpu_cores", json_object_new_int (m->cpu_cores));
  json_object_object_add (o, "gpu", new_string_or_null (m->gpu));
  json_object_object_add (o, "gpu_platform",
                          new_string_or_null (m->gpu_platform));
  json_object_object_add (o, "npu", new_string_or_null (m->npu));
  for (int u = 0; u < MLRT_N_UNITS; u++)
    json_object_object_add (avail, mlrt_report_unit_name ((MlrtUnit) u),
                            json_object_new_boolean (m->unit_available[u]));
  json_object_object_add (o, "units_available", avail);
  return o;
}

static json_object *
model_to_json (const MlrtReport *r)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "path", new_string_or_null (r->model_path));
  json_object_object_add (o, "name", new_string_or_null (r->model_name));
  json_object_object_add (o, "size_bytes",
                          json_object_new_int64 ((int64_t) r->model_size_bytes));
  json_object_object_add (o, "storage_precision",
                          new_string_or_null (r->storage_precision));
  json_object_object_add (o, "compute_precision",
                          new_string_or_null (r->compute_precision));
  json_object_object_add (o, "layer_count",
                          json_object_new_int64 (r->n_layers));
  return o;
}

static json_object *
timings_to_json (const MlrtReport *r)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "compile", stats_to_json (&r->compile));
  json_object_object_add (o, "load_uncached",
                          stats_to_json (&r->load_uncached));
  json_object_object_add (o, "load_cached", stats_to_json (&r->load_cached));
  json_object_object_add (o, "first_prediction",
                          stats_to_json (&r->first_prediction));
  json_object_object_add (o, "prediction", stats_to_json (&r->prediction));
  return o;
}

static json_object *
summary_to_json (const MlrtReport *r)
{
  json_object *o = json_object_new_object ();
  double prediction = r->prediction.median_us;

  json_object_object_add (o, "total", json_object_new_int64 (r->n_layers));
  for (int u = 0; u < MLRT_N_UNITS; u++)
    json_object_object_add (o, mlrt_report_unit_name ((MlrtUnit) u),
                            json_object_new_int64 (r->layers_on[u]));
  json_object_object_add (o, "fallbacks",
                          json_object_new_int64 (r->n_fallbacks));
  json_object_object_add (o, "measured",
                          json_object_new_boolean (r->layers_measured));
  json_object_object_add (o, "measured_total_us",
                          r->layers_measured
                          ? new_double (r->layer_total_us, 3) : NULL);
  json_object_object_add (o, "measured_share",
                          r->layers_measured && prediction > 0.0
                          ? new_double (r->layer_total_us / prediction, 4)
                          : NULL);
  return o;
}

static json_object *
layer_to_json (const MlrtReportLayer *l)
{
  json_object *o = json_object_new_object ();
  json_object *units = json_object_new_object ();

  json_object_object_add (o, "index", json_object_new_int64 (l->index));
  json_object_object_add (o, "name", json_object_new_string (l->name));
  json_object_object_add (o, "op", json_object_new_string (l->op));
  json_object_object_add (o, "unit",
                          json_object_new_string (mlrt_report_unit_name (l->unit)));
  json_object_object_add (o, "segment", json_object_new_int (l->segment));
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      json_object *uo = json_object_new_object ();

      json_object_object_add (uo, "placement", json_object_new_string (
                                mlrt_report_placement_name (l->placement[u])));
      json_object_object_add (uo, "reason", new_string_or_null (l->reason[u]));
      json_object_object_add (uo, "estimated_cost_us",
                              l->estimated_cost_us[u] >= 0.0
                              ? new_double (l->estimated_cost_us[u], 3)
                              : NULL);
      json_object_object_add (units, mlrt_report_unit_name ((MlrtUnit) u), uo);
    }
  json_object_object_add (o, "units", units);
  json_object_object_add (o, "fallback", json_object_new_boolean (l->fallback));
  json_object_object_add (o, "fallback_reason",
                          new_string_or_null (l->fallback_reason));
  json_object_object_add (o, "measured_us",
                          l->measured ? new_double (l->measured_us, 3) : NULL);
  json_object_object_add (o, "share",
                          l->measured ? new_double (l->share, 4) : NULL);
  return o;
}

/* Writes `text` with each byte that is not part of well-formed UTF-8 as
 * U+FFFD: json-c copies a string's bytes as they are, and a path, or a
 * device name a driver reports, need not be UTF-8; the JSON must be.
 * Outside strings JSON is ASCII, so this mends only the strings. */
static int
write_utf8 (const char *text, FILE *out)
{
  size_t len = strlen (text);

  for (;;)
    {
      size_t valid = mlrt_utf8_valid_prefix (text, len);

      if (fwrite (text, 1, valid, out) != valid)
        return -1;
      if (valid == len)
        return 0;
      if (fputs ("\xef\xbf\xbd", out) < 0)
        return -1;
      text += valid + 1;
      len -= valid + 1;
    }
}

/* Layers are always written in index order: the order a program reading
 * the file expects; --sort only changes the text and CSV tables. */
int
mlrt_report_write_json (const MlrtReport *r, MlrtReportSort sort, FILE *out)
{
  json_object *root = json_object_new_object ();
  json_object *layers = json_object_new_array ();

  json_object_object_add (root, "schema",
                          json_object_new_string (MLRT_REPORT_SCHEMA));
  json_object_object_add (root, "schema_version",
                          json_object_new_int (MLRT_REPORT_SCHEMA_VERSION));
  json_object_object_add (root, "generated_at",
                          new_string_or_null (r->generated_at));
  json_object_object_add (root, "machine", machine_to_json (&r->machine));
  json_object_object_add (root, "compute_units", json_object_new_string (
                            mlrt_report_compute_units_name (r->compute_units)));
  json_object_object_add (root, "iterations",
                          json_object_new_int (r->iterations));
  json_object_object_add (root, "warmup", json_object_new_int (r->warmup));
  json_object_object_add (root, "model", model_to_json (r));
  json_object_object_add (root, "timings", timings_to_json (r));
  json_object_object_add (root, "prediction_fps", new_double (r->fps, 2));
  json_object_object_add (root, "layer_summary", summary_to_json (r));
  for (size_t i = 0; i < r->n_layers; i++)
    json_object_array_add (layers, layer_to_json (&r->layers[i]));
  json_object_object_add (root, "layers", layers);

  return mlrt_report_json_print (root, out);
}

json_object *
mlrt_report_json_double (double value, int decimals)
{
  return new_double (value, decimals);
}

int
mlrt_report_json_print (struct json_object *root, FILE *out)
{
  const char *text = json_object_to_json_string_ext (
    root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
          | JSON_C_TO_STRING_NOSLASHESCAPE);
  int result = write_utf8 (text, out) < 0 || fputc ('\n', out) == EOF
               ? -1 : 0;

  json_object_put (root);
  return result;
}

/* Reading back. Each getter records the first problem in the reader. */
typedef struct {
  const char *path;
  char *error;
  size_t error_size;
  int failed;
} Reader;

static void reader_fail (Reader *rd, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));

static void
reader_fail (Reader *rd, const char *format, ...)
{
  va_list args;
  int n;

  if (rd->failed)
    return;
  rd->failed = 1;
  n = snprintf (rd->error, rd->error_size, "%s: ", rd->path);
  if (n < 0 || (size_t) n >= rd->error_size)
    return;
  va_start (args, format);
  vsnprintf (rd->error + n, rd->error_size - n, format, args);
  va_end (args);
}

static json_object *
get (Reader *rd, json_object *o, const char *where, const char *key,
     json_type type, int nullable)
{
  json_object *v = NULL;

  if (rd->failed)
    return NULL;
  if (!json_object_object_get_ex (o, key, &v))
    {
      reader_fail (rd, "missing key \"%s\" in %s", key, where);
      return NULL;
    }
  if (v == NULL && nullable)
    return NULL;
  if (json_object_is_type (v, type)
      || (type == json_type_double && json_object_is_type (v, json_type_int)))
    return v;
  reader_fail (rd, "key \"%s\" in %s should be of JSON type %s", key, where,
               json_type_to_name (type));
  return NULL;
}

static char *
get_string (Reader *rd, json_object *o, const char *where, const char *key,
            int nullable)
{
  json_object *v = get (rd, o, where, key, json_type_string, nullable);

  return v != NULL ? strdup (json_object_get_string (v)) : NULL;
}

static double
get_double (Reader *rd, json_object *o, const char *where, const char *key,
            int nullable, int *present)
{
  json_object *v = get (rd, o, where, key, json_type_double, nullable);

  if (present != NULL)
    *present = v != NULL;
  return v != NULL ? json_object_get_double (v) : 0.0;
}

static int64_t
get_int (Reader *rd, json_object *o, const char *where, const char *key)
{
  json_object *v = get (rd, o, where, key, json_type_int, 0);

  return v != NULL ? json_object_get_int64 (v) : 0;
}

static int
get_bool (Reader *rd, json_object *o, const char *where, const char *key)
{
  json_object *v = get (rd, o, where, key, json_type_boolean, 0);

  return v != NULL ? json_object_get_boolean (v) : 0;
}

static void
read_stats (Reader *rd, json_object *timings, const char *key,
            MlrtReportStats *s)
{
  json_object *o = get (rd, timings, "\"timings\"", key, json_type_object, 0);
  char where[64];

  if (o == NULL)
    return;
  snprintf (where, sizeof where, "\"timings.%s\"", key);
  s->count = get_int (rd, o, where, "count");
  s->median_us = get_double (rd, o, where, "median_us", 0, NULL);
  s->avg_us = get_double (rd, o, where, "avg_us", 0, NULL);
  s->min_us = get_double (rd, o, where, "min_us", 0, NULL);
  s->max_us = get_double (rd, o, where, "max_us", 0, NULL);
  s->stddev_us = get_double (rd, o, where, "stddev_us", 0, NULL);
}

static void
read_machine (Reader *rd, json_object *root, MlrtReportMachine *m)
{
  json_object *o = get (rd, root, "the report", "machine", json_type_object, 0);
  json_object *avail;

  if (o == NULL)
    return;
  m->cpu_model = get_string (rd, o, "\"machine\"", "cpu_model", 1);
  m->cpu_cores = (int) get_int (rd, o, "\"machine\"", "cpu_cores");
  m->gpu = get_string (rd, o, "\"machine\"", "gpu", 1);
  m->gpu_platform = get_string (rd, o, "\"machine\"", "gpu_platform", 1);
  m->npu = get_string (rd, o, "\"machine\"", "npu", 1);
  avail = get (rd, o, "\"machine\"", "units_available", json_type_object, 0);
  for (int u = 0; u < MLRT_N_UNITS && avail != NULL; u++)
    m->unit_available[u] = get_bool (rd, avail, "\"units_available\"",
                                     mlrt_report_unit_name ((MlrtUnit) u));
}

static void
read_model (Reader *rd, json_object *root, MlrtReport *r)
{
  json_object *o = get (rd, root, "the report", "model", json_type_object, 0);

  if (o == NULL)
    return;
  r->model_path = get_string (rd, o, "\"model\"", "path", 1);
  r->model_name = get_string (rd, o, "\"model\"", "name", 1);
  r->model_size_bytes = (uint64_t) get_int (rd, o, "\"model\"", "size_bytes");
  r->storage_precision = get_string (rd, o, "\"model\"",
                                     "storage_precision", 1);
  r->compute_precision = get_string (rd, o, "\"model\"",
                                     "compute_precision", 1);
}

static void
read_layer_unit (Reader *rd, json_object *units, const char *where,
                 MlrtReportLayer *l, MlrtUnit u)
{
  const char *name = mlrt_report_unit_name (u);
  json_object *o = get (rd, units, where, name, json_type_object, 0);
  char *placement;
  int present;

  if (o == NULL)
    return;
  placement = get_string (rd, o, where, "placement", 0);
  if (placement != NULL
      && mlrt_report_placement_from_name (placement, &l->placement[u]) != 0)
    reader_fail (rd, "unknown placement \"%s\" for %s in %s", placement,
                 name, where);
  free (placement);
  l->reason[u] = get_string (rd, o, where, "reason", 1);
  l->estimated_cost_us[u] = get_double (rd, o, where, "estimated_cost_us", 1,
                                        &present);
  if (!present)
    l->estimated_cost_us[u] = -1.0;
}

static void
read_layer (Reader *rd, json_object *o, size_t i, MlrtReportLayer *l)
{
  char where[64];
  char *unit;
  json_object *units;

  snprintf (where, sizeof where, "layer %zu", i);
  l->index = (size_t) get_int (rd, o, where, "index");
  l->name = get_string (rd, o, where, "name", 0);
  l->op = get_string (rd, o, where, "op", 0);
  unit = get_string (rd, o, where, "unit", 0);
  if (unit != NULL && mlrt_report_unit_from_name (unit, &l->unit) != 0)
    reader_fail (rd, "unknown unit \"%s\" in %s", unit, where);
  free (unit);
  l->segment = (int) get_int (rd, o, where, "segment");
  units = get (rd, o, where, "units", json_type_object, 0);
  for (int u = 0; u < MLRT_N_UNITS && units != NULL; u++)
    read_layer_unit (rd, units, where, l, (MlrtUnit) u);
  l->fallback = get_bool (rd, o, where, "fallback");
  l->fallback_reason = get_string (rd, o, where, "fallback_reason", 1);
  l->measured_us = get_double (rd, o, where, "measured_us", 1, &l->measured);
  l->share = get_double (rd, o, where, "share", 1, NULL);
}

static void
read_layers (Reader *rd, json_object *root, MlrtReport *r)
{
  json_object *layers = get (rd, root, "the report", "layers",
                             json_type_array, 0);
  size_t n;

  if (layers == NULL)
    return;
  n = json_object_array_length (layers);
  r->layers = calloc (n > 0 ? n : 1, sizeof *r->layers);
  if (r->layers == NULL)
    {
      reader_fail (rd, "out of memory reading %zu layers", n);
      return;
    }
  r->n_layers = n;
  for (size_t i = 0; i < n && !rd->failed; i++)
    {
      json_object *o = json_object_array_get_idx (layers, i);

      if (!json_object_is_type (o, json_type_object))
        reader_fail (rd, "layer %zu is not a JSON object", i);
      else
        read_layer (rd, o, i, &r->layers[i]);
    }
}

static void
read_root (Reader *rd, json_object *root, MlrtReport *r)
{
  char *schema;
  char *units;
  json_object *timings;

  if (!json_object_object_get_ex (root, "schema", NULL))
    {
      reader_fail (rd, "not an mlrt-report file (no \"schema\" key; write"
                   " one with mlrt-report --format json)");
      return;
    }
  schema = get_string (rd, root, "the report", "schema", 0);
  if (schema != NULL && strcmp (schema, MLRT_REPORT_SCHEMA) != 0)
    reader_fail (rd, "not an mlrt-report file (schema is \"%s\")", schema);
  free (schema);
  if (!rd->failed && get_int (rd, root, "the report", "schema_version")
                     != MLRT_REPORT_SCHEMA_VERSION)
    reader_fail (rd, "schema_version is not %d, the version this mlrt-report"
                 " reads", MLRT_REPORT_SCHEMA_VERSION);
  r->generated_at = get_string (rd, root, "the report", "generated_at", 1);
  read_machine (rd, root, &r->machine);
  units = get_string (rd, root, "the report", "compute_units", 0);
  if (units != NULL
      && mlrt_report_compute_units_from_name (units, &r->compute_units) != 0)
    reader_fail (rd, "unknown compute_units \"%s\"", units);
  free (units);
  r->iterations = (int) get_int (rd, root, "the report", "iterations");
  r->warmup = (int) get_int (rd, root, "the report", "warmup");
  read_model (rd, root, r);
  timings = get (rd, root, "the report", "timings", json_type_object, 0);
  read_stats (rd, timings, "compile", &r->compile);
  read_stats (rd, timings, "load_uncached", &r->load_uncached);
  read_stats (rd, timings, "load_cached", &r->load_cached);
  read_stats (rd, timings, "first_prediction", &r->first_prediction);
  read_stats (rd, timings, "prediction", &r->prediction);
  r->fps = get_double (rd, root, "the report", "prediction_fps", 0, NULL);
  get (rd, root, "the report", "layer_summary", json_type_object, 0);
  read_layers (rd, root, r);
}

MlrtReport *
mlrt_report_read_json (const char *path, char *error, size_t error_size)
{
  Reader rd = { path, error, error_size, 0 };
  json_object *root;
  MlrtReport *r;
  FILE *f = fopen (path, "r");

  if (f == NULL)
    {
      snprintf (error, error_size, "%s: cannot open: %s", path,
                strerror (errno));
      return NULL;
    }
  fclose (f);
  root = json_object_from_file (path);
  if (root == NULL)
    {
      snprintf (error, error_size, "%s: not valid JSON: %s", path,
                json_util_get_last_err ());
      return NULL;
    }
  if (!json_object_is_type (root, json_type_object))
    {
      json_object_put (root);
      snprintf (error, error_size, "%s: not a JSON object", path);
      return NULL;
    }
  r = mlrt_report_new ();
  if (r != NULL)
    read_root (&rd, root, r);
  json_object_put (root);
  if (r == NULL || rd.failed)
    {
      if (r == NULL)
        snprintf (error, error_size, "%s: out of memory", path);
      mlrt_report_free (r);
      return NULL;
    }
  mlrt_report_summarize (r);
  return r;
}
