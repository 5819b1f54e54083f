/*
 * mls-store-timeline.c: opening a trace for the timeline: its time range,
 * span kinds, models and lost events, from small tables (span_kind_stats,
 * span_run, span_overlap), and the lane queries prepared once
 * (mls-store-timeline-lane.c runs them).
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-timeline-private.h"

int
mls_timeline_fail (MlsTimeline *tl, MlsError *error, const char *what)
{
  if (error)
    {
      error->code = 1;
      snprintf (error->message, sizeof error->message, "%s: %s: %s",
                mls_store_path (tl->store), what, sqlite3_errmsg (tl->db));
    }
  return -1;
}

static sqlite3_stmt *
prepare (MlsTimeline *tl, const char *sql, MlsError *error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (tl->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                          &stmt, NULL) != SQLITE_OK)
    {
      mls_timeline_fail (tl, error, "cannot prepare the timeline queries");
      return NULL;
    }
  return stmt;
}

static int
load_kinds (MlsTimeline *tl, MlsError *error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (tl,
    "SELECT k.id, k.lane, k.label, k.sort_order, s.count + s.incomplete,"
    "       s.total_ns, s.max_dur_ns"
    " FROM span_kind k JOIN span_kind_stats s"
    "   ON s.kind_id = k.id AND s.model_id IS NULL AND s.pid IS NULL"
    " ORDER BY k.sort_order", error);
  if (!stmt)
    return -1;
  while (sqlite3_step (stmt) == SQLITE_ROW
         && tl->n_kinds < MLS_TIMELINE_MAX_KINDS)
    {
      MlsTimelineKind *k = &tl->kinds[tl->n_kinds++];

      k->kind_id = sqlite3_column_int (stmt, 0);
      snprintf (k->lane, sizeof k->lane, "%s",
                (const char *) sqlite3_column_text (stmt, 1));
      snprintf (k->label, sizeof k->label, "%s",
                (const char *) sqlite3_column_text (stmt, 2));
      k->sort_order = sqlite3_column_int (stmt, 3);
      k->count = sqlite3_column_int64 (stmt, 4);
      k->total_ns = sqlite3_column_int64 (stmt, 5);
      k->max_dur_ns = sqlite3_column_int64 (stmt, 6);
      if (k->kind_id > 0 && k->kind_id < MLS_MAX_KIND_ID)
        tl->kind_slot[k->kind_id] = (int) tl->n_kinds;
    }
  sqlite3_finalize (stmt);
  return 0;
}

/* Each kind's time range from its runs, and its depths from span_overlap
 * (its sets of every model and thread). */
static void
load_kind_extents (MlsTimeline *tl)
{
  tl->start_ns = INT64_MAX;
  tl->end_ns = INT64_MIN;
  for (size_t i = 0; i < tl->n_kinds; i++)
    {
      MlsTimelineKind *k = &tl->kinds[i];

      k->min_depth = INT32_MAX;
      k->max_depth = 0;
      for (size_t o = 0; o < tl->n_overlaps; o++)
        {
          const MlsTimelineOverlap *ov = &tl->overlaps[o];

          if (ov->kind_id != k->kind_id || ov->model_id != -1 || ov->tid)
            continue;
          if (ov->depth < k->min_depth)
            k->min_depth = ov->depth;
          if (ov->depth > k->max_depth)
            k->max_depth = ov->depth;
        }
      if (k->min_depth == INT32_MAX)
        k->min_depth = 0;
    }
  for (size_t r = 0; r < tl->n_runs; r++)
    {
      if (tl->runs[r].first_start_ns < tl->start_ns)
        tl->start_ns = tl->runs[r].first_start_ns;
      if (tl->runs[r].max_end_ns > tl->end_ns)
        tl->end_ns = tl->runs[r].max_end_ns;
    }
  if (tl->n_runs == 0)
    {
      tl->start_ns = 0;
      tl->end_ns = 1000000;
    }
}

/* The recording's own bounds when the collector wrote them: the axis'
 * zero is when recording began, not the first span. */
static void
load_meta_range (MlsTimeline *tl)
{
  int64_t start = INT64_MAX;
  int64_t end = INT64_MIN;

  mls_store_get_meta_int (tl->store, "start_ns", &start);
  mls_store_get_meta_int (tl->store, "end_ns", &end);
  if (start < tl->start_ns && start > 0)
    tl->start_ns = start;
  if (end > tl->end_ns && end > tl->start_ns)
    tl->end_ns = end;
}

