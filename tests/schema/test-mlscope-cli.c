/*
 * test-mlscope-cli.c: `mlscope stats` and `mlscope export` run as
 * subprocesses on a database written through the store: the CSV header and
 * rows, JSON that parses and matches the store, --sort orders, --range,
 * the table's header, the exit status and message of bad input, a
 * Chrome trace whose events carry the spans' times, JSON that is valid
 * UTF-8 from every command when the recording's names are not, and
 * `mlscope diff`'s table keeping a change of hundreds of times in its
 * column.
 */
#include <json-c/json.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "test-store-common.h"

#define N_SPANS 2000

static char *dir;
static char *db_path;
static TestSpan *spans;

typedef struct {
  char *out;
  char *err;
  int status;
} Run;

static char *
mlscope_path (void)
{
  const char *root = g_getenv ("MLSCOPE_BUILD_ROOT");
  g_assert_nonnull (root);
  return g_build_filename (root, "tracer", "mlscope", NULL);
}

/* Runs mlscope with the NULL-terminated arguments. */
static Run
run (const char *first, ...)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  Run r = { 0 };
  va_list args;
  int wait_status;

  g_ptr_array_add (argv, mlscope_path ());
  va_start (args, first);
  for (const char *a = first; a; a = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                               G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err,
                               &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  r.status = WEXITSTATUS (wait_status);
  /* What mlscope said, for a failure to explain itself. */
  if (r.status != 0 && r.err[0])
    g_test_message ("mlscope exited %d: %s", r.status, r.err);
  g_ptr_array_free (argv, TRUE);
  return r;
}

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

static int64_t
kind_count (int kind)
{
  int64_t n = 0;
  for (int i = 0; i < N_SPANS; i++)
    n += spans[i].kind_id == kind;
  return n;
}

static int
kind_by_label (const char *label)
{
  static const struct { const char *label; int kind; } kinds[] = {
    { "Model Load", MLS_KIND_MODEL_LOAD }, { "Prediction", MLS_KIND_PREDICTION },
    { "Input Conversion", MLS_KIND_INPUT_CONVERSION },
    { "GPU Compute Request", MLS_KIND_GPU_COMPUTE }, { "Layer", MLS_KIND_LAYER },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (kinds[i].label, label) == 0)
      return kinds[i].kind;
  g_error ("unexpected kind '%s'", label);
  return 0;
}

static void
test_csv (void)
{
  Run r = run ("stats", db_path, "--format", "csv", NULL);
  char **lines = g_strsplit (r.out, "\n", -1);
  int n = 0;

  g_assert_cmpint (r.status, ==, 0);
  /* DESIGN's columns in their places, incomplete appended. */
  g_assert_cmpstr (lines[0], ==, "kind,count,total_ns,avg_ns,min_ns,"
                   "median_ns,max_ns,stddev_ns,share,incomplete");
  for (char **l = lines + 1; *l && **l; l++, n++)
    {
      char **f = g_strsplit (*l, ",", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 10);
      g_assert_cmpint (g_ascii_strtoll (f[1], NULL, 10), ==,
                       kind_count (kind_by_label (f[0])));
      g_assert_cmpint (g_ascii_strtoll (f[9], NULL, 10), ==, 0);
      g_strfreev (f);
    }
  g_assert_cmpint (n, ==, 5);
  g_strfreev (lines);
  run_clear (&r);

  r = run ("stats", db_path, "--by-model", "--format", "csv", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "kind,model,count,total_ns,avg_ns,"
                                   "min_ns,median_ns,max_ns,stddev_ns,"
                                   "share,incomplete\n"));
  g_assert_nonnull (strstr (r.out, "\nPrediction,detector,"));
  g_assert_nonnull (strstr (r.out, "\nPrediction,,"));
  run_clear (&r);
}

/* Column `column` of the CSV rows, in order. */
static GArray *
csv_column (const char *out, int column)
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  char **lines = g_strsplit (out, "\n", -1);

  for (char **l = lines + 1; *l && **l; l++)
    {
      char **f = g_strsplit (*l, ",", -1);
      double v = g_ascii_strtod (f[column], NULL);
      g_array_append_val (values, v);
      g_strfreev (f);
    }
  g_strfreev (lines);
  return values;
}

