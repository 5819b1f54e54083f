/*
 * test-live.c: recording through LTTng's relay daemon, on loopback.
 *
 *   /live/style-demo: `mlscope record --live` of style-demo --frames 200;
 *     a reader polling the file sees the Prediction count grow at least
 *     five times before the app ends (and `mlscope stats` reads the file
 *     mid-way), and the finished file equals `mlscope import` of the trace
 *     the relay daemon wrote, table by table, and in `mlscope stats`.
 *   /live/relay: `mlscope relay start|status|stop` and `record --relay`:
 *     the daemon's directory imports with the emitter's exact counts, stop
 *     ends the daemon it started (by its pid) and status then says so.
 *   /live/relay-dies: the relay daemon killed while a live recording runs:
 *     record exits 3 saying so, the file keeps what arrived and holds the
 *     gap as lost data; `mlscope import` of the daemon's directory keeps
 *     what it wrote and exits 3 too, naming the directory, the dead
 *     daemon and the recording cut short (0 with --salvage).
 *   /live/fleet: three hosts (each its own host name and session daemon,
 *     through unshare; skipped where that is not permitted) record to one
 *     relay daemon; its directory imports as three hosts with each one's
 *     exact counts, and `stats --by-host` shows them.
 *
 * Every daemon runs on free loopback ports chosen by mlscope, under a
 * directory of the test's own, and is ended by the pid mlscope reports;
 * session names are mlscope's (pid and time), unique.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mls-test-util.h"

/* A table's rows, every value as text (blobs in hex), one line per row. */
static char *
dump (sqlite3 *db, const char *sql)
{
  GString *s = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        {
          const unsigned char *b = sqlite3_column_blob (stmt, c);
          int n = sqlite3_column_bytes (stmt, c);

          g_string_append_c (s, c ? '|' : '\n');
          if (sqlite3_column_type (stmt, c) == SQLITE_NULL)
            g_string_append (s, "NULL");
          for (int i = 0; i < n; i++)
            g_string_append_printf (s, "%02x", b[i]);
        }
    }
  sqlite3_finalize (stmt);
  return g_string_free (s, FALSE);
}

static const char *const compared[] = {
  "SELECT * FROM span ORDER BY id",
  "SELECT * FROM span_run ORDER BY id",
  "SELECT * FROM span_block ORDER BY run_id, start_ns, first_id",
  "SELECT * FROM span_kind_stats ORDER BY kind_id, model_id, pid",
  "SELECT * FROM span_summary_set ORDER BY id",
  "SELECT * FROM span_summary ORDER BY set_id, level, first",
  "SELECT * FROM span_overlap ORDER BY lane, kind_id, model_id, pid, tid, "
  "depth",
  "SELECT * FROM string ORDER BY id",
  "SELECT * FROM model ORDER BY id",
  "SELECT * FROM lost_events ORDER BY id",
  "SELECT pid, name, cmdline, end_state, exit_status FROM process "
  "ORDER BY pid",
  "SELECT t.tid, p.pid, t.name FROM thread t JOIN process p "
  "ON p.id = t.process_id ORDER BY 1, 2",
};

static void
assert_same_recording (const char *a_path, const char *b_path)
{
  sqlite3 *a = mls_test_open_db (a_path), *b = mls_test_open_db (b_path);

  for (gsize i = 0; i < G_N_ELEMENTS (compared); i++)
    {
      char *x = dump (a, compared[i]), *y = dump (b, compared[i]);

      if (strcmp (x, y) != 0)
        g_error ("%s and %s differ in: %s", a_path, b_path, compared[i]);
      g_free (x);
      g_free (y);
    }
  g_assert_cmpint (mls_test_q_int (a, "SELECT count (*) FROM span"), >, 0);
  sqlite3_close (a);
  sqlite3_close (b);
}

/* The Prediction count a reader sees now; -1 when the file is not there
 * yet. */
