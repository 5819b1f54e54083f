/*
 * mls-layout.c: the tracks' rows for a session's grouping and filter.
 *
 * By thread, each process is a group holding the Activity / Data /
 * Compute lanes (or one lane per kind), and each lane a row per thread
 * that has spans in it; a recording of several hosts has a track per
 * host, its processes' groups after it. Shared, the lanes hold every visible thread's
 * spans. Either way a lane has a band of rows per depth (prediction above
 * its requests above their layers), as many rows as span_overlap says
 * spans of that depth ever overlap: drawn first fit in start order, no
 * span can cover another. The GPU and Neural Engine tracks are pinned
 * above the rest, so a prediction can be followed onto the device however
 * far the runtime tracks are scrolled.
 */
#include "mls-session-private.h"

#include <string.h>

#define MAX_DEPTH 256

typedef struct {
  const char *label;
  const char *lanes[2];     /* schema lanes drawn together */
} LaneGroup;

static const LaneGroup runtime_groups[] = {
  { "Activity", { "activity", NULL } },
  { "Data", { "data", NULL } },
  { "Compute", { "compute", "layer" } },
};

/* What a row draws: kinds of the lanes of a group (kind_id 0) or one
 * kind, of a model (-1 all) and a thread (tid 0: the visible threads). */
typedef struct {
  const LaneGroup *group;
  int kind_id;
  gint64 model_id;
  gint64 pid;
  gint64 tid;
} RowSpec;

static gboolean
in_group (const LaneGroup *g, const char *lane)
{
  return g_strcmp0 (g->lanes[0], lane) == 0
         || g_strcmp0 (g->lanes[1], lane) == 0;
}

/* Adds to need[] the rows per depth that one set of span_overlap needs. */
static void
add_overlap (MlsTimeline *tl, const RowSpec *spec, gint64 pid, gint64 tid,
             int *need)
{
  for (size_t i = 0; i < mls_timeline_n_overlaps (tl); i++)
    {
      const MlsTimelineOverlap *o = mls_timeline_overlap (tl, i);

      if (o->tid != tid || o->pid != pid || o->model_id != spec->model_id
          || o->depth >= MAX_DEPTH)
        continue;
      if (spec->kind_id ? o->kind_id != spec->kind_id
                        : o->kind_id != 0 || !in_group (spec->group, o->lane))
        continue;
      need[o->depth] += o->max_overlap;
    }
}

/* Rows per depth of a row: its thread's, or all threads', or, with
 * threads hidden, the fewer of all threads' and the visible ones' sum. */
static void
row_need (MlsSession *s, const RowSpec *spec, int *need)
{
  MlsTimeline *tl = s->timeline;
  int visible[MAX_DEPTH] = { 0 };

  memset (need, 0, MAX_DEPTH * sizeof *need);
  if (spec->tid > 0)
    {
      add_overlap (tl, spec, spec->pid, spec->tid, need);
      return;
    }
  add_overlap (tl, spec, 0, 0, need);
  if (g_hash_table_size (s->hidden) == 0)
    return;
  for (size_t t = 0; t < mls_timeline_n_threads (tl); t++)
    {
      const MlsTimelineThread *th = mls_timeline_thread (tl, t);

      if (mls_session_thread_visible (s, th->pid, th->tid))
        add_overlap (tl, spec, th->pid, th->tid, visible);
    }
  for (int d = 0; d < MAX_DEPTH; d++)
    need[d] = MIN (need[d], visible[d]);
}

static void
set_bands (MlsRow *row, const int *need)
{
  row->n_subrows = 0;
  row->n_bands = 0;
  for (int d = 0; d < MAX_DEPTH; d++)
    {
      MlsBand *b;

      if (need[d] <= 0)
        continue;
      /* Deeper than the bands allow: stacked in the last band's rows. */
      if (row->n_bands == MLS_MAX_BANDS)
        {
          row->bands[MLS_MAX_BANDS - 1].n_rows += need[d];
          row->n_subrows += need[d];
          continue;
        }
      b = &row->bands[row->n_bands++];
      b->depth = d;
      b->first_row = row->n_subrows;
      b->n_rows = need[d];
      row->n_subrows += need[d];
    }
  row->n_subrows = CLAMP (row->n_subrows, 1, MLS_MAX_SUBROWS);
}

