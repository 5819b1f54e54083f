/*
 * mls-store-stats.c: the Model Activity Aggregation table: count, total,
 * average, min, median, max and standard deviation of span durations per
 * span kind (and per kind and model, per kind and process), precomputed
 * into span_kind_stats by mls_store_finish() (mls-store-stats-build.c) and
 * computed here in SQL for a time range or a set of processes.
 *
 * Definitions shared by both paths:
 *  - the duration figures are those of complete spans only; spans cut off
 *    (complete = 0: their end was never seen, so their duration is only a
 *    lower bound) are counted apart, in `incomplete`;
 *  - with a range, a span counts when it overlaps [start, end), with its
 *    whole duration: the table describes the operations seen in the range;
 *    clipped, with its time inside the range only (what the range spent);
 *  - median: the middle duration; for an even count the mean of the two
 *    middle ones, rounded down;
 *  - stddev: the population standard deviation;
 *  - share: the row's total time over the total time of all rows in the
 *    same lane (so a lane's shares add up to 1). It says how a lane's time
 *    divides among kinds (and models), not how busy the lane was.
 */
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

/* Aggregates of the spans FROM_WHERE selects (with `s` the span table),
 * grouped by kind, MODEL_EXPR and PID_EXPR (each NULL to sum over it): a
 * CTE named `live` with the columns of span_kind_stats. The median is read
 * from the middle row(s) of each group of complete spans sorted by
 * duration, without a second sort: the row at (n + 1) / 2 and, for an even
 * count, the one after it. */
static const char live_stats_cte[] =
  "WITH s AS (SELECT s.kind_id AS kind_id, %s AS model_id, %s AS pid,"
  "    %s AS dur_ns, s.complete AS complete %s),"
  "agg AS (SELECT kind_id, model_id, pid,"
  "    count (*) FILTER (WHERE complete) AS count,"
  "    count (*) FILTER (WHERE NOT complete) AS incomplete,"
  "    ifnull (sum (dur_ns) FILTER (WHERE complete), 0) AS total_ns,"
  "    avg (dur_ns) FILTER (WHERE complete) AS avg_ns,"
  "    min (dur_ns) FILTER (WHERE complete) AS min_ns,"
  "    max (dur_ns) FILTER (WHERE complete) AS max_ns,"
  "    mls_sqrt (max (total (dur_ns * 1.0 * dur_ns) FILTER (WHERE complete)"
  "                   / count (*) FILTER (WHERE complete)"
  "                   - avg (dur_ns) FILTER (WHERE complete)"
  "                     * avg (dur_ns) FILTER (WHERE complete), 0.0))"
  "      AS stddev_ns,"
  "    max (dur_ns) AS max_dur_ns"
  "  FROM s GROUP BY kind_id, model_id, pid),"
  "w AS (SELECT kind_id, model_id, pid, dur_ns,"
  "    lead (dur_ns) OVER win AS next,"
  "    row_number () OVER win AS rn,"
  "    count (*) OVER (win ROWS BETWEEN UNBOUNDED PRECEDING"
  "                     AND UNBOUNDED FOLLOWING) AS n"
  "  FROM s WHERE complete"
  "  WINDOW win AS (PARTITION BY kind_id, model_id, pid ORDER BY dur_ns)),"
  "med AS (SELECT kind_id, model_id, pid,"
  "    CASE WHEN n & 1 THEN dur_ns ELSE (dur_ns + next) / 2 END AS median_ns"
  "  FROM w WHERE rn = (n + 1) / 2),"
  "live AS (SELECT a.kind_id, a.model_id, a.pid, a.count, a.incomplete,"
  "    a.total_ns, a.avg_ns, a.min_ns, m.median_ns, a.max_ns, a.stddev_ns,"
  "    a.max_dur_ns"
  "  FROM agg a LEFT JOIN med m ON m.kind_id = a.kind_id"
  "    AND m.model_id IS a.model_id AND m.pid IS a.pid) ";

/* The table's rows: live ones and precomputed ones (a condition on
 * span_kind_stats), with names and shares. */
static const char stats_select[] =
  "SELECT x.kind_id, k.lane, k.label, ifnull (x.model_id, 0), m.name,"
  "  ifnull (x.pid, 0), p.name, x.count, x.incomplete, x.total_ns,"
  "  x.avg_ns, x.min_ns, x.median_ns, x.max_ns, x.stddev_ns,"
  "  ifnull (x.total_ns * 1.0"
  "          / nullif (sum (x.total_ns) OVER (PARTITION BY k.lane), 0), 0)"
  " FROM (SELECT * FROM live UNION ALL"
  "       SELECT kind_id, model_id, pid, count, incomplete, total_ns,"
  "         avg_ns, min_ns, median_ns, max_ns, stddev_ns, max_dur_ns"
  "       FROM span_kind_stats WHERE %s) x"
  " JOIN span_kind k ON k.id = x.kind_id"
  " LEFT JOIN model m ON m.id = x.model_id"
  " LEFT JOIN process p ON p.pid = x.pid"
  " ORDER BY k.sort_order, m.name IS NULL, m.name, x.pid";