static int
load_models (MlsTimeline *tl, MlsError *error)
{
  sqlite3_stmt *stmt;
  size_t cap = 8;

  stmt = prepare (tl, "SELECT id, name FROM model WHERE id IN"
                  " (SELECT model_id FROM span_kind_stats WHERE pid IS NULL)"
                  " ORDER BY id",
                  error);
  if (!stmt)
    return -1;
  tl->models = calloc (cap, sizeof *tl->models);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (tl->n_models == cap)
        {
          cap *= 2;
          tl->models = realloc (tl->models, cap * sizeof *tl->models);
        }
      tl->models[tl->n_models].id = sqlite3_column_int64 (stmt, 0);
      tl->models[tl->n_models].name =
        strdup ((const char *) sqlite3_column_text (stmt, 1));
      tl->n_models++;
    }
  sqlite3_finalize (stmt);

  /* (kind, model) pairs with spans; model 0 when some spans of the kind
   * have no model (the all-models count exceeds the per-model sum). */
  stmt = prepare (tl,
    "SELECT kind_id, model_id FROM span_kind_stats"
    " WHERE model_id NOT NULL AND pid IS NULL"
    " UNION ALL"
    " SELECT a.kind_id, 0 FROM span_kind_stats a"
    " WHERE a.model_id IS NULL AND a.pid IS NULL"
    "   AND a.count + a.incomplete"
    "       > (SELECT ifnull (sum (b.count + b.incomplete), 0)"
    "          FROM span_kind_stats b WHERE b.kind_id = a.kind_id"
    "            AND b.model_id NOT NULL AND b.pid IS NULL)",
    error);
  if (!stmt)
    return -1;
  cap = 16;
  tl->pairs = calloc (cap, sizeof *tl->pairs);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (tl->n_pairs == cap)
        {
          cap *= 2;
          tl->pairs = realloc (tl->pairs, cap * sizeof *tl->pairs);
        }
      tl->pairs[tl->n_pairs].kind_id = sqlite3_column_int (stmt, 0);
      tl->pairs[tl->n_pairs].model_id = sqlite3_column_int64 (stmt, 1);
      tl->pairs[tl->n_pairs].pid = tl->pairs[tl->n_pairs].tid = 0;
      tl->n_pairs++;
    }
  sqlite3_finalize (stmt);
  return 0;
}

static int
load_lost (MlsTimeline *tl, MlsError *error)
{
  sqlite3_stmt *stmt;
  size_t cap = 8;

  stmt = prepare (tl, "SELECT start_ns, end_ns, count, packets"
                  " FROM lost_events ORDER BY start_ns LIMIT 100000", error);
  if (!stmt)
    return -1;
  tl->lost = calloc (cap, sizeof *tl->lost);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (tl->n_lost == cap)
        {
          cap *= 2;
          tl->lost = realloc (tl->lost, cap * sizeof *tl->lost);
        }
      tl->lost[tl->n_lost].start_ns = sqlite3_column_int64 (stmt, 0);
      tl->lost[tl->n_lost].end_ns = sqlite3_column_int64 (stmt, 1);
      tl->lost[tl->n_lost].count = sqlite3_column_int64 (stmt, 2);
      tl->lost[tl->n_lost].packets = sqlite3_column_int (stmt, 3);
      tl->n_lost++;
    }
  sqlite3_finalize (stmt);
  return 0;
}

static int
prepare_lane_queries (MlsTimeline *tl, MlsError *error)
{
  tl->run_spans = prepare (tl, MLS_SPAN_COLUMNS "WHERE " MLS_RUN_IDS
                           " AND start_ns < ?4 AND end_ns > ?5", error);
  tl->chunks = prepare (tl, "SELECT first, buckets FROM span_summary"
                        " WHERE set_id = ?1 AND level = ?2 AND first BETWEEN"
                        " ifnull ((SELECT first FROM span_summary"
                        "   WHERE set_id = ?1 AND level = ?2 AND first <= ?3"
                        "   ORDER BY first DESC LIMIT 1), ?3) AND ?4", error);
  return tl->run_spans && tl->chunks ? 0 : -1;
}

