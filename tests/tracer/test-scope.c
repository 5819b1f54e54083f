/*
 * test-scope.c: a recording holds what was asked for and says plainly what
 * it could not see. `mlscope record -- CMD` records CMD and every process
 * it starts (a shell's children, a fork without exec), none of a
 * neighbour emitting the same events meanwhile (--all-processes takes
 * those too); a process killed mid-prediction leaves spans cut off with
 * "process died", which `mlscope stats` counts apart from the figures;
 * and string fields that alternate empty and not come back exactly as
 * emitted, whatever babeltrace2 2.0.4 does with empty strings.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mls-test-util.h"

typedef struct {
  GPid pid;
  int in_fd;
} Neighbour;

/* Another app using mlrt, looping until its stdin closes. */
static Neighbour
start_neighbour (void)
{
  char *emitter = mls_test_emitter ();
  char *argv[] = { emitter, "loop", "60", NULL };
  Neighbour n = { 0 };
  GError *error = NULL;

  g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                            G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &n.pid,
                            &n.in_fd, NULL, NULL, &error);
  g_assert_no_error (error);
  g_free (emitter);
  return n;
}

static void
stop_neighbour (Neighbour *n)
{
  close (n->in_fd);
  waitpid (n->pid, NULL, 0);
  g_spawn_close_pid (n->pid);
}

/* Records `mlscope record [OPTION] -- ARGS...` into DIR/rec.mlscope; the
 * database stays in `dir` for the caller to remove. */
static sqlite3 *
record (const char *dir, const char *option, const char *const *args,
        MlsRun **run_out)
{
  char *db_path = g_build_filename (dir, "rec.mlscope", NULL);
  char *mlscope = mls_test_mlscope ();
  GPtrArray *argv = g_ptr_array_new ();
  MlsRun *run;
  sqlite3 *db;

  g_ptr_array_add (argv, mlscope);
  g_ptr_array_add (argv, "record");
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, db_path);
  if (option)
    g_ptr_array_add (argv, (gpointer) option);
  g_ptr_array_add (argv, "--");
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  run = mls_test_run ((const char *const *) argv->pdata);
  mls_test_assert_no_hang (run);
  db = mls_test_open_db (db_path);
  *run_out = run;
  g_ptr_array_free (argv, TRUE);
  g_free (mlscope);
  g_free (db_path);
  return db;
}

static gint64
predictions_of (sqlite3 *db, GPid pid)
{
  return mls_test_q_int (db, "SELECT count(*) FROM span_view WHERE pid = %d "
                         "AND kind = 'Prediction' AND complete = 1",
                         (int) pid);
}

static void
test_neighbour (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *emitter = mls_test_emitter ();
  const char *args[] = { emitter, "pattern", "2", "3", NULL };
  Neighbour n = start_neighbour ();
  MlsRun *run, *all_run;
  sqlite3 *db, *all;
  int pid;

  g_usleep (100 * 1000);
  db = record (dir, NULL, args, &run);
  pid = mls_test_emitter_pid (run->out);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(DISTINCT pid) FROM "
                                   "span"), ==, 1);
  g_assert_cmpint (predictions_of (db, pid), ==, 2 * 3 + 1);
  g_assert_cmpint (predictions_of (db, n.pid), ==, 0);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM process"), ==,
                   1);
  test_tmpdir_remove (dir);

  g_free (dir);

  /* --all-processes takes the neighbour in too. */
  dir = test_tmpdir_new ("mlscope-test");
  all = record (dir, "--all-processes", args, &all_run);
  stop_neighbour (&n);
  test_tmpdir_remove (dir);
  g_assert_cmpint (all_run->status, ==, 0);
  g_assert_cmpint (predictions_of (all, n.pid), >, 0);
  sqlite3_close (db);
  sqlite3_close (all);
  mls_test_run_free (run);
  mls_test_run_free (all_run);
  g_free (emitter);
  g_free (dir);
}

/* A shell running two apps one after the other, and an app that forks
 * without exec: every process is recorded, named and counted. */
static void
test_children (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *emitter = mls_test_emitter ();
  char *quoted = g_shell_quote (emitter);
  char *script = g_strdup_printf ("%s pattern 1 2; %s fork 4", quoted,
                                  quoted);
  const char *args[] = { "sh", "-c", script, NULL };
  MlsRun *run;
  sqlite3 *db = record (dir, NULL, args, &run);
  char **lines = g_strsplit (run->out, "\n", -1);
  int pids[3];

  test_tmpdir_remove (dir);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpuint (g_strv_length (lines), >=, 3);
  for (int i = 0; i < 3; i++)
    pids[i] = mls_test_emitter_pid (lines[i]);
  /* The pattern app; the forking parent and its child, in either order. */
  g_assert_cmpint (predictions_of (db, pids[0]), ==, 1 * 2 + 1);
  g_assert_cmpint (predictions_of (db, pids[1]), ==, 4);
  g_assert_cmpint (predictions_of (db, pids[2]), ==, 4);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM process WHERE "
                   "name = 'mls-tp-emitter' AND end_state = 'exited' AND "
                   "exit_status = 0"), ==, 3);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span WHERE "
                                   "complete = 0"), ==, 0);
  sqlite3_close (db);
  mls_test_run_free (run);
  g_strfreev (lines);
  g_free (script);
  g_free (quoted);
  g_free (emitter);
  g_free (dir);
}