static void
add_track (MlsSession *s, const char *label, int indent, gboolean expander,
           gboolean pinned)
{
  MlsRow row = { 0 };

  row.type = MLS_ROW_TRACK;
  row.label = g_strdup (label);
  row.indent = indent;
  row.expander = expander;
  row.expanded = s->by_model;
  row.model_id = -1;
  row.pinned = pinned;
  g_array_append_val (s->rows, row);
}

/* Adds a lane row for spec when it has spans (or always, if keep_empty);
 * returns whether it did. */
static gboolean
add_lane (MlsSession *s, const RowSpec *spec, const char *label,
          const char *sublabel, int indent, gboolean pinned,
          gboolean keep_empty)
{
  MlsTimeline *tl = s->timeline;
  int need[MAX_DEPTH];
  MlsRow row = { 0 };

  row_need (s, spec, need);
  set_bands (&row, need);
  if (row.n_bands == 0 && !keep_empty)
    return FALSE;
  row.type = MLS_ROW_LANE;
  row.indent = indent;
  row.pinned = pinned;
  row.model_id = spec->model_id;
  row.pid = spec->pid;
  row.tid = spec->tid;
  for (size_t i = 0; i < mls_timeline_n_kinds (tl); i++)
    {
      const MlsTimelineKind *k = mls_timeline_kind (tl, i);

      if ((spec->kind_id ? k->kind_id == spec->kind_id
                         : in_group (spec->group, k->lane))
          && row.n_kinds < MLS_LANE_MAX_KINDS)
        row.kinds[row.n_kinds++] = k->kind_id;
    }
  row.label = g_strdup (label);
  row.sublabel = g_strdup (sublabel);
  g_array_append_val (s->rows, row);
  return TRUE;
}

static char *
thread_label (const MlsTimelineThread *th)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "%s%s%s", th->tid,
                          th->tid == th->pid ? " main" : "",
                          th->name ? "  " : "", th->name ? th->name : "");
}

/* One lane (a group, or a kind) of a process: a row per visible thread
 * with spans in it, the lane's name on the first. */
static void
add_thread_rows (MlsSession *s, const MlsTimelineProcess *p,
                 RowSpec *spec, const char *label, int indent)
{
  gboolean first = TRUE;

  for (size_t t = 0; t < p->n_threads; t++)
    {
      const MlsTimelineThread *th = mls_timeline_thread (s->timeline,
                                                         p->first_thread + t);
      g_autofree char *sub = NULL;

      if (!mls_session_thread_visible (s, th->pid, th->tid))
        continue;
      spec->pid = th->pid;
      spec->tid = th->tid;
      sub = thread_label (th);
      if (add_lane (s, spec, first ? label : "", sub, indent, FALSE, FALSE))
        {
          g_array_index (s->rows, MlsRow, s->rows->len - 1).first_of_lane =
            first;
          first = FALSE;
        }
    }
}

static gboolean
is_runtime_lane (const char *lane)
{
  for (guint g = 0; g < G_N_ELEMENTS (runtime_groups); g++)
    if (in_group (&runtime_groups[g], lane))
      return TRUE;
  return FALSE;
}

/* The runtime lanes of a model (-1 all) for a process (NULL: shared). */
static void
add_runtime_lanes (MlsSession *s, const MlsTimelineProcess *p,
                   gint64 model_id, int indent)
{
  MlsTimeline *tl = s->timeline;

  if (s->grouped)
    for (guint g = 0; g < G_N_ELEMENTS (runtime_groups); g++)
      {
        RowSpec spec = { &runtime_groups[g], 0, model_id, 0, 0 };

        if (p)
          add_thread_rows (s, p, &spec, runtime_groups[g].label, indent);
        else
          add_lane (s, &spec, runtime_groups[g].label, NULL, indent, FALSE,
                    TRUE);
      }
  else
    for (size_t i = 0; i < mls_timeline_n_kinds (tl); i++)
      {
        const MlsTimelineKind *k = mls_timeline_kind (tl, i);
        RowSpec spec = { NULL, k->kind_id, model_id, 0, 0 };

        if (!is_runtime_lane (k->lane))
          continue;
        if (p)
          add_thread_rows (s, p, &spec, k->label, indent);
        else
          add_lane (s, &spec, k->label, NULL, indent, FALSE, FALSE);
      }
}

