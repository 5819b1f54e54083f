/*
 * mls-store-timeline-lane.c: reading one lane for a view, of every thread
 * or of one, and one span's details (see mls-store-timeline.h). At a zoom
 * whose summary level is L, the spans of length classes above L are read
 * run by run (each a few index probes and exactly the spans in range),
 * the shorter ones as packed summary buckets.
 */
#include "mls-store-timeline-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The summary level for ns_per_px: the largest with bucket_ns <=
 * 4 * ns_per_px, so a lane reads at most one bucket row per pixel column
 * and spans shorter than a bucket (a few pixels at most) are drawn as a
 * density strip. -1 when zoomed in below the finest bucket: every span in
 * range is read.
 */
static int
pick_level (const MlsTimeline *tl, double ns_per_px)
{
  int level = -1;

  while (level < tl->max_level && MLS_BUCKET_NS (level + 1) <= 4 * ns_per_px)
    level++;
  return level;
}

void
mls_timeline_read_span (sqlite3_stmt *stmt, MlsTimelineSpan *span)
{
  span->id = sqlite3_column_int64 (stmt, 0);
  span->kind_id = sqlite3_column_int (stmt, 1);
  span->model_id = sqlite3_column_int64 (stmt, 2);
  span->depth = sqlite3_column_int (stmt, 3);
  span->start_ns = sqlite3_column_int64 (stmt, 4);
  span->end_ns = sqlite3_column_int64 (stmt, 5);
  span->complete = sqlite3_column_int (stmt, 6);
  span->tid = sqlite3_column_int64 (stmt, 7);
  span->parent_id = sqlite3_column_int64 (stmt, 8);
  snprintf (span->unit, sizeof span->unit, "%s",
            (const char *) sqlite3_column_text (stmt, 9));
  span->label = (const char *) sqlite3_column_text (stmt, 10);
  span->root_kind = sqlite3_column_int (stmt, 11);
}

/* The spans of one run overlapping [q->start_ns, q->end_ns). */
static int64_t
read_run (MlsTimeline *tl, const TimelineRun *run, const MlsLaneQuery *q,
          MlsTimelineSpanFunc span_func, void *data, MlsError *error)
{
  sqlite3_stmt *stmt = tl->run_spans;
  int64_t rows = 0;
  int rc;

  mls_timeline_bind_run (stmt, run, q->start_ns, q->end_ns);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MlsTimelineSpan span;

      mls_timeline_read_span (stmt, &span);
      span_func (&span, data);
      rows++;
    }
  tl->vm_steps += sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, 1);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return mls_timeline_fail (tl, error, "cannot read spans");
  return rows;
}

/* The spans at least a bucket of `level` long (every span when level is
 * -1): those of the lane's runs of the classes above it. */
static int64_t
read_spans (MlsTimeline *tl, const MlsLaneQuery *q, int level,
            MlsTimelineSpanFunc span_func, void *data, MlsError *error)
{
  const TimelineRun *run;
  MlsRunIter it;
  int64_t total = 0;

  for (mls_timeline_runs (tl, q, &it);
       (run = mls_timeline_next_run (tl, &it)) != NULL;)
    {
      int64_t rows;

      if (run->dur_class <= level || run->first_start_ns >= q->end_ns
          || run->max_end_ns <= q->start_ns)
        continue;
      if ((rows = read_run (tl, run, q, span_func, data, error)) < 0)
        return -1;
      total += rows;
    }
  return total;
}

typedef struct {
  size_t *ids;
  size_t n, allocated;
} GrowIds;

static int
grow_ids_add (GrowIds *g, size_t id)
{
  if (g->n == g->allocated)
    {
      size_t allocated = g->allocated ? 2 * g->allocated : 8;
      size_t *bigger = realloc (g->ids, allocated * sizeof *bigger);

      if (bigger == NULL)
        return -1;
      g->ids = bigger;
      g->allocated = allocated;
    }
  g->ids[g->n++] = id;
  return 0;
}

