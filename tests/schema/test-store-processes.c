/*
 * test-store-processes.c: statistics of a recording that holds several
 * processes and incomplete spans, against figures the test computes
 * itself: complete spans only in the figures, incomplete ones counted
 * apart (with their reasons), per process and per model from the
 * precomputed table, and for one process, several processes or a range
 * from the spans. And a version 1 file (built from the schema of that
 * version, tests/schema/data/schema-v1.sql) upgraded in place when
 * opened, to the same figures.
 */
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "test-store-common.h"

#define N 3000
#define N_PIDS 3

static const int64_t pids[N_PIDS] = { 100, 200, 300 };

typedef struct {
  int kind_id;
  int model;                /* 0: none, else test_models[model - 1] */
  int64_t pid;
  int64_t start_ns;
  int64_t dur_ns;
  MlsCutReason cut;         /* NONE: complete */
} Span;

/* Prediction and Input Conversion spans of both models and none, over
 * three processes; one in seven cut off, for one of three reasons. Only
 * GPU Busy spans of pid 300 are all incomplete: a row with no figures. */
static Span *
spans_new (void)
{
  GRand *rand = g_rand_new_with_seed (1234);
  Span *spans = g_new (Span, N);

  for (int i = 0; i < N; i++)
    {
      Span *s = &spans[i];
      s->kind_id = i % 2 ? MLS_KIND_PREDICTION : MLS_KIND_INPUT_CONVERSION;
      s->model = g_rand_int_range (rand, 0, TEST_N_MODELS + 1);
      s->pid = pids[g_rand_int_range (rand, 0, N_PIDS)];
      s->start_ns = g_rand_int_range (rand, 0, 500000000);
      s->dur_ns = g_rand_int_range (rand, 1, 3000000);
      s->cut = g_rand_int_range (rand, 0, 7) ? MLS_CUT_NONE
               : (MlsCutReason) g_rand_int_range (rand, MLS_CUT_PROCESS_DIED,
                                                  MLS_CUT_END_LOST + 1);
      if (i % 100 == 0)
        {
          s->kind_id = MLS_KIND_GPU_BUSY;
          s->pid = 300;
          s->cut = MLS_CUT_RECORDING_ENDED;
        }
    }
  g_rand_free (rand);
  return spans;
}

static void
write_db (const char *path, const Span *spans)
{
  MlsError error = { 0 };
  MlsStore *store = mls_store_create (path, &error);
  int64_t models[TEST_N_MODELS + 1] = { 0 };

  g_assert_nonnull (store);
  for (int m = 0; m < TEST_N_MODELS; m++)
    models[m + 1] = mls_store_intern_model (store, test_models[m], &error);
  for (int p = 0; p < N_PIDS; p++)
    {
      char name[16];
      g_snprintf (name, sizeof name, "app-%d", p);
      g_assert_cmpint (mls_store_intern_process (store, pids[p], name,
                                                 &error), >, 0);
    }
  for (int i = 0; i < N; i++)
    {
      MlsSpan span = {
        .kind_id = spans[i].kind_id, .model_id = models[spans[i].model],
        .pid = spans[i].pid, .tid = spans[i].pid,
        .start_ns = TEST_T0 + spans[i].start_ns,
        .end_ns = TEST_T0 + spans[i].start_ns + spans[i].dur_ns,
        .complete = spans[i].cut == MLS_CUT_NONE, .cut = spans[i].cut,
      };
      g_assert_cmpint (mls_store_add_span (store, &span, &error), >, 0);
    }
  if (mls_store_finish (store, &error) != 0)
    g_error ("finish: %s", error.message);
  mls_store_close (store);
}

/* What a row should say. */
typedef struct {
  int64_t count, incomplete, total, min, max, median;
  double avg, stddev;
} Expected;

static int
compare_int64 (const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return x < y ? -1 : x > y;
}

