/*
 * test-same-recording.h: whether two recordings hold the same thing,
 * whatever their schema versions and however they number their spans:
 * the same spans (by what they are: kind, model, thread, times, status, depth,
 * arguments as span_view gives them, and their parent's kind and start),
 * the same statistics, processes, threads, models and lost events. For
 * tests of migrations and of imports before and after a change.
 */
#ifndef TEST_SAME_RECORDING_H
#define TEST_SAME_RECORDING_H

#include <glib.h>
#include <sqlite3.h>
#include <string.h>

/* What a table says, as rows comparable across files (`db.` is main or
 * other, the attached file). */
static const char *const test_compare_sql[] = {
  "SELECT s.lane, s.kind, s.model, s.unit, s.pid, s.process, s.tid,"
  " s.thread, s.start_ns, s.end_ns, s.dur_ns, s.complete,"
  " s.incomplete_reason, s.status, s.depth, s.args, p.kind, p.start_ns"
  " FROM db.span_view s LEFT JOIN db.span_view p ON p.id = s.parent_id",
  "SELECT kind, model, pid, process, count, incomplete, total_ns,"
  " round (avg_ns, 3), min_ns, median_ns, max_ns, round (stddev_ns, 3)"
  " FROM db.span_kind_stats_view",
  "SELECT pid, name, cmdline, end_state, exit_status FROM db.process",
  "SELECT p.pid, t.tid, t.name FROM db.thread t"
  " JOIN db.process p ON p.id = t.process_id",
  "SELECT name FROM db.model",
  "SELECT start_ns, end_ns, count, packets, stream FROM db.lost_events",
  /* Not what a version or a machine writes: the kernel is the importing
   * machine's when the trace has the recorder's facts. */
  "SELECT key, value FROM db.meta WHERE key NOT IN ('schema_version',"
  " 'recorded_at', 'trace_path', 'mlscope_version', 'kernel')",
};

static inline char *
test_compare_in (const char *sql, const char *db)
{
  GString *s = g_string_new (NULL);

  for (const char *c = sql; *c; c++)
    if (strncmp (c, "db.", 3) == 0)
      {
        g_string_append_printf (s, "%s.", db);
        c += 2;
      }
    else
      g_string_append_c (s, *c);
  return g_string_free (s, FALSE);
}

static inline int
test_compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The rows of sql, each as text (typed values, 0x1f between them),
 * sorted: a multiset comparable with another's. */
static inline GPtrArray *
test_compare_rows (sqlite3 *db, const char *sql)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      GString *row = g_string_new (NULL);

      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        {
          int type = sqlite3_column_type (stmt, c);

          g_string_append_printf (row, "%d:%s\x1f", type,
                                  type == SQLITE_NULL ? ""
                                  : (const char *) sqlite3_column_text (stmt,
                                                                        c));
        }
      g_ptr_array_add (rows, g_string_free (row, FALSE));
    }
  sqlite3_finalize (stmt);
  g_ptr_array_sort (rows, test_compare_strings);
  return rows;
}

/* Fails the test naming the first table that differs and the first row
 * that does; `what` says what is compared. */
static inline void
test_assert_same_recording (const char *path_a, const char *path_b,
                            const char *what)
{
  sqlite3 *db;
  g_autofree char *attach = g_strdup_printf ("ATTACH '%s' AS other", path_b);

  g_assert_cmpint (sqlite3_open_v2 (path_a, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, attach, NULL, NULL, NULL), ==,
                   SQLITE_OK);
  for (gsize i = 0; i < G_N_ELEMENTS (test_compare_sql); i++)
    {
      g_autofree char *a_sql = test_compare_in (test_compare_sql[i], "main");
      g_autofree char *b_sql = test_compare_in (test_compare_sql[i], "other");
      GPtrArray *a = test_compare_rows (db, a_sql);
      GPtrArray *b = test_compare_rows (db, b_sql);

      for (guint r = 0; r < MAX (a->len, b->len); r++)
        if (r >= a->len || r >= b->len
            || strcmp (g_ptr_array_index (a, r), g_ptr_array_index (b, r)))
          g_error ("%s: %s: %u and %u rows; they differ at row %u: %s | %s",
                   what, test_compare_sql[i], a->len, b->len, r,
                   r < a->len ? (char *) g_ptr_array_index (a, r) : "(none)",
                   r < b->len ? (char *) g_ptr_array_index (b, r) : "(none)");
      if (i == 0)
        g_assert_cmpuint (a->len, >, 0);
      g_ptr_array_unref (a);
      g_ptr_array_unref (b);
    }
  sqlite3_close (db);
}

#endif /* TEST_SAME_RECORDING_H */
