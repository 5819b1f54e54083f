/*
 * mls-test-util.c: helpers shared by the tracer tests (mls-test-util.h).
 */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "mls-test-util.h"

char *
mls_test_build_path (const char *relative)
{
  const char *root = g_getenv ("MLSCOPE_BUILD_ROOT");
  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

char *
mls_test_mlscope (void)
{
  return mls_test_build_path ("tracer/mlscope");
}

char *
mls_test_emitter (void)
{
  return mls_test_build_path ("tests/tracer/mls-tp-emitter");
}

MlsRun *
mls_test_run (const char *const *argv)
{
  GPtrArray *args = g_ptr_array_new ();
  char *timeout_s = g_strdup_printf ("%d", MLS_TEST_TIMEOUT_S);
  g_ptr_array_add (args, "timeout");
  g_ptr_array_add (args, "--kill-after=10");
  g_ptr_array_add (args, timeout_s);
  for (int i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  MlsRun *run = g_new0 (MlsRun, 1);
  int ws;
  GError *error = NULL;
  g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL,
                NULL, &run->out, &run->err, &ws, &error);
  g_assert_no_error (error);
  run->status = WIFSIGNALED (ws) ? 128 + WTERMSIG (ws) : WEXITSTATUS (ws);
  g_test_message ("ran %s: status %d\nstderr: %s", argv[0], run->status,
                  run->err);
  g_ptr_array_free (args, TRUE);
  g_free (timeout_s);
  return run;
}

void
mls_test_run_free (MlsRun *run)
{
  if (run == NULL)
    return;
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

void
mls_test_assert_no_hang (const MlsRun *run)
{
  /* timeout exits with 124 when it had to end the command (137 when even
   * SIGTERM did not) */
  if (run->status == 124 || (run->status == 137 && run->err[0] == '\0'))
    g_error ("the command hung and was killed after %d s",
             MLS_TEST_TIMEOUT_S);
}

int
mls_test_emitter_pid (const char *out)
{
  const char *p = out ? strstr (out, "pid ") : NULL;
  return p ? atoi (p + 4) : -1;
}

sqlite3 *
mls_test_open_db (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  return db;
}

static sqlite3_stmt *
q_step (sqlite3 *db, const char *fmt, va_list ap)
{
  char *sql = sqlite3_vmprintf (fmt, ap);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (st) != SQLITE_ROW)
    g_error ("%s: no row", sql);
  sqlite3_free (sql);
  return st;
}

gint64
mls_test_q_int (sqlite3 *db, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  sqlite3_stmt *st = q_step (db, fmt, ap);
  va_end (ap);
  gint64 v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

char *
mls_test_q_text (sqlite3 *db, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  sqlite3_stmt *st = q_step (db, fmt, ap);
  va_end (ap);
  char *v = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  return v;
}

gint64
mls_test_record_kept (const char *dir, const char *subbuf,
                      const char *const *args)
{
  char *db = g_strconcat (dir, ".mlscope", NULL);
  char *mlscope = mls_test_mlscope ();
  char *emitter = mls_test_emitter ();
  GPtrArray *argv = g_ptr_array_new ();
  MlsRun *run;
  sqlite3 *s;
  gint64 spans;

  g_ptr_array_add (argv, mlscope);
  g_ptr_array_add (argv, "record");
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, db);
  g_ptr_array_add (argv, "--keep-ctf");
  g_ptr_array_add (argv, (gpointer) dir);
  g_ptr_array_add (argv, "--subbuf-size");
  g_ptr_array_add (argv, (gpointer) subbuf);
  g_ptr_array_add (argv, "--");
  g_ptr_array_add (argv, emitter);
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  run = mls_test_run ((const char *const *) argv->pdata);
  g_assert_cmpint (run->status, ==, 0);
  s = mls_test_open_db (db);
  spans = mls_test_q_int (s, "SELECT count(*) FROM span");
  sqlite3_close (s);
  g_unlink (db);
  mls_test_run_free (run);
  g_ptr_array_free (argv, TRUE);
  g_free (emitter);
  g_free (mlscope);
  g_free (db);
  return spans;
}

char *
mls_test_find_trace_dir (const char *root)
{
  char *meta = g_build_filename (root, "metadata", NULL);
  gboolean here = g_file_test (meta, G_FILE_TEST_EXISTS);
  GDir *d;
  const char *name;
  char *found = NULL;

  g_free (meta);
  if (here)
    return g_strdup (root);
  d = g_dir_open (root, 0, NULL);
  while (found == NULL && d && (name = g_dir_read_name (d)) != NULL)
    {
      char *sub = g_build_filename (root, name, NULL);
      if (g_file_test (sub, G_FILE_TEST_IS_DIR))
        found = mls_test_find_trace_dir (sub);
      g_free (sub);
    }
  if (d)
    g_dir_close (d);
  return found;
}

void
mls_test_copy_dir (const char *from, const char *to)
{
  const char *argv[] = { "cp", "-r", from, to, NULL };
  MlsRun *run = mls_test_run (argv);

  g_assert_cmpint (run->status, ==, 0);
  mls_test_run_free (run);
}