static gboolean
selected (const MlsStatsQuery *q, const MlsStatsRow *row, const Span *s)
{
  gboolean pid_ok = q->n_pids == 0;

  for (size_t i = 0; i < q->n_pids; i++)
    pid_ok = pid_ok || s->pid == q->pids[i];
  return s->kind_id == row->kind_id && pid_ok
         && (!q->by_model || (row->model == NULL ? s->model == 0
             : s->model && strcmp (test_models[s->model - 1], row->model)
                           == 0))
         && (!q->by_process || s->pid == row->pid)
         && (!q->has_range || (TEST_T0 + s->start_ns < q->range_end_ns
                               && TEST_T0 + s->start_ns + s->dur_ns
                                  > q->range_start_ns));
}

static Expected
expected (const MlsStatsQuery *q, const MlsStatsRow *row, const Span *spans)
{
  int64_t *d = g_new (int64_t, N);
  Expected e = { 0 };
  double sq = 0;

  for (int i = 0; i < N; i++)
    if (selected (q, row, &spans[i]))
      {
        if (spans[i].cut != MLS_CUT_NONE)
          e.incomplete++;
        else
          d[e.count++] = spans[i].dur_ns;
      }
  qsort (d, e.count, sizeof *d, compare_int64);
  for (int64_t i = 0; i < e.count; i++)
    e.total += d[i];
  if (e.count > 0)
    {
      e.min = d[0];
      e.max = d[e.count - 1];
      e.median = e.count % 2 ? d[e.count / 2]
                 : (d[e.count / 2 - 1] + d[e.count / 2]) / 2;
      e.avg = (double) e.total / e.count;
      for (int64_t i = 0; i < e.count; i++)
        sq += (d[i] - e.avg) * (d[i] - e.avg);
      e.stddev = sqrt (sq / e.count);
    }
  g_free (d);
  return e;
}

/* Every row of the query against the spans; and every span selected by
 * the query is in some row. Returns the number of rows. */
static size_t
check (MlsStore *store, const MlsStatsQuery *q, const Span *spans)
{
  MlsError error = { 0 };
  MlsStatsRow *rows;
  size_t n_rows;
  int64_t seen = 0, wanted = 0;

  if (mls_store_query_stats (store, q, &rows, &n_rows, &error) != 0)
    g_error ("%s", error.message);
  for (size_t r = 0; r < n_rows; r++)
    {
      Expected e = expected (q, &rows[r], spans);

      g_assert_cmpint (rows[r].count, ==, e.count);
      g_assert_cmpint (rows[r].incomplete, ==, e.incomplete);
      g_assert_cmpint (rows[r].total_ns, ==, e.total);
      seen += rows[r].count + rows[r].incomplete;
      if (e.count == 0)
        continue;
      g_assert_cmpint (rows[r].min_ns, ==, e.min);
      g_assert_cmpint (rows[r].max_ns, ==, e.max);
      g_assert_cmpint (rows[r].median_ns, ==, e.median);
      g_assert_cmpfloat_with_epsilon (rows[r].avg_ns, e.avg, 1e-6 * e.avg);
      g_assert_cmpfloat_with_epsilon (rows[r].stddev_ns, e.stddev,
                                      1e-6 * e.stddev + 1e-3);
      if (q->by_process)
        g_assert_cmpstr (rows[r].process, ==, rows[r].pid == 100 ? "app-0"
                         : rows[r].pid == 200 ? "app-1" : "app-2");
    }
  for (int i = 0; i < N; i++)
    {
      MlsStatsRow any = { .kind_id = spans[i].kind_id };
      MlsStatsQuery loose = *q;
      loose.by_model = loose.by_process = 0;
      wanted += selected (&loose, &any, &spans[i]);
    }
  g_assert_cmpint (seen, ==, wanted);
  mls_stats_rows_free (rows, n_rows);
  return n_rows;
}

