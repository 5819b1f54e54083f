/*
 * test-e2e.c: `mlscope record` of the example apps running on the real
 * runtime (runtime/examples), checked against what each app is documented
 * to do:
 *
 *   style-demo --styles 5 --frames 40 --reload-every-frame: 40 model loads,
 *     the first of each style measuring its placement (and taking longer
 *     than any other), the 35 others reusing it from the cache, as their
 *     spans say; without the flag 5 loads, 40 predictions.
 *   sharpen-demo --frames 20 (gray8 model): an input and an output
 *     conversion inside every prediction, the model's file named (absolute,
 *     there); with --fp16 --output-backing none.
 *   detect-demo --threads 4: every span's parent, model and thread right,
 *     counts exact.
 *   Compute units, planned by unit priority (MLRT_PLACEMENT=priority: each
 *   layer on the NPU where it can run, else the GPU, whatever this
 *   machine's speed; a measured plan on PoCL and the emulated NPU is mostly
 *   CPU, docs/placement.md): style-demo under `all` runs segments on the NPU
 *   and the GPU, with busy intervals inside their requests and Float16
 *   conversions where data moves to the NPU; sharpen-demo's Gray8 model
 *   copies and converts in every prediction, Float16 data in shared
 *   buffers does neither.
 *
 *   style-demo --async 4 under `all`, planned by priority: predictions
 *     submitted on the main thread overlap in time, each ended and run by
 *     a worker thread, counts exact; --key: each encrypted model's load
 *     holds its decryption and then its compile, from memory.
 *
 *   Scope: while sharpen-demo loops beside it, a recording of style-demo
 *     --styles 5 --frames 40 holds exactly 5 loads and 40 predictions and
 *     nothing of the neighbour; a shell script running two apps in turn
 *     gives both apps' spans.
 *
 * Each app runs through `sh -c 'echo pid $$; exec APP ...'` so the test
 * knows its pid.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "mls-test-util.h"

typedef struct {
  char *dir;
  sqlite3 *db;
  int pid;
} AppRecording;

static AppRecording *
record_app_env (const char *app, const char *env, const char *args)
{
  AppRecording *r = g_new0 (AppRecording, 1);
  r->dir = test_tmpdir_new ("mlscope-test");
  char *db_path = g_build_filename (r->dir, "app.mlscope", NULL);
  char *rel = g_build_filename ("runtime", "examples", app, NULL);
  char *exe = mls_test_build_path (rel);
  char *quoted = g_shell_quote (exe);
  /* A cache of its own, empty: the first load of a model compiles it and
   * measures its placement, later ones find both cached. */
  char *script = g_strdup_printf ("echo pid $$; exec env MLRT_CACHE_DIR=%s"
                                  "/cache %s %s %s", r->dir, env, quoted,
                                  args);
  char *mlscope = mls_test_mlscope ();
  const char *argv[] = { mlscope, "record", "-o", db_path, "--", "sh", "-c",
                         script, NULL };
  MlsRun *run = mls_test_run (argv);
  mls_test_assert_no_hang (run);
  g_assert_cmpint (run->status, ==, 0);
  r->pid = mls_test_emitter_pid (run->out);
  g_assert_cmpint (r->pid, >, 0);
  r->db = mls_test_open_db (db_path);
  /* The app's own spans, all complete, from a process named after it. */
  char *name = mls_test_q_text (r->db, "SELECT name FROM process WHERE pid "
                                "= %d", r->pid);
  g_assert_cmpstr (name, ==, app);
  /* The open database stays readable: nothing is left behind even when a
   * check below fails. */
  test_tmpdir_remove (r->dir);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span WHERE "
                   "pid = %d AND complete = 0", r->pid), ==, 0);
  g_free (name);
  mls_test_run_free (run);
  g_free (mlscope);
  g_free (script);
  g_free (quoted);
  g_free (exe);
  g_free (rel);
  g_free (db_path);
  return r;
}

static AppRecording *
record_app (const char *app, const char *args)
{
  return record_app_env (app, "", args);
}

static AppRecording *
record_app_priority (const char *app, const char *args)
{
  return record_app_env (app, "MLRT_PLACEMENT=priority", args);
}

static void
app_recording_free (AppRecording *r)
{
  sqlite3_close (r->db);
  g_free (r->dir);
  g_free (r);
}

static gint64
count_kind (AppRecording *r, const char *kind)
{
  return mls_test_q_int (r->db, "SELECT count(*) FROM span_view WHERE pid = "
                         "%d AND kind = %Q", r->pid, kind);
}

