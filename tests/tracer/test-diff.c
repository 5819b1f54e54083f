/*
 * test-diff.c: `mlscope diff` on real recordings (mls-test-recordings.c),
 * checked against what the apps are documented to do, never against this
 * machine's speed:
 *
 *   style-demo --reload-every-frame against loading once: Model Load 40 ->
 *     5, its total down, with a verdict;
 *   cpu-only against a measured cpu-and-npu load per frame: Model Load
 *     slower beyond noise (a measuring load runs the network on both units,
 *     a cpu-only load runs nothing: hundreds of times apart anywhere);
 *   sharpen-demo Gray8 against Float16 with output backings: the
 *     conversions disappeared (and appear the other way round);
 *   --fail-if: exit 1 when the compute units slow loads down, 0 between two
 *     recordings of the same app made at the same time;
 *   the table, CSV and JSON agree; bad input is refused with a message.
 */
#include <math.h>
#include <string.h>

#include "mls-test-recordings.h"

/* ---- helpers ---- */

/* A short name for the many lookups below. */
#define get mls_test_json_get

static json_object *
diff_json (const char *before, const char *after, const char *option)
{
  return mls_test_mlscope_json ("diff", before, after, "--format", "json",
                                option, NULL);
}

static gint64
get_int (json_object *o, const char *path_a, const char *path_b)
{
  return json_object_get_int64 (get (get (o, path_a), path_b));
}

/* The row of KIND (and MODEL, with --by-model), or NULL. */
static json_object *
find_row (json_object *root, const char *kind, const char *model)
{
  json_object *rows = get (root, "rows");

  for (size_t i = 0; i < json_object_array_length (rows); i++)
    {
      json_object *row = json_object_array_get_idx (rows, i);
      json_object *m = NULL;
      if (strcmp (json_object_get_string (get (row, "kind")), kind) != 0)
        continue;
      if (model && (!json_object_object_get_ex (row, "model", &m)
                    || g_strcmp0 (json_object_get_string (m), model) != 0))
        continue;
      return row;
    }
  return NULL;
}

static const char *
verdict (json_object *row)
{
  return json_object_get_string (get (row, "verdict"));
}

/* The table's line for KIND (not for a part of it: "Model Load, cached"
 * is not Model Load's). */
static char *
table_line (const char *out, const char *kind)
{
  char **lines = g_strsplit (out, "\n", -1);
  char *found = NULL;

  for (char **l = lines; *l && !found; l++)
    {
      const char *text = *l + strspn (*l, " ");
      if (g_str_has_prefix (text, kind) && text[strlen (kind)] == ' ')
        found = g_strdup (*l);
    }
  g_strfreev (lines);
  return found;
}

/* ---- what the issue asks ---- */

static void
test_reload_vs_once (void)
{
  const char *reload = mls_test_recording ("style-reload");
  const char *once = mls_test_recording ("style-once");
  if (!reload || !once)
    return;
  json_object *root = diff_json (reload, once, NULL);
  json_object *load = find_row (root, "Model Load", NULL);
  static const char *const verdicts[] = { "slower", "faster", "same",
                                          "too few" };

  g_assert_nonnull (load);
  g_assert_cmpint (get_int (load, "before", "count"), ==, 40);
  g_assert_cmpint (get_int (load, "after", "count"), ==, 5);
  /* The reloading run's 35 extra loads reuse the placement its first 5
   * measured (docs/placement.md): the two totals differ by little, either
   * way; the diff's arithmetic holds whatever the sign. */
  g_assert_cmpint (get_int (load, "change", "total_ns"), ==,
                   get_int (load, "after", "total_ns")
                   - get_int (load, "before", "total_ns"));
  g_assert_true (g_strv_contains (verdicts, verdict (load)));
  g_assert_nonnull (get (load, "p_value"));
  /* Same work per frame: 40 predictions on both sides. */
  g_assert_cmpint (get_int (find_row (root, "Prediction", NULL), "after",
                            "count"), ==, 40);
  /* Sorted by the largest change in total first. */
  json_object *rows = get (root, "rows");
  for (size_t i = 1; i < json_object_array_length (rows); i++)
    g_assert_cmpint (llabs (get_int (json_object_array_get_idx (rows, i - 1),
                                     "change", "total_ns")), >=,
                     llabs (get_int (json_object_array_get_idx (rows, i),
                                     "change", "total_ns")));
  json_object_put (root);

  /* The table says the same, in words. */
  MlsRun *run = mls_test_mlscope_run ("diff", reload, once, NULL);
  char *line = table_line (run->out, "Model Load");
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "40 \u2192 5"));
  g_assert_nonnull (strstr (run->out, "Mann-Whitney U"));
  g_assert_nonnull (strstr (run->out, "level 0.01"));
  g_free (line);
  mls_test_run_free (run);

  /* By model, models matched by name: 8 loads of each style become 1. */
  root = diff_json (reload, once, "--by-model");
  for (int s = 0; s < 5; s++)
    {
      static const char *const styles[] = { "style-candy", "style-mosaic",
                                            "style-rain", "style-scream",
                                            "style-udnie" };
      json_object *row = find_row (root, "Model Load", styles[s]);
      g_assert_nonnull (row);
      g_assert_cmpint (get_int (row, "before", "count"), ==, 8);
      g_assert_cmpint (get_int (row, "after", "count"), ==, 1);
    }
  json_object_put (root);
}