/* Spans overlapping [?1, ?2): span_kind_start bounds the scan per kind to
 * starts in [?1 - longest span of the kind, ?2). */
static const char range_from_where[] =
  "FROM span_kind k JOIN span s ON s.kind_id = k.id"
  " WHERE s.start_ns < ?2 AND s.end_ns > ?1"
  " AND s.start_ns >= ?1 - ifnull ((SELECT max_dur_ns FROM span_kind_stats t"
  "   WHERE t.kind_id = k.id AND t.model_id IS NULL AND t.pid IS NULL), 0)";

char *
mls_stats_live_sql (const char *model_expr, const char *pid_expr,
                    const char *from_where)
{
  return sqlite3_mprintf (live_stats_cte, model_expr, pid_expr, "s.dur_ns",
                          from_where);
}

/* ?3: the processes asked for, ?4 the threads, as JSON arrays. */
#define PID_FILTER "pid IN (SELECT value FROM json_each (?3))"
#define TID_FILTER " AND s.tid IN (SELECT value FROM json_each (?4))"
/* A span's time inside [?1, ?2). */
#define CLIPPED_DUR "min (s.end_ns, ?2) - max (s.start_ns, ?1)"

/*
 * The SQL for a query. span_kind_stats answers whole-recording queries
 * for all processes or one; spans without a model (which it cannot hold
 * per model: model_id NULL means all models there) are few and computed
 * live. A range or several processes are computed live over the spans.
 */
static char *
stats_sql (const MlsStatsQuery *query)
{
  int stored = !query->has_range && query->n_pids <= 1 && !query->n_tids;
  const char *model = query->by_model ? "s.model_id" : "NULL";
  const char *pid = query->by_process ? "s.pid" : "NULL";
  char *pids = sqlite3_mprintf ("%s%s", query->n_pids ? " AND s." PID_FILTER
                                : "", query->n_tids ? TID_FILTER : "");
  char *from_where, *cte, *condition, *select, *sql = NULL;

  if (stored)
    from_where = sqlite3_mprintf ("FROM span s WHERE %s%s", query->by_model
                                  ? "s.model_id IS NULL" : "0", pids);
  else
    from_where = sqlite3_mprintf ("%s%s", query->has_range
                                  ? range_from_where : "FROM span s WHERE 1",
                                  pids);
  cte = sqlite3_mprintf (live_stats_cte, model, pid,
                         query->has_range && query->clip ? CLIPPED_DUR
                                                         : "s.dur_ns",
                         from_where);
  condition = sqlite3_mprintf ("%s AND %s", query->by_model
                               ? "model_id NOT NULL" : "model_id IS NULL",
                               query->n_pids ? PID_FILTER
                               : query->by_process ? "pid NOT NULL"
                                                   : "pid IS NULL");
  select = sqlite3_mprintf (stats_select, stored ? condition : "0");
  if (cte && select)
    sql = sqlite3_mprintf ("%s%s", cte, select);
  sqlite3_free (from_where);
  sqlite3_free (pids);
  sqlite3_free (cte);
  sqlite3_free (condition);
  sqlite3_free (select);
  return sql;
}

char *
mls_ids_json (const int64_t *ids, size_t n)
{
  char *json = sqlite3_mprintf ("[");

  for (size_t i = 0; json && i < n; i++)
    {
      char *longer = sqlite3_mprintf ("%s%s%lld", json, i ? "," : "",
                                      (long long) ids[i]);
      sqlite3_free (json);
      json = longer;
    }
  if (json)
    {
      char *closed = sqlite3_mprintf ("%s]", json);
      sqlite3_free (json);
      json = closed;
    }
  return json;
}

static sqlite3_stmt *
prepare_query (MlsStore *store, const MlsStatsQuery *query)
{
  sqlite3_stmt *stmt = NULL;
  char *sql = stats_sql (query);
  char *pids = mls_ids_json (query->pids, query->n_pids);
  char *tids = mls_ids_json (query->tids, query->n_tids);

  if (sql == NULL || pids == NULL || tids == NULL
      || sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    stmt = NULL;
  sqlite3_free (sql);
  if (stmt && query->has_range)
    {
      sqlite3_bind_int64 (stmt, 1, query->range_start_ns);
      sqlite3_bind_int64 (stmt, 2, query->range_end_ns);
    }
  if (stmt && query->n_pids)
    sqlite3_bind_text (stmt, 3, pids, -1, SQLITE_TRANSIENT);
  if (stmt && query->n_tids)
    sqlite3_bind_text (stmt, 4, tids, -1, SQLITE_TRANSIENT);
  sqlite3_free (pids);
  sqlite3_free (tids);
  return stmt;
}

static char *
column_strdup (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);
  return text ? strdup ((const char *) text) : NULL;
}