/* Killed mid-prediction: the prediction and its compute request are cut
 * off ("process died"), and stats --format csv counts them in
 * `incomplete`, never in the figures (no 0 ns minimum). */
static void
test_killed_stats (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *db_path = g_build_filename (dir, "rec.mlscope", NULL);
  char *emitter = mls_test_emitter ();
  char *mlscope = mls_test_mlscope ();
  const char *args[] = { emitter, "kill", "6", NULL };
  const char *stats[] = { mlscope, "stats", db_path, "--format", "csv",
                          NULL };
  MlsRun *run, *csv;
  sqlite3 *db = record (dir, NULL, args, &run);
  char **lines;
  gboolean seen = FALSE;

  csv = mls_test_run (stats);
  test_tmpdir_remove (dir);
  g_assert_cmpint (run->status, ==, 128 + SIGKILL);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span WHERE "
                   "complete = 0 AND incomplete_reason = 'process_died'"), ==,
                   2);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM process WHERE "
                   "end_state = 'killed' AND exit_status = %d", SIGKILL), ==,
                   1);
  g_assert_cmpint (csv->status, ==, 0);
  lines = g_strsplit (csv->out, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "kind,count,total_ns,avg_ns,min_ns,"
                   "median_ns,max_ns,stddev_ns,share,incomplete");
  for (char **l = lines + 1; *l && **l; l++)
    {
      char **f = g_strsplit (*l, ",", -1);
      gboolean cut_kind = strcmp (f[0], "Prediction") == 0
                          || strcmp (f[0], "CPU Compute Request") == 0;

      g_assert_cmpuint (g_strv_length (f), ==, 10);
      g_assert_cmpint (g_ascii_strtoll (f[1], NULL, 10), ==, 6);
      g_assert_cmpint (g_ascii_strtoll (f[9], NULL, 10), ==, cut_kind);
      /* Every complete span lasted: a cut-off one would be the 0 ns
       * minimum (it ends where it began). */
      g_assert_cmpint (g_ascii_strtoll (f[4], NULL, 10), >, 0);
      g_assert_cmpint (g_ascii_strtoll (f[4], NULL, 10), ==,
                       mls_test_q_int (db, "SELECT min (dur_ns) FROM "
                                       "span_view WHERE kind = %Q AND "
                                       "complete = 1", f[0]));
      seen |= cut_kind;
      g_strfreev (f);
    }
  g_assert_true (seen);
  g_strfreev (lines);
  sqlite3_close (db);
  mls_test_run_free (run);
  mls_test_run_free (csv);
  g_free (mlscope);
  g_free (emitter);
  g_free (db_path);
  g_free (dir);
}

/* Input validations whose feature alternates "feature-I" and "", some
 * with a byte that is not UTF-8: the span's arguments are valid JSON,
 * the byte mended to U+FFFD. */
static void
test_strings (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *emitter = mls_test_emitter ();
  const char *args[] = { emitter, "strings", "12", NULL };
  MlsRun *run;
  sqlite3 *db = record (dir, NULL, args, &run);

  test_tmpdir_remove (dir);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span"), ==, 12);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span_view WHERE "
                                   "json_valid (args)"), ==, 12);
  for (int i = 0; i < 12; i++)
    {
      char *feature = mls_test_q_text (db, "SELECT json_extract (args, "
                                       "'$.feature') FROM span_view WHERE "
                                       "json_extract (args, '$.bytes') = %d",
                                       i);
      char *expected = i % 2 ? g_strdup ("")
                             : g_strdup_printf ("feature%s-%d", i % 4 == 2
                                                ? "\xef\xbf\xbd" : "", i);

      g_assert_cmpstr (feature, ==, expected);
      g_free (expected);
      g_free (feature);
    }
  sqlite3_close (db);
  mls_test_run_free (run);
  g_free (emitter);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scope/neighbour", test_neighbour);
  g_test_add_func ("/scope/children", test_children);
  g_test_add_func ("/scope/killed-stats", test_killed_stats);
  g_test_add_func ("/scope/strings", test_strings);
  return g_test_run ();
}
