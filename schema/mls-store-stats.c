/*
 * mls-store-stats.c: the Model Activity Aggregation table: count, total,
 * average, min, median, max and standard deviation of span durations per
 * span kind (and per kind and model), precomputed into span_kind_stats by
 * mls_store_finish() (mls-store-stats-build.c) and computed here in SQL
 * for a time range.
 *
 * Definitions shared by both paths:
 *  - every span counts, including incomplete ones (complete = 0), with the
 *    duration up to the last event seen from their process;
 *  - with a range, a span counts when it overlaps [start, end), with its
 *    whole duration: the table describes the operations seen in the range;
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
 * grouped by kind and by MODEL_EXPR (NULL for one row per kind;
 * PARTITION lists the grouping columns): a CTE named `live` with the
 * columns of span_kind_stats. The median is read from the middle row(s) of
 * each group sorted by duration, without a second sort: the row at
 * (n + 1) / 2 and, for an even count, the one after it. */
#define LIVE_STATS_CTE(MODEL_EXPR, PARTITION, FROM_WHERE) \
  "WITH s AS (SELECT s.kind_id AS kind_id, " MODEL_EXPR " AS model_id," \
  "    s.dur_ns AS dur_ns " FROM_WHERE ")," \
  "agg AS (SELECT kind_id, model_id, count (*) AS count," \
  "    sum (dur_ns) AS total_ns, avg (dur_ns) AS avg_ns," \
  "    min (dur_ns) AS min_ns, max (dur_ns) AS max_ns," \
  "    mls_sqrt (max (total (dur_ns * 1.0 * dur_ns) / count (*)" \
  "                   - avg (dur_ns) * avg (dur_ns), 0.0)) AS stddev_ns" \
  "  FROM s GROUP BY kind_id, model_id)," \
  "w AS (SELECT kind_id, model_id, dur_ns," \
  "    lead (dur_ns) OVER win AS next," \
  "    row_number () OVER win AS rn," \
  "    count (*) OVER (win ROWS BETWEEN UNBOUNDED PRECEDING" \
  "                     AND UNBOUNDED FOLLOWING) AS n" \
  "  FROM s WINDOW win AS (PARTITION BY " PARTITION " ORDER BY dur_ns))," \
  "med AS (SELECT kind_id, model_id," \
  "    CASE WHEN n & 1 THEN dur_ns ELSE (dur_ns + next) / 2 END AS median_ns" \
  "  FROM w WHERE rn = (n + 1) / 2)," \
  "live AS (SELECT a.kind_id, a.model_id, a.count, a.total_ns, a.avg_ns," \
  "    a.min_ns, m.median_ns, a.max_ns, a.stddev_ns, a.max_ns AS max_dur_ns" \
  "  FROM agg a JOIN med m" \
  "    ON m.kind_id = a.kind_id AND m.model_id IS a.model_id) "

/* The table's rows: precomputed ones (`stored`, a condition on
 * span_kind_stats) and live ones (`live`), with names and shares. */
#define STATS_SELECT \
  "SELECT x.kind_id, k.lane, k.label, ifnull (x.model_id, 0), m.name," \
  "  x.count, x.total_ns, x.avg_ns, x.min_ns, x.median_ns, x.max_ns," \
  "  x.stddev_ns," \
  "  x.total_ns * 1.0 / sum (x.total_ns) OVER (PARTITION BY k.lane)" \
  " FROM (SELECT * FROM live UNION ALL" \
  "       SELECT * FROM span_kind_stats WHERE %s) x" \
  " JOIN span_kind k ON k.id = x.kind_id" \
  " LEFT JOIN model m ON m.id = x.model_id" \
  " ORDER BY k.sort_order, m.name IS NULL, m.name"

/* Spans overlapping [?1, ?2): span_kind_start bounds the scan per kind to
 * starts in [?1 - longest span of the kind, ?2). */
#define RANGE_FROM_WHERE \
  "FROM span_kind k JOIN span s ON s.kind_id = k.id" \
  " WHERE s.start_ns < ?2 AND s.end_ns > ?1" \
  " AND s.start_ns >= ?1 - ifnull ((SELECT max_dur_ns FROM span_kind_stats t" \
  "   WHERE t.kind_id = k.id AND t.model_id IS NULL), 0)"

static const char per_kind_sql[] =
  LIVE_STATS_CTE ("NULL", "kind_id", "FROM span s WHERE 0") STATS_SELECT;
/* Spans without a model cannot be stored per model (model_id NULL means
 * all models there); they are few and computed live. */
static const char per_model_sql[] =
  LIVE_STATS_CTE ("NULL", "kind_id", "FROM span s WHERE s.model_id IS NULL")
  STATS_SELECT;
static const char range_per_kind_sql[] =
  LIVE_STATS_CTE ("NULL", "kind_id", RANGE_FROM_WHERE) STATS_SELECT;
static const char range_per_model_sql[] =
  LIVE_STATS_CTE ("s.model_id", "kind_id, model_id", RANGE_FROM_WHERE)
  STATS_SELECT;

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
  row->count = sqlite3_column_int64 (stmt, 5);
  row->total_ns = sqlite3_column_int64 (stmt, 6);
  row->avg_ns = sqlite3_column_double (stmt, 7);
  row->min_ns = sqlite3_column_int64 (stmt, 8);
  row->median_ns = sqlite3_column_int64 (stmt, 9);
  row->max_ns = sqlite3_column_int64 (stmt, 10);
  row->stddev_ns = sqlite3_column_double (stmt, 11);
  row->share = sqlite3_column_double (stmt, 12);
}

static sqlite3_stmt *
prepare_query (MlsStore *store, const MlsStatsQuery *query)
{
  const char *sql;
  const char *stored;
  sqlite3_stmt *stmt = NULL;
  char *text;

  if (query->has_range)
    {
      sql = query->by_model ? range_per_model_sql : range_per_kind_sql;
      stored = "0";
    }
  else
    {
      sql = query->by_model ? per_model_sql : per_kind_sql;
      stored = query->by_model ? "model_id IS NOT NULL" : "model_id IS NULL";
    }
  text = sqlite3_mprintf (sql, stored);
  if (text == NULL
      || sqlite3_prepare_v2 (store->db, text, -1, &stmt, NULL) != SQLITE_OK)
    stmt = NULL;
  sqlite3_free (text);
  if (stmt && query->has_range)
    {
      sqlite3_bind_int64 (stmt, 1, query->range_start_ns);
      sqlite3_bind_int64 (stmt, 2, query->range_end_ns);
    }
  return stmt;
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
    }
  free (rows);
}
