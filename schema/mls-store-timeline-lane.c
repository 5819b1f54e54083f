/*
 * mls-store-timeline-lane.c: reading one lane for a view, of every thread
 * or of one, and one span's details (see mls-store-timeline.h).
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

/* Binds a lane query's parameters, as every span statement numbers them:
 * ?1 kind, ?2 scan start, ?3 end, ?4 start, ?5 min duration, ?6 model,
 * ?7 max duration, ?8 pid, ?9 tid, ?10 every model. */
static void
bind_query (sqlite3_stmt *stmt, const MlsLaneQuery *q, int64_t from_ns,
            int64_t min_dur, int64_t max_dur)
{
  int n = sqlite3_bind_parameter_count (stmt);

  sqlite3_reset (stmt);
  sqlite3_bind_int (stmt, 1, q->kind_id);
  sqlite3_bind_int64 (stmt, 2, from_ns);
  sqlite3_bind_int64 (stmt, 3, q->end_ns);
  sqlite3_bind_int64 (stmt, 4, q->start_ns);
  sqlite3_bind_int64 (stmt, 5, min_dur);
  if (q->model_id > 0)
    sqlite3_bind_int64 (stmt, 6, q->model_id);
  else
    sqlite3_bind_null (stmt, 6);
  if (n >= 7)
    sqlite3_bind_int64 (stmt, 7, max_dur);
  if (n >= 8)
    {
      sqlite3_bind_int64 (stmt, 8, q->pid);
      sqlite3_bind_int64 (stmt, 9, q->tid);
      sqlite3_bind_int (stmt, 10, q->model_id < 0);
    }
}

static int64_t
run_span_query (MlsTimeline *tl, sqlite3_stmt *stmt, const MlsLaneQuery *q,
                int64_t from_ns, int64_t min_dur, int64_t max_dur,
                MlsTimelineSpanFunc span_func, void *data, MlsError *error)
{
  int64_t rows = 0;
  int rc;

  bind_query (stmt, q, from_ns, min_dur, max_dur);
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

/* The spans at least min_dur long overlapping the range. n_short is how
 * many shorter spans start in the range (from the summary): what a scan
 * by start time would read and throw away. */
static int64_t
read_spans (MlsTimeline *tl, const MlsLaneQuery *q, int64_t min_dur,
            int64_t n_short, MlsTimelineSpanFunc span_func, void *data,
            MlsError *error)
{
  const MlsTimelineKind *kind = mls_timeline_find_kind (tl, q->kind_id);
  int by_model = q->model_id >= 0;
  sqlite3_stmt *by_start = q->tid > 0 ? tl->by_start_thread
                           : by_model ? tl->by_start_model : tl->by_start_all;
  sqlite3_stmt *by_dur = q->tid > 0 ? tl->by_dur_thread
                         : by_model ? tl->by_dur_model : tl->by_dur_all;
  double trace_ns = (double) (tl->end_ns - tl->start_ns) + 1;
  double by_start_rows, by_dur_rows;
  int64_t rows, more;

  /* Zoomed out, the spans at least min_dur long are at most
   * total / min_dur: often far fewer than a scan of the range. */
  by_start_rows = n_short + (double) kind->count * kind->long_dur_ns
                            / trace_ns;
  by_dur_rows = min_dur > 0 ? (double) kind->total_ns / min_dur : 1e300;
  if (tl->has_dur_index && min_dur >= MLS_DUR_INDEX_NS
      && by_dur_rows < by_start_rows)
    return run_span_query (tl, by_dur, q, 0, min_dur, 0, span_func, data,
                           error);

  /* By start time from the 64th longest duration before the range, then
   * the few longer spans by duration: long_dur_ns is at least
   * MLS_DUR_INDEX_NS - 1 when some span is longer (load_kind_extents), so
   * span_kind_dur holds them all. */
  rows = run_span_query (tl, by_start, q, q->start_ns - kind->long_dur_ns,
                         min_dur,
                         kind->long_dur_ns, span_func, data, error);
  if (rows < 0 || kind->long_dur_ns >= kind->max_dur_ns)
    return rows;
  more = run_span_query (tl, by_dur, q, 0, min_dur > kind->long_dur_ns
                               ? min_dur : kind->long_dur_ns + 1,
                         0, span_func, data, error);
  return more < 0 ? -1 : rows + more;
}

static int64_t
read_buckets (MlsTimeline *tl, const MlsLaneQuery *q, int level,
              int64_t model_id, MlsTimelineBucketFunc bucket_func,
              void *data, int64_t *n_spans, MlsError *error)
{
  sqlite3_stmt *stmt = q->tid > 0 ? tl->thread_buckets : tl->buckets;
  int64_t width = MLS_BUCKET_NS (level);
  int64_t rows = 0;
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_int (stmt, 1, level);
  sqlite3_bind_int (stmt, 2, q->kind_id);
  sqlite3_bind_int64 (stmt, 3, model_id);
  sqlite3_bind_int64 (stmt, 4, q->start_ns / width - 1);
  sqlite3_bind_int64 (stmt, 5, q->end_ns / width + 1);
  if (q->tid > 0)
    {
      sqlite3_bind_int64 (stmt, 6, q->pid);
      sqlite3_bind_int64 (stmt, 7, q->tid);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MlsTimelineBucket bucket;

      bucket.start_ns = sqlite3_column_int64 (stmt, 0) * width;
      bucket.width_ns = width;
      bucket.count = sqlite3_column_int64 (stmt, 1);
      bucket.busy_ns = sqlite3_column_int64 (stmt, 2);
      *n_spans += bucket.count;
      bucket_func (&bucket, data);
      rows++;
    }
  tl->vm_steps += sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, 1);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return mls_timeline_fail (tl, error, "cannot read the span summary");
  return rows;
}

int64_t
mls_timeline_read_lane (MlsTimeline *tl, const MlsLaneQuery *q,
                        MlsTimelineSpanFunc span_func,
                        MlsTimelineBucketFunc bucket_func, void *data,
                        MlsError *error)
{
  int level = pick_level (tl, q->ns_per_px);
  int64_t rows, total = 0, n_short = 0;

  if (!mls_timeline_find_kind (tl, q->kind_id))
    return 0;

  /* The summary's primary key is (level, kind, model, bucket): one range
   * per model keeps every read on the index. */
  for (size_t i = 0; level >= 0 && i < tl->n_pairs; i++)
    {
      if (tl->pairs[i].kind_id != q->kind_id || tl->pairs[i].tid != q->tid
          || tl->pairs[i].pid != (q->tid > 0 ? q->pid : 0))
        continue;
      if (q->model_id >= 0 && tl->pairs[i].model_id != q->model_id)
        continue;
      rows = read_buckets (tl, q, level, tl->pairs[i].model_id, bucket_func,
                           data, &n_short, error);
      if (rows < 0)
        return -1;
      total += rows;
    }
  rows = read_spans (tl, q, level < 0 ? 0 : MLS_BUCKET_NS (level), n_short,
                     span_func, data, error);
  return rows < 0 ? -1 : total + rows;
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
        "SELECT s.id, k.lane, k.label, m.name, s.unit, s.pid, s.tid,"
        "       (SELECT t.name FROM thread t WHERE t.tid = s.tid LIMIT 1),"
        "       ifnull (s.parent_id, 0), s.depth, s.start_ns, s.end_ns,"
        "       s.dur_ns, s.complete, s.status, s.args, s.incomplete_reason"
        " FROM span s JOIN span_kind k ON k.id = s.kind_id"
        " LEFT JOIN model m ON m.id = s.model_id WHERE s.id = ?1",
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
