/*
 * test-store-plans.c: every query the viewer and `mlscope stats` run reads
 * the big tables (span, span_block, span_summary) through a key, never
 * by walking them. The test runs each read the store offers (a lane at
 * every zoom, of a kind or a lane, a model, a thread; tooltips, next /
 * previous / longest span, descendants, details; statistics whole, by
 * model, by process, for a range, for processes and threads, clipped;
 * incomplete counts), every advise rule and the durations `mlscope diff`
 * ranks, records every statement SQLite runs for them, and
 * prints each one's plan (EXPLAIN QUERY PLAN); a statement whose bytecode
 * walks one of those tables from its first or last row, instead of
 * seeking a key, fails it. Walking every span on purpose (mlscope export)
 * is the one exception, and is checked to be one.
 */
#include <glib.h>
#include <sqlite3.h>
#include <string.h>

#include "mls-advise.h"
#include "mls-store-durations.h"
#include "mls-store-timeline.h"
#include "test-store-common.h"

#define N_SPANS 4000

/* The tables that grow with the trace. (span_incomplete, an index of
 * the few incomplete spans, may be walked.) */
static const char *const big[] = { "span", "span_block", "span_summary" };

static GPtrArray *statements;

static int
on_trace (unsigned type, void *data, void *p, void *x)
{
  sqlite3_stmt *stmt = p;
  const char *sql = sqlite3_sql (stmt);

  if (type == SQLITE_TRACE_STMT && sql
      && !g_ptr_array_find_with_equal_func (statements, sql, g_str_equal,
                                            NULL))
    g_ptr_array_add (statements, g_strdup (sql));
  return 0;
}

static void
on_span (const MlsTimelineSpan *span, void *data)
{
}

static void
on_bucket (const MlsTimelineBucket *bucket, void *data)
{
}

/* Every read the viewer makes, at every zoom. */
static void
read_timeline (MlsStore *store)
{
  static const char *const lanes[] = { "activity", "data", "compute",
                                       "layer" };
  MlsError error = { 0 };
  MlsTimeline *tl = mls_timeline_new (store, &error);
  int64_t start, end, id;
  MlsRangeCount count;

  g_assert_nonnull (tl);
  mls_timeline_get_range (tl, &start, &end);
  for (double ns_per_px = 10; ns_per_px < 1e8; ns_per_px *= 4)
    for (int which = 0; which < 6; which++)
      for (int64_t tid = 0; tid <= 102; tid += tid ? 1 : 101)
        {
          MlsLaneQuery q = {
            which < 2 ? (which ? MLS_KIND_LAYER : MLS_KIND_PREDICTION) : 0,
            which % 2 ? 1 : -1, start + (end - start) / 3,
            start + (end - start) / 3 + (int64_t) (ns_per_px * 1400),
            ns_per_px, tid ? 100 : 0, tid, which < 2 ? NULL : lanes[which - 2],
          };

          g_assert_cmpint (mls_timeline_read_lane (tl, &q, on_span, on_bucket,
                                                   NULL, &error), >=, 0);
          if (which < 2)
            {
              g_assert_cmpint (mls_timeline_count_range (tl, &q, &count,
                                                         &error), ==, 0);
              for (int what = MLS_FIND_NEXT; what <= MLS_FIND_LONGEST; what++)
                g_assert_cmpint (mls_timeline_find_span (tl, &q, what,
                                                         q.start_ns, &id,
                                                         &error), ==, 0);
            }
        }
  {
    MlsLaneQuery q = { MLS_KIND_PREDICTION, -1, start, end, 1e6, 0, 0 };
    MlsSpanDetails d;

    g_assert_cmpint (mls_timeline_find_span (tl, &q, MLS_FIND_LONGEST, 0, &id,
                                             &error), ==, 0);
    g_assert_cmpint (id, >, 0);
    g_assert_cmpint (mls_timeline_span_details (tl, id, &d, &error), ==, 0);
    mls_span_details_clear (&d);
    g_assert_cmpint (mls_timeline_descendants (tl, id, 100, on_span, NULL,
                                               &error), ==, 0);
  }
  mls_timeline_free (tl);
}

/* Every table `mlscope stats` and the viewer's table ask for. */
static void
read_stats (MlsStore *store)
{
  static const int64_t pids[] = { 100, 200 }, tids[] = { 101 };
  int64_t cut[MLS_CUT_UNKNOWN + 1];
  MlsError error = { 0 };

  for (int v = 0; v < 64; v++)
    {
      MlsStatsQuery q = {
        .by_model = v & 1, .by_process = v & 2 ? 1 : 0, .has_range = v & 4,
        .range_start_ns = TEST_T0 + 100000000,
        .range_end_ns = TEST_T0 + 200000000, .pids = pids,
        .n_pids = v & 8 ? 1 : v & 16 ? 2 : 0, .tids = tids,
        .n_tids = v & 32 ? 1 : 0, .clip = (v & 12) == 4,
      };
      MlsStatsRow *rows;
      size_t n;

      g_assert_cmpint (mls_store_query_stats (store, &q, &rows, &n, &error),
                       ==, 0);
      mls_stats_rows_free (rows, n);
      g_assert_cmpint (mls_store_count_incomplete (store, &q, cut, &error),
                       ==, 0);
    }
}

/* `mlscope advise`: every rule; `mlscope diff`: the durations of a row,
 * of every shape. */