/* Decodes a row of packed buckets (schema.sql's span_summary). */
static void
decode_row (const unsigned char *in, size_t n, int64_t first, int level,
            int kind_id, int with_kind, MlsTimelineBucketFunc bucket_func,
            void *data)
{
  int64_t width = MLS_BUCKET_NS (level), bucket = first - 1;
  size_t at = 0;

  while (at < n)
    {
      MlsTimelineBucket b;
      uint64_t gap, count;
      size_t used;

      if ((used = mls_varint_get (in + at, n - at, &gap)) == 0)
        return;
      at += used;
      if ((used = mls_varint_get (in + at, n - at, &count)) == 0
          || at + used + 1 + (with_kind != 0) > n)
        return;
      at += used;
      bucket += (int64_t) gap + 1;
      b.start_ns = bucket * width;
      b.width_ns = width;
      b.count = (int64_t) count;
      b.busy_ns = in[at++] * width / 64;
      b.kind_id = with_kind ? in[at++] : kind_id;
      bucket_func (&b, data);
    }
}

static const TimelineSet *
find_set (const MlsTimeline *tl, const MlsSetKey *key)
{
  for (size_t s = 0; s < tl->n_sets; s++)
    if (mls_set_same (&tl->sets[s].key, key))
      return &tl->sets[s];
  return NULL;
}

/* Appends to `out` the stored sets that make up `key` at `level`: the
 * set itself where the file keeps it at that level, else its parts'. */
static int
resolve (const MlsTimeline *tl, MlsSetKey key, int level, GrowIds *out)
{
  const TimelineSet *set;
  MlsSetKey parts[256];
  size_t n_parts;

  mls_set_canonical (&key, tl->finest, tl->n_finest, tl->lane_of);
  if ((set = find_set (tl, &key)) != NULL && (set->levels & (1u << level)))
    return grow_ids_add (out, set - tl->sets);
  n_parts = mls_set_split (&key, tl->finest, tl->n_finest, tl->lane_of,
                           parts, sizeof parts / sizeof *parts);
  for (size_t p = 0; p < n_parts; p++)
    if (resolve (tl, parts[p], level, out))
      return -1;
  return 0;
}

/* The stored sets to read for `key` at `level`, resolved once and kept:
 * a frame asks the same few hundred. */
static const MlsResolved *
resolved (MlsTimeline *tl, const MlsSetKey *key, int level)
{
  MlsResolved *r;
  GrowIds ids = { 0 };

  for (size_t i = 0; i < tl->n_resolved; i++)
    if (tl->resolved[i].level == level
        && mls_set_same (&tl->resolved[i].key, key))
      return &tl->resolved[i];
  if (tl->n_resolved == tl->allocated_resolved)
    {
      size_t allocated = tl->allocated_resolved
                         ? 2 * tl->allocated_resolved : 64;
      MlsResolved *bigger = realloc (tl->resolved,
                                     allocated * sizeof *bigger);

      if (bigger == NULL)
        return NULL;
      tl->resolved = bigger;
      tl->allocated_resolved = allocated;
    }
  if (resolve (tl, *key, level, &ids))
    {
      free (ids.ids);
      return NULL;
    }
  r = &tl->resolved[tl->n_resolved++];
  *r = (MlsResolved) { *key, level, ids.ids, ids.n };
  return r;
}

/* A stored set's buckets at `level` over q's range. */
static int64_t
read_set (MlsTimeline *tl, const TimelineSet *set, int level,
          const MlsLaneQuery *q, MlsTimelineBucketFunc bucket_func,
          void *data, MlsError *error)
{
  int64_t width = MLS_BUCKET_NS (level), rows = 0;
  sqlite3_stmt *stmt = tl->chunks;
  int rc;

  sqlite3_bind_int64 (stmt, 1, set->id);
  sqlite3_bind_int (stmt, 2, level);
  /* Buckets starting up to a bucket before the range reach into it. */
  sqlite3_bind_int64 (stmt, 3, q->start_ns / width - 1);
  sqlite3_bind_int64 (stmt, 4, q->end_ns / width + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      decode_row (sqlite3_column_blob (stmt, 1),
                  (size_t) sqlite3_column_bytes (stmt, 1),
                  sqlite3_column_int64 (stmt, 0), level, set->key.kind,
                  set->key.kind < 0, bucket_func, data);
      rows++;
    }
  tl->vm_steps += sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, 1);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE ? rows : mls_timeline_fail (tl, error,
    "cannot read the span summary");
}

