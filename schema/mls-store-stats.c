/*
 * mls-store-stats.c: the Model Activity Aggregation table: count, total,
 * average, min, median, max and standard deviation of span durations per
 * span kind (and per kind and model, per kind and process), precomputed
 * into span_kind_stats by mls_store_finish() (mls-store-stats-build.c) and
 * computed here, with the same code, for a time range or a set of
 * processes or threads.
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
 *    divides among kinds (and models), not how busy the lane was;
 *  - Model Load rows are followed by their parts, "Model Load, uncached"
 *    and "Model Load, cached", as mlrt-report words them: a load is
 *    uncached when it measured its placement or missed the compile cache
 *    (its span's placement and cache arguments), cached when it found
 *    what it looked up and missed nothing. Loads that looked nothing up
 *    (in-memory models with one unit to choose from) are in neither. The
 *    parts are computed live from the load spans, which are few, and do
 *    not count again in the lane's shares.
 *
 * A range is read run by run (schema.sql's span_run): each run's spans
 * that can overlap it are a range of ids found in span_block, so the query
 * costs the spans in the range plus a few index probes per run, whatever
 * the trace's length.
 */
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

typedef MlsStatsRaw RawRow;

typedef struct {
  RawRow *rows;
  size_t n, allocated;
} RawRows;

static int
add_raw (RawRows *r, RawRow row)
{
  if (r->n == r->allocated)
    {
      size_t allocated = r->allocated ? 2 * r->allocated : 32;
      RawRow *bigger = realloc (r->rows, allocated * sizeof *bigger);

      if (bigger == NULL)
        return -1;
      r->rows = bigger;
      r->allocated = allocated;
    }
  r->rows[r->n++] = row;
  return 0;
}

/* ?3: the processes asked for, ?4 the threads, as JSON arrays. */
#define PID_FILTER "pid IN (SELECT value FROM json_each (?3))"
#define TID_FILTER "tid IN (SELECT value FROM json_each (?4))"

/* The spans of the runs `run_where` selects (with `r` the run) that
 * overlap [?1, ?2) (with a range): from the last block starting before
 * the range less the run's longest span, to the last starting before its
 * end. CROSS JOIN keeps the runs the outer loop: each run's spans are a
 * range of ids. */
static const char range_spans[] =
  "SELECT r.kind_id, r.model_id, r.pid, %s, s.complete, %s"
  " FROM span_run r CROSS JOIN span s ON s.id BETWEEN"
  "   ifnull ((SELECT b.first_id FROM span_block b WHERE b.run_id = r.id"
  "     AND b.start_ns < ?1 - r.max_dur_ns"
  "     ORDER BY b.start_ns DESC, b.first_id DESC LIMIT 1), r.first_id)"
  "   AND (SELECT b.last_id FROM span_block b WHERE b.run_id = r.id"
  "     AND b.start_ns < ?2 ORDER BY b.start_ns DESC, b.first_id DESC"
  "     LIMIT 1)%s"
  " WHERE r.first_start_ns < ?2 AND r.max_end_ns > ?1"
  "   AND s.start_ns < ?2 AND s.end_ns > ?1%s";

static const char whole_spans[] =
  "SELECT r.kind_id, r.model_id, r.pid, s.dur_ns, s.complete, %s"
  " FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id"
  "%s WHERE 1%s";

/* The spans of a query, as (kind, model, pid, duration, complete, part);
 * only those without a model when no_model_only; with load_parts only the
 * Model Load spans, each with its part (otherwise 0). */
static char *
spans_sql (const MlsStatsQuery *query, int no_model_only, int load_parts)
{
  char *where = sqlite3_mprintf ("%s%s%s%s",
                                 no_model_only ? " AND r.model_id = 0" : "",
                                 load_parts ? " AND r.kind_id = 2" : "",
                                 query->n_pids ? " AND r." PID_FILTER : "",
                                 query->n_tids ? " AND r." TID_FILTER : "");
  char *sql = NULL;

  const char *part = load_parts ? MLS_LOAD_PART_SQL ("s") : "0";
  const char *join = load_parts ? MLS_LOAD_CACHE_JOIN ("s") : "";

  if (where && query->has_range)
    sql = sqlite3_mprintf (range_spans, query->clip
                           ? "min (s.end_ns, ?2) - max (s.start_ns, ?1)"
                           : "s.dur_ns", part, join, where);
  else if (where)
    sql = sqlite3_mprintf (whole_spans, part, join, where);
  sqlite3_free (where);
  return sql;
}

