/*
 * test-store-threads.c: what the store computes for the timeline's rows
 * per thread and its stacking of overlapping spans, against plain SQL over
 * the span table: thread_summary holds exactly span_summary's buckets split
 * by thread, and span_overlap's max_overlap is the most spans of each set
 * open at one instant (a sweep over start and end events). The trace is
 * mls-gen-trace's (threads predicting at once, GPU busy spans of several
 * threads overlapping), written fresh, and again migrated from version 2.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mls-store.h"

static char *gen_path;

static sqlite3 *
open_db (const char *path)
{
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  return db;
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt;
  gint64 n;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* Rows of `a` not in `b`, both SELECTs of the same columns. */
static void
assert_same_rows (sqlite3 *db, const char *what, const char *a,
                  const char *b)
{
  g_autofree char *missing = g_strdup_printf ("SELECT count (*) FROM"
    " (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s))", a, b);
  g_autofree char *extra = g_strdup_printf ("SELECT count (*) FROM"
    " (SELECT * FROM (%s) EXCEPT SELECT * FROM (%s))", b, a);
  g_autofree char *count = g_strdup_printf ("SELECT count (*) FROM (%s)", a);
  gint64 m = query_int (db, missing), e = query_int (db, extra);

  if (m || e)
    g_error ("%s: %" G_GINT64_FORMAT " rows of the plain SQL missing, %"
             G_GINT64_FORMAT " rows too many", what, m, e);
  g_assert_cmpint (query_int (db, count), >, 0);
}

/* The most spans open at once per set, by sweeping start (+1) and end (-1)
 * events in time order, ends first at equal times. GROUP is the set's
 * columns over `s` (span joined with its kind's lane as `lane`). */
static char *
sweep_sql (const char *group, const char *where)
{
  return g_strdup_printf (
    "WITH s AS (SELECT span.*, k.lane, ifnull (span.model_id, 0) AS model"
    " FROM span JOIN span_kind k"
    "   ON k.id = span.kind_id WHERE %s),"
    "ev AS (SELECT %s, depth, start_ns AS t, 1 AS d FROM s UNION ALL"
    "       SELECT %s, depth, max (end_ns, start_ns + 1), -1 FROM s),"
    "run AS (SELECT *, sum (d) OVER (PARTITION BY %s, depth"
    "        ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS open FROM ev)"
    " SELECT %s, depth, max (open) FROM run GROUP BY %s, depth",
    where, group, group, group, group, group);
}

static void
check_file (const char *path)
{
  sqlite3 *db = open_db (path);
  g_autofree char *by_thread = NULL, *by_lane = NULL, *by_model = NULL;

  /* thread_summary: one row per level, kind, thread, model and bucket of
   * the spans shorter than the bucket. */
  for (int level = 0; level < 14; level++)
    {
      g_autofree char *ours = g_strdup_printf (
        "SELECT kind_id, pid, tid, model_id, bucket, count, busy_ns"
        " FROM thread_summary WHERE level = %d", level);
      g_autofree char *plain = g_strdup_printf (
        "SELECT kind_id, pid, tid, ifnull (model_id, 0), start_ns / %"
        G_GINT64_FORMAT ", count (*), sum (dur_ns) FROM span WHERE dur_ns < %"
        G_GINT64_FORMAT " GROUP BY 1, 2, 3, 4, 5",
        mls_summary_bucket_ns (level), mls_summary_bucket_ns (level));
      g_autofree char *what = g_strdup_printf ("thread_summary level %d",
                                               level);

      g_autofree char *levels = g_strdup_printf ("SELECT count (*) FROM"
                                                 " span_summary WHERE level = %d",
                                                 level);

      if (query_int (db, levels) == 0)
        continue;
      assert_same_rows (db, what, ours, plain);
    }

  by_thread = sweep_sql ("kind_id, pid, tid", "1");
  assert_same_rows (db, "span_overlap per kind and thread",
                    "SELECT kind_id, pid, tid, depth, max_overlap FROM"
                    " span_overlap WHERE kind_id NOT NULL AND model_id IS NULL"
                    " AND tid NOT NULL", by_thread);
  by_lane = sweep_sql ("lane", "1");
  assert_same_rows (db, "span_overlap per lane, all threads",
                    "SELECT lane, depth, max_overlap FROM span_overlap"
                    " WHERE kind_id IS NULL AND model_id IS NULL"
                    " AND tid IS NULL", by_lane);
  by_model = sweep_sql ("lane, model, pid, tid", "1");
  assert_same_rows (db, "span_overlap per lane, model and thread",
                    "SELECT lane, model_id, pid, tid, depth, max_overlap FROM"
                    " span_overlap WHERE kind_id IS NULL AND model_id NOT NULL"
                    " AND tid NOT NULL", by_model);
  /* The trace's threads overlap: the shared GPU lane needs several rows,
   * each thread's lanes one per depth. */
  g_assert_cmpint (query_int (db, "SELECT max_overlap FROM span_overlap"
                              " WHERE lane = 'gpu' AND kind_id IS NULL AND"
                              " model_id IS NULL AND tid IS NULL"), >, 1);
  g_assert_cmpint (query_int (db, "SELECT max (max_overlap) FROM span_overlap"
                              " WHERE lane = 'activity' AND tid NOT NULL"), ==,
                   1);
  sqlite3_close (db);
}

static char *
write_trace (const char *dir)
{
  char *path = g_build_filename (dir, "gen.mlscope", NULL);
  const char *argv[] = { gen_path, path, "20000", NULL };
  g_autoptr (GError) error = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", gen_path, error->message);
  return path;
}

static void
test_fresh (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mls-threads-XXXXXX", NULL);
  g_autofree char *path = write_trace (dir);

  check_file (path);
  g_unlink (path);
  g_rmdir (dir);
}

/* A version 2 file: the same trace with the version 3 tables emptied and
 * its version set back, as a version 2 collector left it. */
static void
test_migrated (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mls-threads-XXXXXX", NULL);
  g_autofree char *path = write_trace (dir);
  MlsError error = { 0 };
  MlsStore *store;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP INDEX span_thread_kind_start;"
                                 "DROP TABLE thread_summary;"
                                 "DROP TABLE span_overlap;"
                                 "PRAGMA user_version = 2", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  store = mls_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error.message);
  mls_store_close (store);
  check_file (path);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gen_path = g_test_build_filename (G_TEST_BUILT, "schema", "mls-gen-trace",
                                    NULL);
  g_test_add_func ("/store/threads/fresh", test_fresh);
  g_test_add_func ("/store/threads/migrated", test_migrated);
  return g_test_run ();
}
