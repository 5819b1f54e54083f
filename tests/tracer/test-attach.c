/*
 * test-attach.c: `mlscope record --attach` traces apps that were already
 * running before the session existed, and only those asked for: by pid
 * (--pid) until --duration ends, or by name (--name, also catching an app
 * started while attached) until SIGINT (Ctrl-C). A neighbour emitting the
 * same events meanwhile is left out, and a span still open when the
 * recording stops is "recording ended", not "process died".
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mls-test-util.h"

typedef struct {
  GPid pid;
  int in_fd;
  GIOChannel *out;
} Emitter;

/* Starts `EXE MODE 60` (EXE: the emitter, or a link to it under another
 * name) and waits until it runs. */
static Emitter
start_emitter (const char *exe, const char *mode)
{
  char *argv[] = { (char *) exe, (char *) mode, "60", NULL };
  Emitter e = { 0 };
  int out_fd;
  GError *error = NULL;
  char *line = NULL;

  g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                            NULL, &e.pid, &e.in_fd, &out_fd, NULL, &error);
  g_assert_no_error (error);
  e.out = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (e.out, TRUE);
  while (g_io_channel_read_line (e.out, &line, NULL, NULL, NULL)
         == G_IO_STATUS_NORMAL && strcmp (line, "ready\n") != 0)
    g_free (line);
  g_assert_cmpstr (line, ==, "ready\n");
  g_free (line);
  return e;
}

/* Closing its stdin ends the emitter's loop. */
static void
stop_emitter (Emitter *e)
{
  int status;

  close (e->in_fd);
  waitpid (e->pid, &status, 0);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_spawn_close_pid (e->pid);
  g_io_channel_unref (e->out);
}

static gint64
predictions (sqlite3 *db, GPid pid)
{
  return mls_test_q_int (db, "SELECT count(*) FROM span_view WHERE pid = %d "
                         "AND kind = 'Prediction' AND complete = 1",
                         (int) pid);
}

static void
assert_predictions (sqlite3 *db, GPid pid)
{
  /* A prediction every 10 ms for about a second at least. */
  gint64 complete = predictions (db, pid);

  g_assert_cmpint (complete, >=, 20);
  /* Each complete prediction holds its four children. */
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span_view p "
                   "WHERE p.pid = %d AND p.kind = 'Prediction' AND p.complete"
                   " = 1 AND (SELECT count(*) FROM span c WHERE c.parent_id ="
                   " p.id) = 4", (int) pid), ==, complete);
}

static void
test_attach_pid (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *db_path = g_build_filename (dir, "attach.mlscope", NULL);
  char *emitter = mls_test_emitter ();
  Emitter asked = start_emitter (emitter, "hold");
  Emitter neighbour = start_emitter (emitter, "loop");
  char *mlscope = mls_test_mlscope ();
  char *pid = g_strdup_printf ("%d", (int) asked.pid);
  const char *argv[] = { mlscope, "record", "--attach", "--pid", pid,
                         "--duration", "1.5", "-o", db_path, NULL };
  gint64 t0 = g_get_monotonic_time ();
  MlsRun *run = mls_test_run (argv);
  gint64 took = g_get_monotonic_time () - t0;
  sqlite3 *db;

  stop_emitter (&asked);
  stop_emitter (&neighbour);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpint (took, >=, 1500000);
  db = mls_test_open_db (db_path);
  test_tmpdir_remove (dir);
  assert_predictions (db, asked.pid);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span WHERE pid "
                                   "!= %d", (int) asked.pid), ==, 0);
  /* The held batch was open when the recording stopped, its process alive:
   * recording ended, and so for whatever else was open then. */
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span_view WHERE "
                   "kind = 'Batch Prediction' AND complete = 0 AND "
                   "incomplete_reason = 'recording_ended'"), ==, 1);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span WHERE "
                   "complete = 0 AND incomplete_reason != "
                   "'recording_ended'"), ==, 0);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM process WHERE "
                   "pid = %d AND end_state = 'running' AND name = "
                   "'mls-tp-emitter'", (int) asked.pid), ==, 1);
  sqlite3_close (db);
  mls_test_run_free (run);
  g_free (pid);
  g_free (mlscope);
  g_free (emitter);
  g_free (db_path);
  g_free (dir);
}

