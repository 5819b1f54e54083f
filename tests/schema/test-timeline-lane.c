/*
 * test-timeline-lane.c: the timeline's lane reads against a plain SQL
 * count of what overlaps the view: every span at least the level's bucket
 * long is read exactly once, and no shorter one (those are the summary's),
 * at every zoom, of all threads or of one, however far before the view a
 * long span starts; and what a tooltip counts under a pointer, against
 * plain SQL.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mls-store.h"
#include "mls-store-timeline.h"

#define US G_GINT64_CONSTANT (1000)
#define MS G_GINT64_CONSTANT (1000000)
#define T0 G_GINT64_CONSTANT (1000000000000)

static char *tmpdir;

typedef struct {
  GHashTable *seen;
  gint64 dups;
} Read;

static void
on_span (const MlsTimelineSpan *span, void *data)
{
  Read *r = data;

  if (!g_hash_table_add (r->seen, GINT_TO_POINTER ((gint) span->id)))
    r->dups++;
}

static void
on_bucket (const MlsTimelineBucket *bucket, void *data)
{
  (void) bucket;
  (void) data;
}

static gint64
count_overlapping (sqlite3 *db, int kind, gint64 a, gint64 b, gint64 min_dur)
{
  sqlite3_stmt *stmt;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count (*) FROM span"
                   " NOT INDEXED WHERE kind_id = ?1 AND start_ns < ?2"
                   " AND end_ns > ?3 AND dur_ns >= ?4", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, kind);
  sqlite3_bind_int64 (stmt, 2, b);
  sqlite3_bind_int64 (stmt, 3, a);
  sqlite3_bind_int64 (stmt, 4, min_dur);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* Reads [a, b) at ns_per_px (whose level's bucket is min_dur) and checks
 * the spans read against the count of those that overlap it. */
static void
check_view (MlsTimeline *tl, sqlite3 *db, int kind, gint64 a, gint64 b,
            double ns_per_px, gint64 min_dur, gint64 tid)
{
  MlsLaneQuery q = { kind, -1, a, b, ns_per_px, tid, tid };
  Read r = { g_hash_table_new (NULL, NULL), 0 };
  MlsError err = { 0 };
  GHashTableIter iter;
  gpointer id;
  gint64 short_read = 0;

  g_assert_cmpint (mls_timeline_read_lane (tl, &q, on_span, on_bucket, &r,
                                           &err), >=, 0);
  g_assert_cmpint (r.dups, ==, 0);
  /* Spans shorter than the bucket come from the summary only: each run
   * holds spans of one length class, and the read skips the classes the
   * summary counts. */
  g_hash_table_iter_init (&iter, r.seen);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    {
      g_autofree char *sql = g_strdup_printf (
        "SELECT dur_ns < %" G_GINT64_FORMAT " AND start_ns < %"
        G_GINT64_FORMAT " AND end_ns > %" G_GINT64_FORMAT
        " FROM span WHERE id = %d", min_dur, b, a, GPOINTER_TO_INT (id));
      g_autofree char *hit = g_strdup_printf (
        "SELECT start_ns < %" G_GINT64_FORMAT " AND end_ns > %"
        G_GINT64_FORMAT " FROM span WHERE id = %d", b, a,
        GPOINTER_TO_INT (id));

      g_assert_cmpint (query_int (db, hit), ==, 1);
      short_read += query_int (db, sql);
    }
  g_assert_cmpint (short_read, ==, 0);
  g_assert_cmpint (g_hash_table_size (r.seen), ==,
                   tid == 4243 ? 0 : count_overlapping (db, kind, a, b,
                                                        min_dur));
  g_hash_table_destroy (r.seen);
}

/* What a tooltip says over [a, b): every span overlapping it, its time
 * inside the range. */
static void
check_count (MlsTimeline *tl, sqlite3 *db, int kind, gint64 a, gint64 b,
             gint64 tid)
{
  MlsLaneQuery q = { kind, -1, a, b, 1, tid, tid };
  MlsRangeCount count;
  MlsError err = { 0 };
  g_autofree char *busy = g_strdup_printf (
    "SELECT total (min (end_ns, %" G_GINT64_FORMAT ") - max (start_ns, %"
    G_GINT64_FORMAT ")) FROM span NOT INDEXED WHERE kind_id = %d AND"
    " start_ns < %" G_GINT64_FORMAT " AND end_ns > %" G_GINT64_FORMAT,
    b, a, kind, b, a);

  g_assert_cmpint (mls_timeline_count_range (tl, &q, &count, &err), ==, 0);
  g_assert_cmpint (count.count, ==, count_overlapping (db, kind, a, b, 0));
  g_assert_cmpint (count.busy_ns, ==, query_int (db, busy));
}

static void
add_span (MlsStore *store, gint64 start, gint64 dur)
{
  MlsSpan span = { 0 };
  MlsError err = { 0 };

  span.kind_id = MLS_KIND_LAYER;
  span.pid = span.tid = 4242;
  span.start_ns = start;
  span.end_ns = start + dur;
  span.complete = 1;
  g_assert_cmpint (mls_store_add_span (store, &span, &err), >, 0);
}

