/*
 * test-report-parts.c: the parts of mlrt-report that need no runtime:
 * statistics, placement classification and fallbacks, per-unit counts,
 * layer ordering, the text / CSV / JSON writers, reading JSON back (and
 * refusing bad files with a message), --compare, and the machine probe.
 * The report under test is built from a hand-written compute plan.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static void
test_stats (void)
{
  double odd[] = { 3.0, 1.0, 2.0 };
  double even[] = { 4.0, 1.0, 3.0, 2.0 };
  double one[] = { 7.5 };
  MlrtReportStats s;

  mlrt_report_stats_compute (&s, odd, 3);
  g_assert_cmpuint (s.count, ==, 3);
  g_assert_cmpfloat (s.median_us, ==, 2.0);
  g_assert_cmpfloat (s.avg_us, ==, 2.0);
  g_assert_cmpfloat (s.min_us, ==, 1.0);
  g_assert_cmpfloat (s.max_us, ==, 3.0);
  g_assert_cmpfloat_with_epsilon (s.stddev_us, sqrt (2.0 / 3.0), 1e-12);
  /* the input is left in its order */
  g_assert_cmpfloat (odd[0], ==, 3.0);

  mlrt_report_stats_compute (&s, even, 4);
  g_assert_cmpfloat (s.median_us, ==, 2.5);
  g_assert_cmpfloat_with_epsilon (s.stddev_us, sqrt (1.25), 1e-12);

  mlrt_report_stats_compute (&s, one, 1);
  g_assert_cmpfloat (s.median_us, ==, 7.5);
  g_assert_cmpfloat (s.stddev_us, ==, 0.0);

  mlrt_report_stats_compute (&s, NULL, 0);
  g_assert_cmpuint (s.count, ==, 0);
  g_assert_cmpfloat (s.median_us, ==, 0.0);
}

#define REASON_NPU_UP "op conv_transpose2d is not supported by the NPU"
#define REASON_NPU_NORM "instance_norm needs float32 statistics"
#define REASON_GPU_NORM "no GPU kernel for instance_norm over 1 channel"

static void
set_plan_layer (MlrtLayerPlan *p, const char *name, const char *op,
                MlrtUnit unit, int segment, const int supported[3],
                const char *const reasons[3])
{
  memset (p, 0, sizeof *p);
  p->name = name;
  p->op = op;
  p->unit = unit;
  p->segment = segment;
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      p->supported[u] = supported[u];
      p->unsupported_reason[u] = reasons[u];
      p->estimated_cost_us[u] = supported[u] ? 10.0 * (u + 1) : 0.0;
    }
}

/* Five layers under "all": one on the NPU, one that fell back from the NPU
 * to the GPU, one that fell back from both to the CPU, one the planner put
 * on the CPU by cost, one with a name that needs CSV quoting. */