static void
read_advise_and_diff (MlsStore *store)
{
  static const int64_t pids[] = { 100, 200 };
  MlsError error = { 0 };

  for (size_t i = 0; i < mls_n_rules; i++)
    {
      MlsFinding *findings = NULL;
      size_t n = 0;

      if (mls_advise_run (store, &mls_rules[i], &findings, &n, &error) != 0)
        g_error ("%s", error.message);
      mls_findings_free (findings, n);
    }
  for (int v = 0; v < 8; v++)
    {
      MlsDurationsQuery q = { MLS_KIND_PREDICTION, v & 1, v & 2 ? 1 : 0,
                              pids, v & 4 ? 2 : 0 };
      MlsDurations *d = mls_store_durations_open (store, &q, &error);
      int64_t dur;

      g_assert_nonnull (d);
      while (mls_durations_next (d, &dur, &error) == 1)
        ;
      mls_durations_close (d);
    }
}

static int
on_each_span (const MlsSpanInfo *span, void *data)
{
  return 0;
}

/* The root pages of the big tables. */
static GHashTable *
big_roots (sqlite3 *db)
{
  GHashTable *roots = g_hash_table_new (NULL, NULL);
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rootpage, name FROM"
                   " sqlite_master WHERE type = 'table'", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (gsize t = 0; t < G_N_ELEMENTS (big); t++)
      if (strcmp ((const char *) sqlite3_column_text (stmt, 1), big[t]) == 0)
        g_hash_table_insert (roots,
                             GINT_TO_POINTER (sqlite3_column_int (stmt, 0)),
                             (gpointer) big[t]);
  sqlite3_finalize (stmt);
  return roots;
}

/* The plan of sql (appended to `plan`), and the big tables it walks: a
 * cursor on one that its bytecode rewinds to the first (or last) row and
 * steps through, where a search seeks a key. NULL when none. */
static char *
walks (sqlite3 *db, GHashTable *roots, const char *sql, GString *plan)
{
  g_autofree char *explain = g_strdup_printf ("EXPLAIN QUERY PLAN %s", sql);
  g_autofree char *code = g_strdup_printf ("EXPLAIN %s", sql);
  GHashTable *cursors = g_hash_table_new (NULL, NULL);
  GString *bad = g_string_new (NULL);
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "#   %s\n", sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, code, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *op = (const char *) sqlite3_column_text (stmt, 1);
      int p1 = sqlite3_column_int (stmt, 2), p2 = sqlite3_column_int (stmt, 3);
      const char *table;

      if (strcmp (op, "OpenRead") == 0
          && (table = g_hash_table_lookup (roots, GINT_TO_POINTER (p2))))
        g_hash_table_insert (cursors, GINT_TO_POINTER (p1), (gpointer) table);
      else if ((strcmp (op, "Rewind") == 0 || strcmp (op, "Last") == 0)
               && (table = g_hash_table_lookup (cursors,
                                                GINT_TO_POINTER (p1))))
        g_string_append_printf (bad, "%s %s; ", op, table);
    }
  sqlite3_finalize (stmt);
  g_hash_table_destroy (cursors);
  return g_string_free (bad, bad->len == 0);
}

static void
test_plans (void)
{
  char *dir = test_dir_new ();
  char *path = g_build_filename (dir, "plans.mlscope", NULL);
  TestSpan *spans = test_spans_new (7, N_SPANS);
  MlsError error = { 0 };
  MlsStore *store;
  sqlite3 *db;
  GHashTable *roots;
  int failed = 0, whole_walks = 0;

  test_write_db (path, spans, N_SPANS);
  store = mls_store_open (path, &error);
  g_assert_nonnull (store);
  db = mls_store_db (store);
  roots = big_roots (db);
  statements = g_ptr_array_new_with_free_func (g_free);
  sqlite3_trace_v2 (db, SQLITE_TRACE_STMT, on_trace, NULL);
  read_timeline (store);
  read_stats (store);
  read_advise_and_diff (store);
  sqlite3_trace_v2 (db, 0, NULL, NULL);
  for (guint i = 0; i < statements->len; i++)
    {
      const char *sql = g_ptr_array_index (statements, i);
      GString *plan = g_string_new (NULL);
      g_autofree char *bad = NULL;

      if (g_str_has_prefix (sql, "EXPLAIN") || g_str_has_prefix (sql, "PRAGMA"))
        {
          g_string_free (plan, TRUE);
          continue;
        }
      bad = walks (db, roots, sql, plan);
      g_test_message ("%s\n%s", sql, plan->str);
      if (bad)
        {
          g_printerr ("# walks a big table (%s): %s\n", bad, sql);
          failed++;
        }
      g_string_free (plan, TRUE);
    }
  g_assert_cmpuint (statements->len, >, 10);
  g_assert_cmpint (failed, ==, 0);

  /* mlscope export walks every span, on purpose, and says so. */
  g_ptr_array_set_size (statements, 0);
  sqlite3_trace_v2 (db, SQLITE_TRACE_STMT, on_trace, NULL);
  g_assert_cmpint (mls_store_foreach_span (store, on_each_span, NULL,
                                           &error), ==, 0);
  sqlite3_trace_v2 (db, 0, NULL, NULL);
  for (guint i = 0; i < statements->len; i++)
    {
      GString *plan = g_string_new (NULL);
      g_autofree char *bad = walks (db, roots, g_ptr_array_index (statements,
                                                                 i), plan);

      whole_walks += bad != NULL;
      g_string_free (plan, TRUE);
    }
  g_assert_cmpint (whole_walks, ==, 1);
  g_hash_table_destroy (roots);
  g_ptr_array_unref (statements);
  mls_store_close (store);
  g_free (spans);
  g_free (path);
  test_dir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/plans", test_plans);
  return g_test_run ();
}
