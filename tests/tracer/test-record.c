/*
 * test-record.c: `mlscope record` end to end against real LTTng sessions,
 * with mls-tp-emitter emitting the mlrt events in known numbers and
 * patterns: exact counts per span kind, parents across threads,
 * asynchronous completion on another thread, device busy intervals on the
 * trace clock, the layer opt-in, a process SIGKILLed mid-prediction,
 * exit statuses, discarded events, --keep-ctf / --session-name.
 *
 * Queries name the emitter's pid, which it prints first; that a recording
 * holds nothing else is test-scope.c's subject.
 */
#include <string.h>
#include <unistd.h>

#include "mls-test-util.h"

typedef struct {
  char *dir;
  char *db_path;
  MlsRun *run;
  sqlite3 *db;
  int pid;
} Recording;

/* Records the emitter with `extra` mlscope options (NULL-terminated) and
 * emitter arguments `emit`; asserts the import worked. */
static Recording *
record_emitter (const char *const *extra, const char *const *emit,
                int expect_status)
{
  Recording *r = g_new0 (Recording, 1);
  r->dir = test_tmpdir_new ("mlscope-test");
  r->db_path = g_build_filename (r->dir, "rec.mlscope", NULL);
  char *mlscope = mls_test_mlscope ();
  char *emitter = mls_test_emitter ();
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, mlscope);
  g_ptr_array_add (argv, "record");
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, r->db_path);
  for (int i = 0; extra && extra[i]; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, "--");
  g_ptr_array_add (argv, emitter);
  for (int i = 0; emit[i]; i++)
    g_ptr_array_add (argv, (gpointer) emit[i]);
  g_ptr_array_add (argv, NULL);
  r->run = mls_test_run ((const char *const *) argv->pdata);
  mls_test_assert_no_hang (r->run);
  g_assert_cmpint (r->run->status, ==, expect_status);
  g_assert_nonnull (strstr (r->run->err, "mlscope record: wrote"));
  r->pid = mls_test_emitter_pid (r->run->out);
  g_assert_cmpint (r->pid, >, 0);
  r->db = mls_test_open_db (r->db_path);
  /* The open database stays readable: nothing is left behind even when a
   * check fails. */
  mls_test_q_int (r->db, "SELECT count(*) FROM meta");
  test_tmpdir_remove (r->dir);
  g_ptr_array_free (argv, TRUE);
  g_free (mlscope);
  g_free (emitter);
  return r;
}

static void
recording_free (Recording *r)
{
  sqlite3_close (r->db);
  mls_test_run_free (r->run);
  g_free (r->dir);
  g_free (r->db_path);
  g_free (r);
}

static gint64
count_kind (Recording *r, const char *kind)
{
  return mls_test_q_int (r->db, "SELECT count(*) FROM span_view WHERE pid = %d"
                         " AND kind = %Q AND complete = 1", r->pid, kind);
}

static gint64
tid_named (Recording *r, const char *name)
{
  return mls_test_q_int (r->db, "SELECT t.tid FROM thread t JOIN process p ON "
                         "p.id = t.process_id WHERE p.pid = %d AND t.name = %Q",
                         r->pid, name);
}

#define THREADS 3
#define PREDICTIONS 5