static void
test_certain_regression (void)
{
  /* cpu-only loads measure nothing; each of style-once's five loads
   * measures its placement on the CPU and the NPU. */
  const char *cpu = mls_test_recording ("style-cpu");
  const char *once = mls_test_recording ("style-once");
  if (!cpu || !once)
    return;
  json_object *root = diff_json (cpu, once, NULL);
  json_object *load = find_row (root, "Model Load", NULL);

  g_assert_cmpstr (verdict (load), ==, "slower");
  g_assert_cmpfloat (json_object_get_double (get (load, "p_value")), <,
                     0.01);
  g_assert_cmpint (get_int (load, "change", "median_ns"), >, 0);
  json_object_put (root);
}

static void
test_conversions_disappear (void)
{
  const char *gray8 = mls_test_recording ("sharpen-gray8");
  const char *fp16 = mls_test_recording ("sharpen-fp16-backed");
  static const char *const kinds[] = { "Input Conversion",
                                       "Output Conversion" };
  if (!gray8 || !fp16)
    return;
  json_object *root = diff_json (gray8, fp16, NULL);
  json_object *back = diff_json (fp16, gray8, NULL);
  MlsRun *run = mls_test_mlscope_run ("diff", gray8, fp16, NULL);

  for (size_t k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      json_object *row = find_row (root, kinds[k], NULL);
      char *line = table_line (run->out, kinds[k]);
      g_assert_nonnull (row);
      g_assert_cmpstr (verdict (row), ==, "disappeared");
      g_assert_cmpint (get_int (row, "before", "count"), ==, 20);
      g_assert_cmpint (get_int (row, "after", "count"), ==, 0);
      g_assert_null (get (get (row, "after"), "median_ns"));
      g_assert_cmpstr (verdict (find_row (back, kinds[k], NULL)), ==,
                       "appeared");
      g_assert_nonnull (line);
      g_assert_nonnull (strstr (line, "20 \u2192 0"));
      g_assert_true (g_str_has_suffix (line, "disappeared"));
      g_free (line);
    }
  g_assert_cmpint (get_int (find_row (root, "Prediction", NULL), "after",
                            "count"), ==, 20);
  mls_test_run_free (run);
  json_object_put (root);
  json_object_put (back);
}

static void
test_fail_if_units (void)
{
  /* cpu-only loads against style-once's, each measuring its placement on
   * the CPU and the NPU: with 5 a side the test reaches p < 0.01 only when
   * every load of one side is slower than every one of the other, which
   * a measuring load is (a pass of the network per unit; a cpu-only load
   * starts no OpenCL driver). */
  const char *cpu = mls_test_recording ("style-cpu");
  const char *npu = mls_test_recording ("style-once");
  if (!cpu || !npu)
    return;
  MlsRun *run = mls_test_mlscope_run ("diff", cpu, npu, "--fail-if",
                                      "Model Load.median > +100%", NULL);

  g_assert_cmpint (run->status, ==, 4);
  g_assert_nonnull (strstr (run->err, "'Model Load.median > +100%'"));
  g_assert_nonnull (strstr (run->err, "slower"));
  g_assert_nonnull (strstr (run->err, "CROSSED"));
  mls_test_run_free (run);
  /* A count is exact: any change crosses, none does not. */
  run = mls_test_mlscope_run ("diff", cpu, npu, "--fail-if",
                              "Prediction.count > +0", "--fail-if",
                              "Prediction.count < -0", NULL);
  g_assert_cmpint (run->status, ==, 0);
  mls_test_run_free (run);
}

static void
test_fail_if_same (void)
{
  const char *a = mls_test_recording ("style-cpu");
  const char *b = mls_test_recording ("style-cpu-again");
  if (!a || !b)
    return;
  MlsRun *run = mls_test_mlscope_run ("diff", a, b, "--fail-if",
                                      "Model Load.median > +100%",
                                      "--fail-if", "Prediction.median > +50%",
                                      "--fail-if", "Prediction.p90 >= 2x",
                                      "--fail-if", "Prediction.total > +50%",
                                      NULL);
  json_object *root = diff_json (a, b, NULL);
  json_object *rows = get (root, "rows");

  g_assert_cmpint (run->status, ==, 0);
  g_assert_null (strstr (run->err, "CROSSED"));
  /* The same work: every kind on both sides, with the same counts. */
  for (size_t i = 0; i < json_object_array_length (rows); i++)
    {
      json_object *row = json_object_array_get_idx (rows, i);
      g_assert_cmpint (get_int (row, "before", "count"), ==,
                       get_int (row, "after", "count"));
      g_assert_cmpstr (verdict (row), !=, "appeared");
      g_assert_cmpstr (verdict (row), !=, "disappeared");
    }
  g_assert_cmpint (json_object_array_length (rows), >=, 6);
  json_object_put (root);
  mls_test_run_free (run);
}