static void
check_all_queries (MlsStore *store, const Span *spans)
{
  static const int64_t one[] = { 200 }, two[] = { 100, 300 };

  for (int m = 0; m < 2; m++)
    for (int p = 0; p < 2; p++)
      {
        MlsStatsQuery q = { .by_model = m, .by_process = p };
        check (store, &q, spans);
        q.pids = one;
        q.n_pids = 1;
        check (store, &q, spans);
        q.pids = two;
        q.n_pids = 2;
        check (store, &q, spans);
        q.has_range = 1;
        q.range_start_ns = TEST_T0 + 100000000;
        q.range_end_ns = TEST_T0 + 150000000;
        check (store, &q, spans);
      }
}

static void
test_processes (void)
{
  char *dir = test_dir_new ();
  char *path = g_build_filename (dir, "p.mlscope", NULL);
  Span *spans = spans_new ();
  MlsError error = { 0 };
  MlsStatsQuery all = { 0 }, gpu = { .by_process = 1 };
  int64_t cut[MLS_CUT_UNKNOWN + 1], expect[MLS_CUT_UNKNOWN + 1] = { 0 };
  MlsStore *store;
  MlsStatsRow *rows;
  size_t n_rows;

  write_db (path, spans);
  store = mls_store_open (path, &error);
  g_assert_nonnull (store);
  check_all_queries (store, spans);

  /* GPU Busy has no complete span: a row with its incomplete count. */
  g_assert_cmpint (mls_store_query_stats (store, &gpu, &rows, &n_rows,
                                          &error), ==, 0);
  for (size_t r = 0; r < n_rows; r++)
    if (rows[r].kind_id == MLS_KIND_GPU_BUSY)
      {
        g_assert_cmpint (rows[r].pid, ==, 300);
        g_assert_cmpint (rows[r].count, ==, 0);
        g_assert_cmpint (rows[r].incomplete, ==, N / 100);
      }
  mls_stats_rows_free (rows, n_rows);

  for (int i = 0; i < N; i++)
    expect[spans[i].cut] += spans[i].cut != MLS_CUT_NONE;
  g_assert_cmpint (mls_store_count_incomplete (store, &all, cut, &error), ==,
                   0);
  for (int r = 0; r <= MLS_CUT_UNKNOWN; r++)
    g_assert_cmpint (cut[r], ==, expect[r]);
  mls_store_close (store);
  g_free (spans);
  g_free (path);
  test_dir_free (dir);
}

/* A version 1 file: v1's schema, the spans inserted as that version's
 * collector would (no reasons, no per-process statistics). */
static void
write_v1 (const char *path, const Span *spans)
{
  char *schema_path = g_test_build_filename (G_TEST_DIST, "schema", "data",
                                             "schema-v1.sql", NULL);
  char *schema = NULL;
  sqlite3 *db;
  sqlite3_stmt *insert;

  g_assert_true (g_file_get_contents (schema_path, &schema, NULL, NULL));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, schema, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 1; BEGIN; "
                   "INSERT INTO meta VALUES ('schema_version', 1); INSERT INTO model "
                   "(id, name) VALUES (1, 'style-candy'), (2, 'detector'); "
                   "INSERT INTO process (pid, name) VALUES (100, 'app-0'), "
                   "(200, 'app-1'), (300, 'app-2'); INSERT INTO "
                   "span_kind_stats VALUES (4, NULL, 1, 1, 1, 1, 1, 1, 0, 1);"
                   "INSERT INTO span_summary VALUES (0, 4, 0, 5000000, 1, 1);"
                   "INSERT INTO meta VALUES ('start_ns', 5000000000), "
                   "('end_ns', 5503000000), ('duration_ns', 503000000), "
                   "('lost_events', 0), ('lost_packets', 0)",
                   NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO span (kind_id, "
                   "model_id, pid, tid, start_ns, end_ns, dur_ns, complete) "
                   "VALUES (?1, nullif (?2, 0), ?3, ?3, ?4, ?5, ?5 - ?4, ?6)",
                   -1, &insert, NULL), ==, SQLITE_OK);
  for (int i = 0; i < N; i++)
    {
      sqlite3_bind_int (insert, 1, spans[i].kind_id);
      sqlite3_bind_int (insert, 2, spans[i].model);
      sqlite3_bind_int64 (insert, 3, spans[i].pid);
      sqlite3_bind_int64 (insert, 4, TEST_T0 + spans[i].start_ns);
      sqlite3_bind_int64 (insert, 5, TEST_T0 + spans[i].start_ns
                                     + spans[i].dur_ns);
      sqlite3_bind_int (insert, 6, spans[i].cut == MLS_CUT_NONE);
      g_assert_cmpint (sqlite3_step (insert), ==, SQLITE_DONE);
      sqlite3_reset (insert);
    }
  sqlite3_finalize (insert);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);
  g_free (schema);
  g_free (schema_path);
}