static void
test_pattern (void)
{
  const char *emit[] = { "pattern", G_STRINGIFY (THREADS),
                         G_STRINGIFY (PREDICTIONS), NULL };
  Recording *r = record_emitter (NULL, emit, 0);
  const int n = THREADS * PREDICTIONS;

  g_assert_cmpint (count_kind (r, "Model Compile"), ==, 1);
  g_assert_cmpint (count_kind (r, "Model Load"), ==, 2);
  g_assert_cmpint (count_kind (r, "Model Unload"), ==, 1);
  g_assert_cmpint (count_kind (r, "Prediction"), ==, n + 1);
  g_assert_cmpint (count_kind (r, "Batch Prediction"), ==, 1);
  g_assert_cmpint (count_kind (r, "Input Validation"), ==, n);
  g_assert_cmpint (count_kind (r, "Input Conversion"), ==, n);
  g_assert_cmpint (count_kind (r, "Output Conversion"), ==, n);
  g_assert_cmpint (count_kind (r, "CPU Compute Request"), ==, n);
  g_assert_cmpint (count_kind (r, "GPU Compute Request"), ==, 1);
  g_assert_cmpint (count_kind (r, "Neural Engine Compute Request"), ==, 1);
  g_assert_cmpint (count_kind (r, "GPU Busy"), ==, 1);
  g_assert_cmpint (count_kind (r, "Neural Engine Busy"), ==, 1);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span WHERE "
                   "pid = %d", r->pid), ==, 10 + 5 * n);
  /* Layers are debug-level: not recorded without --layers. */
  g_assert_cmpint (count_kind (r, "Layer"), ==, 0);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span WHERE "
                   "pid = %d AND complete = 0", r->pid), ==, 0);

  /* Every data / compute span sits in a prediction of its own model, one
   * level down; on the worker threads, on the prediction's thread. */
  g_assert_cmpint (mls_test_q_int (r->db,
    "SELECT count(*) FROM span_view c JOIN span_view p ON p.id = c.parent_id "
    "WHERE c.pid = %d AND c.lane IN ('data', 'compute') AND p.kind IN "
    "('Prediction', 'Batch Prediction') AND c.depth = 1 AND p.depth = 0 "
    "AND c.model = p.model", r->pid), ==, 4 * n + 2);
  g_assert_cmpint (mls_test_q_int (r->db,
    "SELECT count(*) FROM span_view WHERE pid = %d AND lane IN ('data', "
    "'compute') AND parent_id IS NULL", r->pid), ==, 0);
  for (int i = 0; i < THREADS; i++)
    {
      char *name = g_strdup_printf ("worker-%d", i);
      gint64 tid = tid_named (r, name);
      g_assert_cmpint (mls_test_q_int (r->db,
        "SELECT count(*) FROM span_view c JOIN span_view p ON "
        "p.id = c.parent_id WHERE c.pid = %d AND c.tid = %" G_GINT64_FORMAT
        " AND p.tid = c.tid AND c.model = %Q", r->pid, tid,
        i % 2 ? "beta" : "alpha"), ==, 4 * PREDICTIONS);
      g_free (name);
    }

  /* The batch prediction runs on the main thread, its NPU request is sent
   * by "submitter" and completed by "npu-device". */
  gint64 submitter = tid_named (r, "submitter");
  gint64 device = tid_named (r, "npu-device");
  g_assert_cmpint (submitter, !=, device);
  g_assert_cmpint (mls_test_q_int (r->db,
    "SELECT count(*) FROM span_view c JOIN span_view p ON p.id = c.parent_id "
    "WHERE c.pid = %d AND c.kind = 'Neural Engine Compute Request' AND "
    "c.tid = %" G_GINT64_FORMAT " AND p.kind = 'Batch Prediction' AND "
    "p.tid = %d AND json_extract (c.args, '$.end_tid') = %" G_GINT64_FORMAT
    " AND json_extract (p.args, '$.batch_size') = 4", r->pid, submitter,
    r->pid, device), ==, 1);
  /* Busy intervals carry their own CLOCK_MONOTONIC times: they must fall
   * inside their compute request on the trace clock. */
  g_assert_cmpint (mls_test_q_int (r->db,
    "SELECT count(*) FROM span_view b JOIN span_view c ON c.id = b.parent_id "
    "WHERE b.pid = %d AND b.lane IN ('gpu', 'npu') AND b.depth = 2 AND "
    "b.unit = c.unit AND b.start_ns >= c.start_ns AND b.end_ns <= c.end_ns "
    "AND b.dur_ns >= 900000", r->pid), ==, 2);

  g_assert_cmpint (mls_test_q_int (r->db,
    "SELECT count(*) FROM span_view WHERE pid = %d AND kind = 'Model Load' "
    "AND ((model = 'alpha' AND json_extract (args, '$.cache') = 'miss') OR "
    "(model = 'beta' AND json_extract (args, '$.cache') = 'hit'))", r->pid),
    ==, 2);
  g_assert_cmpint (mls_test_q_int (r->db,
    "SELECT count(*) FROM span_view WHERE pid = %d AND kind = 'Input "
    "Conversion' AND unit = 'cpu' AND json_extract (args, '$.src_type') = "
    "'gray8' AND json_extract (args, '$.dst_type') = 'float32' AND "
    "json_extract (args, '$.bytes') = 4096 AND json_extract (args, "
    "'$.feature') = 'image'", r->pid), ==, n);

  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM thread t "
                   "JOIN process p ON p.id = t.process_id WHERE p.pid = %d",
                   r->pid), ==, THREADS + 3);
  char *pname = mls_test_q_text (r->db, "SELECT name FROM process WHERE "
                                 "pid = %d", r->pid);
  g_assert_cmpstr (pname, ==, "mls-tp-emitter");
  g_free (pname);

  g_assert_cmpint (mls_test_q_int (r->db, "SELECT value FROM meta WHERE key "
                   "= 'lost_events'"), ==, 0);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT (SELECT value FROM meta "
                   "WHERE key = 'end_ns') - (SELECT value FROM meta WHERE "
                   "key = 'start_ns') = (SELECT value FROM meta WHERE key = "
                   "'duration_ns')"), ==, 1);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT value FROM meta WHERE key "
                   "= 'clock_offset_ns'"), >, G_GINT64_CONSTANT (1000000000000000000));
  char *command = mls_test_q_text (r->db, "SELECT value FROM meta WHERE key "
                                   "= 'command'");
  g_assert_nonnull (strstr (command, "mls-tp-emitter pattern 3 5"));
  g_free (command);
  char *path = mls_test_q_text (r->db, "SELECT value FROM meta WHERE key = "
                                "'trace_path'");
  g_assert_cmpstr (path, ==, "(not kept: use --keep-ctf)");
  g_free (path);
  recording_free (r);
}

