/*
 * test-store-damage.c: damaged trace databases are refused out loud, never
 * read as if whole. A directory; a damaged page in a table every reader
 * starts from (refused on open, with SQLite's message); a file missing the
 * recording's facts or its aggregates (refused); a damaged page in the
 * span table, which opening does not read (it takes seconds to check on a
 * large file): the command that reads it, `mlscope export`, fails with
 * SQLite's message and exit status 1.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "test-store-common.h"

#define N_SPANS 20000

static char *dir;
static char *good;

static char *
copy_good (const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  char *data;
  gsize len;

  g_assert_true (g_file_get_contents (good, &data, &len, NULL));
  g_assert_true (g_file_set_contents (path, data, len, NULL));
  g_free (data);
  return path;
}

static void
expect_refused (const char *path, const char *message)
{
  MlsError error = { 0 };
  MlsStore *store = mls_store_open (path, &error);

  if (store != NULL)
    g_error ("%s opened; expected '%s'", path, message);
  if (strstr (error.message, message) == NULL
      || strncmp (error.message, path, strlen (path)) != 0)
    g_error ("expected '%s: ...%s...', got '%s'", path, message,
             error.message);
}

static void
exec_sql (const char *path, const char *sql)
{
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Overwrites the middle of the root page of `table` with junk. */
static void
damage_table (const char *path, const char *table)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gint64 page, page_size;
  FILE *f;
  guint8 junk[512];

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rootpage, (SELECT "
                   "page_size FROM pragma_page_size) FROM sqlite_master "
                   "WHERE name = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  page = sqlite3_column_int64 (stmt, 0);
  page_size = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  memset (junk, 0xa5, sizeof junk);
  f = fopen (path, "r+b");
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, (page - 1) * page_size + 8, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (junk, 1, sizeof junk, f), ==, sizeof junk);
  fclose (f);
}

static void
test_directory (void)
{
  expect_refused (dir, "is a directory, not a trace database");
}

static void
test_damaged_small_table (void)
{
  char *path = copy_good ("stats.mlscope");

  damage_table (path, "span_kind_stats");
  expect_refused (path, "the file is damaged (SQLite:");
  g_free (path);
}

static void
test_unfinished (void)
{
  char *no_meta = copy_good ("no-meta.mlscope");
  char *no_summary = copy_good ("no-summary.mlscope");

  exec_sql (no_meta, "DELETE FROM meta WHERE key = 'start_ns'");
  expect_refused (no_meta, "lacks the recording's facts or aggregates");
  exec_sql (no_summary, "DELETE FROM span_summary");
  expect_refused (no_summary, "lacks the recording's facts or aggregates");
  g_free (no_summary);
  g_free (no_meta);
}

/* Damage where opening does not look: the reader that reads it says so. */
static void
test_damaged_spans (void)
{
  char *path = copy_good ("spans.mlscope");
  const char *root = g_getenv ("MLSCOPE_BUILD_ROOT");
  char *mlscope = g_build_filename (root, "tracer", "mlscope", NULL);
  char *argv[] = { mlscope, "export", path, "-o", "/dev/null", NULL };
  char *err = NULL;
  int status;
  MlsError error = { 0 };
  MlsStore *store;

  damage_table (path, "span");
  store = mls_store_open (path, &error);
  g_assert_nonnull (store);
  mls_store_close (store);
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, NULL));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_nonnull (strstr (err, path));
  g_assert_nonnull (strstr (err, "malformed"));
  g_free (err);
  g_free (mlscope);
  g_free (path);
}

int
main (int argc, char **argv)
{
  TestSpan *spans;
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = test_dir_new ();
  good = g_build_filename (dir, "good.mlscope", NULL);
  spans = test_spans_new (17, N_SPANS);
  test_write_db (good, spans, N_SPANS);
  g_test_add_func ("/store-damage/directory", test_directory);
  g_test_add_func ("/store-damage/small-table", test_damaged_small_table);
  g_test_add_func ("/store-damage/unfinished", test_unfinished);
  g_test_add_func ("/store-damage/spans", test_damaged_spans);
  status = g_test_run ();
  g_free (spans);
  g_free (good);
  test_dir_free (dir);
  return status;
}
