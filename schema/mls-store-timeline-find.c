/*
 * mls-store-timeline-find.c: the timeline's one-off questions, asked when
 * a person points or clicks rather than on every frame: what lies under
 * the pointer (an exact count and busy time, for a tooltip), which span of
 * a kind comes next, before, or is the longest, and what a span contains.
 * Each is one indexed query, prepared when asked.
 */
#include <stdlib.h>

#include "mls-store-timeline-private.h"

/* Prepares format, whose %s becomes the conditions selecting q's kind,
 * model and thread. */
static int
prepare_where (MlsTimeline *tl, const MlsLaneQuery *q, const char *format,
               sqlite3_stmt **stmt, MlsError *error)
{
  char *where = sqlite3_mprintf ("kind_id = %d", q->kind_id);
  char *model = q->model_id > 0
                ? sqlite3_mprintf (" AND model_id = %lld",
                                   (long long) q->model_id)
                : sqlite3_mprintf ("%s", q->model_id == 0
                                   ? " AND model_id IS NULL" : "");
  char *thread = q->tid > 0
                 ? sqlite3_mprintf (" AND pid = %lld AND tid = %lld",
                                    (long long) q->pid, (long long) q->tid)
                 : sqlite3_mprintf ("");
  char *all = sqlite3_mprintf ("%s%s%s", where, model, thread);
  char *sql = sqlite3_mprintf (format, all, all);
  int rc = sql ? sqlite3_prepare_v2 (tl->db, sql, -1, stmt, NULL)
               : SQLITE_NOMEM;

  sqlite3_free (where);
  sqlite3_free (model);
  sqlite3_free (thread);
  sqlite3_free (all);
  sqlite3_free (sql);
  if (rc != SQLITE_OK)
    return mls_timeline_fail (tl, error, "cannot prepare a span search");
  return 0;
}

/* The spans starting at most reach_ns before the range, then those longer
 * than reach_ns by duration: two reads, each bounded like a lane's. */
int
mls_timeline_count_range (MlsTimeline *tl, const MlsLaneQuery *q,
                          MlsRangeCount *count, MlsError *error)
{
  const MlsTimelineKind *kind = mls_timeline_find_kind (tl, q->kind_id);
  int64_t reach = kind ? kind->long_dur_ns : 0;
  int two = kind && tl->has_dur_index && kind->long_dur_ns < kind->max_dur_ns;
  sqlite3_stmt *stmt;
  int rc;

  *count = (MlsRangeCount) { 0, 0, 0, 0 };
  if (!kind)
    return 0;
  if (prepare_where (tl, q,
        "SELECT count (*), total (min (end_ns, ?3) - max (start_ns, ?4)),"
        " min (id), min (start_ns) FROM (SELECT * FROM span"
        " WHERE %s AND start_ns >= ?2 AND start_ns < ?3 AND end_ns > ?4"
        " AND dur_ns <= ?1 UNION ALL SELECT * FROM span"
        " WHERE ?5 AND %s AND dur_ns > ?1 AND " MLS_DUR_INDEX_WHERE
        " AND start_ns < ?3 AND end_ns > ?4)", &stmt, error) < 0)
    return -1;
  sqlite3_bind_int64 (stmt, 1, two ? reach : kind->max_dur_ns);
  sqlite3_bind_int64 (stmt, 2, q->start_ns - (two ? reach
                                                  : kind->max_dur_ns));
  sqlite3_bind_int64 (stmt, 3, q->end_ns);
  sqlite3_bind_int64 (stmt, 4, q->start_ns);
  sqlite3_bind_int (stmt, 5, two);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      count->count = sqlite3_column_int64 (stmt, 0);
      count->busy_ns = (int64_t) sqlite3_column_double (stmt, 1);
      count->first_id = sqlite3_column_int64 (stmt, 2);
      count->first_start_ns = sqlite3_column_int64 (stmt, 3);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW ? 0 : mls_timeline_fail (tl, error,
                                                   "cannot count spans");
}

int
mls_timeline_find_span (MlsTimeline *tl, const MlsLaneQuery *q,
                        MlsFindWhat what, int64_t at_ns, int64_t *span_id,
                        MlsError *error)
{
  const MlsTimelineKind *kind = mls_timeline_find_kind (tl, q->kind_id);
  static const char *const sql[] = {
    "SELECT id FROM span WHERE %s AND start_ns > ?1"
    " ORDER BY start_ns LIMIT 1",
    "SELECT id FROM span WHERE %s AND start_ns < ?1"
    " ORDER BY start_ns DESC LIMIT 1",
    "SELECT id FROM span WHERE %s AND start_ns >= ?2 AND start_ns < ?3"
    " AND end_ns > ?4 ORDER BY dur_ns DESC, start_ns LIMIT 1",
  };
  sqlite3_stmt *stmt;
  int rc;

  *span_id = 0;
  if (!kind)
    return 0;
  if (prepare_where (tl, q, sql[what], &stmt, error) < 0)
    return -1;
  if (what == MLS_FIND_LONGEST)
    {
      sqlite3_bind_int64 (stmt, 2, q->start_ns - kind->max_dur_ns);
      sqlite3_bind_int64 (stmt, 3, q->end_ns);
      sqlite3_bind_int64 (stmt, 4, q->start_ns);
    }
  else
    sqlite3_bind_int64 (stmt, 1, at_ns);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *span_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return mls_timeline_fail (tl, error, "cannot find a span");
  return 0;
}

int
mls_timeline_descendants (MlsTimeline *tl, int64_t span_id, int limit,
                          MlsTimelineSpanFunc func, void *data,
                          MlsError *error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (sqlite3_prepare_v2 (tl->db,
        "WITH RECURSIVE d (id) AS (SELECT id FROM span WHERE parent_id = ?1"
        " UNION ALL SELECT s.id FROM span s JOIN d ON s.parent_id = d.id"
        " LIMIT ?2) " MLS_SPAN_COLUMNS
        "WHERE id IN (SELECT id FROM d) ORDER BY start_ns, depth",
        -1, &stmt, NULL) != SQLITE_OK)
    return mls_timeline_fail (tl, error, "cannot read a span's children");
  sqlite3_bind_int64 (stmt, 1, span_id);
  sqlite3_bind_int (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MlsTimelineSpan span;

      mls_timeline_read_span (stmt, &span);
      func (&span, data);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? 0 : mls_timeline_fail (tl, error,
                                                    "cannot read a span's "
                                                    "children");
}