static MlrtReport *
make_report (double prediction_us)
{
  static const int all[3] = { 1, 1, 1 };
  static const int no_npu[3] = { 1, 1, 0 };
  static const int cpu_only[3] = { 1, 0, 0 };
  static const char *const none[3] = { NULL, NULL, NULL };
  static const char *const up[3] = { NULL, NULL, REASON_NPU_UP };
  static const char *const norm[3] = { NULL, REASON_GPU_NORM,
                                       REASON_NPU_NORM };
  static const double measured[5] = { 400.0, 250.0, 100.0, 50.0, 120.0 };
  MlrtLayerPlan plan[5];
  MlrtReport *r = mlrt_report_new ();
  double samples[3] = { prediction_us - 10.0, prediction_us,
                        prediction_us + 40.0 };

  set_plan_layer (&plan[0], "enc1", "conv2d", MLRT_UNIT_NPU, 0, all, none);
  set_plan_layer (&plan[1], "up1", "conv_transpose2d", MLRT_UNIT_GPU, 1,
                  no_npu, up);
  set_plan_layer (&plan[2], "norm1", "instance_norm", MLRT_UNIT_CPU, 2,
                  cpu_only, norm);
  set_plan_layer (&plan[3], "act1", "relu", MLRT_UNIT_CPU, 2, all, none);
  set_plan_layer (&plan[4], "out,put \"x\"", "sigmoid", MLRT_UNIT_NPU, 3,
                  all, none);

  r->compute_units = MLRT_COMPUTE_ALL;
  r->machine.cpu_model = g_strdup ("Test CPU");
  r->machine.cpu_cores = 4;
  r->machine.gpu = g_strdup ("Test GPU");
  r->machine.gpu_platform = g_strdup ("Test platform");
  r->machine.npu = g_strdup ("emulated");
  r->model_path = g_strdup ("/models/test.mlpackage");
  r->model_name = g_strdup ("test");
  r->model_size_bytes = 123456;
  r->storage_precision = g_strdup ("float16");
  r->compute_precision = g_strdup ("float32");
  r->generated_at = g_strdup ("2026-01-01T00:00:00Z");
  r->iterations = 3;
  r->warmup = 1;
  mlrt_report_set_plan (r, plan, 5);
  mlrt_report_stats_compute (&r->compile, samples, 3);
  mlrt_report_stats_compute (&r->load_uncached, samples, 3);
  mlrt_report_stats_compute (&r->load_cached, samples, 3);
  mlrt_report_stats_compute (&r->first_prediction, samples, 3);
  mlrt_report_stats_compute (&r->prediction, samples, 3);
  r->fps = 1e6 / r->prediction.median_us;
  for (size_t i = 0; i < 5; i++)
    {
      r->layers[i].measured = 1;
      r->layers[i].measured_us = measured[i];
    }
  mlrt_report_summarize (r);
  return r;
}

