/*
 * test-attach.c: `mlscope record --attach` traces an app that was already
 * running before the session existed, until --duration ends or until
 * SIGINT (Ctrl-C), then stops, destroys and imports.
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

/* Starts `mls-tp-emitter loop 60` and waits until it runs. */
static Emitter
start_emitter (void)
{
  char *emitter = mls_test_emitter ();
  char *argv[] = { emitter, "loop", "60", NULL };
  Emitter e = { 0 };
  int out_fd;
  GError *error = NULL;
  g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                            NULL, &e.pid, &e.in_fd, &out_fd, NULL, &error);
  g_assert_no_error (error);
  e.out = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (e.out, TRUE);
  char *line = NULL;
  while (g_io_channel_read_line (e.out, &line, NULL, NULL, NULL)
         == G_IO_STATUS_NORMAL && strcmp (line, "ready\n") != 0)
    g_free (line);
  g_assert_cmpstr (line, ==, "ready\n");
  g_free (line);
  g_free (emitter);
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

static void
assert_predictions (const char *db_path, GPid pid)
{
  sqlite3 *db = mls_test_open_db (db_path);
  /* A prediction every 10 ms for about a second at least. */
  gint64 complete = mls_test_q_int (db, "SELECT count(*) FROM span_view "
                                    "WHERE pid = %d AND kind = 'Prediction' "
                                    "AND complete = 1", (int) pid);
  g_assert_cmpint (complete, >=, 20);
  /* Each complete prediction holds its four children. */
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM span_view p "
                   "WHERE p.pid = %d AND p.kind = 'Prediction' AND p.complete"
                   " = 1 AND (SELECT count(*) FROM span c WHERE c.parent_id ="
                   " p.id) = 4", (int) pid), ==, complete);
  sqlite3_close (db);
}

static void
test_attach_duration (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *db = g_build_filename (dir, "attach.mlscope", NULL);
  Emitter e = start_emitter ();
  char *mlscope = mls_test_mlscope ();
  const char *argv[] = { mlscope, "record", "--attach", "--duration", "1.5",
                         "-o", db, NULL };
  gint64 t0 = g_get_monotonic_time ();
  MlsRun *run = mls_test_run (argv);
  gint64 took = g_get_monotonic_time () - t0;
  stop_emitter (&e);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpint (took, >=, 1500000);
  assert_predictions (db, e.pid);

  /* --attach with a command, or a command-less record, is refused. */
  const char *both[] = { mlscope, "record", "--attach", "-o", db, "--",
                         "true", NULL };
  MlsRun *bad = mls_test_run (both);
  g_assert_cmpint (bad->status, ==, 2);
  g_assert_nonnull (strstr (bad->err, "give no command"));
  mls_test_run_free (bad);

  mls_test_run_free (run);
  test_tmpdir_remove (dir);
  g_free (mlscope);
  g_free (db);
  g_free (dir);
}

static void
test_attach_sigint (void)
{
  char *dir = test_tmpdir_new ("mlscope-test");
  char *db = g_build_filename (dir, "attach.mlscope", NULL);
  Emitter e = start_emitter ();
  char *mlscope = mls_test_mlscope ();
  char *argv[] = { mlscope, "record", "--attach", "-o", db, NULL };
  GPid pid;
  int err_fd;
  GError *error = NULL;
  g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                            NULL, &pid, NULL, NULL, &err_fd, &error);
  g_assert_no_error (error);
  /* It says so once the session runs. */
  GIOChannel *err = g_io_channel_unix_new (err_fd);
  g_io_channel_set_close_on_unref (err, TRUE);
  char *line = NULL;
  g_io_channel_read_line (err, &line, NULL, NULL, NULL);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "press Ctrl-C to stop"));
  g_free (line);
  g_usleep (1200 * 1000);
  kill (pid, SIGINT);
  int status;
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_io_channel_unref (err);
  stop_emitter (&e);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  assert_predictions (db, e.pid);
  test_tmpdir_remove (dir);
  g_free (mlscope);
  g_free (db);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/attach/duration", test_attach_duration);
  g_test_add_func ("/attach/sigint", test_attach_sigint);
  return g_test_run ();
}