/* Whether any span_overlap set of a model (0: none) runs on pid (0:
 * any) in the runtime lanes. */
static gboolean
model_in_process (MlsTimeline *tl, gint64 model_id, gint64 pid)
{
  for (size_t i = 0; i < mls_timeline_n_overlaps (tl); i++)
    {
      const MlsTimelineOverlap *o = mls_timeline_overlap (tl, i);

      if (o->model_id == model_id && o->kind_id == 0
          && (pid ? o->pid == pid : o->tid == 0) && is_runtime_lane (o->lane))
        return TRUE;
    }
  return FALSE;
}

static void
add_model_tracks (MlsSession *s, const MlsTimelineProcess *p, int indent)
{
  MlsTimeline *tl = s->timeline;

  for (size_t i = 0; i < mls_timeline_n_models (tl); i++)
    {
      const MlsTimelineModel *m = mls_timeline_model (tl, i);

      if (!model_in_process (tl, m->id, p ? p->pid : 0))
        continue;
      add_track (s, m->name, indent, FALSE, FALSE);
      add_runtime_lanes (s, p, m->id, indent);
    }
  if (model_in_process (tl, 0, p ? p->pid : 0))
    {
      add_track (s, "No model", indent, FALSE, FALSE);
      add_runtime_lanes (s, p, 0, indent);
    }
}

static gboolean
process_shown (MlsSession *s, const MlsTimelineProcess *p)
{
  for (size_t t = 0; t < p->n_threads; t++)
    {
      const MlsTimelineThread *th = mls_timeline_thread (s->timeline,
                                                         p->first_thread + t);

      if (mls_session_thread_visible (s, th->pid, th->tid))
        return TRUE;
    }
  return FALSE;
}

static void
add_device_tracks (MlsSession *s)
{
  static const LaneGroup gpu = { "GPU Busy", { "gpu", NULL } };
  static const LaneGroup npu = { "NPU Busy", { "npu", NULL } };
  RowSpec spec = { &gpu, 0, -1, 0, 0 };

  add_track (s, "GPU", 0, FALSE, TRUE);
  add_lane (s, &spec, gpu.label, NULL, 0, TRUE, TRUE);
  spec.group = &npu;
  add_track (s, "Neural Engine", 0, FALSE, TRUE);
  add_lane (s, &spec, npu.label, NULL, 0, TRUE, TRUE);
}

static void
place_rows (MlsSession *s)
{
  double y[2] = { 0, 0 };

  for (guint i = 0; i < s->rows->len; i++)
    {
      MlsRow *row = &g_array_index (s->rows, MlsRow, i);

      row->y = y[row->pinned];
      row->height = row->type == MLS_ROW_TRACK
                    ? MLS_TRACK_HEIGHT
                    : row->n_subrows * MLS_SUBROW_HEIGHT
                      + 2 * MLS_LANE_PADDING;
      y[row->pinned] += row->height;
    }
  s->content_height = y[0];
  s->pinned_height = y[1];
}

/* The group of each process shown of `host` (NULL: the processes of no
 * known host). */
static void
add_process_groups (MlsSession *s, const char *host)
{
  MlsTimeline *tl = s->timeline;

  for (size_t i = 0; i < mls_timeline_n_processes (tl); i++)
    {
      const MlsTimelineProcess *p = mls_timeline_process (tl, i);
      g_autofree char *label = NULL;

      if (g_strcmp0 (p->host, host) != 0 || !process_shown (s, p))
        continue;
      label = g_strdup_printf ("%s  pid %" G_GINT64_FORMAT,
                               p->name ? p->name : "process", p->pid);
      add_track (s, label, 0, FALSE, FALSE);
      if (s->by_model)
        add_model_tracks (s, p, 1);
      else
        add_runtime_lanes (s, p, -1, 1);
    }
}