static void
test_placement (void)
{
  MlrtReport *r = make_report (1000.0);
  const MlrtReportLayer *l = r->layers;

  g_assert_cmpuint (r->n_layers, ==, 5);
  g_assert_cmpint (l[0].placement[MLRT_UNIT_NPU], ==, MLRT_REPORT_RAN);
  g_assert_cmpint (l[0].placement[MLRT_UNIT_GPU], ==, MLRT_REPORT_SUPPORTED);
  g_assert_false (l[0].fallback);

  g_assert_true (l[1].fallback);
  g_assert_cmpint (l[1].placement[MLRT_UNIT_NPU], ==, MLRT_REPORT_UNSUPPORTED);
  g_assert_cmpstr (l[1].reason[MLRT_UNIT_NPU], ==, REASON_NPU_UP);
  g_assert_cmpstr (l[1].fallback_reason, ==, "npu: " REASON_NPU_UP);

  g_assert_true (l[2].fallback);
  g_assert_cmpstr (l[2].fallback_reason, ==,
                   "npu: " REASON_NPU_NORM "; gpu: " REASON_GPU_NORM);

  /* supported on faster units but placed on the CPU: a choice, not a
   * fallback */
  g_assert_false (l[3].fallback);
  g_assert_cmpint (l[3].placement[MLRT_UNIT_CPU], ==, MLRT_REPORT_RAN);
  g_assert_cmpint (l[3].placement[MLRT_UNIT_NPU], ==, MLRT_REPORT_SUPPORTED);
  g_assert_null (l[3].fallback_reason);

  g_assert_cmpuint (r->layers_on[MLRT_UNIT_CPU], ==, 2);
  g_assert_cmpuint (r->layers_on[MLRT_UNIT_GPU], ==, 1);
  g_assert_cmpuint (r->layers_on[MLRT_UNIT_NPU], ==, 2);
  g_assert_cmpuint (r->n_fallbacks, ==, 2);
  g_assert_true (r->layers_measured);
  g_assert_cmpfloat_with_epsilon (r->layer_total_us, 920.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (r->layers[0].share, 0.4, 1e-12);
  mlrt_report_free (r);
}

/* Under cpu-only nothing falls back, and units that could run a layer are
 * "excluded", not "supported". */
static void
test_placement_cpu_only (void)
{
  static const int sup[3] = { 1, 1, 0 };
  static const char *const reasons[3] = { NULL, NULL, "op not on the NPU" };
  MlrtLayerPlan plan;
  MlrtReport *r = mlrt_report_new ();

  set_plan_layer (&plan, "a", "add", MLRT_UNIT_CPU, 0, sup, reasons);
  r->compute_units = MLRT_COMPUTE_CPU_ONLY;
  mlrt_report_set_plan (r, &plan, 1);
  g_assert_cmpint (r->layers[0].placement[MLRT_UNIT_GPU], ==,
                   MLRT_REPORT_EXCLUDED);
  g_assert_cmpint (r->layers[0].placement[MLRT_UNIT_NPU], ==,
                   MLRT_REPORT_UNSUPPORTED);
  g_assert_false (r->layers[0].fallback);
  g_assert_cmpuint (r->n_fallbacks, ==, 0);
  g_assert_false (r->layers_measured);
  mlrt_report_free (r);
}

static void
test_order (void)
{
  MlrtReport *r = make_report (1000.0);
  size_t *by_index = mlrt_report_layer_order (r, MLRT_REPORT_SORT_INDEX);
  size_t *by_time = mlrt_report_layer_order (r, MLRT_REPORT_SORT_MEASURED);
  static const size_t expected[5] = { 0, 1, 4, 2, 3 };

  for (size_t i = 0; i < 5; i++)
    {
      g_assert_cmpuint (by_index[i], ==, i);
      g_assert_cmpuint (by_time[i], ==, expected[i]);
    }
  free (by_index);
  free (by_time);
  mlrt_report_free (r);
}

typedef int (*Writer) (const MlrtReport *, MlrtReportSort, FILE *);

static char *
write_to_string (Writer writer, const MlrtReport *r, MlrtReportSort sort)
{
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream (&text, &size);

  g_assert_nonnull (out);
  g_assert_cmpint (writer (r, sort, out), ==, 0);
  fclose (out);
  return text;
}

static void
assert_width (const char *text, size_t max)
{
  char **lines = g_strsplit (text, "\n", -1);

  for (char **l = lines; *l != NULL; l++)
    if (g_utf8_strlen (*l, -1) > (glong) max)
      g_error ("line longer than %zu columns: \"%s\"", max, *l);
  g_strfreev (lines);
}

static void
test_text (void)
{
  MlrtReport *r = make_report (1000.0);
  char *text = write_to_string (mlrt_report_write_text, r,
                                MLRT_REPORT_SORT_MEASURED);

  assert_width (text, 100);
  g_assert_nonnull (strstr (text, "Test CPU, 4 cores"));
  g_assert_nonnull (strstr (text, "Layers: 5; on cpu 2, gpu 1, npu 2;"
                                  " 2 fell back"));
  g_assert_nonnull (strstr (text, "92.0% of the median prediction"));
  g_assert_nonnull (strstr (text, "up1 (conv_transpose2d, layer 1) ran on gpu"
                                  " because npu: op"));
  /* the fallback is flagged in its row, with a numbered reason */
  g_assert_true (g_regex_match_simple ("\\n +1 up1 +conv_transpose2d +gpu +"
                                       "yes +RAN +no[0-9] .* FELL BACK\\n",
                                       text, 0, 0));
  g_assert_true (g_regex_match_simple ("\\n  no[0-9] +npu: op conv_transpose2d"
                                       " is not supported by the NPU\\n",
                                       text, 0, 0));
  /* reasons may be wrapped: look for their last words */
  g_assert_nonnull (strstr (text, "1 channel"));
  g_assert_nonnull (strstr (text, "statistics"));
  g_assert_nonnull (strstr (text, "Prediction                  1.000       1.010"));
  /* sorted by measured time: enc1 (400 us) comes before act1 (50 us) */
  g_assert_true (strstr (text, "enc1") < strstr (text, "act1 "));
  g_free (text);
  mlrt_report_free (r);

  /* Names longer than a line (PoCL names an AVX-512 device in 105
   * characters) are wrapped under their field, never past 100 columns. */
  r = make_report (1000.0);
  free (r->machine.gpu);
  free (r->machine.cpu_model);
  r->machine.gpu = strdup ("cpu-skylake-avx512-Intel(R) Xeon(R) Platinum "
                           "8375C CPU @ 2.90GHz with a very long device name");
  r->machine.cpu_model = strdup ("Intel(R) Xeon(R) Platinum 8375C CPU @ "
                                 "2.90GHz, a model name that goes on and on "
                                 "past the width");
  text = write_to_string (mlrt_report_write_text, r,
                          MLRT_REPORT_SORT_MEASURED);
  assert_width (text, 100);
  g_assert_nonnull (strstr (text, "GPU            cpu-skylake-avx512-Intel(R)"));
  g_assert_nonnull (strstr (text, "\n               "));
  g_free (text);
  mlrt_report_free (r);
}

static void
test_csv (void)
{
  MlrtReport *r = make_report (1000.0);
  char *text = write_to_string (mlrt_report_write_csv, r,
                                MLRT_REPORT_SORT_INDEX);
  char **lines = g_strsplit (text, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 7); /* header, 5, "" */
  g_assert_true (g_str_has_prefix (lines[0], "index,name,op,unit,"));
  g_assert_true (g_str_has_prefix (lines[1], "0,enc1,conv2d,npu,0,"
                                             "supported,supported,ran,"));
  g_assert_true (g_str_has_prefix (lines[5], "4,\"out,put \"\"x\"\"\","));
  g_assert_nonnull (strstr (lines[2], ",250.000,0.2500,1,npu: op"));
  g_strfreev (lines);
  g_free (text);
  mlrt_report_free (r);
}

static char *
write_json_file (const MlrtReport *r, const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  FILE *f = fopen (path, "w");

  g_assert_nonnull (f);
  g_assert_cmpint (mlrt_report_write_json (r, MLRT_REPORT_SORT_MEASURED, f),
                   ==, 0);
  fclose (f);
  return path;
}

/* The keys docs/report-json.md promises. */
static void
assert_documented_keys (json_object *root)
{
  static const char *const top[] = { "schema", "schema_version",
    "generated_at", "machine", "compute_units", "iterations", "warmup",
    "model", "timings", "prediction_fps", "layer_summary", "layers" };
  static const char *const stats[] = { "count", "median_us", "avg_us",
    "min_us", "max_us", "stddev_us" };
  static const char *const layer[] = { "index", "name", "op", "unit",
    "segment", "units", "fallback", "fallback_reason", "measured_us",
    "share" };
  json_object *v, *timings, *l;

  for (size_t i = 0; i < G_N_ELEMENTS (top); i++)
    g_assert_true (json_object_object_get_ex (root, top[i], NULL));
  json_object_object_get_ex (root, "timings", &timings);
  json_object_object_get_ex (timings, "prediction", &v);
  for (size_t i = 0; i < G_N_ELEMENTS (stats); i++)
    g_assert_true (json_object_object_get_ex (v, stats[i], NULL));
  json_object_object_get_ex (root, "layers", &v);
  l = json_object_array_get_idx (v, 1);
  for (size_t i = 0; i < G_N_ELEMENTS (layer); i++)
    g_assert_true (json_object_object_get_ex (l, layer[i], NULL));
  json_object_object_get_ex (l, "units", &v);
  json_object_object_get_ex (v, "npu", &v);
  json_object_object_get_ex (v, "placement", &v);
  g_assert_cmpstr (json_object_get_string (v), ==, "unsupported");
}

static void
test_json_round_trip (void)
{
  char *dir = g_dir_make_tmp ("report-parts-XXXXXX", NULL);
  MlrtReport *r = make_report (1000.0);
  char *path = write_json_file (r, dir, "a.json");
  json_object *root = json_object_from_file (path);
  char error[512];
  MlrtReport *back;

  g_assert_nonnull (root);
  assert_documented_keys (root);
  json_object_put (root);

  back = mlrt_report_read_json (path, error, sizeof error);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->model_name, ==, "test");
  g_assert_cmpint (back->compute_units, ==, MLRT_COMPUTE_ALL);
  g_assert_cmpuint (back->model_size_bytes, ==, 123456);
  g_assert_cmpfloat_with_epsilon (back->prediction.median_us, 1000.0, 1e-3);
  g_assert_cmpuint (back->n_layers, ==, 5);
  g_assert_cmpuint (back->layers_on[MLRT_UNIT_NPU], ==, 2);
  g_assert_cmpuint (back->n_fallbacks, ==, 2);
  g_assert_cmpstr (back->layers[4].name, ==, "out,put \"x\"");
  g_assert_cmpstr (back->layers[2].fallback_reason, ==,
                   r->layers[2].fallback_reason);
  g_assert_cmpint (back->layers[3].placement[MLRT_UNIT_GPU], ==,
                   MLRT_REPORT_SUPPORTED);
  g_assert_cmpfloat_with_epsilon (back->layers[1].measured_us, 250.0, 1e-3);
  g_assert_cmpfloat (back->layers[2].estimated_cost_us[MLRT_UNIT_NPU], <, 0);
  mlrt_report_free (back);
  mlrt_report_free (r);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

static void
assert_read_fails (const char *dir, const char *name, const char *content,
                   const char *expected)
{
  char *path = g_build_filename (dir, name, NULL);
  char error[512] = "";

  if (content != NULL)
    g_assert_true (g_file_set_contents (path, content, -1, NULL));
  g_assert_null (mlrt_report_read_json (path, error, sizeof error));
  g_assert_true (g_str_has_prefix (error, path));
  if (strstr (error, expected) == NULL)
    g_error ("\"%s\" does not say \"%s\"", error, expected);
  g_unlink (path);
  g_free (path);
}

static void
test_json_bad (void)
{
  char *dir = g_dir_make_tmp ("report-parts-XXXXXX", NULL);
  MlrtReport *r = make_report (1000.0);
  char *good = write_json_file (r, dir, "good.json");
  char *text;
  GString *cut;

  assert_read_fails (dir, "missing.json", NULL, "cannot open");
  assert_read_fails (dir, "garbage.json", "{ not json", "not valid JSON");
  assert_read_fails (dir, "array.json", "[1, 2]", "not a JSON object");
  assert_read_fails (dir, "empty.json", "{}", "not an mlrt-report file");
  assert_read_fails (dir, "other.json", "{\"schema\": \"something\"}",
                     "not an mlrt-report file");
  g_assert_true (g_file_get_contents (good, &text, NULL, NULL));
  cut = g_string_new (text);
  g_string_replace (cut, "\"timings\"", "\"timing\"", 1);
  assert_read_fails (dir, "cut.json", cut->str, "missing key \"timings\"");
  g_string_assign (cut, text);
  g_string_replace (cut, "\"schema_version\": 1", "\"schema_version\": 9", 1);
  assert_read_fails (dir, "future.json", cut->str, "schema_version");
  g_string_free (cut, TRUE);
  g_free (text);
  g_unlink (good);
  g_free (good);
  g_rmdir (dir);
  g_free (dir);
  mlrt_report_free (r);
}

static void
test_compare (void)
{
  MlrtReport *a = make_report (1000.0);
  MlrtReport *b = make_report (2000.0);
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream (&text, &size);

  b->layers[0].measured_us = 100.0;
  b->compute_units = MLRT_COMPUTE_CPU_AND_GPU;
  mlrt_report_summarize (b);
  g_assert_cmpint (mlrt_report_write_compare (a, "a.json", b, "b.json", out),
                   ==, 0);
  fclose (out);
  assert_width (text, 100);
  g_assert_nonnull (strstr (text, "A  test, all, 3 iterations (a.json)"));
  g_assert_nonnull (strstr (text, "B  test, cpu-and-gpu, 3 iterations"));
  /* prediction median 1 ms -> 2 ms */
  g_assert_true (g_regex_match_simple ("Prediction, median ms +1\\.000 +2\\.000"
                                       " +\\+1\\.000 +\\+100\\.0%", text,
                                       0, 0));
  /* enc1 400 us -> 100 us */
  g_assert_true (g_regex_match_simple ("enc1 +conv2d +npu +npu +400\\.0"
                                       " +100\\.0 +-300\\.0 +-75\\.0%",
                                       text, 0, 0));
  g_free (text);
  mlrt_report_free (a);
  mlrt_report_free (b);
}

/* The JSON comparison holds what the text does: both values of every
 * figure, each layer matched by name, null on the side without it. */
static void
test_compare_json (void)
{
  MlrtReport *a = make_report (1000.0);
  MlrtReport *b = make_report (2000.0);
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream (&text, &size);
  json_object *root, *figures, *layers, *o;

  b->layers[0].measured_us = 100.0;
  g_free (b->layers[3].name);
  b->layers[3].name = g_strdup ("act2");
  b->compute_units = MLRT_COMPUTE_CPU_AND_GPU;
  mlrt_report_summarize (b);
  g_assert_cmpint (mlrt_report_write_compare_json (a, "a.json", b, "b.json",
                                                   out), ==, 0);
  fclose (out);
  root = json_tokener_parse (text);
  g_assert_nonnull (root);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (root,
                   "schema")), ==, "mlrt-report-compare");
  o = json_object_object_get (root, "b");
  g_assert_cmpstr (json_object_get_string (json_object_object_get (o,
                   "compute_units")), ==, "cpu-and-gpu");
  g_assert_cmpstr (json_object_get_string (json_object_object_get (o,
                   "label")), ==, "b.json");

  figures = json_object_object_get (root, "figures");
  o = NULL;
  for (size_t i = 0; i < json_object_array_length (figures); i++)
    {
      json_object *f = json_object_array_get_idx (figures, i);

      if (g_strcmp0 (json_object_get_string (json_object_object_get (f,
                     "key")), "prediction_ms") == 0)
        o = f;
    }
  g_assert_nonnull (o);
  g_assert_cmpfloat (json_object_get_double (json_object_object_get (o, "a")),
                     ==, 1.0);
  g_assert_cmpfloat (json_object_get_double (json_object_object_get (o, "b")),
                     ==, 2.0);

  /* enc1 400 us -> 100 us; act1 only in A, act2 only in B, last */
  layers = json_object_object_get (root, "layers");
  g_assert_cmpuint (json_object_array_length (layers), ==, 6);
  o = json_object_array_get_idx (layers, 0);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (o,
                   "name")), ==, "enc1");
  g_assert_cmpstr (json_object_get_string (json_object_object_get (o,
                   "b_unit")), ==, "npu");
  g_assert_cmpfloat (json_object_get_double (json_object_object_get (o,
                     "a_us")), ==, 400.0);
  g_assert_cmpfloat (json_object_get_double (json_object_object_get (o,
                     "b_us")), ==, 100.0);
  o = json_object_array_get_idx (layers, 3);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (o,
                   "name")), ==, "act1");
  g_assert_true (json_object_object_get_ex (o, "b_unit", NULL));
  g_assert_null (json_object_object_get (o, "b_unit"));
  g_assert_null (json_object_object_get (o, "b_us"));
  o = json_object_array_get_idx (layers, 5);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (o,
                   "name")), ==, "act2");
  g_assert_null (json_object_object_get (o, "a_us"));
  json_object_put (root);
  g_free (text);
  mlrt_report_free (a);
  mlrt_report_free (b);
}

static void
test_machine (void)
{
  MlrtReportMachine m = { 0 };

  mlrt_report_machine_probe (&m);
  g_assert_nonnull (m.cpu_model);
  g_assert_cmpstr (m.cpu_model, !=, "");
  g_assert_cmpint (m.cpu_cores, >=, 1);
  g_assert_nonnull (m.gpu);
  g_assert_nonnull (m.gpu_platform);
  g_assert_cmpstr (m.npu, ==, "emulated");
  mlrt_report_machine_clear (&m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/stats", test_stats);
  g_test_add_func ("/report/placement", test_placement);
  g_test_add_func ("/report/placement-cpu-only", test_placement_cpu_only);
  g_test_add_func ("/report/order", test_order);
  g_test_add_func ("/report/text", test_text);
  g_test_add_func ("/report/csv", test_csv);
  g_test_add_func ("/report/json-round-trip", test_json_round_trip);
  g_test_add_func ("/report/json-bad", test_json_bad);
  g_test_add_func ("/report/compare", test_compare);
  g_test_add_func ("/report/compare-json", test_compare_json);
  g_test_add_func ("/report/machine", test_machine);
  return g_test_run ();
}
