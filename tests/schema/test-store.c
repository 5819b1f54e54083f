/*
 * test-store.c: the trace database store. Databases are built through the
 * write API from spans the test keeps, and every aggregate the store
 * returns (precomputed, by model, by time range, the zoom summary) is
 * checked against values computed here from those spans. Also: files that
 * are not trace databases or of another version are refused with the
 * documented messages, and unfinished imports leave nothing behind.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-timeline.h"
#include "test-store-common.h"

#define N_SPANS 3000

typedef struct {
  int64_t count, total, min, max, median;
  double avg, stddev;
} Expected;

static int
compare_int64 (const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return x < y ? -1 : x > y;
}

/* model: -1 any, 0 none, else 1-based; range in ns relative to TEST_T0. */
static Expected
expected_stats (const TestSpan *spans, int n, int kind, int model,
                int has_range, int64_t a, int64_t b)
{
  int64_t *d = g_new (int64_t, n);
  Expected e = { 0 };
  double sq = 0;

  for (int i = 0; i < n; i++)
    if (spans[i].kind_id == kind && (model < 0 || spans[i].model == model)
        && (!has_range || (spans[i].start_ns < b
                           && spans[i].start_ns + spans[i].dur_ns > a)))
      d[e.count++] = spans[i].dur_ns;
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

static void
assert_row (const MlsStatsRow *row, const Expected *e)
{
  g_assert_cmpint (row->count, ==, e->count);
  g_assert_cmpint (row->total_ns, ==, e->total);
  g_assert_cmpint (row->min_ns, ==, e->min);
  g_assert_cmpint (row->max_ns, ==, e->max);
  g_assert_cmpint (row->median_ns, ==, e->median);
  g_assert_cmpfloat_with_epsilon (row->avg_ns, e->avg, 1e-6 * e->avg + 1e-6);
  g_assert_cmpfloat_with_epsilon (row->stddev_ns, e->stddev,
                                  1e-6 * e->stddev + 1e-3);
}

static int
model_index (const MlsStatsRow *row)
{
  for (int m = 0; m < TEST_N_MODELS; m++)
    if (g_strcmp0 (row->model, test_models[m]) == 0)
      return m + 1;
  g_assert_null (row->model);
  g_assert_cmpint (row->model_id, ==, 0);
  return 0;
}

/* Shares within a lane add up to 1 and are total / lane total. */
static void
assert_shares (const MlsStatsRow *rows, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      int64_t lane_total = 0;
      double share_sum = 0;
      for (size_t j = 0; j < n; j++)
        if (strcmp (rows[j].lane, rows[i].lane) == 0)
          {
            lane_total += rows[j].total_ns;
            share_sum += rows[j].share;
          }
      g_assert_cmpfloat_with_epsilon (share_sum, 1.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (rows[i].share,
                                      (double) rows[i].total_ns / lane_total,
                                      1e-9);
    }
}

/* Checks a stats query against spans; returns the number of rows. */
static size_t
check_query (MlsStore *store, const TestSpan *spans, int n, int by_model,
             int has_range, int64_t a, int64_t b)
{
  MlsStatsQuery query = { .by_model = by_model, .has_range = has_range,
                          .range_start_ns = TEST_T0 + a,
                          .range_end_ns = TEST_T0 + b };
  MlsError error = { 0 };
  MlsStatsRow *rows = NULL;
  size_t n_rows = 0, expected_rows = 0;
  int64_t counted = 0, in_range = 0;

  g_assert_cmpint (mls_store_query_stats (store, &query, &rows, &n_rows,
                                          &error), ==, 0);
  for (size_t i = 0; i < n_rows; i++)
    {
      int model = by_model ? model_index (&rows[i]) : -1;
      Expected e = expected_stats (spans, n, rows[i].kind_id, model,
                                   has_range, a, b);
      if (!by_model)
        g_assert_null (rows[i].model);
      assert_row (&rows[i], &e);
      counted += rows[i].count;
    }
  for (int i = 0; i < n; i++)
    in_range += !has_range || (spans[i].start_ns < b
                               && spans[i].start_ns + spans[i].dur_ns > a);
  g_assert_cmpint (counted, ==, in_range);
  assert_shares (rows, n_rows);
  expected_rows = n_rows;
  mls_stats_rows_free (rows, n_rows);
  return expected_rows;
}

typedef struct {
  char *dir;
  char *path;
  TestSpan *spans;
  MlsStore *store;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  MlsError error = { 0 };

  f->dir = test_dir_new ();
  f->path = g_build_filename (f->dir, "t.mlscope", NULL);
  f->spans = test_spans_new (42, N_SPANS);
  test_write_db (f->path, f->spans, N_SPANS);
  f->store = mls_store_open (f->path, &error);
  g_assert_nonnull (f->store);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  mls_store_close (f->store);
  g_free (f->spans);
  g_free (f->path);
  test_dir_free (f->dir);
}

static void
test_stats_per_kind (Fixture *f, gconstpointer data)
{
  /* Model Load, Prediction, Input Conversion, GPU Compute, Layer. */
  g_assert_cmpuint (check_query (f->store, f->spans, N_SPANS, 0, 0, 0, 0),
                    ==, 5);
}

static void
test_stats_by_model (Fixture *f, gconstpointer data)
{
  /* 4 random kinds x (2 models + none), plus the Model Load. */
  g_assert_cmpuint (check_query (f->store, f->spans, N_SPANS, 1, 0, 0, 0),
                    ==, 13);
}

static void
test_stats_known_values (void)
{
  /* Even and odd counts, hand-computed: A = 10 20 30 40 (median 25,
   * stddev sqrt (125)), B = 5 7 100 (median 7). */
  static const TestSpan spans[] = {
    { MLS_KIND_PREDICTION, 1, 0, 40 }, { MLS_KIND_PREDICTION, 1, 100, 10 },
    { MLS_KIND_PREDICTION, 2, 200, 100 }, { MLS_KIND_PREDICTION, 1, 300, 30 },
    { MLS_KIND_PREDICTION, 2, 400, 5 }, { MLS_KIND_PREDICTION, 1, 500, 20 },
    { MLS_KIND_PREDICTION, 2, 600, 7 },
  };
  char *dir = test_dir_new ();
  char *path = g_build_filename (dir, "k.mlscope", NULL);
  MlsStatsQuery query = { .by_model = 1 };
  MlsError error = { 0 };
  MlsStatsRow *rows;
  size_t n_rows;
  MlsStore *store;

  test_write_db (path, spans, G_N_ELEMENTS (spans));
  store = mls_store_open (path, &error);
  g_assert_nonnull (store);
  g_assert_cmpint (mls_store_query_stats (store, &query, &rows, &n_rows,
                                          &error), ==, 0);
  g_assert_cmpuint (n_rows, ==, 2);
  g_assert_cmpstr (rows[0].label, ==, "Prediction");
  g_assert_cmpstr (rows[0].lane, ==, "activity");
  g_assert_cmpstr (rows[0].model, ==, "detector");
  g_assert_cmpint (rows[0].median_ns, ==, 7);
  g_assert_cmpint (rows[0].total_ns, ==, 112);
  g_assert_cmpstr (rows[1].model, ==, "style-candy");
  g_assert_cmpint (rows[1].count, ==, 4);
  g_assert_cmpint (rows[1].median_ns, ==, 25);
  g_assert_cmpint (rows[1].min_ns, ==, 10);
  g_assert_cmpint (rows[1].max_ns, ==, 40);
  g_assert_cmpfloat_with_epsilon (rows[1].stddev_ns, sqrt (125.0), 1e-9);
  g_assert_cmpfloat_with_epsilon (rows[1].share, 100.0 / 212.0, 1e-12);
  mls_stats_rows_free (rows, n_rows);
  query.by_model = 0;
  g_assert_cmpint (mls_store_query_stats (store, &query, &rows, &n_rows,
                                          &error), ==, 0);
  g_assert_cmpuint (n_rows, ==, 1);
  g_assert_cmpint (rows[0].count, ==, 7);
  g_assert_cmpint (rows[0].median_ns, ==, 20);
  g_assert_cmpfloat_with_epsilon (rows[0].share, 1.0, 1e-12);
  mls_stats_rows_free (rows, n_rows);
  mls_store_close (store);
  g_free (path);
  test_dir_free (dir);
}

/* Groups of every size from 1 to 60 with many equal durations: the
 * median's selection must agree with sorting for each. */
static void
test_stats_median_sizes (void)
{
  char *dir = test_dir_new ();
  char *path = g_build_filename (dir, "m.mlscope", NULL);
  GRand *rand = g_rand_new_with_seed (99);
  int64_t durations[61][60];
  MlsStatsQuery query = { .by_model = 1 };
  MlsError error = { 0 };
  MlsStore *store = mls_store_create (path, &error);
  MlsStatsRow *rows;
  size_t n_rows;

  for (int size = 1; size <= 60; size++)
    {
      char name[16];
      int64_t model;
      g_snprintf (name, sizeof name, "m%02d", size);
      model = mls_store_intern_model (store, name, &error);
      for (int i = 0; i < size; i++)
        {
          MlsSpan span = { .kind_id = MLS_KIND_LAYER, .model_id = model,
                           .start_ns = 1000 * i, .complete = 1 };
          durations[size][i] = g_rand_int_range (rand, 0, 1 + size / 3);
          span.end_ns = span.start_ns + durations[size][i];
          g_assert_cmpint (mls_store_add_span (store, &span, &error), >, 0);
        }
      qsort (durations[size], size, sizeof (int64_t), compare_int64);
    }
  if (mls_store_finish (store, &error) != 0)
    g_error ("%s", error.message);
  g_assert_cmpint (mls_store_query_stats (store, &query, &rows, &n_rows,
                                          &error), ==, 0);
  g_assert_cmpuint (n_rows, ==, 60);
  for (size_t r = 0; r < n_rows; r++)
    {
      int size = atoi (rows[r].model + 1);
      int64_t *d = durations[size];
      g_assert_cmpint (rows[r].count, ==, size);
      g_assert_cmpint (rows[r].median_ns, ==,
                       size % 2 ? d[size / 2]
                                : (d[size / 2 - 1] + d[size / 2]) / 2);
    }
  mls_stats_rows_free (rows, n_rows);
  mls_store_close (store);
  g_rand_free (rand);
  g_free (path);
  test_dir_free (dir);
}

static void
test_stats_range (Fixture *f, gconstpointer data)
{
  GRand *rand = g_rand_new_with_seed (7);

  for (int i = 0; i < 6; i++)
    {
      int64_t a = g_rand_int_range (rand, 0, 700000000);
      int64_t b = a + g_rand_int_range (rand, 1000, 200000000);
      check_query (f->store, f->spans, N_SPANS, i % 2, 1, a, b);
    }
  /* A range inside the long Model Load only: the scan bound must still
   * find it although it started 850 ms earlier. */
  check_query (f->store, f->spans, N_SPANS, 0, 1, 850000000, 860000000);
  g_rand_free (rand);
}

static void
test_stats_full_range (Fixture *f, gconstpointer data)
{
  /* A range over everything gives the precomputed numbers. */
  g_assert_cmpuint (check_query (f->store, f->spans, N_SPANS, 0, 1, -1,
                                 INT64_C (1) << 40), ==, 5);
  g_assert_cmpuint (check_query (f->store, f->spans, N_SPANS, 1, 1, -1,
                                 INT64_C (1) << 40), ==, 13);
}

/* What a summary read gives, per bucket start: count, busy and kind. */
typedef struct {
  GHashTable *buckets;      /* start_ns -> Bucket */
  int64_t spans;            /* the spans read one by one */
} Read;

/* A bucket: read (summed over the sets a read adds up, n of them) or
 * expected. */
typedef struct {
  int64_t count, busy_ns;
  int n;
  int64_t busy_of[8];       /* per kind, by index in summary_kinds */
} Bucket;

static const int summary_kinds[] = { MLS_KIND_MODEL_LOAD, MLS_KIND_PREDICTION,
                                     MLS_KIND_INPUT_CONVERSION,
                                     MLS_KIND_GPU_COMPUTE, MLS_KIND_LAYER };

static Bucket *
bucket_at (GHashTable *table, int64_t start)
{
  Bucket *b = g_hash_table_lookup (table, &start);

  if (b == NULL)
    {
      int64_t *key = g_new (int64_t, 1);

      *key = start;
      b = g_new0 (Bucket, 1);
      g_hash_table_insert (table, key, b);
    }
  return b;
}

static void
on_read_span (const MlsTimelineSpan *span, void *data)
{
  ((Read *) data)->spans++;
}

static int kind_index (int kind);

static void
on_read_bucket (const MlsTimelineBucket *bucket, void *data)
{
  Bucket *b = bucket_at (((Read *) data)->buckets, bucket->start_ns);

  b->count += bucket->count;
  b->busy_ns += bucket->busy_ns;
  b->busy_of[kind_index (bucket->kind_id)] += bucket->busy_ns;
  b->n++;
}

/* The kind busiest in a bucket. */
static int
busiest (const Bucket *b)
{
  int best = 0;

  for (int k = 1; k < (int) G_N_ELEMENTS (summary_kinds); k++)
    if (b->busy_of[k] > b->busy_of[best])
      best = k;
  return best;
}

static int
kind_index (int kind)
{
  for (guint k = 0; k < G_N_ELEMENTS (summary_kinds); k++)
    if (summary_kinds[k] == kind)
      return (int) k;
  g_assert_not_reached ();
}

/* One lane query at one level against the spans: every span shorter than
 * a bucket counted once, in the bucket it starts in (busy time to a 64th
 * of the bucket, the busiest kind of a lane's), the others read one by
 * one. */
static void
check_summary (MlsTimeline *tl, const TestSpan *spans, const MlsLaneQuery *q,
               int level, const char *lane_of[])
{
  int64_t width = mls_summary_bucket_ns (level), spans_long = 0;
  GHashTable *expect = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                              g_free, g_free);
  Read read = { g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                       g_free), 0 };
  GHashTableIter iter;
  gpointer key, value;

  for (int i = 0; i < N_SPANS; i++)
    {
      const TestSpan *s = &spans[i];
      int64_t start = TEST_T0 + s->start_ns;
      Bucket *b;

      if ((q->kind_id ? s->kind_id != q->kind_id
           : strcmp (lane_of[kind_index (s->kind_id)], q->lane) != 0)
          || (q->model_id >= 0 && s->model != q->model_id)
          || (q->tid > 0 && 101 + i % 2 != q->tid))
        continue;
      if (s->dur_ns >= width)
        {
          spans_long++;
          continue;
        }
      b = bucket_at (expect, (start / 1000 >> (2 * level)) * width);
      b->count++;
      b->busy_ns += s->dur_ns;
      b->busy_of[kind_index (s->kind_id)] += s->dur_ns;
    }
  g_assert_cmpint (mls_timeline_read_lane (tl, q, on_read_span,
                                           on_read_bucket, &read, NULL),
                   >=, 0);
  g_assert_cmpint (read.spans, ==, spans_long);
  g_assert_cmpuint (g_hash_table_size (read.buckets), ==,
                    g_hash_table_size (expect));
  g_hash_table_iter_init (&iter, expect);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const Bucket *e = value, *r = g_hash_table_lookup (read.buckets, key);
      /* Each set read rounds its busy time up to a 64th of the bucket. */
      int64_t slack = r ? r->n * (width / 64 + 1) : 0;

      g_assert_nonnull (r);
      g_assert_cmpint (r->count, ==, e->count);
      if (e->busy_ns * 64 < 255 * width)
        {
          g_assert_cmpint (r->busy_ns, >=, e->busy_ns - r->n);
          g_assert_cmpint (r->busy_ns, <=, e->busy_ns + slack);
        }
      g_assert_cmpint (e->busy_of[busiest (r)], >=,
                       e->busy_of[busiest (e)] - slack);
    }
  g_hash_table_destroy (expect);
  g_hash_table_destroy (read.buckets);
}