MlsTimeline *
mls_timeline_new (MlsStore *store, MlsError *error)
{
  MlsTimeline *tl = calloc (1, sizeof *tl);

  tl->store = store;
  tl->db = mls_store_db (store);
  /* Redraws read the same index pages again and again: map the file and
   * keep a page cache big enough for a view's working set, so a frame of
   * a multi-gigabyte trace costs no more system calls than a small one's.
   * A finished file never changes: its read lock is taken once and kept
   * (locking_mode), instead of taken, checked and released with every
   * statement, which cost a frame of a few hundred statements as much as
   * drawing it. */
  sqlite3_exec (tl->db, "PRAGMA mmap_size = 17179869184;"
                "PRAGMA cache_size = -65536;"
                "PRAGMA locking_mode = EXCLUSIVE;", NULL, NULL, NULL);
  if (load_kinds (tl, error) < 0 || load_models (tl, error) < 0
      || load_lost (tl, error) < 0 || mls_timeline_load_threads (tl, error) < 0
      || mls_timeline_load_runs (tl, error) < 0
      || prepare_lane_queries (tl, error) < 0)
    {
      mls_timeline_free (tl);
      return NULL;
    }
  load_kind_extents (tl);
  load_meta_range (tl);
  return tl;
}

void
mls_timeline_free (MlsTimeline *tl)
{
  if (!tl)
    return;
  sqlite3_finalize (tl->run_spans);
  sqlite3_finalize (tl->chunks);
  free (tl->runs);
  free (tl->sets);
  free (tl->finest);
  for (size_t i = 0; i < tl->n_resolved; i++)
    free (tl->resolved[i].sets);
  free (tl->resolved);
  for (size_t i = 0; i < tl->n_processes; i++)
    {
      free (tl->processes[i].name);
      free (tl->processes[i].cmdline);
      free (tl->processes[i].host);
    }
  for (size_t i = 0; i < tl->n_threads; i++)
    free (tl->threads[i].name);
  free (tl->processes);
  free (tl->threads);
  free (tl->overlaps);
  for (size_t i = 0; i < tl->n_models; i++)
    free (tl->models[i].name);
  free (tl->models);
  free (tl->lost);
  free (tl->pairs);
  free (tl);
}

void
mls_timeline_get_range (const MlsTimeline *tl, int64_t *start_ns,
                        int64_t *end_ns)
{
  *start_ns = tl->start_ns;
  *end_ns = tl->end_ns > tl->start_ns ? tl->end_ns : tl->start_ns + 1000;
}

size_t mls_timeline_n_kinds (const MlsTimeline *tl) { return tl->n_kinds; }

const MlsTimelineKind *
mls_timeline_kind (const MlsTimeline *tl, size_t i)
{
  return i < tl->n_kinds ? &tl->kinds[i] : NULL;
}

const MlsTimelineKind *
mls_timeline_find_kind (const MlsTimeline *tl, int kind_id)
{
  return kind_id > 0 && kind_id < MLS_MAX_KIND_ID && tl->kind_slot[kind_id]
         ? &tl->kinds[tl->kind_slot[kind_id] - 1] : NULL;
}

size_t mls_timeline_n_models (const MlsTimeline *tl) { return tl->n_models; }

const MlsTimelineModel *
mls_timeline_model (const MlsTimeline *tl, size_t i)
{
  return i < tl->n_models ? &tl->models[i] : NULL;
}

const char *
mls_timeline_model_name (const MlsTimeline *tl, int64_t id)
{
  for (size_t i = 0; i < tl->n_models; i++)
    if (tl->models[i].id == id)
      return tl->models[i].name;
  return NULL;
}

size_t mls_timeline_n_lost (const MlsTimeline *tl) { return tl->n_lost; }

size_t
mls_timeline_n_processes (const MlsTimeline *tl)
{
  return tl->n_processes;
}

const MlsTimelineProcess *
mls_timeline_process (const MlsTimeline *tl, size_t i)
{
  return i < tl->n_processes ? &tl->processes[i] : NULL;
}

size_t mls_timeline_n_threads (const MlsTimeline *tl) { return tl->n_threads; }

const MlsTimelineThread *
mls_timeline_thread (const MlsTimeline *tl, size_t i)
{
  return i < tl->n_threads ? &tl->threads[i] : NULL;
}

size_t
mls_timeline_n_overlaps (const MlsTimeline *tl)
{
  return tl->n_overlaps;
}

const MlsTimelineOverlap *
mls_timeline_overlap (const MlsTimeline *tl, size_t i)
{
  return i < tl->n_overlaps ? &tl->overlaps[i] : NULL;
}

const MlsTimelineLost *
mls_timeline_lost (const MlsTimeline *tl, size_t i)
{
  return i < tl->n_lost ? &tl->lost[i] : NULL;
}

int
mls_timeline_kind_has_model (const MlsTimeline *tl, int kind_id,
                             int64_t model_id)
{
  for (size_t i = 0; i < tl->n_pairs; i++)
    if (tl->pairs[i].kind_id == kind_id && tl->pairs[i].model_id == model_id
        && tl->pairs[i].tid == 0)
      return 1;
  return 0;
}