static gint64
total_ns (AppRecording *r, const char *kind)
{
  return mls_test_q_int (r->db, "SELECT ifnull (sum (dur_ns), 0) FROM "
                         "span_view WHERE pid = %d AND kind = %Q", r->pid,
                         kind);
}

/* How many of the app's loads say their placement was `how`. */
static gint64
loads_placed (AppRecording *r, const char *how)
{
  return mls_test_q_int (r->db, "SELECT count(*) FROM span_view WHERE pid "
                         "= %d AND kind = 'Model Load' AND json_extract "
                         "(args, '$.placement') = %Q", r->pid, how);
}

static void
test_style_reload (void)
{
  AppRecording *r = record_app ("style-demo", "--styles 5 --frames 40 "
                                "--reload-every-frame");
  g_assert_cmpint (count_kind (r, "Model Load"), ==, 40);
  g_assert_cmpint (count_kind (r, "Prediction"), ==, 40);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(DISTINCT model) FROM "
                   "span_view WHERE pid = %d AND kind = 'Model Load' AND "
                   "model LIKE '%%style%%'", r->pid), ==, 5);
  /* The first load of each style measured its placement, the others
   * reused it: the runtime says so in the load's end event, and the
   * collector carries it into the span's arguments. */
  g_assert_cmpint (loads_placed (r, "measured"), ==, 5);
  g_assert_cmpint (loads_placed (r, "cached"), ==, 35);
  g_test_message ("loads %" G_GINT64_FORMAT " ns, predictions %"
                  G_GINT64_FORMAT " ns", total_ns (r, "Model Load"),
                  total_ns (r, "Prediction"));
  /* Measuring costs about one pass of the network per unit; reusing it
   * costs nothing of the kind. */
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT min (dur_ns) FROM "
                   "span_view WHERE pid = %d AND kind = 'Model Load' AND "
                   "json_extract (args, '$.placement') = 'measured'",
                   r->pid), >,
                   mls_test_q_int (r->db, "SELECT max (dur_ns) FROM "
                   "span_view WHERE pid = %d AND kind = 'Model Load' AND "
                   "json_extract (args, '$.placement') = 'cached'",
                   r->pid));
  app_recording_free (r);
}

static void
test_style_once (void)
{
  AppRecording *r = record_app ("style-demo", "--styles 5 --frames 40");
  g_assert_cmpint (count_kind (r, "Model Load"), ==, 5);
  g_assert_cmpint (count_kind (r, "Prediction"), ==, 40);
  /* Every prediction of a style model, each style predicting 8 frames. */
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM (SELECT "
                   "model, count(*) AS n FROM span_view WHERE pid = %d AND "
                   "kind = 'Prediction' GROUP BY model) WHERE n = 8",
                   r->pid), ==, 5);
  app_recording_free (r);
}

/* How many predictions hold at least one span of `kind`. */
static gint64
predictions_with (AppRecording *r, const char *kind)
{
  return mls_test_q_int (r->db, "SELECT count(*) FROM span_view p WHERE "
                         "p.pid = %d AND p.kind = 'Prediction' AND EXISTS "
                         "(SELECT 1 FROM span_view c WHERE c.parent_id = p.id "
                         "AND c.kind = %Q)", r->pid, kind);
}

static void
test_sharpen_gray8 (void)
{
  AppRecording *r = record_app ("sharpen-demo", "--frames 20");
  char *path;

  g_assert_cmpint (count_kind (r, "Prediction"), ==, 20);
  g_assert_cmpint (predictions_with (r, "Input Conversion"), ==, 20);
  g_assert_cmpint (predictions_with (r, "Output Conversion"), ==, 20);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span_view "
                   "WHERE pid = %d AND kind = 'Prediction' AND model = "
                   "'sharpen-gray8'", r->pid), ==, 20);
  path = mls_test_q_text (r->db, "SELECT path FROM model WHERE name = "
                          "'sharpen-gray8'");
  g_assert_nonnull (path);
  g_assert_true (g_path_is_absolute (path));
  g_assert_true (g_str_has_suffix (path, "/sharpen-gray8.mlpackage"));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
  g_free (path);
  app_recording_free (r);
}

