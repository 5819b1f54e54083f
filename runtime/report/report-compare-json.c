/*
 * report-compare-json.c: two reports compared, as JSON for programs (the
 * viewer's Reports Compared window): the same figures and the same layers
 * matched by name as the text (report-compare.c), each side's value or
 * null where that report has no such layer or no measurement. Changes are
 * left to the reader: both values are there. docs/report-json.md
 * documents the document.
 */
#include <stdlib.h>

#include <json-c/json.h>

#include "report.h"

static json_object *
side_to_json (const MlrtReport *r, const char *label)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "label", json_object_new_string (label));
  json_object_object_add (o, "model", r->model_name
                          ? json_object_new_string (r->model_name) : NULL);
  json_object_object_add (o, "compute_units", json_object_new_string (
                            mlrt_report_compute_units_name (r->compute_units)));
  json_object_object_add (o, "iterations",
                          json_object_new_int (r->iterations));
  json_object_object_add (o, "cpu_model", r->machine.cpu_model
                          ? json_object_new_string (r->machine.cpu_model)
                          : NULL);
  json_object_object_add (o, "generated_at", r->generated_at
                          ? json_object_new_string (r->generated_at) : NULL);
  return o;
}

static json_object *
figures_to_json (const MlrtReport *a, const MlrtReport *b)
{
  MlrtCompareFigure f[MLRT_COMPARE_MAX_FIGURES];
  size_t n = mlrt_report_compare_figures (a, b, f);
  json_object *list = json_object_new_array ();

  for (size_t i = 0; i < n; i++)
    {
      json_object *o = json_object_new_object ();

      json_object_object_add (o, "key", json_object_new_string (f[i].key));
      json_object_object_add (o, "label", json_object_new_string (f[i].label));
      json_object_object_add (o, "a", mlrt_report_json_double (f[i].a,
                                                               f[i].decimals));
      json_object_object_add (o, "b", mlrt_report_json_double (f[i].b,
                                                               f[i].decimals));
      json_object_object_add (o, "decimals",
                              json_object_new_int (f[i].decimals));
      json_object_array_add (list, o);
    }
  return list;
}

static void
add_side (json_object *o, const char *unit_key, const char *us_key,
          const MlrtReportLayer *l)
{
  json_object_object_add (o, unit_key, l ? json_object_new_string (
                            mlrt_report_unit_name (l->unit)) : NULL);
  json_object_object_add (o, us_key, l && l->measured
                          ? mlrt_report_json_double (l->measured_us, 3)
                          : NULL);
}

static json_object *
layers_to_json (const MlrtReport *a, const MlrtReport *b)
{
  size_t n;
  MlrtLayerPair *pairs = mlrt_report_match_layers (a, b, &n);
  json_object *list;

  if (pairs == NULL)
    return NULL;
  list = json_object_new_array ();
  for (size_t i = 0; i < n; i++)
    {
      const MlrtReportLayer *l = pairs[i].a ? pairs[i].a : pairs[i].b;
      json_object *o = json_object_new_object ();

      json_object_object_add (o, "name", json_object_new_string (l->name));
      json_object_object_add (o, "op", json_object_new_string (l->op));
      add_side (o, "a_unit", "a_us", pairs[i].a);
      add_side (o, "b_unit", "b_us", pairs[i].b);
      json_object_array_add (list, o);
    }
  free (pairs);
  return list;
}

int
mlrt_report_write_compare_json (const MlrtReport *a, const char *a_label,
                                const MlrtReport *b, const char *b_label,
                                FILE *out)
{
  json_object *layers = layers_to_json (a, b);
  json_object *root;

  if (layers == NULL)
    return -1;
  root = json_object_new_object ();
  json_object_object_add (root, "schema",
                          json_object_new_string (MLRT_REPORT_COMPARE_SCHEMA));
  json_object_object_add (root, "schema_version", json_object_new_int (
                            MLRT_REPORT_COMPARE_SCHEMA_VERSION));
  json_object_object_add (root, "a", side_to_json (a, a_label));
  json_object_object_add (root, "b", side_to_json (b, b_label));
  json_object_object_add (root, "figures", figures_to_json (a, b));
  json_object_object_add (root, "layers", layers);
  return mlrt_report_json_print (root, out);
}