/* CSV: a fixed header, one row per kind, the figures of the JSON. */
static void
test_csv (void)
{
  const char *gray8 = mls_test_recording ("sharpen-gray8");
  const char *fp16 = mls_test_recording ("sharpen-fp16-backed");
  if (!gray8 || !fp16)
    return;
  MlsRun *run = mls_test_mlscope_run ("diff", gray8, fp16, "--format", "csv",
                                      NULL);
  json_object *root = diff_json (gray8, fp16, NULL);
  char **lines = g_strsplit (run->out, "\n", -1);
  int n = 0;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (lines[0], ==, "kind,count_before,count_after,"
                   "count_change,total_ns_before,total_ns_after,"
                   "total_ns_change,total_ratio,median_ns_before,"
                   "median_ns_after,median_ns_change,median_ratio,"
                   "p90_ns_before,p90_ns_after,p90_ns_change,p90_ratio,"
                   "incomplete_before,incomplete_after,verdict,p_value");
  for (char **l = lines + 1; *l && **l; l++, n++)
    {
      /* a label holding a comma ("Model Load, cached") is quoted */
      const char *end = **l == '"' ? strchr (*l + 1, '"') : NULL;
      char *rest = end ? g_strdup_printf ("-%s", end + 1) : g_strdup (*l);
      char **f = g_strsplit (rest, ",", -1);
      if (end)
        {
          g_free (f[0]);
          f[0] = g_strndup (*l + 1, end - *l - 1);
        }
      g_free (rest);
      json_object *row = find_row (root, f[0], NULL);
      g_assert_cmpuint (g_strv_length (f), ==, 20);
      g_assert_nonnull (row);
      g_assert_cmpint (g_ascii_strtoll (f[1], NULL, 10), ==,
                       get_int (row, "before", "count"));
      g_assert_cmpint (g_ascii_strtoll (f[5], NULL, 10), ==,
                       get_int (row, "after", "total_ns"));
      g_assert_cmpstr (f[18], ==, verdict (row));
      if (strcmp (f[18], "disappeared") == 0)
        g_assert_cmpstr (f[9], ==, "");                 /* no median after */
      g_strfreev (f);
    }
  g_assert_cmpint (n, ==, json_object_array_length (get (root, "rows")));
  g_strfreev (lines);
  json_object_put (root);
  mls_test_run_free (run);
}

/* Refused with STATUS (1: cannot compare, 2: bad options) and a message
 * holding MESSAGE. */
static void
assert_refused (MlsRun *run, int status, const char *message)
{
  g_assert_cmpint (run->status, ==, status);
  if (!strstr (run->err, message))
    g_error ("expected '%s' in: %s", message, run->err);
  mls_test_run_free (run);
}

static void
test_bad_input (void)
{
  const char *a = mls_test_recording ("sharpen-gray8");
  if (!a)
    return;
  char *missing = g_build_filename (g_get_tmp_dir (), "no-such.mlscope", NULL);

  assert_refused (mls_test_mlscope_run ("diff", a, NULL), 2, "give two "
                  "recordings");
  assert_refused (mls_test_mlscope_run ("diff", a, missing, NULL), 1,
                  missing);
  /* Bad options and thresholds: status 2, the problem named. */
  static const char *const bad[][3] = {
    { "--fail-if", "Prediction.median > 10%", "give the change a sign" },
    { "--fail-if", "Predicton.median > +10%",
      "neither recording has spans of kind 'Predicton'" },
    { "--fail-if", "Prediction.mean > +10%", "unknown figure 'mean'" },
    { "--fail-if", "Prediction[sharpen-gray8] > +1ms", "add --by-model" },
    { "--fail-if", "Prediction.median > +5", "a unit" },
    { "--alpha", "2", "bad --alpha" },
    { "--sort", "size", "unknown --sort" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_refused (mls_test_mlscope_run ("diff", a, a, bad[i][0], bad[i][1],
                                          NULL), 2, bad[i][2]);
  /* A recording against itself: nothing changed, nothing crosses. */
  MlsRun *run = mls_test_mlscope_run ("diff", a, a, "--by-model",
                                      "--fail-if",
                                      "Prediction[sharpen-gray8] > +0ns",
                                      NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->err, "within the threshold"));
  mls_test_run_free (run);
  g_free (missing);
}

void
test_diff_add (void)
{
  g_test_add_func ("/diff/reload-vs-once", test_reload_vs_once);
  g_test_add_func ("/diff/certain-regression", test_certain_regression);
  g_test_add_func ("/diff/conversions-disappear", test_conversions_disappear);
  g_test_add_func ("/diff/fail-if-units", test_fail_if_units);
  g_test_add_func ("/diff/fail-if-same", test_fail_if_same);
  g_test_add_func ("/diff/csv", test_csv);
  g_test_add_func ("/diff/bad-input", test_bad_input);
}
