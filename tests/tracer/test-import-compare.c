/*
 * test-import-compare.c: an import now against the import of the same
 * trace before issue 18 changed the database (typed argument columns,
 * spans numbered by thread and time, new summaries): the same spans, with
 * the same arguments, statistics, processes, threads, models and facts.
 * The trace and the old import are tests/tracer/data/import-v3 (see its
 * README.md). The old file, opened, is upgraded in place; it must then
 * hold the same as the new import too.
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "mls-store.h"
#include "mls-test-util.h"
#include "test-tmpdir.h"
#include "test-same-recording.h"

/* The old import, rebuilt from its dump. */
static void
write_old (const char *path)
{
  g_autofree char *dump_path = g_test_build_filename (G_TEST_DIST, "tracer",
                                                      "data", "import-v3",
                                                      "import.sql", NULL);
  g_autofree char *dump = NULL;
  sqlite3 *db;

  g_assert_true (g_file_get_contents (dump_path, &dump, NULL, NULL));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, dump, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("%s: %s", dump_path, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 3", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
run_ok (const char *const *argv)
{
  MlsRun *run = mls_test_run (argv);

  mls_test_assert_no_hang (run);
  if (run->status != 0)
    g_error ("%s %s: exit %d: %s", argv[0], argv[1], run->status, run->err);
  mls_test_run_free (run);
}

static void
test_same_import (void)
{
  g_autofree char *dir = test_tmpdir_new ("mlscope-import-compare");
  g_autofree char *ctf_src = g_test_build_filename (G_TEST_DIST, "tracer",
                                                    "data", "import-v3",
                                                    "ctf", NULL);
  g_autofree char *ctf = g_build_filename (dir, "ctf", NULL);
  g_autofree char *old = g_build_filename (dir, "old.mlscope", NULL);
  g_autofree char *upgraded = g_build_filename (dir, "upgraded.mlscope",
                                                NULL);
  g_autofree char *new = g_build_filename (dir, "new.mlscope", NULL);
  g_autofree char *mlscope = mls_test_mlscope ();
  const char *import[] = { mlscope, "import", "-q", ctf, "-o", new, NULL };
  const char *open_old[] = { mlscope, "stats", upgraded, NULL };
  sqlite3 *db;

  mls_test_copy_dir (ctf_src, ctf);
  write_old (old);
  write_old (upgraded);
  run_ok (import);
  test_assert_same_recording (old, new, "the import before issue 18 and now");
  /* The table the import writes spans through is not in the file. */
  db = mls_test_open_db (new);
  g_assert_cmpint (sqlite3_exec (db, "SELECT * FROM mls_span_rows", NULL,
                                 NULL, NULL), ==, SQLITE_ERROR);
  g_assert_cmpint (mls_test_q_int (db, "SELECT count(*) FROM sqlite_schema"
                                   " WHERE instr (sql, 'VIRTUAL')"), ==, 0);
  sqlite3_close (db);
  /* The old file, read by this mlscope, is upgraded where it is. */
  run_ok (open_old);
  db = mls_test_open_db (upgraded);
  g_assert_cmpint (mls_test_q_int (db, "PRAGMA user_version"), ==,
                   MLS_SCHEMA_VERSION);
  sqlite3_close (db);
  test_assert_same_recording (upgraded, new, "the old import upgraded, and "
                              "the import now");
  test_tmpdir_remove (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/import/same-as-before", test_same_import);
  return g_test_run ();
}