static void
test_sharpen_fp16 (void)
{
  AppRecording *r = record_app ("sharpen-demo",
                                "--frames 20 --fp16 --output-backing");
  g_assert_cmpint (count_kind (r, "Prediction"), ==, 20);
  g_assert_cmpint (count_kind (r, "Input Conversion"), ==, 0);
  g_assert_cmpint (count_kind (r, "Output Conversion"), ==, 0);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span_view "
                   "WHERE pid = %d AND kind = 'Prediction' AND model = "
                   "'sharpen-fp16'", r->pid), ==, 20);
  app_recording_free (r);
}

#define DETECT_THREADS 4
#define DETECT_FRAMES 5

static void
test_detect_threads (void)
{
  AppRecording *r = record_app ("detect-demo", "--threads "
                                G_STRINGIFY (DETECT_THREADS) " --frames "
                                G_STRINGIFY (DETECT_FRAMES));
  int pid = r->pid;
  g_assert_cmpint (count_kind (r, "Model Load"), ==, 1);
  g_assert_cmpint (count_kind (r, "Prediction"), ==,
                   DETECT_THREADS * DETECT_FRAMES);
  /* One thread per worker, each with its own frames. */
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM (SELECT tid,"
                   " count(*) AS n FROM span_view WHERE pid = %d AND kind = "
                   "'Prediction' GROUP BY tid) WHERE n = %d", pid,
                   DETECT_FRAMES), ==, DETECT_THREADS);
  /* Every span has the detector model; every span below a prediction has
   * it as parent and runs on its thread, one level down. The others are
   * the load's: it measures the layers on the units (docs/placement.md). */
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span_view "
                   "WHERE pid = %d AND (model IS NOT 'detector')", pid), ==,
                   0);
  gint64 children = mls_test_q_int (r->db, "SELECT count(*) FROM span_view "
                                    "c WHERE pid = %d AND lane IN ('data', "
                                    "'compute') AND NOT EXISTS (SELECT 1 "
                                    "FROM span_view p WHERE p.id = "
                                    "c.parent_id AND p.kind = 'Model "
                                    "Load')", pid);
  g_assert_cmpint (children, >=, 2 * DETECT_THREADS * DETECT_FRAMES);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span_view c "
                   "JOIN span_view p ON p.id = c.parent_id WHERE c.pid = %d "
                   "AND c.lane IN ('data', 'compute') AND p.kind = "
                   "'Prediction' AND c.depth = p.depth + 1 AND c.start_ns >= "
                   "p.start_ns AND c.end_ns <= p.end_ns AND (c.tid = p.tid OR "
                   "c.unit IN ('gpu', 'npu'))", pid), ==, children);
  /* Each prediction holds one input validation. */
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span_view p "
                   "WHERE p.pid = %d AND p.kind = 'Prediction' AND (SELECT "
                   "count(*) FROM span_view c WHERE c.parent_id = p.id AND "
                   "c.kind = 'Input Validation') = 1", pid), ==,
                   DETECT_THREADS * DETECT_FRAMES);
  app_recording_free (r);
}

/* Spans of `kind` below a prediction. */
static gint64
count_in_predictions (AppRecording *r, const char *kind, const char *unit)
{
  return mls_test_q_int (r->db, "SELECT count(*) FROM span_view c JOIN "
                         "span_view p ON p.id = c.parent_id WHERE c.pid = %d "
                         "AND p.kind = 'Prediction' AND c.kind = %Q AND "
                         "c.unit IS %Q", r->pid, kind, unit);
}

/* Busy intervals of `lane` that lie inside their parent request of
 * `request`, and all busy intervals of the lane. */
static void
assert_busy_inside (AppRecording *r, const char *lane, const char *request)
{
  gint64 all = mls_test_q_int (r->db, "SELECT count(*) FROM span_view WHERE "
                               "pid = %d AND lane = %Q", r->pid, lane);
  gint64 inside = mls_test_q_int (r->db, "SELECT count(*) FROM span_view c "
                                  "JOIN span_view p ON p.id = c.parent_id "
                                  "WHERE c.pid = %d AND c.lane = %Q AND "
                                  "p.kind = %Q AND c.start_ns >= p.start_ns "
                                  "AND c.end_ns <= p.end_ns", r->pid, lane,
                                  request);
  g_assert_cmpint (all, >, 0);
  g_assert_cmpint (inside, ==, all);
}

