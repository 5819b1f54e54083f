/*
 * mls-store-write.c: filling a new trace database (the collector's side):
 * meta facts, interned processes / threads / models, spans and lost
 * events, then mls_store_finish(), which builds the indexes, aggregates and
 * summary and renames the file into place.
 *
 * Every call binds a statement prepared once by mls_store_create(); all of
 * them run inside the one transaction that finish commits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mls-store-private.h"

static int
check_writing (MlsStore *store, MlsError *error)
{
  if (!store->writing)
    {
      mls_error_set (error, "%s: the database is not open for writing",
                     store->path);
      return -1;
    }
  if (store->failed)
    {
      mls_error_set (error, "%s: an earlier write failed; the import "
                     "cannot be finished", store->path);
      return -1;
    }
  return 0;
}

/* Steps a statement expected to finish (or return one row id). */
static int
step (MlsStore *store, sqlite3_stmt *stmt, const char *what, int64_t *row_id,
      MlsError *error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW && row_id != NULL)
    {
      *row_id = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_DONE)
    {
      mls_error_sqlite (store, error, what);
      sqlite3_reset (stmt);
      /* With the journal off a failed statement cannot be rolled back
       * reliably; the import is over. */
      store->failed = 1;
      return -1;
    }
  sqlite3_reset (stmt);
  return 0;
}

int
mls_store_set_meta_text (MlsStore *store, const char *key, const char *value,
                         MlsError *error)
{
  sqlite3_stmt *stmt = store->stmts[MLS_STMT_META];

  if (check_writing (store, error))
    return -1;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 2);
  return step (store, stmt, "cannot set meta", NULL, error);
}

int
mls_store_set_meta_int (MlsStore *store, const char *key, int64_t value,
                        MlsError *error)
{
  sqlite3_stmt *stmt = store->stmts[MLS_STMT_META];

  if (check_writing (store, error))
    return -1;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, value);
  return step (store, stmt, "cannot set meta", NULL, error);
}

