/*
 * test-report-run.c: mlrt-report end to end, on the small model package
 * of test-model.c.
 *
 * Checks: the report's per-layer units are those of mlrt_model_plan() for
 * the same compute units; the per-unit layer counts add up; the measured
 * per-layer times add up to no more than the measured median prediction
 * plus 25 % (no layer counted twice) and to at least half of it (the rest
 * is input validation and conversion, copies, scheduling, which a busy
 * machine stretches);
 * cpu-only puts every layer on the CPU; the JSON has the documented keys;
 * the text fits 100 columns; CSV has a row per layer; --compare works on
 * two JSON reports; bad inputs exit non-zero with a message naming the
 * problem; the JSON is UTF-8 when the model's path is not.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mlrt/mlrt.h"
#include "test-model.h"

/* Layer times must add up to no more than the median prediction plus this
 * fraction, and to at least this share of it. */
#define LAYER_SUM_MARGIN 0.25
#define LAYER_SUM_FLOOR 0.5

static char *tmp_dir;
static char *package;

/* Runs mlrt-report; returns its exit status, output in *out / *err. */
static int
run_report (const char *const *args, char **env_extra, char **out, char **err)
{
  GPtrArray *argv = g_ptr_array_new ();
  char **envp = g_get_environ ();
  GError *error = NULL;
  int status = -1;

  g_ptr_array_add (argv, (char *) g_getenv ("MLRT_REPORT"));
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add (argv, (char *) *a);
  g_ptr_array_add (argv, NULL);
  for (char **e = env_extra; e != NULL && e[0] != NULL; e += 2)
    envp = g_environ_setenv (envp, e[0], e[1], TRUE);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT,
                     NULL, NULL, out, err, &status, &error))
    g_error ("cannot run mlrt-report: %s", error->message);
  g_ptr_array_free (argv, TRUE);
  g_strfreev (envp);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128;
}

static char *
report_json (const char *pkg, const char *units, const char *name)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  const char *args[] = { pkg, "--compute-units", units, "--iterations",
                         "9", "--warmup", "2", "--format", "json", "-o",
                         path, NULL };
  /* meson test sets MALLOC_PERTURB_, which makes every allocation fill
   * its memory: a cost inside predictions but outside layers that would
   * skew the layer-time check. */
  char *env[] = { "MALLOC_PERTURB_", "0", NULL };
  char *out, *err;
  int status = run_report (args, env, &out, &err);

  if (status != 0)
    g_error ("mlrt-report --compute-units %s failed (%d): %s", units, status,
             err);
  g_free (out);
  g_free (err);
  return path;
}

static json_object *
member (json_object *o, const char *key)
{
  json_object *v = NULL;

  if (!json_object_object_get_ex (o, key, &v))
    g_error ("the report has no \"%s\"", key);
  return v;
}

/* The plan mlrt itself gives for these compute units. */
static size_t
mlrt_plan (const char *pkg, MlrtComputeUnits units, MlrtModel **model,
           const MlrtLayerPlan **plan)
{
  MlrtConfiguration config;
  MlrtError error;
  char *cache = g_build_filename (tmp_dir, "plan-cache", NULL);

  mlrt_configuration_init (&config);
  config.compute_units = units;
  config.cache_dir = cache;
  if (mlrt_model_load (pkg, &config, model, &error) != MLRT_OK)
    g_error ("loading the test model: %s", error.message);
  g_free (cache);
  return mlrt_model_plan (*model, plan);
}

/* Checks a report's structure against mlrt's own plan; returns whether
 * the layer times add up to the median prediction within the margin. */