/* Every level, for each kind and lane, model and thread, of one and of
 * every: whichever sets the file keeps and whichever it sums. */
static void
test_summary (Fixture *f, gconstpointer data)
{
  static const char *lanes[] = { "activity", "activity", "data", "compute",
                                 "layer" };
  MlsError error = { 0 };
  MlsTimeline *tl = mls_timeline_new (f->store, &error);
  int top = 0;

  g_assert_nonnull (tl);
  while (mls_summary_bucket_ns (top) < 900000000)
    top++;
  for (int level = 0; level <= top; level++)
    for (int which = 0; which < (int) G_N_ELEMENTS (summary_kinds) + 4;
         which++)
      for (int model = -1; model <= TEST_N_MODELS; model++)
        for (int tid = 0; tid <= 102; tid += tid ? 1 : 101)
          {
            int is_kind = which < (int) G_N_ELEMENTS (summary_kinds);
            MlsLaneQuery q = {
              .kind_id = is_kind ? summary_kinds[which] : 0,
              .lane = is_kind ? NULL : lanes[which - 4],
              .model_id = model,
              .start_ns = TEST_T0 - 1000000000, .end_ns = TEST_T0 + 2000000000,
              .ns_per_px = mls_summary_bucket_ns (level) * 0.3,
              .pid = tid ? 100 : 0, .tid = tid,
            };

            check_summary (tl, f->spans, &q, level, lanes);
          }
  mls_timeline_free (tl);
}