static void
test_units_style_all (void)
{
  AppRecording *r = record_app_priority ("style-demo", "--styles 5 "
                                          "--frames 10 --compute-units all");
  g_assert_cmpint (count_kind (r, "Prediction"), ==, 10);
  g_assert_cmpint (count_in_predictions (r, "Neural Engine Compute Request",
                                         "npu"), >, 0);
  if (g_strcmp0 (g_getenv ("MLRT_GPU_BUILT"), "0") == 0)
    g_assert_cmpint (count_in_predictions (r, "GPU Compute Request", "gpu"),
                     ==, 0);
  else
    {
      g_assert_cmpint (count_in_predictions (r, "GPU Compute Request", "gpu"),
                       >, 0);
      assert_busy_inside (r, "gpu", "GPU Compute Request");
    }
  assert_busy_inside (r, "npu", "Neural Engine Compute Request");
  /* Float32 activations headed for the NPU become halves on the way. */
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span_view c "
                   "JOIN span_view p ON p.id = c.parent_id WHERE c.pid = %d "
                   "AND p.kind = 'Prediction' AND c.kind = 'Copy to Compute "
                   "Unit' AND c.unit = 'npu' AND json_extract (c.args, "
                   "'$.src_type') = 'float32' AND json_extract (c.args, "
                   "'$.dst_type') = 'float16'", r->pid), >, 0);
  app_recording_free (r);
}

static void
test_units_sharpen_gray8 (void)
{
  AppRecording *r = record_app_priority ("sharpen-demo", "--frames 20");
  g_assert_cmpint (count_in_predictions (r, "Input Conversion", NULL), ==,
                   20);
  g_assert_cmpint (count_in_predictions (r, "Output Conversion", NULL), ==,
                   20);
  g_assert_cmpint (count_in_predictions (r, "Copy to Compute Unit", "npu"),
                   ==, 20);
  g_assert_cmpint (count_in_predictions (r, "Copy from Compute Unit", "npu"),
                   ==, 20);
  app_recording_free (r);
}

static void
test_units_sharpen_fp16_shared (void)
{
  AppRecording *r = record_app_priority ("sharpen-demo", "--frames 20 "
                                          "--fp16 --output-backing");
  g_assert_cmpint (count_in_predictions (r, "Neural Engine Compute Request",
                                         "npu"), ==, 20);
  /* Nothing but the validation of the inputs in the Data lane. */
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span_view c "
                   "JOIN span_view p ON p.id = c.parent_id WHERE c.pid = %d "
                   "AND p.kind = 'Prediction' AND c.lane = 'data' AND c.kind "
                   "!= 'Input Validation'", r->pid), ==, 0);
  app_recording_free (r);
}

static char *
example_path (const char *app)
{
  char *rel = g_build_filename ("runtime", "examples", app, NULL);
  char *exe = mls_test_build_path (rel);

  g_free (rel);
  return exe;
}

#define ASYNC_FRAMES 12

static void
test_style_async (void)
{
  AppRecording *r = record_app_priority ("style-demo", "--styles 2 "
                                          "--frames " G_STRINGIFY (ASYNC_FRAMES)
                                          " --async 4 --compute-units all");
  g_assert_cmpint (count_kind (r, "Model Load"), ==, 2);
  g_assert_cmpint (count_kind (r, "Model Unload"), ==, 2);
  g_assert_cmpint (count_kind (r, "Prediction"), ==, ASYNC_FRAMES);
  g_assert_cmpint (count_kind (r, "Input Validation"), ==, ASYNC_FRAMES);
  g_assert_cmpint (count_in_predictions (r, "Input Conversion", NULL), ==,
                   ASYNC_FRAMES);
  g_assert_cmpint (count_in_predictions (r, "Output Conversion", NULL), ==,
                   ASYNC_FRAMES);
  /* The predictions of a model all make the same compute requests. */
  static const char *const kinds[] = {
    "CPU Compute Request", "GPU Compute Request",
    "Neural Engine Compute Request" };
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM (SELECT "
                     "model, count(DISTINCT n) AS variants FROM (SELECT "
                     "p.model, (SELECT count(*) FROM span_view c WHERE "
                     "c.parent_id = p.id AND c.kind = %Q) AS n FROM "
                     "span_view p WHERE p.pid = %d AND p.kind = "
                     "'Prediction') GROUP BY model) WHERE variants = 1",
                     kinds[k], r->pid), ==, 2);
  g_assert_cmpint (count_in_predictions (r, "Neural Engine Compute Request",
                                         "npu"), >, 0);
  /* Submitted on the main thread, completed on a worker ("mlrt-async-N"),
   * whose thread ran all its data and compute work. */
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span_view p "
                   "JOIN thread t ON t.tid = json_extract (p.args, "
                   "'$.end_tid') WHERE p.pid = %d AND p.kind = 'Prediction' "
                   "AND p.tid = %d AND t.name LIKE 'mlrt-async-%%'", r->pid,
                   r->pid), ==, ASYNC_FRAMES);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span_view c "
                   "JOIN span_view p ON p.id = c.parent_id WHERE c.pid = %d "
                   "AND p.kind = 'Prediction' AND c.tid != json_extract "
                   "(p.args, '$.end_tid')", r->pid), ==, 0);
  /* In flight together: predictions of one model that overlap in time. */
  gint64 overlapping = mls_test_q_int (r->db, "SELECT count(*) FROM span_view"
                                       " a JOIN span_view b ON a.id < b.id "
                                       "AND a.model = b.model WHERE a.pid = %d"
                                       " AND b.pid = %d AND a.kind = "
                                       "'Prediction' AND b.kind = 'Prediction'"
                                       " AND a.start_ns < b.end_ns AND "
                                       "b.start_ns < a.end_ns", r->pid,
                                       r->pid);
  g_test_message ("%" G_GINT64_FORMAT " pairs of predictions overlap",
                  overlapping);
  g_assert_cmpint (overlapping, >, 0);
  app_recording_free (r);
}