int64_t
mls_timeline_read_lane (MlsTimeline *tl, const MlsLaneQuery *q,
                        MlsTimelineSpanFunc span_func,
                        MlsTimelineBucketFunc bucket_func, void *data,
                        MlsError *error)
{
  int level = pick_level (tl, q->ns_per_px);
  int64_t rows = 0, spans;
  int lane = 0;

  if (q->kind_id > 0 && !mls_timeline_find_kind (tl, q->kind_id))
    return 0;
  if (q->kind_id <= 0 && (lane = mls_timeline_lane_index (tl, q->lane)) == 0)
    return 0;
  if (level >= 0)
    {
      MlsSetKey key = { q->kind_id > 0 ? q->kind_id : -lane,
                        q->model_id >= 0 ? q->model_id : MLS_SET_ALL,
                        q->tid > 0 ? q->pid : MLS_SET_ALL,
                        q->tid > 0 ? q->tid : MLS_SET_ALL };
      const MlsResolved *r = resolved (tl, &key, level);

      if (r == NULL)
        return mls_timeline_fail (tl, error, "out of memory");
      for (size_t i = 0; i < r->n_sets; i++)
        {
          int64_t more = read_set (tl, &tl->sets[r->sets[i]], level, q,
                                   bucket_func, data, error);

          if (more < 0)
            return -1;
          rows += more;
        }
    }
  spans = read_spans (tl, q, level, span_func, data, error);
  return spans < 0 ? -1 : rows + spans;
}

int64_t
mls_timeline_take_vm_steps (MlsTimeline *tl)
{
  int64_t steps = tl->vm_steps;

  tl->vm_steps = 0;
  return steps;
}

static char *
column_strdup (sqlite3_stmt *stmt, int col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text ? strdup ((const char *) text) : NULL;
}

int
mls_timeline_span_details (MlsTimeline *tl, int64_t span_id,
                           MlsSpanDetails *d, MlsError *error)
{
  sqlite3_stmt *stmt;
  int rc;

  memset (d, 0, sizeof *d);
  if (sqlite3_prepare_v2 (tl->db,
        "SELECT s.id, s.lane, s.kind, s.model, s.unit, s.pid, s.tid,"
        "       (SELECT t.name FROM thread t WHERE t.tid = s.tid LIMIT 1),"
        "       ifnull (s.parent_id, 0), s.depth, s.start_ns, s.end_ns,"
        "       s.dur_ns, s.complete, s.status, s.args, s.incomplete_reason"
        " FROM span_view s WHERE s.id = ?1",
        -1, &stmt, NULL) != SQLITE_OK)
    return mls_timeline_fail (tl, error, "cannot read the span");
  sqlite3_bind_int64 (stmt, 1, span_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      if (rc == SQLITE_DONE && error)
        {
          error->code = 1;
          snprintf (error->message, sizeof error->message,
                    "%s: no span with id %lld", mls_store_path (tl->store),
                    (long long) span_id);
          return -1;
        }
      return mls_timeline_fail (tl, error, "cannot read the span");
    }
  d->id = sqlite3_column_int64 (stmt, 0);
  snprintf (d->lane, sizeof d->lane, "%s", sqlite3_column_text (stmt, 1));
  snprintf (d->kind, sizeof d->kind, "%s", sqlite3_column_text (stmt, 2));
  d->model = column_strdup (stmt, 3);
  if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
    snprintf (d->unit, sizeof d->unit, "%s", sqlite3_column_text (stmt, 4));
  d->pid = sqlite3_column_int64 (stmt, 5);
  d->tid = sqlite3_column_int64 (stmt, 6);
  d->thread = column_strdup (stmt, 7);
  d->parent_id = sqlite3_column_int64 (stmt, 8);
  d->depth = sqlite3_column_int (stmt, 9);
  d->start_ns = sqlite3_column_int64 (stmt, 10);
  d->end_ns = sqlite3_column_int64 (stmt, 11);
  d->dur_ns = sqlite3_column_int64 (stmt, 12);
  d->complete = sqlite3_column_int (stmt, 13);
  d->status = sqlite3_column_int (stmt, 14);
  d->args = column_strdup (stmt, 15);
  d->cut = d->complete ? MLS_CUT_NONE : mls_cut_reason_from_name (
    (const char *) sqlite3_column_text (stmt, 16));
  sqlite3_finalize (stmt);
  return 0;
}

void
mls_span_details_clear (MlsSpanDetails *d)
{
  free (d->model);
  free (d->thread);
  free (d->args);
  memset (d, 0, sizeof *d);
}