static gboolean
check_report (const char *pkg, const char *path, MlrtComputeUnits units)
{
  json_object *root = json_object_from_file (path);
  json_object *layers, *summary, *prediction;
  MlrtModel *model;
  const MlrtLayerPlan *plan;
  size_t n = mlrt_plan (pkg, units, &model, &plan);
  size_t count[MLRT_N_UNITS] = { 0 };
  double sum = 0.0, median;

  g_assert_nonnull (root);
  g_assert_cmpstr (json_object_get_string (member (root, "schema")), ==,
                   "mlrt-report");
  g_assert_cmpint (json_object_get_int (member (root, "schema_version")),
                   ==, 1);
  g_assert_cmpstr (json_object_get_string (member (root, "compute_units")),
                   ==, mlrt_compute_units_name (units));
  member (member (root, "machine"), "cpu_model");
  g_assert_cmpstr (json_object_get_string (member (member (root, "machine"),
                                                   "npu")), ==, "emulated");
  g_assert_cmpstr (json_object_get_string (member (member (root, "model"),
                                                   "path")), ==, pkg);
  g_assert_cmpstr (json_object_get_string (member (member (root, "model"),
                                                   "name")), ==,
                   mlrt_model_description (model)->name);
  g_assert_cmpint (json_object_get_int64 (member (member (root, "model"),
                                                  "size_bytes")), >, 0);
  for (const char *const *k = (const char *const[]) { "compile",
         "load_uncached", "load_cached", "first_prediction", "prediction",
         NULL }; *k != NULL; k++)
    {
      json_object *s = member (member (root, "timings"), *k);

      g_assert_cmpint (json_object_get_int (member (s, "count")), ==, 9);
      g_assert_cmpfloat (json_object_get_double (member (s, "median_us")),
                         >, 0.0);
      g_assert_cmpfloat (json_object_get_double (member (s, "min_us")), <=,
                         json_object_get_double (member (s, "max_us")));
    }
  layers = member (root, "layers");
  g_assert_cmpuint (json_object_array_length (layers), ==, n);
  for (size_t i = 0; i < n; i++)
    {
      json_object *l = json_object_array_get_idx (layers, i);
      const char *unit = json_object_get_string (member (l, "unit"));

      g_assert_cmpstr (json_object_get_string (member (l, "name")), ==,
                       plan[i].name);
      g_assert_cmpstr (unit, ==, mlrt_unit_name (plan[i].unit));
      if (units == MLRT_COMPUTE_CPU_ONLY)
        {
          g_assert_cmpstr (unit, ==, "cpu");
          g_assert_false (json_object_get_boolean (member (l, "fallback")));
        }
      count[plan[i].unit]++;
      g_assert_true (json_object_is_type (member (l, "measured_us"),
                                          json_type_double));
      sum += json_object_get_double (member (l, "measured_us"));
    }
  summary = member (root, "layer_summary");
  g_assert_cmpint (json_object_get_int (member (summary, "total")), ==, n);
  g_assert_cmpint (json_object_get_int (member (summary, "cpu"))
                   + json_object_get_int (member (summary, "gpu"))
                   + json_object_get_int (member (summary, "npu")), ==, n);
  for (int u = 0; u < MLRT_N_UNITS; u++)
    g_assert_cmpint (json_object_get_int (member (summary,
                       mlrt_unit_name ((MlrtUnit) u))), ==, count[u]);
  prediction = member (member (root, "timings"), "prediction");
  median = json_object_get_double (member (prediction, "median_us"));
  g_test_message ("%s: layers sum to %.1f us, median prediction %.1f us",
                  mlrt_compute_units_name (units), sum, median);
  mlrt_model_unload (model);
  json_object_put (root);
  return sum <= (1 + LAYER_SUM_MARGIN) * median
         && sum >= LAYER_SUM_FLOOR * median;
}

/* Time outside the layers (waking threads, conversions) grows when other
 * processes load the machine, so a report whose layer times miss the margin
 * is measured again, up to three times in all. Double-counted or missing
 * layers miss it every time. */
static void
check_measured (const char *pkg, const char *units_name,
                MlrtComputeUnits units)
{
  gboolean within = FALSE;

  for (int attempt = 0; attempt < 3 && !within; attempt++)
    {
      char *name = g_strdup_printf ("%s-%d.json", units_name, attempt);
      char *path = report_json (pkg, units_name, name);

      within = check_report (pkg, path, units);
      if (!within)
        g_test_message ("layer times above %.0f %% or below %.0f %% of the"
                        " prediction; measuring again",
                        100 * (1 + LAYER_SUM_MARGIN), 100 * LAYER_SUM_FLOOR);
      g_free (name);
      g_free (path);
    }
  g_assert_true (within);
}

static void
test_cpu_only (void)
{
  check_measured (package, "cpu-only", MLRT_COMPUTE_CPU_ONLY);
}

static void
test_all (void)
{
  check_measured (package, "all", MLRT_COMPUTE_ALL);
}

static void
test_gpu (void)
{
  if (!mlrt_unit_available (MLRT_UNIT_GPU))
    {
      g_test_skip ("no OpenCL device: the GPU unit is unavailable");
      return;
    }
  check_measured (package, "cpu-and-gpu", MLRT_COMPUTE_CPU_AND_GPU);
}

