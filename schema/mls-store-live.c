/*
 * mls-store-live.c: a database that readers open while it is filled
 * (`mlscope record --live`), written without slowing the offline import.
 *
 * The store keeps every span in memory as it always does, and finish
 * writes the file as an import would. A live store also notes each span
 * added; a flush appends those, sorted into runs of their own (a run is
 * any range of consecutive ids of one thread, kind, model and length
 * class: readers take as many runs as they find), and commits them in a
 * small WAL transaction together with the processes, models, strings and
 * lost events added meanwhile. The aggregates (span_kind_stats,
 * span_summary, span_overlap) are computed over every span by finish's
 * own code, so they cost a pass over the recording: a flush refreshes them
 * when the last refresh took at most a fifth of the time since it ran, and
 * always with the first spans (a reader wants them once spans exist).
 *
 * Ids in the live file are those of the flushes' order; a child ends
 * before its parent, so a parent still open when its child is flushed is
 * linked when it is flushed in turn. Finish empties the span tables and
 * writes the recording in the file's order, in the same transaction, so a
 * reader sees the last flush until the finished recording replaces it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mls-store-private.h"

/* Refresh the aggregates at most when they took this share of the time
 * since the last refresh (1 / AGGREGATE_SHARE). */
#define AGGREGATE_SHARE 5

typedef struct {
  uint32_t run;             /* index in store->run_keys */
  MlsSpanRec rec;
} Pending;

/* A flushed span whose parent was still open: its id in the file, and
 * the caller's id of the parent. */
typedef struct {
  int64_t child;
  int64_t parent;
} Orphan;

struct MlsLive {
  Pending *pending;         /* added since the last flush */
  size_t n_pending, allocated_pending;
  MlsPairIndex ids;         /* the caller's id of the file's span i + 1 */
  Orphan *orphans;
  size_t n_orphans, allocated_orphans;
  int64_t n_runs;           /* span_run rows written */
  int64_t aggregated_spans; /* spans the aggregates counted, -1: none */
  int64_t aggregated_at_us;
  int64_t aggregate_cost_us;
};

static int64_t
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* `items` (n of *allocated, each `size` bytes) with room for one more:
 * moved, or NULL when out of memory (items is then unchanged). */
static void *
room_for_one (void *items, size_t n, size_t *allocated, size_t size)
{
  size_t more = *allocated ? 2 * *allocated : 256;
  void *bigger;

  if (n < *allocated)
    return items;
  bigger = realloc (items, more * size);
  if (bigger != NULL)
    *allocated = more;
  return bigger;
}

int
mls_live_note_span (MlsStore *store, size_t run, const MlsSpanRec *rec)
{
  struct MlsLive *live = store->live;
  Pending *pending = room_for_one (live->pending, live->n_pending,
                                   &live->allocated_pending,
                                   sizeof *pending);

  if (pending == NULL)
    return -1;
  live->pending = pending;
  live->pending[live->n_pending++] = (Pending) { (uint32_t) run, *rec };
  return 0;
}

void
mls_live_free (MlsStore *store)
{
  struct MlsLive *live = store->live;

  if (live == NULL)
    return;
  free (live->pending);
  free (live->orphans);
  mls_pair_index_clear (&live->ids);
  free (live);
  store->live = NULL;
}

