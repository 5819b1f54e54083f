/*
 * mls-store-write.c: filling a new trace database (the collector's side):
 * meta facts, interned processes / threads / models, spans and lost
 * events, then mls_store_finish(), which writes the spans in the file's
 * order, computes the aggregates and summaries, and renames the file into
 * place.
 *
 * Spans stay in memory (MlsSpanRec, their arguments a few encoded bytes)
 * until finish: the file numbers them by thread, kind and time, which only
 * the whole trace decides, and writing them once, in that order, appends to
 * the table's B-tree instead of updating indexes. The other calls bind a
 * statement prepared once by mls_store_create(); all of it runs inside the
 * one transaction that finish commits.
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

int
mls_store_set_model_path (MlsStore *store, int64_t model_id,
                          const char *path, MlsError *error)
{
  sqlite3_stmt *stmt = store->stmts[MLS_STMT_MODEL_PATH];

  if (check_writing (store, error))
    return -1;
  sqlite3_bind_int64 (stmt, 1, model_id);
  bind_text_or_null (stmt, 2, path);
  return step (store, stmt, "cannot set a model's file", NULL, error);
}

int64_t
mls_store_intern_host (MlsStore *store, const char *name,
                       int64_t clock_offset_ns, int64_t clock_shift_ns,
                       MlsError *error)
{
  sqlite3_stmt *stmt = store->stmts[MLS_STMT_HOST];
  int64_t id = -1;

  if (check_writing (store, error))
    return -1;
  sqlite3_bind_text (stmt, 1, name ? name : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, clock_offset_ns);
  sqlite3_bind_int64 (stmt, 3, clock_shift_ns);
  if (step (store, stmt, "cannot add a host", &id, error))
    return -1;
  return id;
}

int
mls_store_set_process_host (MlsStore *store, int64_t pid, int64_t host_id,
                            MlsError *error)
{
  sqlite3_stmt *stmt = store->stmts[MLS_STMT_PROCESS_HOST];

  if (check_writing (store, error))
    return -1;
  sqlite3_bind_int64 (stmt, 1, pid);
  sqlite3_bind_int64 (stmt, 2, host_id);
  store->last_pid = -1;
  return step (store, stmt, "cannot set a process's host", NULL, error);
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
  /* span_kind_stats keys the row of all processes as pid -1. */
  if (span->pid < 0 || span->tid < 0)
    {
      mls_error_set (error, "%s: a span of kind %d names process %lld, "
                     "thread %lld: no process or thread id is negative",
                     store->path, span->kind_id, (long long) span->pid,
                     (long long) span->tid);
      return -1;
    }
  return 0;
}

/* schema.sql's CHECK on span.unit, which mls-store.c turns off in SQLite
 * (it cost an ephemeral table per insert). As before, a span breaking it
 * is a failed write: the import cannot be finished. */
static int
unit_code (MlsStore *store, const MlsSpan *span, MlsError *error)
{
  static const char *const units[] = { "cpu", "gpu", "npu" };
  const char *unit = span->unit;

  if (unit == NULL)
    return 0;
  for (int u = 0; u < 3; u++)
    if (strcmp (unit, units[u]) == 0)
      return u + 1;
  mls_error_set (error, "%s: cannot add a span: CHECK constraint failed: "
                 "unit IN ('cpu', 'gpu', 'npu') (unit '%s')", store->path,
                 unit);
  store->failed = 1;
  return -1;
}

/* Room for one more span in run `run`. */
static MlsSpanRec *
next_in_run (MlsStore *store, size_t run)
{
  MlsRunSpans *r;

  if (run >= store->allocated_run_spans)
    {
      size_t allocated = store->allocated_run_spans
                         ? 2 * store->allocated_run_spans : 64;
      MlsRunSpans *bigger;

      while (allocated <= run)
        allocated *= 2;
      bigger = realloc (store->run_spans, allocated * sizeof *bigger);
      if (bigger == NULL)
        return NULL;
      memset (bigger + store->allocated_run_spans, 0,
              (allocated - store->allocated_run_spans) * sizeof *bigger);
      store->run_spans = bigger;
      store->allocated_run_spans = allocated;
    }
  r = &store->run_spans[run];
  if (r->n == r->allocated)
    {
      size_t allocated = r->allocated ? 2 * r->allocated : 256;
      MlsSpanRec *bigger = realloc (r->spans, allocated * sizeof *bigger);

      if (bigger == NULL)
        return NULL;
      r->spans = bigger;
      r->allocated = allocated;
    }
  return &r->spans[r->n];
}