static void
read_row (sqlite3_stmt *stmt, MlsStatsRow *row)
{
  row->kind_id = sqlite3_column_int (stmt, 0);
  row->lane = column_strdup (stmt, 1);
  row->label = column_strdup (stmt, 2);
  row->model_id = sqlite3_column_int64 (stmt, 3);
  row->model = column_strdup (stmt, 4);
  row->pid = sqlite3_column_int64 (stmt, 5);
  row->process = column_strdup (stmt, 6);
  row->count = sqlite3_column_int64 (stmt, 7);
  row->incomplete = sqlite3_column_int64 (stmt, 8);
  row->total_ns = sqlite3_column_int64 (stmt, 9);
  row->avg_ns = sqlite3_column_double (stmt, 10);
  row->min_ns = sqlite3_column_int64 (stmt, 11);
  row->median_ns = sqlite3_column_int64 (stmt, 12);
  row->max_ns = sqlite3_column_int64 (stmt, 13);
  row->stddev_ns = sqlite3_column_double (stmt, 14);
  row->share = sqlite3_column_double (stmt, 15);
}

int
mls_store_query_stats (MlsStore *store, const MlsStatsQuery *query,
                       MlsStatsRow **rows, size_t *n_rows, MlsError *error)
{
  sqlite3_stmt *stmt = prepare_query (store, query);
  MlsStatsRow *list = NULL;
  size_t n = 0, allocated = 0;
  int rc;

  *rows = NULL;
  *n_rows = 0;
  if (stmt == NULL)
    {
      mls_error_sqlite (store, error, "cannot query statistics");
      return -1;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (n == allocated)
        {
          allocated = allocated ? 2 * allocated : 32;
          MlsStatsRow *bigger = realloc (list, allocated * sizeof *list);
          if (bigger == NULL)
            {
              rc = SQLITE_NOMEM;
              break;
            }
          list = bigger;
        }
      read_row (stmt, &list[n++]);
    }
  if (rc != SQLITE_DONE)
    {
      mls_error_sqlite (store, error, "cannot query statistics");
      sqlite3_finalize (stmt);
      mls_stats_rows_free (list, n);
      return -1;
    }
  sqlite3_finalize (stmt);
  *rows = list;
  *n_rows = n;
  return 0;
}

void
mls_stats_rows_free (MlsStatsRow *rows, size_t n_rows)
{
  for (size_t i = 0; i < n_rows; i++)
    {
      free (rows[i].lane);
      free (rows[i].label);
      free (rows[i].model);
      free (rows[i].process);
    }
  free (rows);
}

int
mls_store_count_incomplete (MlsStore *store, const MlsStatsQuery *query,
                            int64_t cut[MLS_CUT_UNKNOWN + 1], MlsError *error)
{
  char *pids = mls_ids_json (query->pids, query->n_pids);
  char *tids = mls_ids_json (query->tids, query->n_tids);
  char *sql = sqlite3_mprintf ("SELECT s.incomplete_reason, count (*)"
                               " FROM span s WHERE s.complete = 0%s%s%s"
                               " GROUP BY 1", query->has_range
                               ? " AND s.start_ns < ?2 AND s.end_ns > ?1"
                               : "", query->n_pids ? " AND s." PID_FILTER
                                                   : "",
                               query->n_tids ? TID_FILTER : "");
  sqlite3_stmt *stmt = NULL;
  int rc = sql && pids ? sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL)
                       : SQLITE_NOMEM;

  memset (cut, 0, (MLS_CUT_UNKNOWN + 1) * sizeof *cut);
  if (rc == SQLITE_OK && query->has_range)
    {
      sqlite3_bind_int64 (stmt, 1, query->range_start_ns);
      sqlite3_bind_int64 (stmt, 2, query->range_end_ns);
    }
  if (rc == SQLITE_OK && query->n_pids)
    sqlite3_bind_text (stmt, 3, pids, -1, SQLITE_TRANSIENT);
  if (rc == SQLITE_OK && query->n_tids)
    sqlite3_bind_text (stmt, 4, tids, -1, SQLITE_TRANSIENT);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MlsCutReason reason = mls_cut_reason_from_name (
        (const char *) sqlite3_column_text (stmt, 0));
      cut[reason == MLS_CUT_NONE ? MLS_CUT_UNKNOWN : reason]
        += sqlite3_column_int64 (stmt, 1);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  sqlite3_free (sql);
  sqlite3_free (pids);
  sqlite3_free (tids);
  if (rc != SQLITE_DONE)
    {
      mls_error_sqlite (store, error, "cannot count incomplete spans");
      return -1;
    }
  return 0;
}

int
mls_store_find_processes (MlsStore *store, const char *name, int64_t **pids,
                          size_t *n_pids, MlsError *error)
{
  sqlite3_stmt *stmt = NULL;
  int64_t *list = NULL;
  size_t n = 0;
  int rc;

  *pids = NULL;
  *n_pids = 0;
  if (sqlite3_prepare_v2 (store->db, "SELECT pid FROM process WHERE name = ?1"
                          " ORDER BY pid", -1, &stmt, NULL) != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot read processes");
      return -1;
    }
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int64_t *bigger = realloc (list, (n + 1) * sizeof *list);
      if (bigger == NULL)
        {
          rc = SQLITE_NOMEM;
          break;
        }
      list = bigger;
      list[n++] = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      free (list);
      mls_error_set (error, "%s: cannot read processes", store->path);
      return -1;
    }
  *pids = list;
  *n_pids = n;
  return 0;
}