static void
test_meta (Fixture *f, gconstpointer data)
{
  int64_t value = 0;
  char *host = mls_store_get_meta_text (f->store, "host");

  g_assert_cmpstr (host, ==, "test");
  free (host);
  g_assert_cmpint (mls_store_get_meta_int (f->store, "start_ns", &value),
                   ==, 0);
  g_assert_cmpint (value, ==, TEST_T0);
  g_assert_cmpint (mls_store_get_meta_int (f->store, "duration_ns", &value),
                   ==, 0);
  g_assert_cmpint (value, ==, 900000000);
  g_assert_cmpint (mls_store_get_meta_int (f->store, "lost_events", &value),
                   ==, 0);
  g_assert_cmpint (value, ==, 7);
  g_assert_cmpint (mls_store_get_meta_int (f->store, "schema_version",
                                           &value), ==, 0);
  g_assert_cmpint (value, ==, MLS_SCHEMA_VERSION);
  g_assert_cmpint (mls_store_get_meta_int (f->store, "nope", &value), ==, -1);
  g_assert_null (mls_store_get_meta_text (f->store, "nope"));
}

static void
expect_open_error (const char *path, const char *message)
{
  MlsError error = { 0 };
  char *full = g_strdup_printf ("%s: %s", path, message);

  g_assert_null (mls_store_open (path, &error));
  g_assert_cmpint (error.code, !=, 0);
  g_assert_cmpstr (error.message, ==, full);
  g_free (full);
}