static gint64
predictions_now (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (g_file_test (path, G_FILE_TEST_EXISTS)
      && sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db, "SELECT count (*) FROM span WHERE kind_id "
                             "= 4", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Runs argv with stdout and stderr to err_path and stdin from `in` (-1:
 * this process's). */
static GPid
spawn (const char *const *argv, const char *err_path, int in)
{
  GError *error = NULL;
  GPid pid;
  int fd = g_open (err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  g_assert_cmpint (fd, >=, 0);
  g_spawn_async_with_fds (NULL, (char **) argv, NULL,
                          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH, NULL,
                          NULL, &pid, in, fd,
                          fd, &error);
  g_assert_no_error (error);
  close (fd);
  return pid;
}

static int
wait_status (GPid pid)
{
  int ws;

  g_assert_cmpint (waitpid (pid, &ws, 0), ==, pid);
  return WIFEXITED (ws) ? WEXITSTATUS (ws) : 128 + WTERMSIG (ws);
}

/* `mlscope ARGS...` (NULL-terminated), which must succeed: its stdout. */
static char *
mlscope_ok (const char *first, ...)
{
  GPtrArray *argv = g_ptr_array_new ();
  char *mlscope = mls_test_mlscope (), *out;
  const char *arg;
  va_list args;
  MlsRun *run;

  g_ptr_array_add (argv, mlscope);
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  run = mls_test_run ((const char *const *) argv->pdata);
  if (run->status != 0)
    g_error ("mlscope %s: exit %d: %s", first, run->status, run->err);
  out = g_strdup (run->out);
  mls_test_run_free (run);
  g_ptr_array_free (argv, TRUE);
  g_free (mlscope);
  return out;
}

static char *
stats_csv (const char *db)
{
  return mlscope_ok ("stats", db, "--format", "csv", NULL);
}

static void
test_style_demo (void)
{
  char *dir = test_tmpdir_new ("mlscope-live");
  char *db = g_build_filename (dir, "live.mlscope", NULL);
  char *ctf = g_build_filename (dir, "ctf", NULL);
  char *ended = g_build_filename (dir, "app-ended", NULL);
  char *offline = g_build_filename (dir, "offline.mlscope", NULL);
  char *err = g_build_filename (dir, "record.err", NULL);
  char *app = mls_test_build_path ("runtime/examples/style-demo");
  char *script = g_strdup_printf ("%s --frames 200 > /dev/null && touch %s",
                                  app, ended);
  char *mlscope = mls_test_mlscope ();
  const char *argv[] = { "timeout", "300", mlscope, "record", "--live",
                         "--keep-ctf", ctf, "-o", db, "--", "sh", "-c",
                         script, NULL };
  GPid pid = spawn (argv, err, -1);
  gint64 last = 0, grew = 0, now;
  gboolean stats_read = FALSE;
  char *log, *live_stats, *offline_stats;

  /* Until the app has ended: each poll sees the count the last commit
   * left. */
  while (!g_file_test (ended, G_FILE_TEST_EXISTS)
         && waitpid (pid, NULL, WNOHANG) == 0)
    {
      now = predictions_now (db);
      if (now > last)
        {
          grew++;
          last = now;
        }
      if (now > 0 && !stats_read)
        {
          g_free (stats_csv (db));
          stats_read = TRUE;
        }
      g_usleep (100 * 1000);
    }
  g_assert_true (g_file_test (ended, G_FILE_TEST_EXISTS));
  g_test_message ("the Prediction count grew %" G_GINT64_FORMAT " times "
                  "while the app ran (last seen %" G_GINT64_FORMAT ")", grew,
                  last);
  g_assert_cmpint (grew, >=, 5);
  g_assert_cmpint (last, <, 200);
  g_assert_true (stats_read);
  g_assert_cmpint (wait_status (pid), ==, 0);
  g_file_get_contents (err, &log, NULL, NULL);
  g_assert_nonnull (strstr (log, "mlscope record: wrote"));
  g_assert_cmpint (predictions_now (db), ==, 200);

  g_free (mlscope_ok ("import", ctf, "-o", offline, NULL));
  assert_same_recording (db, offline);
  live_stats = stats_csv (db);
  offline_stats = stats_csv (offline);
  g_assert_cmpstr (live_stats, ==, offline_stats);

  test_tmpdir_remove (dir);
  g_free (live_stats);
  g_free (offline_stats);
  g_free (log);
  g_free (mlscope);
  g_free (script);
  g_free (app);
  g_free (err);
  g_free (offline);
  g_free (ended);
  g_free (ctf);
  g_free (db);
  g_free (dir);
}

/* `mlscope relay ARGS... --output DIR`. */
static MlsRun *
relay (const char *command, const char *dir)
{
  char *mlscope = mls_test_mlscope ();
  const char *argv[] = { mlscope, "relay", command, "--output", dir, NULL };
  MlsRun *run = mls_test_run (argv);

  g_free (mlscope);
  return run;
}

/* The daemon's pid and URL, as `relay start` printed them. */
static int
relay_started (const char *dir, char **url)
{
  MlsRun *run = relay ("start", dir);
  const char *p, *u;
  int pid;

  g_assert_cmpint (run->status, ==, 0);
  p = strstr (run->out, "process ");
  u = strstr (run->out, "--relay ");
  g_assert_nonnull (p);
  g_assert_nonnull (u);
  pid = atoi (p + strlen ("process "));
  *url = g_strndup (u + strlen ("--relay "),
                    strcspn (u + strlen ("--relay "), " \n"));
  g_assert_cmpint (pid, >, 0);
  mls_test_run_free (run);
  return pid;
}

static void
test_relay (void)
{
  char *dir = test_tmpdir_new ("mlscope-relay");
  char *out = g_build_filename (dir, "relay", NULL);
  char *db = g_build_filename (dir, "all.mlscope", NULL);
  char *mlscope = mls_test_mlscope ();
  char *emitter = mls_test_emitter ();
  char *url = NULL;
  int pid = relay_started (out, &url);
  MlsRun *run;
  sqlite3 *sql;

  run = relay ("status", out);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "running"));
  mls_test_run_free (run);
  g_free (mlscope_ok ("record", "--relay", url, "--", emitter, "pattern", "2",
                      "5", NULL));
  run = relay ("stop", out);
  g_assert_cmpint (run->status, ==, 0);
  mls_test_run_free (run);
  g_assert_cmpint (kill (pid, 0), !=, 0);
  run = relay ("status", out);
  g_assert_cmpint (run->status, !=, 0);
  mls_test_run_free (run);
  g_free (mlscope_ok ("import", out, "-o", db, NULL));
  sql = mls_test_open_db (db);
  g_assert_cmpint (mls_test_q_int (sql, "SELECT count (*) FROM span WHERE "
                                   "kind_id = 4"), ==, 2 * 5 + 1);
  g_assert_cmpint (mls_test_q_int (sql, "SELECT count (*) FROM span WHERE "
                                   "kind_id = 5"), ==, 1);
  sqlite3_close (sql);
  test_tmpdir_remove (dir);
  g_free (url);
  g_free (emitter);
  g_free (mlscope);
  g_free (db);
  g_free (out);
  g_free (dir);
}

static void
test_relay_dies (void)
{
  char *dir = test_tmpdir_new ("mlscope-relay");
  char *out = g_build_filename (dir, "relay", NULL);
  char *db = g_build_filename (dir, "live.mlscope", NULL);
  char *err = g_build_filename (dir, "record.err", NULL);
  char *mlscope = mls_test_mlscope ();
  char *emitter = mls_test_emitter ();
  char *url = NULL;
  int relay_pid = relay_started (out, &url);
  const char *argv[] = { "timeout", "120", mlscope, "record", "--live",
                         "--relay", url, "-o", db, "--", emitter, "loop",
                         "30", NULL };
  int in[2];
  GPid pid;
  gint64 before;
  char *log;
  sqlite3 *sql;

  /* The emitter predicts until its stdin closes. */
  g_assert_cmpint (pipe (in), ==, 0);
  pid = spawn (argv, err, in[0]);
  close (in[0]);
  while (predictions_now (db) < 20 && waitpid (pid, NULL, WNOHANG) == 0)
    g_usleep (100 * 1000);
  before = predictions_now (db);
  g_assert_cmpint (before, >=, 20);
  g_assert_cmpint (kill (relay_pid, SIGKILL), ==, 0);
  g_usleep (G_USEC_PER_SEC);
  close (in[1]);
  g_assert_cmpint (wait_status (pid), ==, 3);
  g_file_get_contents (err, &log, NULL, NULL);
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "failed while recording"));
  g_assert_nonnull (strstr (log, "recorded as lost data"));
  g_assert_null (strstr (log, "sub-buffers were full"));
  sql = mls_test_open_db (db);
  g_assert_cmpint (mls_test_q_int (sql, "SELECT count (*) FROM span WHERE "
                                   "kind_id = 4"), >=, before);
  g_assert_cmpint (mls_test_q_int (sql, "SELECT count (*) FROM lost_events "
                                   "WHERE packets = 1 AND end_ns > start_ns "
                                   "AND stream LIKE '%%live read stopped%%'"),
                   ==, 1);
  g_assert_cmpint (mls_test_q_int (sql, "SELECT value FROM meta WHERE key = "
                                   "'lost_packets'"), >=, 1);
  sqlite3_close (sql);
  for (int salvage = 0; salvage < 2; salvage++)
    {
      char *kept = g_build_filename (dir, "kept.mlscope", NULL);
      const char *import[] = { mlscope, "import", out, "-o", kept,
                               salvage ? "--salvage" : NULL, NULL };
      MlsRun *run = mls_test_run (import);

      g_assert_cmpint (run->status, ==, salvage ? 0 : 3);
      g_autofree char *said = g_strdup_printf ("%s: the relay daemon that "
                                               "wrote it (lttng-relayd, "
                                               "process %d", out, relay_pid);
      g_assert_nonnull (strstr (run->err, said));
      g_assert_nonnull (strstr (run->err, "is gone without `mlscope relay "
                                "stop`"));
      g_assert_nonnull (strstr (run->err, "stops there"));
      g_assert_nonnull (strstr (run->err, salvage ? "at its end\n"
                                : "pass --salvage to accept it"));
      g_assert_null (strstr (run->err, "sub-buffers were full"));
      mls_test_run_free (run);
      sql = mls_test_open_db (kept);
      g_assert_cmpint (mls_test_q_int (sql, "SELECT count (*) FROM span "
                                       "WHERE kind_id = 4"), >=, before);
      /* The file itself says the recording was cut, at its last event. */
      g_assert_cmpint (mls_test_q_int (sql, "SELECT count (*) FROM lost_events"
                                       " WHERE packets = 1 AND start_ns = "
                                       "(SELECT value FROM meta WHERE key = "
                                       "'end_ns') AND stream LIKE "
                                       "'%%relay daemon that wrote it%%'"),
                       ==, 1);
      g_assert_cmpint (mls_test_q_int (sql, "SELECT value FROM meta WHERE key"
                                       " = 'lost_packets'"), >=, 1);
      sqlite3_close (sql);
      g_unlink (kept);
      g_free (kept);
    }
  test_tmpdir_remove (dir);
  g_free (log);
  g_free (url);
  g_free (emitter);
  g_free (mlscope);
  g_free (err);
  g_free (db);
  g_free (out);
  g_free (dir);
}

