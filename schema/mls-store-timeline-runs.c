/*
 * mls-store-timeline-runs.c: what the timeline keeps in memory to find a
 * lane's spans and buckets without searching: the runs (span_run: a
 * thread's spans of one kind, model and length class, a range of ids by
 * start time) and the summary's sets (span_summary_set), with the lanes
 * and the finest sets present, from which a set's stored form is found
 * as the writer chose it (mls-store-sets.c). Small tables, read once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-timeline-private.h"

static void *
grow (void *array, size_t n, size_t *cap, size_t size)
{
  if (n < *cap)
    return array;
  *cap = *cap ? 2 * *cap : 64;
  return realloc (array, *cap * size);
}

static int
load_lanes (MlsTimeline *tl, MlsError *error)
{
  sqlite3_stmt *stmt;

  if (sqlite3_prepare_v2 (tl->db, "SELECT id, lane FROM span_kind", -1, &stmt,
                          NULL) != SQLITE_OK)
    return mls_timeline_fail (tl, error, "cannot read span_kind");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      int id = sqlite3_column_int (stmt, 0);
      const char *lane = (const char *) sqlite3_column_text (stmt, 1);
      int l;

      if (id <= 0 || id >= MLS_MAX_KIND_ID || lane == NULL)
        continue;
      for (l = 1; l <= tl->n_lanes && strcmp (tl->lanes[l], lane) != 0; l++)
        ;
      if (l > tl->n_lanes && tl->n_lanes + 1 < MLS_MAX_KIND_ID)
        snprintf (tl->lanes[++tl->n_lanes], sizeof tl->lanes[0], "%s", lane);
      tl->lane_of[id] = l;
    }
  sqlite3_finalize (stmt);
  return 0;
}

/* The finest sets: one per (kind, model, thread) of the runs, which come
 * by thread, kind and model. */
static int
add_finest (MlsTimeline *tl, const TimelineRun *run, size_t *cap)
{
  MlsSetKey key = { run->kind_id, run->model_id, run->pid, run->tid };

  if (tl->n_finest > 0 && mls_set_same (&tl->finest[tl->n_finest - 1], &key))
    return 0;
  if ((tl->finest = grow (tl->finest, tl->n_finest, cap,
                          sizeof *tl->finest)) == NULL)
    return -1;
  tl->finest[tl->n_finest++] = key;
  return 0;
}

static int
load_run_rows (MlsTimeline *tl, MlsError *error)
{
  sqlite3_stmt *stmt;
  size_t cap = 0, finest_cap = 0;
  int rc;

  if (sqlite3_prepare_v2 (tl->db, "SELECT id, pid, tid, kind_id, model_id,"
                          " dur_class, first_id, last_id, first_start_ns,"
                          " last_start_ns, max_end_ns, max_dur_ns"
                          " FROM span_run ORDER BY id", -1, &stmt, NULL)
      != SQLITE_OK)
    return mls_timeline_fail (tl, error, "cannot read span_run");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TimelineRun *run;

      if ((tl->runs = grow (tl->runs, tl->n_runs, &cap, sizeof *tl->runs))
          == NULL)
        break;
      run = &tl->runs[tl->n_runs++];
      *run = (TimelineRun) {
        .id = sqlite3_column_int64 (stmt, 0),
        .pid = sqlite3_column_int64 (stmt, 1),
        .tid = sqlite3_column_int64 (stmt, 2),
        .kind_id = sqlite3_column_int (stmt, 3),
        .model_id = sqlite3_column_int64 (stmt, 4),
        .dur_class = sqlite3_column_int (stmt, 5),
        .first_id = sqlite3_column_int64 (stmt, 6),
        .last_id = sqlite3_column_int64 (stmt, 7),
        .first_start_ns = sqlite3_column_int64 (stmt, 8),
        .last_start_ns = sqlite3_column_int64 (stmt, 9),
        .max_end_ns = sqlite3_column_int64 (stmt, 10),
        .max_dur_ns = sqlite3_column_int64 (stmt, 11),
      };
      run->lane = run->kind_id > 0 && run->kind_id < MLS_MAX_KIND_ID
                  ? tl->lane_of[run->kind_id] : 0;
      if (run->lane && add_finest (tl, run, &finest_cap))
        break;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return mls_timeline_fail (tl, error, "cannot read span_run");
  return 0;
}