static void
test_sort (void)
{
  static const struct { const char *key; int column; } keys[] = {
    { "count", 2 }, { "total", 3 }, { "avg", 4 }, { "min", 5 },
    { "median", 6 }, { "max", 7 },
  };
  Run r;

  for (size_t k = 0; k < G_N_ELEMENTS (keys); k++)
    {
      GArray *values;
      r = run ("stats", db_path, "--by-model", "--sort", keys[k].key,
               "--format", "csv", NULL);
      g_assert_cmpint (r.status, ==, 0);
      values = csv_column (r.out, keys[k].column);
      g_assert_cmpuint (values->len, ==, 13);
      for (guint i = 1; i < values->len; i++)
        g_assert_cmpfloat (g_array_index (values, double, i - 1), >=,
                           g_array_index (values, double, i));
      g_array_free (values, TRUE);
      run_clear (&r);
    }
  r = run ("stats", db_path, "--sort", "name", "--format", "csv", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (strchr (r.out, '\n') + 1,
                                   "GPU Compute Request,"));
  g_assert_nonnull (strstr (r.out, "\nPrediction,"));
  g_assert_true (strstr (r.out, "\nLayer,") < strstr (r.out, "\nModel Load,"));
  g_assert_true (strstr (r.out, "\nModel Load,")
                 < strstr (r.out, "\nPrediction,"));
  run_clear (&r);
}

static void
test_json (void)
{
  Run r = run ("stats", db_path, "--by-model", "--format", "json", NULL);
  json_object *root, *meta, *rows, *v;
  int64_t total = 0;

  g_assert_cmpint (r.status, ==, 0);
  root = json_tokener_parse (r.out);
  g_assert_nonnull (root);
  g_assert_true (json_object_object_get_ex (root, "meta", &meta));
  g_assert_true (json_object_object_get_ex (meta, "duration_ns", &v));
  g_assert_cmpint (json_object_get_int64 (v), ==, 900000000);
  g_assert_true (json_object_object_get_ex (meta, "lost_events", &v));
  g_assert_cmpint (json_object_get_int64 (v), ==, 7);
  g_assert_true (json_object_object_get_ex (root, "rows", &rows));
  g_assert_cmpuint (json_object_array_length (rows), ==, 13);
  for (size_t i = 0; i < json_object_array_length (rows); i++)
    {
      json_object *row = json_object_array_get_idx (rows, i);
      g_assert_true (json_object_object_get_ex (row, "model", NULL));
      g_assert_true (json_object_object_get_ex (row, "count", &v));
      total += json_object_get_int64 (v);
    }
  g_assert_cmpint (total, ==, N_SPANS);
  json_object_put (root);
  run_clear (&r);
}

static void
test_range (void)
{
  Run r = run ("stats", db_path, "--range", "100ms:0.2s", "--format", "csv",
               NULL);
  GArray *counts;
  int64_t expected = 0, got = 0;

  g_assert_cmpint (r.status, ==, 0);
  for (int i = 0; i < N_SPANS; i++)
    expected += spans[i].start_ns < 200000000
                && spans[i].start_ns + spans[i].dur_ns > 100000000;
  counts = csv_column (r.out, 1);
  for (guint i = 0; i < counts->len; i++)
    got += (int64_t) g_array_index (counts, double, i);
  g_assert_cmpint (got, ==, expected);
  g_assert_cmpint (got, <, N_SPANS);
  g_array_free (counts, TRUE);
  run_clear (&r);
}

static void
test_table (void)
{
  Run r = run ("stats", db_path, NULL);
  char *header = g_strdup_printf ("%s: 900.00 ms recorded, %d spans, "
                                  "7 events lost\n", db_path, N_SPANS);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, header));
  g_assert_nonnull (strstr (r.out, "share: a row's total time"));
  g_assert_nonnull (strstr (r.out, "\nActivity\n  Model Load"));
  g_assert_nonnull (strstr (r.out, "\nCompute\n  GPU Compute Request"));
  g_assert_nonnull (strstr (r.out, " ms "));
  g_free (header);
  run_clear (&r);
}

/* Exit statuses (tracer/mlscope.h): 2 for a wrong command line, 1 for an
 * input that cannot be used. */
#define EXIT_USAGE 2
#define EXIT_FAILED 1

static void
expect_failure (int status, const char *message, Run r)
{
  g_assert_cmpint (r.status, ==, status);
  g_assert_cmpstr (r.out, ==, "");
  if (strstr (r.err, message) == NULL)
    g_error ("expected '%s' in: %s", message, r.err);
  run_clear (&r);
}