/* A "host" (tests/tracer/fleet-host.sh): its own host name and session
 * daemon, through unshare. */
static char *
host_script (void)
{
  return g_test_build_filename (G_TEST_DIST, "tracer", "fleet-host.sh",
                                NULL);
}

static gboolean
can_make_hosts (void)
{
  const char *argv[] = { "unshare", "--uts", "--mount", "true", NULL };
  MlsRun *run = mls_test_run (argv);
  gboolean ok = run->status == 0;

  mls_test_run_free (run);
  return ok;
}

static void
test_fleet (void)
{
  char *dir, *out, *db, *mlscope, *emitter, *url = NULL, *script;
  GPid pids[3];
  char *names[3], *logs[3];
  int relay_pid;
  sqlite3 *sql;

  if (!can_make_hosts ())
    {
      g_test_skip ("unshare --uts --mount is not permitted here (it needs "
                   "root): no separate hosts");
      return;
    }
  dir = test_tmpdir_new ("mlscope-fleet");
  script = host_script ();
  out = g_build_filename (dir, "relay", NULL);
  db = g_build_filename (dir, "fleet.mlscope", NULL);
  mlscope = mls_test_mlscope ();
  emitter = mls_test_emitter ();
  relay_pid = relay_started (out, &url);
  for (int i = 0; i < 3; i++)
    {
      char *threads = g_strdup_printf ("%d", i + 1);
      const char *argv[] = { "unshare", "--uts", "--mount", "--propagation",
                             "private", "sh", script, NULL, mlscope, "record",
                             "-q", "--relay", url, "--", emitter, "pattern",
                             threads, "4", NULL };

      names[i] = g_strdup_printf ("mls-fleet-%d-%d", (int) getpid (), i + 1);
      logs[i] = g_strdup_printf ("%s/host-%d.log", dir, i + 1);
      argv[7] = names[i];
      pids[i] = spawn (argv, logs[i], -1);
      g_free (threads);
    }
  for (int i = 0; i < 3; i++)
    {
      char *log = NULL;
      int status = wait_status (pids[i]);

      g_file_get_contents (logs[i], &log, NULL, NULL);
      if (status != 0)
        g_error ("host %s: exit %d: %s", names[i], status, log);
      g_free (log);
    }
  {
    MlsRun *run = relay ("stop", out);
    g_assert_cmpint (run->status, ==, 0);
    mls_test_run_free (run);
    g_assert_cmpint (kill (relay_pid, 0), !=, 0);
  }
  g_free (mlscope_ok ("import", out, "-o", db, NULL));
  sql = mls_test_open_db (db);
  g_assert_cmpint (mls_test_q_int (sql, "SELECT count (*) FROM host"), ==, 3);
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpint (mls_test_q_int (sql, "SELECT count (*) FROM span s "
                       "JOIN process p ON p.pid = s.pid JOIN host h ON h.id "
                       "= p.host_id WHERE h.name = %Q AND s.kind_id = 4",
                       names[i]), ==, (i + 1) * 4 + 1);
      g_assert_cmpint (mls_test_q_int (sql, "SELECT count (*) FROM span s "
                       "JOIN process p ON p.pid = s.pid JOIN host h ON h.id "
                       "= p.host_id WHERE h.name = %Q AND s.kind_id = 5",
                       names[i]), ==, 1);
    }
  sqlite3_close (sql);
  {
    char *csv = mlscope_ok ("stats", db, "--by-host", "--format", "csv",
                            NULL);
    char *row = g_strdup_printf ("\n%s,Prediction,%d,", names[2], 13);

    for (int i = 0; i < 3; i++)
      g_assert_nonnull (strstr (csv, names[i]));
    g_assert_nonnull (strstr (csv, row));
    g_free (row);
    g_free (csv);
  }
  test_tmpdir_remove (dir);
  for (int i = 0; i < 3; i++)
    {
      g_free (names[i]);
      g_free (logs[i]);
    }
  g_free (url);
  g_free (script);
  g_free (emitter);
  g_free (mlscope);
  g_free (db);
  g_free (out);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/live/style-demo", test_style_demo);
  g_test_add_func ("/live/relay", test_relay);
  g_test_add_func ("/live/relay-dies", test_relay_dies);
  g_test_add_func ("/live/fleet", test_fleet);
  return g_test_run ();
}