char *
mls_ids_json (const int64_t *ids, size_t n)
{
  sqlite3_str *json = sqlite3_str_new (NULL);

  sqlite3_str_appendchar (json, 1, '[');
  for (size_t i = 0; i < n; i++)
    sqlite3_str_appendf (json, "%s%lld", i ? "," : "", (long long) ids[i]);
  sqlite3_str_appendchar (json, 1, ']');
  return sqlite3_str_finish (json);
}

static sqlite3_stmt *
prepare (MlsStore *store, const MlsStatsQuery *query, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *pids, *tids;

  if (sql == NULL
      || sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  pids = mls_ids_json (query->pids, query->n_pids);
  tids = mls_ids_json (query->tids, query->n_tids);
  if (query->has_range)
    {
      sqlite3_bind_int64 (stmt, 1, query->range_start_ns);
      sqlite3_bind_int64 (stmt, 2, query->range_end_ns);
    }
  if (query->n_pids && sqlite3_bind_parameter_index (stmt, "?3"))
    sqlite3_bind_text (stmt, 3, pids, -1, SQLITE_TRANSIENT);
  if (query->n_tids && sqlite3_bind_parameter_index (stmt, "?4"))
    sqlite3_bind_text (stmt, 4, tids, -1, SQLITE_TRANSIENT);
  sqlite3_free (pids);
  sqlite3_free (tids);
  return stmt;
}

/* A span read for a live row. */
typedef struct {
  int kind;
  int part;
  int64_t model;
  int64_t pid;
  int64_t dur_ns;
  int complete;
} Item;

static int
compare_item (const void *a, const void *b)
{
  const Item *x = a, *y = b;

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->part != y->part)
    return x->part < y->part ? -1 : 1;
  if (x->model != y->model)
    return x->model < y->model ? -1 : 1;
  return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* The rows of the spans `sql` reads, grouped by kind, part and, as asked,
 * model and process; with parts_only, the spans of part 0 are left out. */
static int
live_rows (MlsStore *store, const MlsStatsQuery *query, const char *sql,
           int parts_only, RawRows *out)
{
  sqlite3_stmt *stmt = prepare (store, query, sql);
  Item *items = NULL;
  int64_t *d = NULL;
  size_t n = 0, allocated = 0;
  int rc = stmt ? SQLITE_OK : SQLITE_ERROR;

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (n == allocated)
        {
          Item *bigger;

          allocated = allocated ? 2 * allocated : 1024;
          if ((bigger = realloc (items, allocated * sizeof *items)) == NULL)
            {
              rc = SQLITE_NOMEM;
              break;
            }
          items = bigger;
        }
      items[n] = (Item) {
        sqlite3_column_int (stmt, 0), sqlite3_column_int (stmt, 5),
        query->by_model ? sqlite3_column_int64 (stmt, 1) : -1,
        query->by_process ? sqlite3_column_int64 (stmt, 2) : 0,
        sqlite3_column_int64 (stmt, 3), sqlite3_column_int (stmt, 4),
      };
      n += !parts_only || items[n].part != 0;
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE && n > 0 && (d = malloc (n * sizeof *d)) == NULL)
    rc = SQLITE_NOMEM;
  if (rc == SQLITE_DONE && n > 0)
    qsort (items, n, sizeof *items, compare_item);
  for (size_t i = 0, j; rc == SQLITE_DONE && i < n; i = j)
    {
      RawRow row = { items[i].kind, items[i].model, items[i].pid,
                     items[i].part };
      size_t n_d = 0;
      int64_t cut = 0, max_dur = 0;

      for (j = i; j < n && compare_item (&items[i], &items[j]) == 0; j++)
        {
          if (items[j].dur_ns > max_dur)
            max_dur = items[j].dur_ns;
          if (items[j].complete)
            d[n_d++] = items[j].dur_ns;
          else
            cut++;
        }
      mls_figures_compute (d, n_d, cut, max_dur, &row.f);
      if (add_raw (out, row))
        rc = SQLITE_NOMEM;
    }
  free (items);
  free (d);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Whole-recording rows for all processes or one, as finish stored them. */
static int
stored_rows (MlsStore *store, const MlsStatsQuery *query, RawRows *out)
{
  char *sql = sqlite3_mprintf (
    "SELECT kind_id, ifnull (model_id, -1), ifnull (pid, 0), count,"
    " incomplete, total_ns, avg_ns, min_ns, median_ns, max_ns, stddev_ns"
    " FROM span_kind_stats WHERE %s AND %s",
    query->by_model ? "model_id NOT NULL" : "model_id IS NULL",
    query->n_pids ? PID_FILTER : query->by_process ? "pid NOT NULL"
                                                   : "pid IS NULL");
  sqlite3_stmt *stmt = prepare (store, query, sql);
  int rc = stmt ? SQLITE_OK : SQLITE_ERROR;

  sqlite3_free (sql);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      /* One process's stored row answers for the query's process set,
       * as live rows do (pid 0), and sorts with their parts. */
      RawRow row = {
        sqlite3_column_int (stmt, 0), sqlite3_column_int64 (stmt, 1),
        query->by_process ? sqlite3_column_int64 (stmt, 2) : 0, MLS_PART_ALL,
        { .count = sqlite3_column_int64 (stmt, 3),
          .incomplete = sqlite3_column_int64 (stmt, 4),
          .total_ns = sqlite3_column_int64 (stmt, 5),
          .avg_ns = sqlite3_column_double (stmt, 6),
          .min_ns = sqlite3_column_int64 (stmt, 7),
          .median_ns = sqlite3_column_int64 (stmt, 8),
          .max_ns = sqlite3_column_int64 (stmt, 9),
          .stddev_ns = sqlite3_column_double (stmt, 10) },
      };

      rc = add_raw (out, row) ? SQLITE_NOMEM : SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * span_kind_stats answers whole-recording queries for all processes or
 * one; spans without a model (which it cannot hold per model: model_id
 * NULL means all models there) are few and computed live. A range or
 * several processes or threads are computed live over the spans.
 */
static int
raw_rows (MlsStore *store, const MlsStatsQuery *query, RawRows *out)
{
  int stored = !query->has_range && query->n_pids <= 1 && !query->n_tids;
  char *sql = spans_sql (query, stored, 0);
  char *loads = spans_sql (query, 0, 1);
  int rc = -1;

  if (sql && loads && (!stored || query->by_model))
    rc = live_rows (store, query, sql, 0, out);
  else if (sql && loads)
    rc = 0;
  if (rc == 0 && stored)
    rc = stored_rows (store, query, out);
  if (rc == 0)
    rc = live_rows (store, query, loads, 1, out);
  sqlite3_free (sql);
  sqlite3_free (loads);
  return rc;
}

int
mls_store_query_stats (MlsStore *store, const MlsStatsQuery *query,
                       MlsStatsRow **rows, size_t *n_rows, MlsError *error)
{
  RawRows raw = { 0 };
  MlsStatsRow *list = NULL;
  int rc;

  *rows = NULL;
  *n_rows = 0;
  rc = raw_rows (store, query, &raw);
  if (rc == 0)
    rc = mls_stats_name_rows (store, raw.rows, raw.n, &list);
  if (rc != 0)
    {
      mls_error_sqlite (store, error, "cannot query statistics");
      free (raw.rows);
      return -1;
    }
  *rows = list;
  *n_rows = raw.n;
  free (raw.rows);
  return 0;
}

int
mls_store_count_incomplete (MlsStore *store, const MlsStatsQuery *query,
                            int64_t cut[MLS_CUT_UNKNOWN + 1], MlsError *error)
{
  char *sql = sqlite3_mprintf ("SELECT s.incomplete_reason, count (*)"
                               " FROM span s WHERE s.complete = 0%s%s%s"
                               " GROUP BY 1", query->has_range
                               ? " AND s.start_ns < ?2 AND s.end_ns > ?1"
                               : "", query->n_pids ? " AND s." PID_FILTER
                                                   : "",
                               query->n_tids ? " AND s." TID_FILTER : "");
  sqlite3_stmt *stmt = prepare (store, query, sql);
  int rc = stmt ? SQLITE_OK : SQLITE_ERROR;

  memset (cut, 0, (MLS_CUT_UNKNOWN + 1) * sizeof *cut);
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
  if (rc != SQLITE_DONE)
    {
      mls_error_sqlite (store, error, "cannot count incomplete spans");
      return -1;
    }
  return 0;
}