static void
test_layers (void)
{
  const char *extra[] = { "--layers", NULL };
  const char *emit[] = { "pattern", "1", "4", NULL };
  Recording *r = record_emitter (extra, emit, 0);
  g_assert_cmpint (count_kind (r, "Layer"), ==, 8);
  g_assert_cmpint (mls_test_q_int (r->db,
    "SELECT count(*) FROM span_view l JOIN span_view c ON c.id = l.parent_id "
    "WHERE l.pid = %d AND l.kind = 'Layer' AND c.kind = 'CPU Compute Request'"
    " AND l.depth = 2 AND l.unit = 'cpu' AND l.tid = c.tid AND "
    "l.start_ns >= c.start_ns AND l.end_ns <= c.end_ns AND "
    "json_extract (l.args, '$.name') IN ('conv1', 'relu1')", r->pid), ==, 8);
  recording_free (r);
}

/* The app dies by SIGKILL inside a prediction: everything before is kept,
 * the open prediction and compute request become incomplete spans ending at
 * the process's last event, and mlscope exits with 128 + 9. */
static void
test_killed (void)
{
  const char *emit[] = { "kill", "6", NULL };
  Recording *r = record_emitter (NULL, emit, 128 + 9);
  g_assert_nonnull (strstr (r->run->err, "killed by signal 9"));
  g_assert_cmpint (count_kind (r, "Prediction"), ==, 6);
  g_assert_cmpint (count_kind (r, "CPU Compute Request"), ==, 6);
  g_assert_cmpint (count_kind (r, "Input Conversion"), ==, 6);
  g_assert_cmpint (mls_test_q_int (r->db,
    "SELECT count(*) FROM span_view c JOIN span_view p ON p.id = c.parent_id "
    "WHERE c.pid = %d AND c.complete = 0 AND p.complete = 0 AND c.kind = "
    "'CPU Compute Request' AND p.kind = 'Prediction' AND c.end_ns = "
    "c.start_ns AND p.end_ns = c.start_ns AND c.start_ns = (SELECT max "
    "(start_ns) FROM span WHERE pid = %d)", r->pid, r->pid), ==, 1);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span WHERE "
                   "pid = %d AND complete = 0", r->pid), ==, 2);
  recording_free (r);
}

static MlsRun *
record_command (const char *db_path, const char *const *cmd)
{
  char *mlscope = mls_test_mlscope ();
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, mlscope);
  g_ptr_array_add (argv, "record");
  if (db_path != NULL)
    {
      g_ptr_array_add (argv, "-o");
      g_ptr_array_add (argv, (gpointer) db_path);
    }
  for (int i = 0; cmd[i]; i++)
    g_ptr_array_add (argv, (gpointer) cmd[i]);
  g_ptr_array_add (argv, NULL);
  MlsRun *run = mls_test_run ((const char *const *) argv->pdata);
  mls_test_assert_no_hang (run);
  g_ptr_array_free (argv, TRUE);
  g_free (mlscope);
  return run;
}