static void
test_npu (void)
{
  check_measured (package, "cpu-and-npu", MLRT_COMPUTE_CPU_AND_NPU);
}

/* The example style model, when the build made it (MLRT_STYLE_MODEL). */
static void
test_style (gconstpointer data)
{
  const char *units = data;
  MlrtComputeUnits cu;
  MlrtError error;

  g_assert_cmpint (mlrt_compute_units_from_name (units, &cu, &error), ==,
                   MLRT_OK);
  check_measured (g_getenv ("MLRT_STYLE_MODEL"), units, cu);
}

static void
test_text_and_csv (void)
{
  const char *text_args[] = { package, "-u", "cpu-only", "-n", "3", NULL };
  const char *csv_args[] = { package, "-u", "cpu-only", "-n", "3",
                             "--format", "csv", "--sort", "index", NULL };
  char *out, *err;
  char **lines;

  g_assert_cmpint (run_report (text_args, NULL, &out, &err), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    if (g_utf8_strlen (*l, -1) > 100)
      g_error ("text line over 100 columns: \"%s\"", *l);
  g_assert_nonnull (strstr (out, "Prediction "));
  g_assert_nonnull (strstr (out, "Layers: "));
  g_assert_nonnull (strstr (out, "conv1"));
  g_strfreev (lines);
  g_free (out);
  g_free (err);

  g_assert_cmpint (run_report (csv_args, NULL, &out, &err), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "index,name,op,unit,"));
  g_assert_true (g_str_has_prefix (lines[1], "0,conv1,conv2d,cpu,"));
  /* header + one row per layer + the empty string after the last \n */
  {
    MlrtModel *model;
    const MlrtLayerPlan *plan;
    size_t n = mlrt_plan (package, MLRT_COMPUTE_CPU_ONLY, &model, &plan);

    g_assert_cmpuint (g_strv_length (lines), ==, n + 2);
    mlrt_model_unload (model);
  }
  g_strfreev (lines);
  g_free (out);
  g_free (err);
}

static void
assert_fails (const char *const *args, char **env, int expected_status,
              const char *expected_message)
{
  char *out, *err;
  int status = run_report (args, env, &out, &err);

  g_test_message ("stderr: %s", err);
  g_assert_cmpint (status, ==, expected_status);
  if (strstr (err, expected_message) == NULL)
    g_error ("stderr \"%s\" does not say \"%s\"", err, expected_message);
  g_free (out);
  g_free (err);
}

static void
test_compare (void)
{
  char *a = report_json (package, "cpu-only", "cmp-a.json");
  char *b = report_json (package, "all", "cmp-b.json");
  const char *args[] = { "--compare", a, b, NULL };
  char *out, *err;

  g_assert_cmpint (run_report (args, NULL, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "report-test, cpu-only"));
  g_assert_nonnull (strstr (out, "report-test, all"));
  g_assert_true (g_regex_match_simple ("Prediction, median ms +[0-9.]+ +"
                                       "[0-9.]+ +[-+][0-9.]+ +[-+][0-9.]+%",
                                       out, 0, 0));
  g_assert_nonnull (strstr (out, "conv1"));
  g_free (out);
  g_free (err);

  /* the same as JSON, for programs; CSV has no comparison */
  const char *json_args[] = { "--compare", "--format", "json", a, b, NULL };
  g_assert_cmpint (run_report (json_args, NULL, &out, &err), ==, 0);
  json_object *root = json_tokener_parse (out);
  g_assert_nonnull (root);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (
    json_object_object_get (root, "a"), "compute_units")), ==, "cpu-only");
  g_assert_cmpuint (json_object_array_length (json_object_object_get (
    root, "layers")), >, 0);
  json_object_put (root);
  g_free (out);
  g_free (err);
  assert_fails ((const char *[]) { "--compare", "-f", "csv", a, b, NULL },
                NULL, 2, "--compare writes text or json, not csv");
  g_free (a);
  g_free (b);
}