/* By thread: a group per process; a recording of several hosts (a fleet's,
 * through a relay daemon) first has a track per host, its processes
 * after it. */
static void
add_hosts (MlsSession *s)
{
  MlsTimeline *tl = s->timeline;
  g_autoptr (GPtrArray) hosts = g_ptr_array_new ();

  for (size_t i = 0; i < mls_timeline_n_processes (tl); i++)
    {
      const char *host = mls_timeline_process (tl, i)->host;

      if (host != NULL
          && !g_ptr_array_find_with_equal_func (hosts, host, g_str_equal,
                                                NULL))
        g_ptr_array_add (hosts, (gpointer) host);
    }
  for (guint h = 0; hosts->len > 1 && h < hosts->len; h++)
    {
      g_autofree char *label = g_strdup_printf ("Host %s",
                                                (char *) hosts->pdata[h]);

      add_track (s, label, 0, FALSE, FALSE);
      add_process_groups (s, hosts->pdata[h]);
    }
  if (hosts->len <= 1)
    add_process_groups (s, hosts->len ? hosts->pdata[0] : NULL);
  if (hosts->len > 0)
    add_process_groups (s, NULL);
}

void
mls_layout_build (MlsSession *s)
{
  g_array_set_size (s->rows, 0);
  add_device_tracks (s);
  if (s->by_thread)
    add_hosts (s);
  else
    {
      add_track (s, "Runtime", 0, TRUE, FALSE);
      if (s->by_model)
        add_model_tracks (s, NULL, 1);
      else
        add_runtime_lanes (s, NULL, -1, 0);
    }
  place_rows (s);
}

const MlsRow *
mls_session_find_lane (MlsSession *s, int kind_id, gint64 model_id,
                       gint64 tid)
{
  for (guint i = 0; i < s->rows->len; i++)
    {
      const MlsRow *row = &g_array_index (s->rows, MlsRow, i);

      if (row->type != MLS_ROW_LANE || row->model_id != model_id
          || (tid >= 0 && row->tid != tid))
        continue;
      for (int k = 0; k < row->n_kinds; k++)
        if (row->kinds[k] == kind_id)
          return row;
    }
  return NULL;
}

const MlsRow *
mls_session_row_at (MlsSession *s, gboolean pinned, double y)
{
  for (guint i = 0; i < s->rows->len; i++)
    {
      const MlsRow *row = &g_array_index (s->rows, MlsRow, i);

      if (row->pinned == pinned && y >= row->y && y < row->y + row->height)
        return row;
    }
  return NULL;
}

const MlsBand *
mls_row_band (const MlsRow *row, int depth)
{
  const MlsBand *best = row->n_bands ? &row->bands[0] : NULL;

  for (int b = 0; b < row->n_bands; b++)
    if (row->bands[b].depth <= depth)
      best = &row->bands[b];
  return best;
}

void
mls_row_queries (MlsSession *s, const MlsRow *row, int kind_id,
                 gint64 start, gint64 end, double ns_per_px,
                 MlsRowQueryFunc func, gpointer data)
{
  MlsLaneQuery q = { kind_id, row->model_id, start, end, ns_per_px,
                     row->pid, row->tid };

  if (q.tid > 0 || g_hash_table_size (s->hidden) == 0)
    {
      func (&q, data);
      return;
    }
  for (size_t t = 0; t < mls_timeline_n_threads (s->timeline); t++)
    {
      const MlsTimelineThread *th = mls_timeline_thread (s->timeline, t);

      if (!mls_session_thread_visible (s, th->pid, th->tid))
        continue;
      q.pid = th->pid;
      q.tid = th->tid;
      func (&q, data);
    }
}