static void
test_errors (void)
{
  char *missing = g_build_filename (dir, "missing.mlscope", NULL);
  char *old = g_build_filename (dir, "old.mlscope", NULL);
  char *missing_message = g_strdup_printf ("%s: No such file", missing);
  char *refusal = g_strdup_printf ("schema version 7, this mlscope reads "
                                   "version %d; re-import the trace with "
                                   "this version", MLS_SCHEMA_VERSION);
  sqlite3 *db;

  expect_failure (EXIT_FAILED, missing_message,
                  run ("stats", missing, NULL));
  expect_failure (EXIT_USAGE, "unknown --sort key 'speed'",
                  run ("stats", db_path, "--sort", "speed", NULL));
  expect_failure (EXIT_USAGE, "unknown --format 'xml'",
                  run ("stats", db_path, "--format", "xml", NULL));
  expect_failure (EXIT_USAGE, "bad --range '2s:1s'",
                  run ("stats", db_path, "--range", "2s:1s", NULL));
  expect_failure (EXIT_USAGE, "bad --range '1parsec:2'",
                  run ("stats", db_path, "--range", "1parsec:2", NULL));
  expect_failure (EXIT_USAGE, "no FILE given", run ("stats", NULL));
  test_write_db (old, spans, 10);
  g_assert_cmpint (sqlite3_open (old, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 7", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  expect_failure (EXIT_FAILED, refusal, run ("stats", old, NULL));
  g_free (refusal);
  expect_failure (EXIT_FAILED, "schema version 7",
                  run ("export", old, NULL));
  expect_failure (EXIT_USAGE, "unknown --format 'svg'",
                  run ("export", db_path, "--format", "svg", NULL));
  g_free (missing_message);
  g_free (missing);
  g_free (old);
}

static void
test_export (void)
{
  char *out = g_build_filename (dir, "trace.json", NULL);
  Run r = run ("export", db_path, "--format", "chrome-json", "-o", out, NULL);
  json_object *root, *events, *v;
  char *text = NULL, *key;
  size_t n_x = 0, n_names = 0;
  GHashTable *expected = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                g_free, NULL);
  const char *model;
  double ts, dur;
  int kind, left;

  for (int i = 0; i < N_SPANS; i++)
    {
      key = g_strdup_printf ("%d %s %.3f %.3f", spans[i].kind_id,
                             spans[i].model ? test_models[spans[i].model - 1]
                                            : "", spans[i].start_ns / 1e3,
                             spans[i].dur_ns / 1e3);
      left = GPOINTER_TO_INT (g_hash_table_lookup (expected, key));
      g_hash_table_replace (expected, key, GINT_TO_POINTER (left + 1));
    }
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  root = json_tokener_parse (text);
  g_assert_nonnull (root);
  g_assert_true (json_object_object_get_ex (root, "traceEvents", &events));
  for (size_t i = 0; i < json_object_array_length (events); i++)
    {
      json_object *e = json_object_array_get_idx (events, i), *args;
      const char *ph;
      g_assert_true (json_object_object_get_ex (e, "ph", &v));
      ph = json_object_get_string (v);
      if (strcmp (ph, "M") == 0)
        {
          n_names++;
          continue;
        }
      g_assert_cmpstr (ph, ==, "X");
      g_assert_true (json_object_object_get_ex (e, "args", &args));
      g_assert_true (json_object_object_get_ex (args, "span_id", &v));
      g_assert_true (json_object_object_get_ex (e, "ts", &v));
      ts = json_object_get_double (v);
      g_assert_true (json_object_object_get_ex (e, "dur", &v));
      dur = json_object_get_double (v);
      g_assert_true (json_object_object_get_ex (e, "name", &v));
      kind = kind_by_label (json_object_get_string (v));
      model = json_object_object_get_ex (args, "model", &v)
              ? json_object_get_string (v) : "";
      /* Each event is one of the test's spans: the file numbers spans in
       * its own order, so they are matched by what they are. */
      key = g_strdup_printf ("%d %s %.3f %.3f", kind, model, ts, dur);
      left = GPOINTER_TO_INT (g_hash_table_lookup (expected, key));
      g_assert_cmpint (left, >, 0);
      g_hash_table_replace (expected, key, GINT_TO_POINTER (left - 1));
      n_x++;
    }
  g_assert_cmpuint (n_x, ==, N_SPANS);
  /* Process 100 and thread 101 ("worker") were named. */
  g_assert_cmpuint (n_names, ==, 1);
  g_hash_table_destroy (expected);
  json_object_put (root);
  g_free (text);
  g_free (out);
}

/* GPU and Neural Engine busy spans go on per-process device tracks with
 * their names; the thread that sent the request keeps its own. */
static void
test_export_devices (void)
{
  static const TestSpan device_spans[] = {
    { MLS_KIND_GPU_COMPUTE, 1, 0, 5000 }, { MLS_KIND_GPU_BUSY, 1, 1000, 5000 },
    { MLS_KIND_NPU_BUSY, 2, 7000, 300 },
  };
  char *path = g_build_filename (dir, "devices.mlscope", NULL);
  Run r;
  json_object *root, *events;
  int found_gpu_name = 0, found_npu_name = 0;

  test_write_db (path, device_spans, G_N_ELEMENTS (device_spans));
  r = run ("export", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  root = json_tokener_parse (r.out);
  g_assert_nonnull (root);
  g_assert_true (json_object_object_get_ex (root, "traceEvents", &events));
  for (size_t i = 0; i < json_object_array_length (events); i++)
    {
      json_object *e = json_object_array_get_idx (events, i), *v, *args;
      const char *name;
      int64_t tid;
      json_object_object_get_ex (e, "name", &v);
      name = json_object_get_string (v);
      json_object_object_get_ex (e, "tid", &v);
      tid = v ? json_object_get_int64 (v) : 0;
      if (strcmp (name, "GPU Compute Request") == 0)
        g_assert_cmpint (tid, ==, 101);
      else if (strcmp (name, "GPU Busy") == 0)
        g_assert_cmpint (tid, ==, 2000000001);
      else if (strcmp (name, "Neural Engine Busy") == 0)
        g_assert_cmpint (tid, ==, 2000000002);
      else if (strcmp (name, "thread_name") == 0)
        {
          json_object_object_get_ex (e, "args", &args);
          json_object_object_get_ex (args, "name", &v);
          found_gpu_name |= tid == 2000000001
                            && strcmp (json_object_get_string (v),
                                       "GPU (device)") == 0;
          found_npu_name |= tid == 2000000002
                            && strcmp (json_object_get_string (v),
                                       "Neural Engine (device)") == 0;
        }
    }
  g_assert_true (found_gpu_name);
  g_assert_true (found_npu_name);
  json_object_put (root);
  run_clear (&r);
  g_free (path);
}

/* A recording whose names (model, process, thread, host, a span's
 * arguments, the file's own name) hold bytes that are not UTF-8: apps
 * and files name them, and nothing makes them UTF-8 on the way in. */
static char *
write_not_utf8_db (void)
{
  char *path = g_build_filename (dir, "not-\xff-utf8.mlscope", NULL);
  MlsError error = { 0 };
  MlsStore *store = mls_store_create (path, &error);
  int64_t model;

  g_assert_nonnull (store);
  g_assert_cmpint (mls_store_set_meta_text (store, "host", "h\xc0\xafst",
                                            &error), ==, 0);
  model = mls_store_intern_model (store, "bad\xffmodel", &error);
  g_assert_cmpint (model, >, 0);
  g_assert_cmpint (mls_store_intern_process (store, 100, "app\xed\xa0\x80",
                                             &error), >, 0);
  g_assert_cmpint (mls_store_intern_thread (store, 100, 101, "w\xfe",
                                            &error), >, 0);
  for (int i = 0; i < 40; i++)
    {
      MlsSpan span = {
        .kind_id = i % 2 ? MLS_KIND_PREDICTION : MLS_KIND_INPUT_CONVERSION,
        .model_id = model, .pid = 100, .tid = 101,
        .start_ns = TEST_T0 + i * 1000, .end_ns = TEST_T0 + i * 1000 + 500,
        .complete = 1, .args_json = "{\"feature\":\"in\xffput\"}",
      };
      g_assert_cmpint (mls_store_add_span (store, &span, &error), >, 0);
    }
  if (mls_store_finish (store, &error) != 0)
    g_error ("finish: %s", error.message);
  mls_store_close (store);
  return path;
}

static void
assert_valid_json (const char *what, const char *text)
{
  const char *end = NULL;
  json_object *root;

  if (!g_utf8_validate (text, -1, &end))
    g_error ("%s wrote bytes that are not UTF-8 at byte %td: %.40s", what,
             end - text, end);
  root = json_tokener_parse (text);
  if (root == NULL)
    g_error ("%s wrote text that is not JSON: %.200s", what, text);
  json_object_put (root);
}

static void
test_json_not_utf8 (void)
{
  char *path = write_not_utf8_db ();
  /* The command, then a name it must print, mended. */
  const char *const commands[][8] = {
    { "stats", path, "--format", "json", NULL, NULL, NULL,
      "\"h\xef\xbf\xbd\xef\xbf\xbdst\"" },
    { "stats", path, "--format", "json", "--by-model", "--by-process", NULL,
      "\"app\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
    { "export", path, NULL, NULL, NULL, NULL, NULL,
      "\"in\xef\xbf\xbdput\"" },
    { "diff", path, path, "--format", "json", "--by-model", NULL,
      "\"bad\xef\xbf\xbdmodel\"" },
    { "advise", path, "--format", "json", NULL, NULL, NULL,
      "not-\xef\xbf\xbd-utf8.mlscope\"" },
  };

  for (size_t c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      const char *const *a = commands[c];
      Run r = run (a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
      char *what = g_strjoinv (" ", (char **) a);

      g_test_message ("mlscope %s", a[0]);
      g_assert_cmpint (r.status, ==, 0);
      assert_valid_json (a[0], r.out);
      if (strstr (r.out, a[7]) == NULL)
        g_error ("mlscope %s: a name is missing from its output", what);
      run_clear (&r);
      g_free (what);
    }
  g_free (path);
}

/* A change of hundreds of times: the diff table gives it as a factor
 * that fits its column ("+59900.0%" ran into the next one), and no cell
 * runs into its neighbour. */
static void
test_diff_factor (void)
{
  TestSpan fast[10], slow[10];
  char *a = g_build_filename (dir, "fast.mlscope", NULL);
  char *b = g_build_filename (dir, "slow.mlscope", NULL);
  char **lines;
  const char *line = NULL;
  Run r;

  for (int i = 0; i < 10; i++)
    {
      fast[i] = (TestSpan) { MLS_KIND_PREDICTION, 1, i * 1000000000LL,
                             1000000 };
      slow[i] = (TestSpan) { MLS_KIND_PREDICTION, 1, i * 1000000000LL,
                             600000000 };
    }
  test_write_db (a, fast, 10);
  test_write_db (b, slow, 10);
  r = run ("diff", a, b, NULL);
  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (r.out, "\n", -1);
  for (int i = 0; lines[i] && !line; i++)
    if (g_str_has_prefix (lines[i] + strspn (lines[i], " "), "Prediction "))
      line = lines[i];
  g_assert_nonnull (line);
  g_test_message ("%s", line);
  /* the ratio of totals and the median's and p90's changes */
  g_assert_nonnull (strstr (line, " 600x "));
  g_assert_nonnull (strstr (line, " 600x      1.00 ms"));
  g_assert_nonnull (strstr (line, "  600.00 ms     600x "));
  /* no value runs into the next: a unit, percent or factor is followed
   * by a space */
  g_assert_false (g_regex_match_simple ("(s|%|x)[0-9+-]", line, 0, 0));
  g_strfreev (lines);
  run_clear (&r);
  g_free (a);
  g_free (b);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = test_dir_new ();
  db_path = g_build_filename (dir, "cli.mlscope", NULL);
  spans = test_spans_new (1234, N_SPANS);
  test_write_db (db_path, spans, N_SPANS);
  g_test_add_func ("/mlscope/stats-csv", test_csv);
  g_test_add_func ("/mlscope/stats-sort", test_sort);
  g_test_add_func ("/mlscope/stats-json", test_json);
  g_test_add_func ("/mlscope/stats-range", test_range);
  g_test_add_func ("/mlscope/stats-table", test_table);
  g_test_add_func ("/mlscope/errors", test_errors);
  g_test_add_func ("/mlscope/export", test_export);
  g_test_add_func ("/mlscope/export-devices", test_export_devices);
  g_test_add_func ("/mlscope/json-not-utf8", test_json_not_utf8);
  g_test_add_func ("/mlscope/diff-factor", test_diff_factor);
  status = g_test_run ();
  g_free (spans);
  g_free (db_path);
  test_dir_free (dir);
  return status;
}