static void
test_version_refused (Fixture *f, gconstpointer data)
{
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  char *message = g_strdup_printf ("schema version 99, this mlscope reads "
                                   "version %d; re-import the trace with "
                                   "this version", MLS_SCHEMA_VERSION);

  expect_open_error (f->path, message);
  g_free (message);
}

static void
test_not_a_database (void)
{
  char *dir = test_dir_new ();
  char *text = g_build_filename (dir, "notes.mlscope", NULL);
  char *other = g_build_filename (dir, "other.db", NULL);
  char *missing = g_build_filename (dir, "missing.mlscope", NULL);
  sqlite3 *db;

  g_assert_true (g_file_set_contents (text, "hello, not a database\n"
                                      "with some more text in it to be "
                                      "longer than an SQLite header....\n",
                                      -1, NULL));
  expect_open_error (text, "not an mlscope trace database (not an SQLite "
                     "file)");
  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE photos (x)", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  expect_open_error (other, "not an mlscope trace database (no 'span' "
                     "table)");
  expect_open_error (missing, "No such file or directory");
  g_free (text);
  g_free (other);
  g_free (missing);
  test_dir_free (dir);
}

static int64_t
span_count (const char *path)
{
  MlsError error = { 0 };
  MlsStore *store = mls_store_open (path, &error);
  sqlite3_stmt *stmt;
  int64_t n;

  g_assert_nonnull (store);
  sqlite3_prepare_v2 (mls_store_db (store), "SELECT count (*) FROM span", -1,
                      &stmt, NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  mls_store_close (store);
  return n;
}

/* An import that never finishes leaves neither PATH nor PATH.partial, and
 * does not touch an older PATH. */
static void
test_partial (void)
{
  static const TestSpan spans[] = { { MLS_KIND_LAYER, 1, 0, 10 },
                                    { MLS_KIND_LAYER, 2, 5, 10 } };
  char *dir = test_dir_new ();
  char *path = g_build_filename (dir, "p.mlscope", NULL);
  char *partial = g_strconcat (path, ".partial", NULL);
  MlsSpan span = { .kind_id = MLS_KIND_PREDICTION, .start_ns = 1,
                   .end_ns = 2 };
  MlsError error = { 0 };
  MlsStore *store;

  store = mls_store_create (path, &error);
  g_assert_nonnull (store);
  g_assert_cmpint (mls_store_add_span (store, &span, &error), ==, 1);
  g_assert_true (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  mls_store_close (store);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  test_write_db (path, spans, 2);
  store = mls_store_create (path, &error);
  g_assert_nonnull (store);
  for (int i = 0; i < 5; i++)
    g_assert_cmpint (mls_store_add_span (store, &span, &error), >, 0);
  mls_store_close (store);
  g_assert_cmpint (span_count (path), ==, 2);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_free (partial);
  g_free (path);
  test_dir_free (dir);
}

static void
test_bad_input (void)
{
  char *dir = test_dir_new ();
  char *path = g_build_filename (dir, "b.mlscope", NULL);
  MlsError error = { 0 };
  MlsStore *store = mls_store_create (path, &error);
  MlsSpan span = { .kind_id = 99, .start_ns = 10, .end_ns = 20 };
  int64_t a, b;

  g_assert_nonnull (store);
  g_assert_cmpint (mls_store_add_span (store, &span, &error), ==, -1);
  g_assert_nonnull (strstr (error.message, "span kind 99 is not in "
                                           "span_kind"));
  g_assert_true (g_str_has_prefix (error.message, path));
  span.kind_id = MLS_KIND_LAYER;
  span.end_ns = 5;
  g_assert_cmpint (mls_store_add_span (store, &span, &error), ==, -1);
  g_assert_nonnull (strstr (error.message, "ends (5) before it starts (10)"));
  span.unit = "tpu";
  span.end_ns = 20;
  g_assert_cmpint (mls_store_add_span (store, &span, &error), ==, -1);
  g_assert_nonnull (strstr (error.message, "CHECK constraint failed"));
  /* A failed insert ends the import: finish refuses. */
  g_assert_cmpint (mls_store_finish (store, &error), ==, -1);
  g_assert_nonnull (strstr (error.message, "an earlier write failed"));
  mls_store_close (store);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  store = mls_store_create (path, &error);
  a = mls_store_intern_model (store, "m", &error);
  b = mls_store_intern_model (store, "n", &error);
  g_assert_cmpint (a, >, 0);
  g_assert_cmpint (b, !=, a);
  g_assert_cmpint (mls_store_intern_model (store, "m", &error), ==, a);
  g_assert_cmpint (mls_store_intern_model (store, "", &error), ==, -1);
  a = mls_store_intern_thread (store, 7, 8, NULL, &error);
  g_assert_cmpint (mls_store_intern_thread (store, 7, 9, "x", &error), !=, a);
  g_assert_cmpint (mls_store_intern_thread (store, 7, 8, "main", &error), ==,
                   a);
  g_assert_cmpint (mls_store_intern_process (store, 7, "app", &error), >, 0);
  g_assert_cmpint (mls_store_finish (store, &error), ==, 0);
  g_assert_cmpint (mls_store_add_span (store, &span, &error), ==, -1);
  g_assert_nonnull (strstr (error.message, "not open for writing"));
  mls_store_close (store);
  g_free (path);
  test_dir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD_FIXTURE(name, func) \
  g_test_add ("/store/" name, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)
  ADD_FIXTURE ("stats-per-kind", test_stats_per_kind);
  ADD_FIXTURE ("stats-by-model", test_stats_by_model);
  ADD_FIXTURE ("stats-range", test_stats_range);
  ADD_FIXTURE ("stats-full-range", test_stats_full_range);
  ADD_FIXTURE ("summary", test_summary);
  ADD_FIXTURE ("meta", test_meta);
  ADD_FIXTURE ("version-refused", test_version_refused);
  g_test_add_func ("/store/stats-known-values", test_stats_known_values);
  g_test_add_func ("/store/stats-median-sizes", test_stats_median_sizes);
  g_test_add_func ("/store/not-a-database", test_not_a_database);
  g_test_add_func ("/store/partial", test_partial);
  g_test_add_func ("/store/bad-input", test_bad_input);
  return g_test_run ();
}