/* Views from the finest level to the whole trace, over the start, the
 * middle and the end. */
static void
check_zooms (const char *db_path, gint64 trace_ns)
{
  MlsError err = { 0 };
  MlsStore *store = mls_store_open (db_path, &err);
  MlsTimeline *tl = mls_timeline_new (store, &err);
  sqlite3 *db = mls_store_db (store);

  g_assert_nonnull (tl);
  for (int level = -1; level <= 8; level++)
    {
      gint64 bucket = level < 0 ? 0 : 1000LL << (2 * level);
      double ns_per_px = level < 0 ? 10 : bucket / 4.0 + 1;
      gint64 width = (gint64) (ns_per_px * 1600);

      for (int at = 0; at < 3; at++)
        {
          gint64 a = T0 + at * (trace_ns - width) / 2;

          /* All threads, the one thread, and a thread with no spans. */
          check_view (tl, db, MLS_KIND_LAYER, a, a + width, ns_per_px,
                      bucket, 0);
          check_view (tl, db, MLS_KIND_LAYER, a, a + width, ns_per_px,
                      bucket, 4242);
          check_view (tl, db, MLS_KIND_LAYER, a, a + width, ns_per_px,
                      bucket, 4243);
          check_count (tl, db, MLS_KIND_LAYER, a, a + width / 1600, 0);
          check_count (tl, db, MLS_KIND_LAYER, a, a + width / 1600, 4242);
        }
    }
  mls_timeline_free (tl);
  mls_store_close (store);
}

/* Spans of 10 and 40 us every 20 us, a few of 70 us and 300 us, and
 * one 2 s long, starting long before most views: each length in a run of
 * its own. */
static void
test_few_long (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "few.mlscope", NULL);
  MlsError err = { 0 };
  MlsStore *store = mls_store_create (path, &err);

  g_assert_nonnull (store);
  add_span (store, T0 + 5 * US, 2000 * MS);
  for (gint64 i = 0; i < 20000; i++)
    add_span (store, T0 + i * 20 * US,
              i % 1000 == 7 ? 300 * US : i % 500 == 3 ? 70 * US
              : i % 4 == 1 ? 40 * US : 10 * US);
  g_assert_cmpint (mls_store_finish (store, &err), ==, 0);
  /* 10 us: class 2 (shorter than 16 us), 40 us: 3, 70 us: 4, 300 us: 5,
   * 2 s: 11 (4 s). */
  g_assert_cmpint (query_int (mls_store_db (store), "SELECT count (*) FROM"
                   " span_run WHERE dur_class IN (2, 3, 4, 5, 11)"), ==, 5);
  g_assert_cmpint (query_int (mls_store_db (store), "SELECT count (*) FROM"
                   " span_run"), ==, 5);
  mls_store_close (store);
  check_zooms (path, 400 * MS);
}

/* 10 ms of spans of 2 us every 5 us, one of 40 us every 250 us and one of
 * 80 us every 2.5 ms: few long spans among many short ones. */
static void
test_medium (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "medium.mlscope", NULL);
  MlsError err = { 0 };
  MlsStore *store = mls_store_create (path, &err);

  g_assert_nonnull (store);
  for (gint64 i = 0; i < 2000; i++)
    add_span (store, T0 + i * 5 * US,
              i % 500 == 9 ? 80 * US : i % 50 == 1 ? 40 * US : 2 * US);
  g_assert_cmpint (mls_store_finish (store, &err), ==, 0);
  g_assert_cmpint (query_int (mls_store_db (store), "SELECT count (*) FROM"
                   " span_run"), ==, 3);
  mls_store_close (store);
  check_zooms (path, 10 * MS);
}

/* Spans of 10 us to 1 ms, overlapping: many long ones. */
static void
test_many_long (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "many.mlscope", NULL);
  MlsError err = { 0 };
  MlsStore *store = mls_store_create (path, &err);
  gint64 t = T0;

  g_assert_nonnull (store);
  for (gint64 i = 0; i < 20000; i++)
    {
      gint64 dur = 10 * US + (i * 7919 % 100) * (i % 3 ? 1 : 10) * US;

      add_span (store, t, dur);
      t += dur / 2 + 3 * US;
    }
  g_assert_cmpint (mls_store_finish (store, &err), ==, 0);
  g_assert_cmpint (query_int (mls_store_db (store),
                   "SELECT count (*) FROM span WHERE dur_ns >= 64000"), >, 64);
  mls_store_close (store);
  check_zooms (path, t - T0);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("mls-timeline-lane-XXXXXX", NULL);
  g_test_add_func ("/timeline/lane/few-long", test_few_long);
  g_test_add_func ("/timeline/lane/medium", test_medium);
  g_test_add_func ("/timeline/lane/many-long", test_many_long);
  rc = g_test_run ();
  for (int i = 0; i < 3; i++)
    {
      static const char *const names[] = { "few.mlscope", "medium.mlscope",
                                           "many.mlscope" };
      g_autofree char *path = g_build_filename (tmpdir, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return rc;
}