static void
test_migrate_v1 (void)
{
  char *dir = test_dir_new ();
  char *path = g_build_filename (dir, "v1.mlscope", NULL);
  char *locked = g_build_filename (dir, "locked.mlscope", NULL);
  Span *spans = spans_new ();
  MlsError error = { 0 };
  MlsStore *store;
  sqlite3 *db;
  sqlite3_stmt *stmt;

  write_v1 (path, spans);
  store = mls_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error.message);
  check_all_queries (store, spans);
  db = mls_store_db (store);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM span_view "
                   "WHERE complete = 0 AND incomplete_reason = 'unknown' AND "
                   "process IS NOT NULL", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), >, 0);
  sqlite3_finalize (stmt);
  mls_store_close (store);
  /* Upgraded once: opening again reads it as it is. */
  store = mls_store_open (path, &error);
  g_assert_nonnull (store);
  mls_store_close (store);

  /* A version 1 file that cannot be written (another program holds it)
   * says what to do, and is left as it was. */
  write_v1 (locked, spans);
  g_assert_cmpint (sqlite3_open (locked, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_null (mls_store_open (locked, &error));
  g_assert_nonnull (strstr (error.message, "schema version 1 needs "
                            "upgrading to version " G_STRINGIFY (
                              MLS_SCHEMA_VERSION) " in place, which failed"));
  g_assert_nonnull (strstr (error.message, "re-import the trace"));
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  g_free (spans);
  g_free (locked);
  g_free (path);
  test_dir_free (dir);
}

/* A negative pid or tid names no process (span_kind_stats keys the row
 * of all processes as pid -1): refused when added, with a message, not
 * a failed finish ("UNIQUE constraint failed"). */
static void
test_negative_pid (void)
{
  char *dir = test_dir_new ();
  char *path = g_build_filename (dir, "negative-pid.mlscope", NULL);
  MlsError error = { 0 };
  MlsStore *store = mls_store_create (path, &error);
  MlsSpan ok = { .kind_id = MLS_KIND_PREDICTION, .pid = 5, .tid = 5,
                 .start_ns = TEST_T0, .end_ns = TEST_T0 + 100,
                 .complete = 1 };
  MlsSpan bad = ok;

  g_assert_nonnull (store);
  g_assert_cmpint (mls_store_add_span (store, &ok, &error), >, 0);
  bad.pid = -1;
  g_assert_cmpint (mls_store_add_span (store, &bad, &error), ==, -1);
  g_assert_nonnull (strstr (error.message, "names process -1"));
  bad.pid = 5;
  bad.tid = -7;
  g_assert_cmpint (mls_store_add_span (store, &bad, &error), ==, -1);
  g_assert_nonnull (strstr (error.message, "thread -7"));
  g_assert_cmpint (mls_store_finish (store, &error), ==, 0);
  mls_store_close (store);
  g_free (path);
  test_dir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/processes", test_processes);
  g_test_add_func ("/store/migrate-v1", test_migrate_v1);
  g_test_add_func ("/store/negative-pid", test_negative_pid);
  return g_test_run ();
}