static void
test_exit_status (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *db = g_build_filename (dir, "x.mlscope", NULL);

  const char *exit7[] = { "--", "sh", "-c", "echo out; exit 7", NULL };
  MlsRun *run = record_command (db, exit7);
  g_assert_cmpint (run->status, ==, 7);
  g_assert_cmpstr (run->out, ==, "out\n");
  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
  mls_test_run_free (run);

  const char *term[] = { "--", "sh", "-c", "kill -TERM $$", NULL };
  run = record_command (db, term);
  g_assert_cmpint (run->status, ==, 128 + 15);
  mls_test_run_free (run);

  const char *missing[] = { "--", "/nonexistent/mls-app", NULL };
  run = record_command (db, missing);
  g_assert_cmpint (run->status, ==, 127);
  g_assert_nonnull (strstr (run->err, "cannot run '/nonexistent/mls-app'"));
  mls_test_run_free (run);

  const char *none[] = { NULL };
  run = record_command (db, none);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, "no command given"));
  mls_test_run_free (run);

  /* An unwritable output is refused before the app runs. */
  const char *echo[] = { "--", "sh", "-c", "echo ran", NULL };
  run = record_command ("/nonexistent-dir/x.mlscope", echo);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "/nonexistent-dir/x.mlscope: cannot "
                            "write there"));
  g_assert_cmpstr (run->out, ==, "");
  mls_test_run_free (run);

  const char *subbuf[] = { "--subbuf-size", "1000", "--", "true", NULL };
  run = record_command (db, subbuf);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, "--subbuf-size must be a power of two"));
  mls_test_run_free (run);

  const char *no_output[] = { "--", "true", NULL };
  run = record_command (NULL, no_output);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, "-o FILE.mlscope is required"));
  mls_test_run_free (run);

  test_tmpdir_remove (dir);
  g_free (db);
  g_free (dir);
}

/* Tiny sub-buffers under a tight burst: LTTng discards events, and the
 * recording must say how many, where, and warn. */
static void
test_lost_events (void)
{
  const char *extra[] = { "--subbuf-size", "4096", NULL };
  const char *emit[] = { "burst", "200000", NULL };
  Recording *r = record_emitter (extra, emit, 0);
  gint64 lost = mls_test_q_int (r->db, "SELECT value FROM meta WHERE key = "
                                "'lost_events'");
  g_assert_cmpint (lost, >, 0);
  g_assert_cmpint (lost, ==, mls_test_q_int (r->db, "SELECT sum(count) FROM "
                   "lost_events WHERE packets = 0"));
  g_assert_nonnull (strstr (r->run->err, "events and 0 packets (its "
                            "sub-buffers were full)"));
  /* Read + lost = emitted: 200000 / 14 predictions of 10 events. */
  gint64 read = mls_test_q_int (r->db, "SELECT count(*) FROM span WHERE "
                                "pid = %d", r->pid);
  g_assert_cmpint (read, <, 5 * ((200000 + 13) / 14));
  recording_free (r);
}

static void
test_keep_ctf (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *ctf = g_build_filename (dir, "ctf", NULL);
  char *session = g_strdup_printf ("mlscope-test-%d", (int) getpid ());
  const char *extra[] = { "--keep-ctf", ctf, "--session-name", session, NULL };
  const char *emit[] = { "pattern", "2", "3", NULL };
  Recording *r = record_emitter (extra, emit, 0);

  char *path = mls_test_q_text (r->db, "SELECT value FROM meta WHERE key = "
                                "'trace_path'");
  g_assert_cmpstr (path, ==, ctf);
  g_free (path);

  /* The session is gone, the trace stays and imports the same again. */
  const char *list[] = { "lttng", "list", NULL };
  MlsRun *run = mls_test_run (list);
  g_assert_null (strstr (run->out, session));
  mls_test_run_free (run);

  char *db2 = g_build_filename (dir, "again.mlscope", NULL);
  char *mlscope = mls_test_mlscope ();
  const char *import[] = { mlscope, "import", ctf, "-o", db2, NULL };
  run = mls_test_run (import);
  g_assert_cmpint (run->status, ==, 0);
  sqlite3 *again = mls_test_open_db (db2);
  g_assert_cmpint (mls_test_q_int (again, "SELECT count(*) FROM span WHERE "
                   "pid = %d", r->pid), ==, 10 + 5 * 6);
  g_assert_cmpint (mls_test_q_int (r->db, "SELECT count(*) FROM span WHERE "
                   "pid = %d", r->pid), ==, 10 + 5 * 6);
  sqlite3_close (again);
  mls_test_run_free (run);

  /* --keep-ctf refuses a directory that already holds something. */
  const char *again_cmd[] = { "--keep-ctf", ctf, "--", "true", NULL };
  run = record_command (db2, again_cmd);
  g_assert_cmpint (run->status, !=, 0);
  g_assert_nonnull (strstr (run->err, "not empty"));
  mls_test_run_free (run);

  recording_free (r);
  test_tmpdir_remove (dir);
  g_free (mlscope);
  g_free (db2);
  g_free (session);
  g_free (ctf);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/record/pattern", test_pattern);
  g_test_add_func ("/record/layers", test_layers);
  g_test_add_func ("/record/killed", test_killed);
  g_test_add_func ("/record/exit-status", test_exit_status);
  g_test_add_func ("/record/lost-events", test_lost_events);
  g_test_add_func ("/record/keep-ctf", test_keep_ctf);
  return g_test_run ();
}