static int
load_sets (MlsTimeline *tl, MlsError *error)
{
  sqlite3_stmt *stmt;
  size_t cap = 0;
  int rc;

  if (sqlite3_prepare_v2 (tl->db, "SELECT id, lane, kind_id, model_id, pid,"
                          " tid, levels FROM span_summary_set", -1, &stmt,
                          NULL) != SQLITE_OK)
    return mls_timeline_fail (tl, error, "cannot read span_summary_set");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *lane = (const char *) sqlite3_column_text (stmt, 1);
      TimelineSet *set;
      int l;

      for (l = 1; l <= tl->n_lanes && strcmp (tl->lanes[l], lane) != 0; l++)
        ;
      if ((tl->sets = grow (tl->sets, tl->n_sets, &cap, sizeof *tl->sets))
          == NULL)
        break;
      set = &tl->sets[tl->n_sets++];
      set->id = sqlite3_column_int64 (stmt, 0);
      set->key.kind = sqlite3_column_type (stmt, 2) == SQLITE_NULL
                      ? -l : sqlite3_column_int (stmt, 2);
      set->key.model = sqlite3_column_type (stmt, 3) == SQLITE_NULL
                       ? MLS_SET_ALL : sqlite3_column_int64 (stmt, 3);
      set->key.pid = sqlite3_column_type (stmt, 5) == SQLITE_NULL
                     ? MLS_SET_ALL : sqlite3_column_int64 (stmt, 4);
      set->key.tid = sqlite3_column_type (stmt, 5) == SQLITE_NULL
                     ? MLS_SET_ALL : sqlite3_column_int64 (stmt, 5);
      set->levels = (unsigned) sqlite3_column_int64 (stmt, 6);
      if (set->levels)
        {
          int top = 31;

          while (top > 0 && !(set->levels & (1u << top)))
            top--;
          if (top > tl->max_level)
            tl->max_level = top;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return mls_timeline_fail (tl, error, "cannot read span_summary_set");
  return 0;
}

int
mls_timeline_load_runs (MlsTimeline *tl, MlsError *error)
{
  tl->max_level = -1;
  return load_lanes (tl, error) || load_run_rows (tl, error)
         || load_sets (tl, error) ? -1 : 0;
}

int
mls_timeline_lane_index (const MlsTimeline *tl, const char *lane)
{
  for (int l = 1; lane && l <= tl->n_lanes; l++)
    if (strcmp (tl->lanes[l], lane) == 0)
      return l;
  return 0;
}

void
mls_timeline_runs (const MlsTimeline *tl, const MlsLaneQuery *q,
                   MlsRunIter *it)
{
  size_t lo = 0, hi = tl->n_runs;

  it->q = q;
  it->lane = q->kind_id > 0 ? -1 : mls_timeline_lane_index (tl, q->lane);
  if (q->tid > 0)
    {
      /* The first run of the thread, then the first past it. */
      while (lo < hi)
        {
          size_t mid = lo + (hi - lo) / 2;
          const TimelineRun *r = &tl->runs[mid];

          if (r->pid < q->pid || (r->pid == q->pid && r->tid < q->tid))
            lo = mid + 1;
          else
            hi = mid;
        }
      for (hi = lo; hi < tl->n_runs && tl->runs[hi].pid == q->pid
                    && tl->runs[hi].tid == q->tid; hi++)
        ;
    }
  it->next = lo;
  it->end = hi;
}

const TimelineRun *
mls_timeline_next_run (const MlsTimeline *tl, MlsRunIter *it)
{
  while (it->next < it->end)
    {
      const TimelineRun *run = &tl->runs[it->next++];

      if ((it->lane < 0 ? run->kind_id == it->q->kind_id
                        : it->lane > 0 && run->lane == it->lane)
          && (it->q->model_id < 0 || run->model_id == it->q->model_id))
        return run;
    }
  return NULL;
}

void
mls_timeline_bind_run (sqlite3_stmt *stmt, const TimelineRun *run, int64_t a,
                       int64_t b)
{
  sqlite3_bind_int64 (stmt, 1, run->id);
  sqlite3_bind_int64 (stmt, 2, a - run->max_dur_ns);
  sqlite3_bind_int64 (stmt, 3, run->first_id);
  sqlite3_bind_int64 (stmt, 4, b);
  sqlite3_bind_int64 (stmt, 5, a);
}