/* Runs `argv`, which must succeed. */
static void
run_ok (const char *const *argv)
{
  MlsRun *run = mls_test_run (argv);
  mls_test_assert_no_hang (run);
  if (run->status != 0)
    g_error ("%s %s: %s", argv[0], argv[1], run->err);
  mls_test_run_free (run);
}

static void
test_style_encrypted (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *key = g_build_filename (dir, "app.mlrtkey", NULL);
  char *models = mls_test_build_path ("runtime/tools");
  char *tool = mls_test_build_path ("runtime/encrypt/mlrt-encrypt");
  const char *keygen[] = { tool, "keygen", key, NULL };
  run_ok (keygen);
  for (int i = 0; i < 2; i++)
    {
      static const char *const names[] = { "style-candy", "style-mosaic" };
      char *in = g_strdup_printf ("%s/%s.mlpackage", models, names[i]);
      char *out = g_strdup_printf ("%s/%s.mlpackage.enc", dir, names[i]);
      const char *encrypt[] = { tool, "encrypt", "--key", key, in, out,
                                NULL };
      run_ok (encrypt);
      g_free (out);
      g_free (in);
    }
  char *args = g_strdup_printf ("--styles 2 --frames 4 --compute-units "
                                "cpu-only --key %s --models-dir %s", key,
                                dir);
  AppRecording *r = record_app ("style-demo", args);
  test_tmpdir_remove (dir);
  g_assert_cmpint (count_kind (r, "Model Load"), ==, 2);
  g_assert_cmpint (count_kind (r, "Prediction"), ==, 4);
  g_assert_cmpint (count_kind (r, "Model Decryption"), ==, 2);
  g_assert_cmpint (count_kind (r, "Model Compile"), ==, 2);
  /* In each load, of its model: the decryption, then the compile (from
   * memory, no cache), both inside the load. */
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span_view l "
                   "JOIN span_view d ON d.parent_id = l.id AND d.kind = "
                   "'Model Decryption' JOIN span_view c ON c.parent_id = l.id "
                   "AND c.kind = 'Model Compile' WHERE l.pid = %d AND l.kind "
                   "= 'Model Load' AND d.model = l.model AND c.model = "
                   "l.model AND l.model IN ('style-candy', 'style-mosaic') "
                   "AND d.start_ns >= l.start_ns AND d.end_ns <= c.start_ns "
                   "AND c.end_ns <= l.end_ns AND d.lane = 'data' AND "
                   "json_extract (c.args, '$.cache') IS NULL AND "
                   "json_extract (d.args, '$.bytes') > 10000", r->pid), ==, 2);
  /* Loaded from memory: no file to name. */
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM model WHERE "
                   "name IN ('style-candy', 'style-mosaic') AND path IS "
                   "NULL"), ==, 2);
  app_recording_free (r);
  g_free (args);
  g_free (tool);
  g_free (models);
  g_free (key);
  g_free (dir);
}

/* `mlscope record -- ARGV...` into a database of its own: nothing in it
 * is filtered afterwards, so it must hold only what was asked for. */