const char *
mls_store_intern_string (MlsStore *store, const char *text)
{
  const char *copy = NULL;

  if (text == NULL || store->strings == NULL)
    return NULL;
  return mls_strings_intern (store->strings, text, &copy) ? copy : NULL;
}

/* The span's run: its thread, kind, model and length class. */
static int64_t
run_of (MlsStore *store, int64_t thread, int kind, int64_t model,
        int64_t dur_ns)
{
  return mls_pair_index (&store->run_keys, thread << 8 | kind,
                         model << 8 | mls_dur_class (dur_ns));
}

int64_t
mls_store_add_span (MlsStore *store, const MlsSpan *span, MlsError *error)
{
  int64_t id, thread, run;
  MlsSpanRec *rec;
  int unit;

  if (check_writing (store, error) || check_span (store, span, error)
      || (unit = unit_code (store, span, error)) < 0)
    return -1;
  id = span->id ? span->id : store->next_span_id;
  thread = mls_pair_index (&store->threads, span->pid, span->tid);
  run = thread < 0 ? -1 : run_of (store, thread, span->kind_id,
                                  span->model_id,
                                  span->end_ns - span->start_ns);
  /* Span positions are 32-bit, and so are model ids in run keys. */
  if (run < 0 || span->model_id < 0 || span->model_id > UINT32_MAX
      || store->n_spans >= UINT32_MAX - 1
      || (rec = next_in_run (store, (size_t) run)) == NULL)
    goto out_of_memory;
  *rec = (MlsSpanRec) {
    .start_ns = span->start_ns,
    .dur_ns = span->end_ns - span->start_ns,
    .id = id,
    .parent = span->parent_id,
    .status = span->status,
    .depth = (uint16_t) (span->depth < 0 ? 0 : span->depth > UINT16_MAX
                         ? UINT16_MAX : span->depth),
    .kind = (uint8_t) span->kind_id,
    .unit = (uint8_t) unit,
    .cut = (uint8_t) (span->complete ? MLS_CUT_NONE
                      : span->cut ? span->cut : MLS_CUT_UNKNOWN),
  };
  if (mls_store_encode_args (store, span, &rec->args)
      || (store->live && mls_live_note_span (store, (size_t) run, rec)))
    goto out_of_memory;
  store->run_spans[run].n++;
  store->n_spans++;
  if (id >= store->next_span_id)
    store->next_span_id = id + 1;
  if (span->start_ns < store->first_start_ns)
    store->first_start_ns = span->start_ns;
  if (span->end_ns > store->last_end_ns)
    store->last_end_ns = span->end_ns;
  return id;

out_of_memory:
  mls_error_set (error, "%s: out of memory adding a span", store->path);
  store->failed = 1;
  return -1;
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
commit_and_rename (MlsStore *store, MlsError *error)
{
  if (mls_exec (store, "COMMIT", "cannot commit", error))
    return -1;
  mls_live_end (store);
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
  if (store->partial_path != NULL
      && rename (store->partial_path, store->path) != 0)
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
  MlsWrite w;
  int rc;

  if (check_writing (store, error))
    return -1;
  rc = mls_live_finish_begin (store, error)
       || fill_meta_defaults (store, error)
       || mls_write_prepare (&w, store, error);
  if (rc == 0)
    {
      rc = mls_write_spans (&w, error) || mls_write_stats (&w, error)
           || mls_write_overlap (&w, error) || mls_write_summary (&w, error);
      mls_write_clear (&w);
    }
  mls_store_spans_free (store);
  if (rc || commit_and_rename (store, error))
    {
      store->failed = 1;
      return -1;
    }
  return 0;
}
