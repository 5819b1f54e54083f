/*
 * mls-store-durations.c: the durations of one row of the aggregation
 * table, complete spans only, shortest first. The query reaches the row's
 * spans through their runs (span_run: a thread's spans of one kind and
 * model have consecutive ids) and lets SQLite sort them; nothing but the
 * cursor is held here, so a row of millions of spans streams.
 */
#include <stdlib.h>

#include "mls-store-durations.h"
#include "mls-store-private.h"

struct MlsDurations {
  MlsStore *store;
  sqlite3_stmt *stmt;
};

/* ?1 kind, ?2 model (NULL: spans without one), ?3 pids as JSON, ?4 the
 * part of the kind's spans. */
char *
mls_durations_sql (const MlsDurationsQuery *query)
{
  int part = query->part != MLS_PART_ALL;

  return sqlite3_mprintf ("SELECT span.dur_ns FROM span_run CROSS JOIN span"
                          " ON span.id BETWEEN span_run.first_id"
                          " AND span_run.last_id%s"
                          " WHERE %s span_run.kind_id = ?1%s%s"
                          " AND span.complete ORDER BY span.dur_ns",
                          part ? MLS_LOAD_CACHE_JOIN ("span") : "",
                          query->by_model
                          ? "span_run.model_id = ifnull (?2, 0) AND" : "",
                          query->n_pids
                          ? " AND span_run.pid IN"
                            " (SELECT value FROM json_each (?3))"
                          : "",
                          part ? " AND " MLS_LOAD_PART_SQL ("span") " = ?4"
                               : "");
}

static sqlite3_stmt *
prepare (MlsStore *store, const MlsDurationsQuery *query)
{
  char *sql = mls_durations_sql (query);
  char *pids = mls_ids_json (query->pids, query->n_pids);
  sqlite3_stmt *stmt = NULL;

  if (sql && pids
      && sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, query->kind_id);
      if (query->model_id)
        sqlite3_bind_int64 (stmt, 2, query->model_id);
      else
        sqlite3_bind_null (stmt, 2);
      sqlite3_bind_text (stmt, 3, pids, -1, SQLITE_TRANSIENT);
      if (query->part != MLS_PART_ALL)
        sqlite3_bind_int (stmt, 4, (int) query->part);
    }
  sqlite3_free (sql);
  sqlite3_free (pids);
  return stmt;
}

MlsDurations *
mls_store_durations_open (MlsStore *store, const MlsDurationsQuery *query,
                          MlsError *error)
{
  MlsDurations *durations = calloc (1, sizeof *durations);

  if (durations == NULL)
    {
      mls_error_set (error, "%s: out of memory", store->path);
      return NULL;
    }
  durations->store = store;
  durations->stmt = prepare (store, query);
  if (durations->stmt == NULL)
    {
      mls_error_sqlite (store, error, "cannot read durations");
      free (durations);
      return NULL;
    }
  return durations;
}

int
mls_durations_next (MlsDurations *durations, int64_t *dur_ns,
                    MlsError *error)
{
  int rc = sqlite3_step (durations->stmt);

  if (rc == SQLITE_ROW)
    {
      *dur_ns = sqlite3_column_int64 (durations->stmt, 0);
      return 1;
    }
  if (rc == SQLITE_DONE)
    return 0;
  mls_error_sqlite (durations->store, error, "cannot read durations");
  return -1;
}

void
mls_durations_close (MlsDurations *durations)
{
  if (durations == NULL)
    return;
  sqlite3_finalize (durations->stmt);
  free (durations);
}