static void
test_bad_inputs (void)
{
  char *missing = g_build_filename (tmp_dir, "nope.mlpackage", NULL);
  char *broken = g_build_filename (tmp_dir, "broken.mlpackage", NULL);
  char *broken_json = g_build_filename (broken, "model.json", NULL);
  char *no_icd = g_build_filename (tmp_dir, "no-icd", NULL);
  char *not_report = g_build_filename (broken, "model.json", NULL);
  char *env[] = { "OCL_ICD_VENDORS", no_icd, NULL };

  g_mkdir_with_parents (no_icd, 0700);
  g_mkdir_with_parents (broken, 0700);
  g_assert_true (g_file_set_contents (broken_json, "{ \"format_version\": ",
                                      -1, NULL));
  assert_fails ((const char *[]) { missing, "-u", "cpu-only", NULL }, NULL,
                1, missing);
  assert_fails ((const char *[]) { broken, "-u", "cpu-only", "-n", "1",
                                   NULL }, NULL, 1, "broken.mlpackage");
  assert_fails ((const char *[]) { package, "-u", "fast", NULL }, NULL, 2,
                "unknown compute units \"fast\"");
  assert_fails ((const char *[]) { package, NULL }, NULL, 2,
                "--compute-units is required");
  assert_fails ((const char *[]) { package, "-u", "all", "-n", "0", NULL },
                NULL, 2, "--iterations");
  /* With no OpenCL driver registered there is no GPU. */
  assert_fails ((const char *[]) { package, "-u", "cpu-and-gpu", NULL }, env,
                1, "need the gpu, which this machine does not have");
  assert_fails ((const char *[]) { "--compare", not_report, missing, NULL },
                NULL, 1, not_report);
  g_remove (broken_json);
  g_rmdir (broken);
  g_rmdir (no_icd);
  g_free (missing);
  g_free (broken);
  g_free (broken_json);
  g_free (no_icd);
  g_free (not_report);
}

/* A file name need not be UTF-8, the report's JSON must be: the model's
 * path is mended, the rest is as it was. */
static void
test_json_path_not_utf8 (void)
{
  char *link = g_build_filename (tmp_dir, "rep\xffort.mlpackage", NULL);
  char *path;
  char *text = NULL;
  const char *bad = NULL;
  json_object *root;

  g_assert_cmpint (symlink (package, link), ==, 0);
  path = report_json (link, "cpu-only", "not-utf8.json");
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  if (!g_utf8_validate (text, -1, &bad))
    g_error ("the report's JSON is not UTF-8 at byte %td", bad - text);
  root = json_tokener_parse (text);
  g_assert_nonnull (root);
  g_assert_true (g_str_has_suffix (json_object_get_string (
                    member (member (root, "model"), "path")),
                  "/rep\xef\xbf\xbdort.mlpackage"));
  g_assert_cmpint (json_object_array_length (member (root, "layers")), >, 0);
  json_object_put (root);
  g_unlink (link);
  g_free (text);
  g_free (path);
  g_free (link);
}

int
main (int argc, char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);
  /* The report's plan is checked against another load's, in another
   * process: both must be unit priority's. Measured plans differ where
   * units come close, and estimated ones rest on rates each process
   * measures for its own cache directory (docs/placement.md). Inherited
   * by mlrt-report. */
  g_setenv ("MLRT_PLACEMENT", "priority", TRUE);
  if (g_getenv ("MLRT_REPORT") == NULL)
    g_error ("MLRT_REPORT must name the mlrt-report executable");
  tmp_dir = g_dir_make_tmp ("report-run-XXXXXX", NULL);
  package = g_build_filename (tmp_dir, "report-test.mlpackage", NULL);
  mlrt_report_test_write_package (package);
  g_test_add_func ("/report/run/cpu-only", test_cpu_only);
  g_test_add_func ("/report/run/all", test_all);
  g_test_add_func ("/report/run/cpu-and-gpu", test_gpu);
  g_test_add_func ("/report/run/cpu-and-npu", test_npu);
  g_test_add_func ("/report/run/text-and-csv", test_text_and_csv);
  g_test_add_func ("/report/run/compare", test_compare);
  g_test_add_func ("/report/run/bad-inputs", test_bad_inputs);
  g_test_add_func ("/report/run/json-path-not-utf8",
                   test_json_path_not_utf8);
  if (g_getenv ("MLRT_STYLE_MODEL") != NULL)
    {
      g_test_add_data_func ("/report/run/style/cpu-only", "cpu-only",
                            test_style);
      g_test_add_data_func ("/report/run/style/all", "all", test_style);
    }
  result = g_test_run ();
  test_tmpdir_remove (tmp_dir);
  g_free (package);
  g_free (tmp_dir);
  return result;
}
