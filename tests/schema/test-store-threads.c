/*
 * test-store-threads.c: what the store computes for the timeline's
 * stacking of overlapping spans, against plain SQL over the span table:
 * span_overlap's max_overlap is the most spans of each set open at one
 * instant (a sweep over start and end events). The trace is
 * mls-gen-trace's (threads predicting at once, GPU busy spans of several
 * threads overlapping), written fresh, and again as a version 3 file
 * (schema-v3.sql) upgraded when opened: the same spans, arguments,
 * statistics and overlaps; and as version 4 and 5 files, given what they
 * lack (the host table, model.path) in place.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mls-store.h"
#include "test-same-recording.h"

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

/* The recording of `from` as a version 3 collector wrote it: its tables
 * in schema-v3.sql's layout, the arguments as JSON text (no summaries: an
 * upgrade recomputes them). */
static void
write_v3 (const char *from, const char *path)
{
  g_autofree char *schema_path = g_test_build_filename (G_TEST_DIST, "schema",
                                                        "data",
                                                        "schema-v3.sql",
                                                        NULL);
  g_autofree char *schema = NULL;
  g_autofree char *attach = g_strdup_printf ("ATTACH '%s' AS new", from);
  sqlite3 *db;

  g_assert_true (g_file_get_contents (schema_path, &schema, NULL, NULL));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, schema, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, attach, NULL, NULL, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, "PRAGMA user_version = 3; BEGIN;"
        "INSERT INTO meta SELECT * FROM new.meta;"
        "UPDATE meta SET value = 3 WHERE key = 'schema_version';"
        "INSERT INTO process SELECT id, pid, name, cmdline, end_state,"
        "  exit_status FROM new.process;"
        "INSERT INTO thread SELECT * FROM new.thread;"
        "INSERT INTO model SELECT id, name FROM new.model;"
        "INSERT INTO lost_events SELECT * FROM new.lost_events;"
        "INSERT INTO span (id, kind_id, model_id, parent_id, depth, unit, pid,"
        "  tid, start_ns, end_ns, dur_ns, complete, status, args,"
        "  incomplete_reason) SELECT s.id, s.kind_id, s.model_id,"
        "  s.parent_id, s.depth, s.unit, s.pid, s.tid, s.start_ns,"
        "  s.end_ns, s.dur_ns, s.complete, s.status, v.args,"
        "  s.incomplete_reason FROM new.span s JOIN new.span_view v"
        "  ON v.id = s.id;"
        "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (db));
  sqlite3_close (db);
}

/* Opens the file, which upgrades it in place. */
static void
upgrade (const char *path)
{
  MlsError error = { 0 };
  MlsStore *store = mls_store_open (path, &error);

  if (store == NULL)
    g_error ("%s", error.message);
  mls_store_close (store);
}

static void
test_migrated (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mls-threads-XXXXXX", NULL);
  g_autofree char *path = write_trace (dir);
  g_autofree char *v3 = g_build_filename (dir, "v3.mlscope", NULL);

  write_v3 (path, v3);
  upgrade (v3);
  check_file (v3);
  test_assert_same_recording (path, v3, "upgraded from version 3");
  g_unlink (path);
  g_unlink (v3);
  g_rmdir (dir);
}

/* The recording of `from` as version 4 or 5 wrote it: version 6 less
 * model.path, and for version 4 less the host table and process.host_id
 * too, its host named in meta only. */
static void
write_old (const char *from, const char *path, int version)
{
  g_autofree char *bytes = NULL;
  g_autofree char *sql = g_strdup_printf (
    "%sALTER TABLE model DROP COLUMN path;"
    "UPDATE meta SET value = %d WHERE key = 'schema_version';"
    "PRAGMA user_version = %d",
    version < 5 ? "DROP TABLE host; ALTER TABLE process DROP COLUMN host_id;"
                : "", version, version);
  gsize len;
  sqlite3 *db;

  g_assert_true (g_file_get_contents (from, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (path, bytes, len, NULL));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (db));
  sqlite3_close (db);
}

/* A version 4 or 5 file upgraded in place: (version 4) its host from
 * meta, its models with no file known, the same recording. */
static void
test_migrated_in_place (gconstpointer version)
{
  g_autofree char *dir = g_dir_make_tmp ("mls-threads-XXXXXX", NULL);
  g_autofree char *path = write_trace (dir);
  g_autofree char *old = g_build_filename (dir, "old.mlscope", NULL);
  g_autofree char *what = g_strdup_printf ("upgraded from version %d",
                                           GPOINTER_TO_INT (version));
  sqlite3 *db;

  write_old (path, old, GPOINTER_TO_INT (version));
  upgrade (old);
  db = open_db (old);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==,
                   MLS_SCHEMA_VERSION);
  /* The generator names the host in meta only: version 4's upgrade
   * makes it a host row, version 5's keeps the file's hosts. */
  if (GPOINTER_TO_INT (version) == 4)
    {
      g_assert_cmpint (query_int (db, "SELECT count (*) FROM host WHERE id "
                                  "= 1 AND name = (SELECT value FROM meta "
                                  "WHERE key = 'host')"), ==, 1);
      g_assert_cmpint (query_int (db, "SELECT count (*) FROM process"), >,
                       0);
      g_assert_cmpint (query_int (db, "SELECT count (*) FROM process WHERE "
                                  "host_id IS NOT 1"), ==, 0);
    }
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM model"), >, 0);
  g_assert_cmpint (query_int (db, "SELECT count (*) FROM model WHERE "
                              "path IS NOT NULL"), ==, 0);
  sqlite3_close (db);
  test_assert_same_recording (path, old, what);
  g_unlink (path);
  g_unlink (old);
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
  g_test_add_data_func ("/store/threads/migrated-v4", GINT_TO_POINTER (4),
                        test_migrated_in_place);
  g_test_add_data_func ("/store/threads/migrated-v5", GINT_TO_POINTER (5),
                        test_migrated_in_place);
  return g_test_run ();
}
