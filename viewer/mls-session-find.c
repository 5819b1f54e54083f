/*
 * mls-session-find.c: jumping from the table's selected row to one of its
 * spans (the longest in view, the next or the previous one), as
 * Instruments' and Perfetto's tables do: the span is selected and brought
 * into view. Only the threads the filter shows are searched.
 */
#include "mls-session-private.h"

typedef struct {
  MlsFindWhat what;
  gint64 id;
  gint64 start;
  gint64 dur;
} Best;

/* Whether a span (start, dur) beats best for `what`. */
static gboolean
beats (const Best *best, gint64 start, gint64 dur)
{
  if (best->id == 0)
    return TRUE;
  switch (best->what)
    {
    case MLS_FIND_NEXT: return start < best->start;
    case MLS_FIND_PREVIOUS: return start > best->start;
    case MLS_FIND_LONGEST: default:
      return dur > best->dur || (dur == best->dur && start < best->start);
    }
}

static void
find_in (MlsSession *self, MlsLaneQuery *q, gint64 at, Best *best)
{
  gint64 id = 0;
  MlsSpanDetails d;

  if (mls_timeline_find_span (self->timeline, q, best->what, at, &id,
                              NULL) < 0 || id == 0
      || mls_timeline_span_details (self->timeline, id, &d, NULL) < 0)
    return;
  if (beats (best, d.start_ns, d.dur_ns))
    *best = (Best) { best->what, id, d.start_ns, d.dur_ns };
  mls_span_details_clear (&d);
}

/* Where next / previous count from: the selected span's start, else the
 * view's left edge (next) or right edge (previous). */
static gint64
find_origin (MlsSession *self, MlsFindWhat what)
{
  MlsSpanDetails d;
  gint64 at = what == MLS_FIND_PREVIOUS ? self->view_end : self->view_start;

  if (self->selected_span > 0
      && mls_timeline_span_details (self->timeline, self->selected_span, &d,
                                    NULL) == 0)
    {
      at = d.start_ns;
      mls_span_details_clear (&d);
    }
  return at;
}

/* Centred in the view at the same zoom, or filling it when wider. */
static void
reveal (MlsSession *self, const Best *best)
{
  gint64 width = self->view_end - self->view_start;

  if (best->dur > width)
    {
      mls_session_zoom_to_selection (self);
      return;
    }
  mls_session_set_visible (self, best->start + best->dur / 2 - width / 2,
                           best->start + best->dur / 2 + width / 2);
}

gboolean
mls_session_jump (MlsSession *self, MlsFindWhat what)
{
  Best best = { what, 0, 0, 0 };
  MlsLaneQuery q = { 0 };
  gint64 at = find_origin (self, what);
  gboolean filtered = g_hash_table_size (self->hidden) > 0;

  if (self->highlight_kind <= 0)
    return FALSE;
  q.kind_id = self->highlight_kind;
  q.model_id = self->highlight_model;
  q.start_ns = self->has_selection ? self->sel_start : self->view_start;
  q.end_ns = self->has_selection ? self->sel_end : self->view_end;
  if (!filtered)
    find_in (self, &q, at, &best);
  for (size_t i = 0; filtered && i < mls_timeline_n_threads (self->timeline);
       i++)
    {
      const MlsTimelineThread *th = mls_timeline_thread (self->timeline, i);

      if (!mls_session_thread_visible (self, th->pid, th->tid))
        continue;
      q.pid = th->pid;
      q.tid = th->tid;
      find_in (self, &q, at, &best);
    }
  if (best.id == 0)
    return FALSE;
  mls_session_set_selected_span (self, best.id);
  reveal (self, &best);
  return TRUE;
}
