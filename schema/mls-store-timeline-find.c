/*
 * mls-store-timeline-find.c: the timeline's one-off questions, asked when
 * a person points or clicks rather than on every frame: what lies under
 * the pointer (an exact count and busy time, for a tooltip), which span of
 * a kind comes next, before, or is the longest, and what a span contains.
 * Each asks the runs of the lane's kind, model and thread (a few index
 * probes each, mls-store-timeline-runs.c), prepared when asked.
 */
#include <stdlib.h>
#include <string.h>

#include "mls-store-timeline-private.h"

static sqlite3_stmt *
prepare (MlsTimeline *tl, const char *sql, MlsError *error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (tl->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    mls_timeline_fail (tl, error, "cannot prepare a span search");
  return stmt;
}

int
mls_timeline_count_range (MlsTimeline *tl, const MlsLaneQuery *q,
                          MlsRangeCount *count, MlsError *error)
{
  sqlite3_stmt *stmt = prepare (tl,
    "SELECT count (*), total (min (end_ns, ?4) - max (start_ns, ?5)),"
    " min (id), min (start_ns) FROM span WHERE " MLS_RUN_IDS
    " AND start_ns < ?4 AND end_ns > ?5", error);
  int rc = SQLITE_ROW;

  const TimelineRun *run;
  MlsRunIter it;

  *count = (MlsRangeCount) { 0, 0, 0, 0 };
  if (stmt == NULL)
    return -1;
  for (mls_timeline_runs (tl, q, &it);
       rc == SQLITE_ROW && (run = mls_timeline_next_run (tl, &it)) != NULL;)
    {
      if (run->first_start_ns >= q->end_ns || run->max_end_ns <= q->start_ns)
        continue;
      mls_timeline_bind_run (stmt, run, q->start_ns, q->end_ns);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW
          && sqlite3_column_int64 (stmt, 0) > 0)
        {
          int64_t start = sqlite3_column_int64 (stmt, 3);

          /* Within a run, ids follow start times. */
          if (count->count == 0 || start < count->first_start_ns)
            {
              count->first_id = sqlite3_column_int64 (stmt, 2);
              count->first_start_ns = start;
            }
          count->count += sqlite3_column_int64 (stmt, 0);
          count->busy_ns += (int64_t) sqlite3_column_double (stmt, 1);
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW ? 0 : mls_timeline_fail (tl, error,
                                                   "cannot count spans");
}

/* Per run, the span `what` asks for: the first starting after ?5 (from
 * the block holding ?5 on, ids following start times), the last starting
 * before ?5, or the longest overlapping [?5, ?4). */
static const char *const find_sql[] = {
  [MLS_FIND_NEXT] =
    "SELECT id, start_ns, dur_ns FROM span WHERE id BETWEEN"
    " ifnull ((SELECT first_id FROM span_block WHERE run_id = ?1"
    " AND start_ns <= ?5 ORDER BY start_ns DESC, first_id DESC LIMIT 1), ?3)"
    " AND ?6 AND start_ns > ?5 ORDER BY id LIMIT 1",
  [MLS_FIND_PREVIOUS] =
    "SELECT id, start_ns, dur_ns FROM span WHERE id BETWEEN ?3 AND"
    " (SELECT last_id FROM span_block WHERE run_id = ?1 AND start_ns < ?5"
    " ORDER BY start_ns DESC, first_id DESC LIMIT 1) AND start_ns < ?5"
    " ORDER BY id DESC LIMIT 1",
  [MLS_FIND_LONGEST] =
    "SELECT id, start_ns, dur_ns FROM span WHERE " MLS_RUN_IDS
    " AND start_ns < ?4 AND end_ns > ?5 ORDER BY dur_ns DESC, id LIMIT 1",
};

/* Whether a run's candidate (start, dur) beats the best so far. */
static int
better (MlsFindWhat what, int64_t start, int64_t dur, int64_t best_start,
        int64_t best_dur)
{
  switch (what)
    {
    case MLS_FIND_NEXT:
      return start < best_start;
    case MLS_FIND_PREVIOUS:
      return start > best_start;
    case MLS_FIND_LONGEST:
    default:
      return dur > best_dur || (dur == best_dur && start < best_start);
    }
}

int
mls_timeline_find_span (MlsTimeline *tl, const MlsLaneQuery *q,
                        MlsFindWhat what, int64_t at_ns, int64_t *span_id,
                        MlsError *error)
{
  sqlite3_stmt *stmt = prepare (tl, find_sql[what], error);
  int64_t best_start = 0, best_dur = 0;
  int found_class = -1, rc = SQLITE_DONE;
  const TimelineRun *run;
  MlsRunIter it;

  *span_id = 0;
  if (stmt == NULL)
    return -1;
  for (mls_timeline_runs (tl, q, &it);
       rc == SQLITE_DONE && (run = mls_timeline_next_run (tl, &it)) != NULL;)
    {
      int64_t a = what == MLS_FIND_LONGEST ? q->start_ns : at_ns;

      if (what == MLS_FIND_LONGEST
          && (run->first_start_ns >= q->end_ns
              || run->max_end_ns <= q->start_ns
              || run->dur_class < found_class))
        continue;
      mls_timeline_bind_run (stmt, run, a, q->end_ns);
      sqlite3_bind_int64 (stmt, 6, run->last_id);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          int64_t start = sqlite3_column_int64 (stmt, 1);
          int64_t dur = sqlite3_column_int64 (stmt, 2);

          if (*span_id == 0 || better (what, start, dur, best_start,
                                       best_dur))
            {
              *span_id = sqlite3_column_int64 (stmt, 0);
              best_start = start;
              best_dur = dur;
              found_class = run->dur_class;
            }
          rc = SQLITE_DONE;
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? 0 : mls_timeline_fail (tl, error,
                                                    "cannot find a span");
}

/* A span of the window, and whether it descends from the asked one. */
typedef struct {
  MlsTimelineSpan span;
  char *label;
  int keep;
} Found;

static int
compare_found (const void *a, const void *b)
{
  const MlsTimelineSpan *x = &((const Found *) a)->span;
  const MlsTimelineSpan *y = &((const Found *) b)->span;

  if (x->start_ns != y->start_ns)
    return x->start_ns < y->start_ns ? -1 : 1;
  if (x->depth != y->depth)
    return x->depth - y->depth;
  return x->id < y->id ? -1 : x->id > y->id;
}

static int
compare_depth (const void *a, const void *b)
{
  const MlsTimelineSpan *x = &((const Found *) a)->span;
  const MlsTimelineSpan *y = &((const Found *) b)->span;

  if (x->depth != y->depth)
    return x->depth - y->depth;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* Every span of the process overlapping [start, end): descendants lie
 * within their ancestor's time. */
static int
read_window (MlsTimeline *tl, int64_t pid, int64_t start, int64_t end,
             Found **found, size_t *n, MlsError *error)
{
  sqlite3_stmt *stmt = tl->run_spans;
  size_t allocated = 0;
  int rc = SQLITE_DONE;

  for (size_t r = 0; r < tl->n_runs && rc == SQLITE_DONE; r++)
    {
      const TimelineRun *run = &tl->runs[r];

      if (run->pid != pid || run->first_start_ns >= end
          || run->max_end_ns <= start)
        continue;
      mls_timeline_bind_run (stmt, run, start, end);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          Found *f;

          if (*n == allocated)
            {
              Found *bigger;

              allocated = allocated ? 2 * allocated : 256;
              if ((bigger = realloc (*found, allocated * sizeof *bigger))
                  == NULL)
                {
                  rc = SQLITE_NOMEM;
                  break;
                }
              *found = bigger;
            }
          f = &(*found)[(*n)++];
          mls_timeline_read_span (stmt, &f->span);
          f->label = f->span.label ? strdup (f->span.label) : NULL;
          f->span.label = f->label;
          f->keep = 0;
        }
      sqlite3_reset (stmt);
    }
  return rc == SQLITE_DONE ? 0 : mls_timeline_fail (tl, error,
                                                    "cannot read a span's "
                                                    "children");
}

/* Marks the descendants of span_id: by depth, so a parent is decided
 * before its children; found sorted by depth, then id. */
static void
mark_descendants (Found *found, size_t n, int64_t span_id)
{
  for (size_t i = 0; i < n; i++)
    {
      int64_t parent = found[i].span.parent_id;
      size_t lo = 0, hi = n;

      if (parent == span_id)
        {
          found[i].keep = 1;
          continue;
        }
      /* The parent, one depth up: a binary search among that depth. */
      while (lo < hi)
        {
          size_t mid = lo + (hi - lo) / 2;
          const MlsTimelineSpan *m = &found[mid].span;

          if (m->depth < found[i].span.depth - 1
              || (m->depth == found[i].span.depth - 1 && m->id < parent))
            lo = mid + 1;
          else
            hi = mid;
        }
      found[i].keep = lo < n && found[lo].span.id == parent && found[lo].keep;
    }
}

int
mls_timeline_descendants (MlsTimeline *tl, int64_t span_id, int limit,
                          MlsTimelineSpanFunc func, void *data,
                          MlsError *error)
{
  MlsSpanDetails d;
  Found *found = NULL;
  size_t n = 0;
  int rc, kept = 0;

  if (mls_timeline_span_details (tl, span_id, &d, error) < 0)
    return -1;
  rc = read_window (tl, d.pid, d.start_ns, d.end_ns > d.start_ns ? d.end_ns
                    : d.start_ns + 1, &found, &n, error);
  mls_span_details_clear (&d);
  if (rc == 0)
    {
      qsort (found, n, sizeof *found, compare_depth);
      mark_descendants (found, n, span_id);
      qsort (found, n, sizeof *found, compare_found);
    }
  for (size_t i = 0; i < n; i++)
    {
      if (rc == 0 && found[i].keep && kept < limit)
        {
          func (&found[i].span, data);
          kept++;
        }
      free (found[i].label);
    }
  free (found);
  return rc;
}