void
mls_live_end (MlsStore *store)
{
  if (store->live == NULL)
    return;
  /* Readers that still have the file open keep it in WAL mode; the next
   * one to close it checkpoints it. */
  sqlite3_exec (store->db, "PRAGMA wal_checkpoint (TRUNCATE);"
                "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  mls_live_free (store);
}

int
mls_live_finish_begin (MlsStore *store, MlsError *error)
{
  if (store->live == NULL)
    return 0;
  store->live->n_pending = 0;
  return mls_exec (store, "DELETE FROM meta WHERE key = 'recording';"
                   "DELETE FROM span; DELETE FROM span_run;"
                   "DELETE FROM span_block; DELETE FROM string;"
                   "DELETE FROM span_kind_stats; DELETE FROM span_overlap;"
                   "DELETE FROM span_summary; DELETE FROM span_summary_set",
                   "cannot replace the live recording", error);
}

/* The recording's time span and losses so far, which finish sets for
 * good, and meta.recording = 'live', which finish removes: readers that
 * follow the file (`mlscope stats --follow`, the viewer's --follow) stop
 * when it is gone. */
static int
write_meta (MlsStore *store, MlsError *error)
{
  int64_t start = store->n_spans ? store->first_start_ns : 0;
  int64_t end = store->n_spans ? store->last_end_ns : 0;
  char *sql = sqlite3_mprintf (
    "INSERT OR REPLACE INTO meta VALUES ('recording', 'live');"
    "INSERT OR REPLACE INTO meta VALUES ('start_ns', %lld);"
    "INSERT OR REPLACE INTO meta VALUES ('end_ns', %lld);"
    "INSERT OR REPLACE INTO meta VALUES ('duration_ns', %lld);"
    "INSERT OR REPLACE INTO meta SELECT 'lost_events', ifnull (sum (count), 0)"
    "  FROM lost_events WHERE packets = 0;"
    "INSERT OR REPLACE INTO meta SELECT 'lost_packets',"
    "  ifnull (sum (count), 0) FROM lost_events WHERE packets = 1;",
    (long long) start, (long long) end, (long long) (end - start));
  int rc = sql ? mls_exec (store, sql, "cannot write meta", error) : -1;

  sqlite3_free (sql);
  return rc;
}

/* Commits what the store holds (an empty recording), moves it into place
 * and reopens it in WAL mode for the flushes. */
static int
go_live (MlsStore *store, MlsError *error)
{
  if (write_meta (store, error)
      || mls_exec (store, "COMMIT", "cannot commit", error))
    return -1;
  for (int i = 0; i < MLS_N_STMTS; i++)
    {
      sqlite3_finalize (store->stmts[i]);
      store->stmts[i] = NULL;
    }
  sqlite3_close (store->db);
  store->db = NULL;
  if (rename (store->partial_path, store->path) != 0)
    {
      mls_error_set (error, "%s: cannot rename %s into place: %m",
                     store->path, store->partial_path);
      return -1;
    }
  free (store->partial_path);
  store->partial_path = NULL;
  if (sqlite3_open_v2 (store->path, &store->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot reopen");
      return -1;
    }
  if (mls_store_register_functions (store, error)
      || mls_exec (store, "PRAGMA journal_mode = WAL;"
                   "PRAGMA synchronous = NORMAL;"
                   "PRAGMA cache_size = -8192;", "cannot configure", error))
    return -1;
  return mls_store_begin_writing (store, error);
}

MlsStore *
mls_store_create_live (const char *path, MlsError *error)
{
  MlsStore *store = mls_store_create (path, error);

  if (store == NULL)
    return NULL;
  store->live = calloc (1, sizeof *store->live);
  if (store->live == NULL)
    mls_error_set (error, "%s: out of memory", path);
  if (store->live == NULL || go_live (store, error))
    {
      mls_store_close (store);
      return NULL;
    }
  store->live->aggregated_spans = -1;
  return store;
}

static int
compare_pending (const void *a, const void *b)
{
  const Pending *x = a, *y = b;

  if (x->run != y->run)
    return x->run < y->run ? -1 : 1;
  return x->rec.start_ns < y->rec.start_ns ? -1
         : x->rec.start_ns > y->rec.start_ns;
}

static int
add_orphan (struct MlsLive *live, int64_t child, int64_t parent)
{
  Orphan *orphans = room_for_one (live->orphans, live->n_orphans,
                                  &live->allocated_orphans, sizeof *orphans);

  if (orphans == NULL)
    return -1;
  live->orphans = orphans;
  live->orphans[live->n_orphans++] = (Orphan) { child, parent };
  return 0;
}

/* The pending spans as runs of consecutive ids after the file's, their
 * parents as ids in the file where flushed already. */
static int
batch_runs (MlsStore *store, MlsSpanRec *spans, MlsRun *runs, size_t *n_runs,
            MlsError *error)
{
  struct MlsLive *live = store->live;
  int64_t base = (int64_t) live->ids.n;

  qsort (live->pending, live->n_pending, sizeof *live->pending,
         compare_pending);
  *n_runs = 0;
  for (size_t i = 0; i < live->n_pending; i++)
    {
      const Pending *p = &live->pending[i];
      MlsRun *run = *n_runs ? &runs[*n_runs - 1] : NULL;

      spans[i] = p->rec;
      if (run == NULL || live->pending[i - 1].run != p->run)
        {
          MlsPair key = store->run_keys.keys[p->run];

          run = &runs[(*n_runs)++];
          *run = (MlsRun) {
            .spans = &spans[i], .first = i, .first_id = base + (int64_t) i + 1,
            .thread = (uint32_t) (key.a >> 8), .model = (uint32_t) (key.b >> 8),
            .kind = (uint8_t) (key.a & 0xff),
            .dur_class = (uint8_t) (key.b & 0xff),
            .max_end_ns = p->rec.start_ns + p->rec.dur_ns,
          };
        }
      run->n++;
      if (p->rec.dur_ns > run->max_dur_ns)
        run->max_dur_ns = p->rec.dur_ns;
      if (p->rec.start_ns + p->rec.dur_ns > run->max_end_ns)
        run->max_end_ns = p->rec.start_ns + p->rec.dur_ns;
      if (mls_pair_index (&live->ids, p->rec.id, 0) != base + (int64_t) i)
        {
          mls_error_set (error, "%s: cannot add a span: two spans have the "
                         "id %lld (or out of memory)", store->path,
                         (long long) p->rec.id);
          return -1;
        }
    }
  for (size_t i = 0; i < live->n_pending; i++)
    {
      int64_t parent = spans[i].parent;
      int64_t found = parent ? mls_pair_find (&live->ids, parent, 0) : -1;

      spans[i].parent = found >= 0 ? found + 1 : 0;
      if (parent && found < 0
          && add_orphan (live, base + (int64_t) i + 1, parent))
        {
          mls_error_set (error, "%s: out of memory", store->path);
          return -1;
        }
    }
  return 0;
}

static int
write_pending (MlsStore *store, MlsError *error)
{
  struct MlsLive *live = store->live;
  size_t n = live->n_pending, n_runs = 0;
  MlsSpanRec *spans = malloc (n * sizeof *spans);
  MlsRun *runs = calloc (n, sizeof *runs);
  int rc = -1;

  if (spans == NULL || runs == NULL)
    mls_error_set (error, "%s: out of memory", store->path);
  else if (batch_runs (store, spans, runs, &n_runs, error) == 0)
    {
      MlsWrite w = { .store = store, .runs = runs, .n_runs = n_runs,
                     .run_base = live->n_runs,
                     .span_base = (int64_t) (live->ids.n - n) };

      rc = mls_write_spans (&w, error);
      live->n_runs += (int64_t) n_runs;
    }
  live->n_pending = 0;
  free (spans);
  free (runs);
  return rc;
}

/* Links the flushed spans whose parent has been flushed since. */
static int
adopt_orphans (MlsStore *store, MlsError *error)
{
  struct MlsLive *live = store->live;
  sqlite3_stmt *stmt = NULL;
  int rc = 0;

  for (size_t i = 0; i < live->n_orphans && rc == 0;)
    {
      int64_t found = mls_pair_find (&live->ids, live->orphans[i].parent, 0);

      if (found < 0)
        {
          i++;
          continue;
        }
      if (stmt == NULL
          && sqlite3_prepare_v2 (store->db, "UPDATE span SET parent_id = ?1"
                                 " WHERE id = ?2", -1, &stmt, NULL)
             != SQLITE_OK)
        rc = -1;
      if (rc == 0)
        {
          sqlite3_bind_int64 (stmt, 1, found + 1);
          sqlite3_bind_int64 (stmt, 2, live->orphans[i].child);
          rc = sqlite3_step (stmt) == SQLITE_DONE ? 0 : -1;
          sqlite3_reset (stmt);
        }
      live->orphans[i] = live->orphans[--live->n_orphans];
    }
  sqlite3_finalize (stmt);
  if (rc)
    mls_error_sqlite (store, error, "cannot link spans to their parents");
  return rc;
}

static int
aggregates_due (MlsStore *store)
{
  struct MlsLive *live = store->live;

  if (live->aggregated_spans == (int64_t) store->n_spans)
    return 0;
  return live->aggregated_spans <= 0
         || now_us () - live->aggregated_at_us
            >= AGGREGATE_SHARE * live->aggregate_cost_us;
}

static int
write_aggregates (MlsStore *store, MlsError *error)
{
  struct MlsLive *live = store->live;
  int64_t t0 = now_us ();
  MlsWrite w;
  int rc;

  rc = mls_exec (store, "DELETE FROM span_kind_stats;"
                 "DELETE FROM span_overlap; DELETE FROM span_summary;"
                 "DELETE FROM span_summary_set", "cannot refresh aggregates",
                 error)
       || mls_write_prepare_unnumbered (&w, store, error);
  if (rc == 0)
    {
      rc = mls_write_stats (&w, error) || mls_write_overlap (&w, error)
           || mls_write_summary (&w, error);
      mls_write_clear (&w);
    }
  live->aggregated_spans = (int64_t) store->n_spans;
  live->aggregated_at_us = now_us ();
  live->aggregate_cost_us = live->aggregated_at_us - t0;
  return rc;
}

int
mls_store_flush (MlsStore *store, MlsError *error)
{
  int rc;

  if (store->live == NULL || !store->writing || store->failed)
    {
      mls_error_set (error, "%s: not a live recording being written",
                     store->path);
      return -1;
    }
  rc = (store->live->n_pending && write_pending (store, error))
       || adopt_orphans (store, error) || write_meta (store, error)
       || (aggregates_due (store) && write_aggregates (store, error))
       || mls_exec (store, "COMMIT; BEGIN", "cannot commit", error);
  if (rc)
    store->failed = 1;
  return rc ? -1 : 0;
}