static sqlite3 *
record_whole (const char *const *cmd)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *db_path = g_build_filename (dir, "app.mlscope", NULL);
  char *mlscope = mls_test_mlscope ();
  GPtrArray *argv = g_ptr_array_new ();
  MlsRun *run;
  sqlite3 *db;

  g_ptr_array_add (argv, mlscope);
  g_ptr_array_add (argv, "record");
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, db_path);
  g_ptr_array_add (argv, "--");
  for (int i = 0; cmd[i]; i++)
    g_ptr_array_add (argv, (gpointer) cmd[i]);
  g_ptr_array_add (argv, NULL);
  run = mls_test_run ((const char *const *) argv->pdata);
  mls_test_assert_no_hang (run);
  g_assert_cmpint (run->status, ==, 0);
  db = mls_test_open_db (db_path);
  test_tmpdir_remove (dir);
  mls_test_run_free (run);
  g_ptr_array_free (argv, TRUE);
  g_free (mlscope);
  g_free (db_path);
  g_free (dir);
  return db;
}

static gint64
count_all (sqlite3 *db, const char *kind)
{
  return mls_test_q_int (db, "SELECT count(*) FROM span_view WHERE kind = %Q",
                         kind);
}

/* While another mlrt app loops (started here, ended by its pid), the
 * recording of style-demo holds style-demo's work and nothing else. */
static void
test_scope_neighbour (void)
{
  char *sharpen = example_path ("sharpen-demo");
  char *style = example_path ("style-demo");
  char *neighbour_argv[] = { sharpen, "--frames", "1000000", "--compute-units",
                             "cpu-only", NULL };
  const char *cmd[] = { style, "--styles", "5", "--frames", "40", NULL };
  GError *error = NULL;
  GPid neighbour;
  sqlite3 *db;

  g_spawn_async (NULL, neighbour_argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD
                 | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &neighbour,
                 &error);
  g_assert_no_error (error);
  db = record_whole (cmd);
  kill (neighbour, SIGTERM);
  waitpid (neighbour, NULL, 0);
  g_spawn_close_pid (neighbour);
  g_assert_cmpint (count_all (db, "Model Load"), ==, 5);
  g_assert_cmpint (count_all (db, "Prediction"), ==, 40);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(DISTINCT pid) FROM "
                                   "span"), ==, 1);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span WHERE pid "
                                   "= %d", (int) neighbour), ==, 0);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span WHERE "
                                   "complete = 0"), ==, 0);
  sqlite3_close (db);
  g_free (style);
  g_free (sharpen);
}

/* A shell script that runs two apps one after the other: both are the
 * script's work. */
static void
test_scope_script (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *script = g_build_filename (dir, "two-apps.sh", NULL);
  char *sharpen = example_path ("sharpen-demo");
  char *detect = example_path ("detect-demo");
  char *text = g_strdup_printf ("#!/bin/sh\n%s --frames 3\n"
                                "%s --threads 2 --frames 4\n", sharpen,
                                detect);
  const char *cmd[] = { "sh", script, NULL };
  sqlite3 *db;

  g_assert_true (g_file_set_contents (script, text, -1, NULL));
  db = record_whole (cmd);
  test_tmpdir_remove (dir);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span_view WHERE "
                   "process = 'sharpen-demo' AND kind = 'Prediction'"), ==, 3);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span_view WHERE "
                   "process = 'detect-demo' AND kind = 'Prediction'"), ==, 8);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM process"), ==, 2);
  sqlite3_close (db);
  g_free (text);
  g_free (detect);
  g_free (sharpen);
  g_free (script);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/e2e/style-demo/reload-every-frame", test_style_reload);
  g_test_add_func ("/e2e/style-demo/load-once", test_style_once);
  g_test_add_func ("/e2e/sharpen-demo/gray8", test_sharpen_gray8);
  g_test_add_func ("/e2e/sharpen-demo/fp16-output-backing", test_sharpen_fp16);
  g_test_add_func ("/e2e/detect-demo/threads", test_detect_threads);
  g_test_add_func ("/e2e/units/style-demo-all", test_units_style_all);
  g_test_add_func ("/e2e/units/sharpen-gray8", test_units_sharpen_gray8);
  g_test_add_func ("/e2e/units/sharpen-fp16-shared",
                   test_units_sharpen_fp16_shared);
  g_test_add_func ("/e2e/style-demo/async", test_style_async);
  g_test_add_func ("/e2e/style-demo/encrypted", test_style_encrypted);
  g_test_add_func ("/e2e/scope/neighbour", test_scope_neighbour);
  g_test_add_func ("/e2e/scope/script", test_scope_script);
  return g_test_run ();
}