static void
bind_text_or_null (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

int64_t
mls_store_intern_process (MlsStore *store, int64_t pid, const char *name,
                          MlsError *error)
{
  sqlite3_stmt *stmt = store->stmts[MLS_STMT_PROCESS];
  int64_t id = -1;

  if (check_writing (store, error))
    return -1;
  /* A repeated lookup without a new name changes nothing. */
  if (pid == store->last_pid && name == NULL)
    return store->last_pid_row;
  sqlite3_bind_int64 (stmt, 1, pid);
  bind_text_or_null (stmt, 2, name);
  if (step (store, stmt, "cannot add a process", &id, error))
    return -1;
  store->last_pid = pid;
  store->last_pid_row = id;
  return id;
}

int
mls_store_set_process_facts (MlsStore *store, int64_t pid,
                             const char *cmdline, MlsProcessState state,
                             int exit_status, MlsError *error)
{
  static const char *const states[] = {
    [MLS_PROCESS_STATE_UNKNOWN] = NULL, [MLS_PROCESS_EXITED] = "exited",
    [MLS_PROCESS_KILLED] = "killed", [MLS_PROCESS_ENDED] = "ended",
    [MLS_PROCESS_RUNNING] = "running",
  };
  sqlite3_stmt *stmt = store->stmts[MLS_STMT_PROCESS_FACTS];
  int known = state == MLS_PROCESS_EXITED || state == MLS_PROCESS_KILLED;

  if (check_writing (store, error))
    return -1;
  if ((unsigned) state > MLS_PROCESS_RUNNING)
    {
      mls_error_set (error, "%s: process %lld: unknown state %d", store->path,
                     (long long) pid, (int) state);
      return -1;
    }
  sqlite3_bind_int64 (stmt, 1, pid);
  bind_text_or_null (stmt, 2, cmdline);
  bind_text_or_null (stmt, 3, states[state]);
  if (known)
    sqlite3_bind_int (stmt, 4, exit_status);
  else
    sqlite3_bind_null (stmt, 4);
  store->last_pid = -1;
  return step (store, stmt, "cannot set a process's facts", NULL, error);
}

int64_t
mls_store_intern_thread (MlsStore *store, int64_t pid, int64_t tid,
                         const char *name, MlsError *error)
{
  sqlite3_stmt *stmt = store->stmts[MLS_STMT_THREAD];
  int64_t process_id, id = -1;

  if (check_writing (store, error))
    return -1;
  if (pid == store->last_tid_pid && tid == store->last_tid && name == NULL)
    return store->last_tid_row;
  process_id = mls_store_intern_process (store, pid, NULL, error);
  if (process_id < 0)
    return -1;
  sqlite3_bind_int64 (stmt, 1, tid);
  sqlite3_bind_int64 (stmt, 2, process_id);
  bind_text_or_null (stmt, 3, name);
  if (step (store, stmt, "cannot add a thread", &id, error))
    return -1;
  store->last_tid_pid = pid;
  store->last_tid = tid;
  store->last_tid_row = id;
  return id;
}

int64_t
mls_store_intern_model (MlsStore *store, const char *name, MlsError *error)
{
  sqlite3_stmt *stmt = store->stmts[MLS_STMT_MODEL];
  int64_t id = -1;

  if (check_writing (store, error))
    return -1;
  if (name == NULL || name[0] == '\0')
    {
      mls_error_set (error, "%s: a model needs a name", store->path);
      return -1;
    }
  if (store->last_model && strcmp (store->last_model, name) == 0)
    return store->last_model_row;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (step (store, stmt, "cannot add a model", &id, error))
    return -1;
  free (store->last_model);
  store->last_model = strdup (name);
  store->last_model_row = id;
  return id;
}

static int
check_span (MlsStore *store, const MlsSpan *span, MlsError *error)
{
  if (span->kind_id <= 0 || span->kind_id >= MLS_MAX_KIND_ID
      || !store->known_kind[span->kind_id])
    {
      mls_error_set (error, "%s: span kind %d is not in span_kind",
                     store->path, span->kind_id);
      return -1;
    }
  if (span->end_ns < span->start_ns)
    {
      mls_error_set (error, "%s: a span of kind %d ends (%lld) before it "
                     "starts (%lld)", store->path, span->kind_id,
                     (long long) span->end_ns, (long long) span->start_ns);
      return -1;
    }
  return 0;
}

/* schema.sql's CHECK on span.unit, which mls-store.c turns off in SQLite
 * (it cost an ephemeral table per insert). As before, a span breaking it
 * is a failed write: the import cannot be finished. */
static int
check_unit (MlsStore *store, const MlsSpan *span, MlsError *error)
{
  const char *unit = span->unit;

  if (unit == NULL || strcmp (unit, "cpu") == 0 || strcmp (unit, "gpu") == 0
      || strcmp (unit, "npu") == 0)
    return 0;
  mls_error_set (error, "%s: cannot add a span: CHECK constraint failed: "
                 "unit IN ('cpu', 'gpu', 'npu') (unit '%s')", store->path,
                 unit);
  store->failed = 1;
  return -1;
}

int64_t
mls_store_add_span (MlsStore *store, const MlsSpan *span, MlsError *error)
{
  sqlite3_stmt *stmt = store->stmts[MLS_STMT_SPAN];
  int64_t id;

  if (check_writing (store, error) || check_span (store, span, error)
      || check_unit (store, span, error))
    return -1;
  id = span->id ? span->id : store->next_span_id;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, span->kind_id);
  if (span->model_id)
    sqlite3_bind_int64 (stmt, 3, span->model_id);
  else
    sqlite3_bind_null (stmt, 3);
  if (span->parent_id)
    sqlite3_bind_int64 (stmt, 4, span->parent_id);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_int (stmt, 5, span->depth);
  bind_text_or_null (stmt, 6, span->unit);
  sqlite3_bind_int64 (stmt, 7, span->pid);
  sqlite3_bind_int64 (stmt, 8, span->tid);
  sqlite3_bind_int64 (stmt, 9, span->start_ns);
  sqlite3_bind_int64 (stmt, 10, span->end_ns);
  sqlite3_bind_int64 (stmt, 11, span->end_ns - span->start_ns);
  sqlite3_bind_int (stmt, 12, span->complete);
  sqlite3_bind_int (stmt, 13, span->status);
  bind_text_or_null (stmt, 14, span->args_json);
  bind_text_or_null (stmt, 15, span->complete ? NULL
                     : mls_cut_reason_name (span->cut ? span->cut
                                                      : MLS_CUT_UNKNOWN));
  if (step (store, stmt, "cannot add a span", NULL, error))
    return -1;
  if (mls_store_group_add (store, span))
    {
      mls_error_set (error, "%s: out of memory adding a span", store->path);
      store->failed = 1;
      return -1;
    }
  if (id >= store->next_span_id)
    store->next_span_id = id + 1;
  if (span->start_ns < store->first_start_ns)
    store->first_start_ns = span->start_ns;
  if (span->end_ns > store->last_end_ns)
    store->last_end_ns = span->end_ns;
  store->n_spans++;
  return id;
}