/* Starts `mlscope record --attach ARGS...` and waits until it says the
 * session runs. Its stderr stays open in *err until it has ended. */
static GPid
start_attached (const char *const *args, GIOChannel **err)
{
  char *mlscope = mls_test_mlscope ();
  GPtrArray *argv = g_ptr_array_new ();
  GError *error = NULL;
  char *line = NULL;
  GPid pid;
  int err_fd;

  g_ptr_array_add (argv, mlscope);
  g_ptr_array_add (argv, "record");
  g_ptr_array_add (argv, "--attach");
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL,
                            NULL, &err_fd, &error);
  g_assert_no_error (error);
  *err = g_io_channel_unix_new (err_fd);
  g_io_channel_set_close_on_unref (*err, TRUE);
  g_io_channel_read_line (*err, &line, NULL, NULL, NULL);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "press Ctrl-C to stop"));
  g_free (line);
  g_ptr_array_free (argv, TRUE);
  g_free (mlscope);
  return pid;
}

static void
test_attach_name (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *db_path = g_build_filename (dir, "attach.mlscope", NULL);
  char *emitter = mls_test_emitter ();
  char *other = g_build_filename (dir, "other-emitter", NULL);
  const char *args[] = { "--name", "mls-tp-emitter", "-o", db_path, NULL };
  Emitter first, later, neighbour;
  GIOChannel *err;
  GPid pid;
  sqlite3 *db;
  int status;

  /* The same program under another name is another app. */
  g_assert_cmpint (symlink (emitter, other), ==, 0);
  first = start_emitter (emitter, "loop");
  neighbour = start_emitter (other, "loop");
  pid = start_attached (args, &err);
  later = start_emitter (emitter, "loop");
  g_usleep (1500 * 1000);
  kill (pid, SIGINT);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_io_channel_unref (err);
  stop_emitter (&first);
  stop_emitter (&later);
  stop_emitter (&neighbour);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  db = mls_test_open_db (db_path);
  test_tmpdir_remove (dir);
  assert_predictions (db, first.pid);
  /* Found by name a tenth of a second after it started at the latest. */
  g_assert_cmpint (predictions (db, later.pid), >=, 20);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span WHERE pid "
                                   "= %d", (int) neighbour.pid), ==, 0);
  sqlite3_close (db);
  g_free (other);
  g_free (emitter);
  g_free (db_path);
  g_free (dir);
}

static void
expect_refused (const char *const *args, int status, const char *message)
{
  char *mlscope = mls_test_mlscope ();
  GPtrArray *argv = g_ptr_array_new ();
  MlsRun *run;

  g_ptr_array_add (argv, mlscope);
  g_ptr_array_add (argv, "record");
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  run = mls_test_run ((const char *const *) argv->pdata);
  if (run->status != status || strstr (run->err, message) == NULL)
    g_error ("expected status %d and '%s', got %d: %s", status, message,
             run->status, run->err);
  mls_test_run_free (run);
  g_ptr_array_free (argv, TRUE);
  g_free (mlscope);
}

static void
test_attach_usage (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *db = g_build_filename (dir, "attach.mlscope", NULL);
  const char *bare[] = { "--attach", "-o", db, NULL };
  const char *both[] = { "--attach", "--all-processes", "-o", db, "--",
                         "true", NULL };
  const char *pid_only[] = { "--pid", "1", "-o", db, "--", "true", NULL };
  const char *not_a_pid[] = { "--attach", "--pid", "x1", "-o", db, NULL };
  const char *gone[] = { "--attach", "--pid", "2147483646", "-o", db, NULL };

  expect_refused (bare, 2, "--attach needs --pid PID, --name PROCNAME or "
                  "--all-processes");
  expect_refused (both, 2, "give no command");
  expect_refused (pid_only, 2, "--pid and --name go with --attach");
  expect_refused (not_a_pid, 1, "--pid x1: not a process id");
  expect_refused (gone, 1, "--pid 2147483646: No such process");
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  test_tmpdir_remove (dir);
  g_free (db);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/attach/pid", test_attach_pid);
  g_test_add_func ("/attach/name", test_attach_name);
  g_test_add_func ("/attach/usage", test_attach_usage);
  return g_test_run ();
}