int
mls_store_add_lost_events (MlsStore *store, int64_t start_ns, int64_t end_ns,
                           int64_t count, int packets, const char *stream,
                           MlsError *error)
{
  sqlite3_stmt *stmt = store->stmts[MLS_STMT_LOST];

  if (check_writing (store, error))
    return -1;
  sqlite3_bind_int64 (stmt, 1, start_ns);
  sqlite3_bind_int64 (stmt, 2, end_ns);
  sqlite3_bind_int64 (stmt, 3, count);
  sqlite3_bind_int (stmt, 4, packets != 0);
  bind_text_or_null (stmt, 5, stream);
  return step (store, stmt, "cannot add lost events", NULL, error);
}

/* Facts the collector may not have set: the time span of the recording
 * (from its spans) and the lost-event totals (from lost_events). */
static int
fill_meta_defaults (MlsStore *store, MlsError *error)
{
  char *sql;
  int rc;

  if (store->n_spans == 0)
    store->first_start_ns = store->last_end_ns = 0;
  sql = sqlite3_mprintf (
    "INSERT OR IGNORE INTO meta VALUES ('start_ns', %lld);"
    "INSERT OR IGNORE INTO meta VALUES ('end_ns', %lld);"
    "INSERT OR IGNORE INTO meta SELECT 'duration_ns', "
    "  (SELECT value FROM meta WHERE key = 'end_ns')"
    "  - (SELECT value FROM meta WHERE key = 'start_ns');"
    "INSERT OR IGNORE INTO meta SELECT 'lost_events', ifnull (sum (count), 0)"
    "  FROM lost_events WHERE packets = 0;"
    "INSERT OR IGNORE INTO meta SELECT 'lost_packets', ifnull (sum (count), 0)"
    "  FROM lost_events WHERE packets = 1;",
    (long long) store->first_start_ns, (long long) store->last_end_ns);
  rc = mls_exec (store, sql, "cannot fill meta", error);
  sqlite3_free (sql);
  return rc;
}

static int
build_indexes (MlsStore *store, MlsError *error)
{
  for (int i = 0; i < store->n_deferred_indexes; i++)
    if (mls_exec (store, store->deferred_index_sql[i],
                  "cannot build the span indexes", error))
      return -1;
  return 0;
}

static int
commit_and_rename (MlsStore *store, MlsError *error)
{
  if (mls_exec (store, "COMMIT", "cannot commit", error))
    return -1;
  for (int i = 0; i < MLS_N_STMTS; i++)
    {
      sqlite3_finalize (store->stmts[i]);
      store->stmts[i] = NULL;
    }
  if (sqlite3_close (store->db) != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot close");
      return -1;
    }
  store->db = NULL;
  unlink (store->summary_path);
  sqlite3_free (store->summary_path);
  store->summary_path = NULL;
  if (rename (store->partial_path, store->path) != 0)
    {
      mls_error_set (error, "%s: cannot rename %s into place: %m",
                     store->path, store->partial_path);
      return -1;
    }
  store->writing = 0;
  free (store->partial_path);
  store->partial_path = NULL;
  return mls_store_open_db (store, error);
}

int
mls_store_finish (MlsStore *store, MlsError *error)
{
  if (check_writing (store, error))
    return -1;
  int rc = fill_meta_defaults (store, error)
           || mls_store_summary_start (store, error);

  /* While span_summary is written on its own thread. */
  if (rc == 0)
    {
      rc = build_indexes (store, error) || mls_store_build_stats (store, error)
           || mls_store_build_overlap (store, error);
      rc = mls_store_summary_finish (store, rc, error) || rc;
    }
  if (rc || commit_and_rename (store, error))
    {
      store->failed = 1;
      return -1;
    }
  mls_store_groups_free (store);
  return 0;
}
