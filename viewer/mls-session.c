/*
 * mls-session.c: the view state of an open trace (see mls-session.h).
 *
 * Setters clamp and validate, change the state, and notify: widgets never
 * poke fields and then call each other's handlers. Whatever changes the
 * rows (grouping, the filter) rebuilds the layout once and bumps
 * layout-serial.
 */
#include "mls-finding-item.h"
#include "mls-session-private.h"

#include "mls-process-item.h"

G_DEFINE_FINAL_TYPE (MlsSession, mls_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_VISIBLE_START,
  PROP_VISIBLE_END,
  PROP_HAS_SELECTION,
  PROP_SELECTION_START,
  PROP_SELECTION_END,
  PROP_SELECTED_SPAN,
  PROP_HIGHLIGHT_KIND,
  PROP_HIGHLIGHT_MODEL,
  PROP_GROUPED,
  PROP_BY_MODEL,
  PROP_BY_THREAD,
  PROP_HIDDEN_THREADS,
  PROP_LAYOUT_SERIAL,
  PROP_N_MARKS,
  PROP_N_FINDINGS,
  N_PROPS
};
static GParamSpec *props[N_PROPS];

static void
relayout (MlsSession *self)
{
  mls_layout_build (self);
  self->layout_serial++;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAYOUT_SERIAL]);
}

static void
mls_session_get_property (GObject *object, guint id, GValue *value,
                          GParamSpec *pspec)
{
  MlsSession *self = MLS_SESSION (object);

  switch (id)
    {
    case PROP_VISIBLE_START: g_value_set_int64 (value, self->view_start); break;
    case PROP_VISIBLE_END: g_value_set_int64 (value, self->view_end); break;
    case PROP_HAS_SELECTION:
      g_value_set_boolean (value, self->has_selection);
      break;
    case PROP_SELECTION_START: g_value_set_int64 (value, self->sel_start); break;
    case PROP_SELECTION_END: g_value_set_int64 (value, self->sel_end); break;
    case PROP_SELECTED_SPAN:
      g_value_set_int64 (value, self->selected_span);
      break;
    case PROP_HIGHLIGHT_KIND: g_value_set_int (value, self->highlight_kind); break;
    case PROP_HIGHLIGHT_MODEL:
      g_value_set_int64 (value, self->highlight_model);
      break;
    case PROP_GROUPED: g_value_set_boolean (value, self->grouped); break;
    case PROP_BY_MODEL: g_value_set_boolean (value, self->by_model); break;
    case PROP_BY_THREAD: g_value_set_boolean (value, self->by_thread); break;
    case PROP_HIDDEN_THREADS:
      g_value_set_uint (value, g_hash_table_size (self->hidden));
      break;
    case PROP_LAYOUT_SERIAL: g_value_set_uint (value, self->layout_serial); break;
    case PROP_N_MARKS: g_value_set_uint (value, self->marks->len); break;
    case PROP_N_FINDINGS:
      g_value_set_uint (value, g_list_model_get_n_items (
                                 G_LIST_MODEL (self->findings)));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_session_set_property (GObject *object, guint id, const GValue *value,
                          GParamSpec *pspec)
{
  MlsSession *self = MLS_SESSION (object);

  switch (id)
    {
    case PROP_SELECTED_SPAN:
      mls_session_set_selected_span (self, g_value_get_int64 (value));
      break;
    case PROP_HIGHLIGHT_KIND:
      mls_session_set_highlight (self, g_value_get_int (value),
                                 self->highlight_model);
      break;
    case PROP_HIGHLIGHT_MODEL:
      mls_session_set_highlight (self, self->highlight_kind,
                                 g_value_get_int64 (value));
      break;
    case PROP_GROUPED:
      mls_session_set_grouped (self, g_value_get_boolean (value));
      break;
    case PROP_BY_MODEL:
      mls_session_set_by_model (self, g_value_get_boolean (value));
      break;
    case PROP_BY_THREAD:
      mls_session_set_by_thread (self, g_value_get_boolean (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_session_finalize (GObject *object)
{
  MlsSession *self = MLS_SESSION (object);

  g_clear_object (&self->processes);
  g_clear_object (&self->findings);
  g_hash_table_unref (self->hidden);
  g_hash_table_unref (self->related);
  g_array_unref (self->marks);
  g_array_unref (self->rows);
  mls_timeline_free (self->timeline);
  mls_store_close (self->store);
  G_OBJECT_CLASS (mls_session_parent_class)->finalize (object);
}

static GParamSpec *
int64_prop (const char *name, gint64 min, gint64 def, GParamFlags flags)
{
  return g_param_spec_int64 (name, NULL, NULL, min, G_MAXINT64, def,
                             flags | G_PARAM_STATIC_STRINGS
                             | G_PARAM_EXPLICIT_NOTIFY);
}

static GParamSpec *
bool_prop (const char *name, gboolean def, GParamFlags flags)
{
  return g_param_spec_boolean (name, NULL, NULL, def,
                               flags | G_PARAM_STATIC_STRINGS
                               | G_PARAM_EXPLICIT_NOTIFY);
}

static void
mls_session_class_init (MlsSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mls_session_get_property;
  object_class->set_property = mls_session_set_property;
  object_class->finalize = mls_session_finalize;
  props[PROP_VISIBLE_START] = int64_prop ("visible-start", G_MININT64, 0,
                                          G_PARAM_READABLE);
  props[PROP_VISIBLE_END] = int64_prop ("visible-end", G_MININT64, 0,
                                        G_PARAM_READABLE);
  props[PROP_HAS_SELECTION] = bool_prop ("has-selection", FALSE,
                                         G_PARAM_READABLE);
  props[PROP_SELECTION_START] = int64_prop ("selection-start", G_MININT64, 0,
                                            G_PARAM_READABLE);
  props[PROP_SELECTION_END] = int64_prop ("selection-end", G_MININT64, 0,
                                          G_PARAM_READABLE);
  props[PROP_SELECTED_SPAN] = int64_prop ("selected-span", 0, 0,
                                          G_PARAM_READWRITE);
  props[PROP_HIGHLIGHT_KIND] = g_param_spec_int ("highlight-kind", NULL,
    NULL, 0, G_MAXINT, 0, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                          | G_PARAM_EXPLICIT_NOTIFY);
  props[PROP_HIGHLIGHT_MODEL] = int64_prop ("highlight-model", -1, -1,
                                            G_PARAM_READWRITE);
  props[PROP_GROUPED] = bool_prop ("grouped", TRUE, G_PARAM_READWRITE);
  props[PROP_BY_MODEL] = bool_prop ("by-model", FALSE, G_PARAM_READWRITE);
  props[PROP_BY_THREAD] = bool_prop ("by-thread", TRUE, G_PARAM_READWRITE);
  props[PROP_HIDDEN_THREADS] = g_param_spec_uint ("hidden-threads", NULL,
    NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_LAYOUT_SERIAL] = g_param_spec_uint ("layout-serial", NULL, NULL,
    0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_N_MARKS] = g_param_spec_uint ("n-marks", NULL, NULL,
    0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_N_FINDINGS] = g_param_spec_uint ("n-findings", NULL, NULL,
    0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
row_clear (gpointer data)
{
  MlsRow *row = data;

  g_free (row->label);
  g_free (row->sublabel);
}

static void
mls_session_init (MlsSession *self)
{
  self->grouped = TRUE;
  self->by_thread = TRUE;
  self->highlight_model = -1;
  self->rows = g_array_new (FALSE, TRUE, sizeof (MlsRow));
  g_array_set_clear_func (self->rows, row_clear);
  self->marks = g_array_new (FALSE, FALSE, sizeof (MlsMark));
  self->hidden = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        NULL);
  self->related = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->processes = g_list_store_new (MLS_TYPE_PROCESS_ITEM);
  self->findings = g_list_store_new (MLS_TYPE_FINDING_ITEM);
}

GListModel *
mls_session_get_findings (MlsSession *self)
{
  return G_LIST_MODEL (self->findings);
}

void
mls_session_take_findings (MlsSession *self, GPtrArray *items)
{
  g_list_store_splice (self->findings, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->findings)),
                       items->pdata, items->len);
  g_ptr_array_unref (items);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_N_FINDINGS]);
}

static char *
thread_key (gint64 pid, gint64 tid)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, pid, tid);
}

static void
on_thread_visible (MlsThreadItem *thread, GParamSpec *pspec,
                   MlsSession *self)
{
  char *key = thread_key (mls_thread_item_get_pid (thread),
                          mls_thread_item_get_tid (thread));

  if (mls_thread_item_get_visible (thread))
    {
      g_hash_table_remove (self->hidden, key);
      g_free (key);
    }
  else
    g_hash_table_add (self->hidden, key);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HIDDEN_THREADS]);
  relayout (self);
}

static void
fill_processes (MlsSession *self)
{
  MlsTimeline *tl = self->timeline;

  for (size_t i = 0; i < mls_timeline_n_processes (tl); i++)
    {
      const MlsTimelineProcess *p = mls_timeline_process (tl, i);
      GListStore *threads = g_list_store_new (MLS_TYPE_THREAD_ITEM);
      g_autoptr (MlsProcessItem) item = NULL;

      for (size_t t = 0; t < p->n_threads; t++)
        {
          const MlsTimelineThread *th = mls_timeline_thread (
            tl, p->first_thread + t);
          g_autoptr (MlsThreadItem) ti = mls_thread_item_new (th->pid,
                                                              th->tid,
                                                              th->name);

          g_signal_connect_object (ti, "notify::visible",
                                   G_CALLBACK (on_thread_visible), self, 0);
          g_list_store_append (threads, ti);
        }
      item = mls_process_item_new (p->pid, p->name, threads);
      g_list_store_append (self->processes, item);
    }
}

MlsSession *
mls_session_new (MlsStore *store, MlsTimeline *timeline)
{
  MlsSession *self = g_object_new (MLS_TYPE_SESSION, NULL);

  self->store = store;
  self->timeline = timeline;
  mls_timeline_get_range (timeline, &self->trace_start, &self->trace_end);
  fill_processes (self);
  mls_session_zoom_to_fit (self);
  mls_layout_build (self);
  return self;
}

MlsSession *
mls_session_open (const char *path, GError **error)
{
  MlsError err = { 0 };
  MlsStore *store = mls_store_open (path, &err);
  MlsTimeline *tl = store ? mls_timeline_new (store, &err) : NULL;

  if (!tl)
    {
      if (store)
        mls_store_close (store);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", err.message);
      return NULL;
    }
  return mls_session_new (store, tl);
}

void
mls_session_set_extent (MlsSession *self, gint64 duration_ns)
{
  self->trace_end = MAX (self->trace_end, self->trace_start + duration_ns);
  mls_session_zoom_to_fit (self);
}

MlsStore *mls_session_get_store (MlsSession *self) { return self->store; }

MlsTimeline *
mls_session_get_timeline (MlsSession *self)
{
  return self->timeline;
}

void
mls_session_get_trace_range (MlsSession *self, gint64 *start, gint64 *end)
{
  *start = self->trace_start;
  *end = self->trace_end;
}

gint64 mls_session_get_visible_start (MlsSession *self) { return self->view_start; }
gint64 mls_session_get_visible_end (MlsSession *self) { return self->view_end; }

void
mls_session_set_visible (MlsSession *self, gint64 start, gint64 end)
{
  gint64 trace_len = self->trace_end - self->trace_start;
  gint64 margin = trace_len / 20 + 1000;
  gint64 len;

  /* At least 100 ns on screen, at most the trace plus margins. */
  if (end - start < 100)
    {
      gint64 mid = start + (end - start) / 2;
      start = mid - 50;
      end = mid + 50;
    }
  len = end - start;
  if (len > trace_len + 2 * margin)
    {
      start = self->trace_start - margin;
      end = self->trace_end + margin;
      len = end - start;
    }
  if (start < self->trace_start - margin)
    start = self->trace_start - margin, end = start + len;
  if (end > self->trace_end + margin)
    end = self->trace_end + margin, start = end - len;
  if (start == self->view_start && end == self->view_end)
    return;
  self->view_start = start;
  self->view_end = end;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_VISIBLE_START]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_VISIBLE_END]);
}

void
mls_session_zoom_to_fit (MlsSession *self)
{
  gint64 pad = (self->trace_end - self->trace_start) / 100;

  mls_session_set_visible (self, self->trace_start - pad,
                           self->trace_end + pad);
}

void
mls_session_zoom (MlsSession *self, double factor, gint64 anchor_ns)
{
  double left = (double) (anchor_ns - self->view_start) / factor;
  double right = (double) (self->view_end - anchor_ns) / factor;

  mls_session_set_visible (self, anchor_ns - (gint64) left,
                           anchor_ns + (gint64) right);
}

void
mls_session_pan (MlsSession *self, gint64 delta_ns)
{
  mls_session_set_visible (self, self->view_start + delta_ns,
                           self->view_end + delta_ns);
}

gboolean
mls_session_zoom_to_selection (MlsSession *self)
{
  gint64 start, end, pad;
  MlsSpanDetails d;

  if (self->selected_span > 0
      && mls_timeline_span_details (self->timeline, self->selected_span, &d,
                                    NULL) == 0)
    {
      start = d.start_ns;
      end = d.end_ns;
      mls_span_details_clear (&d);
    }
  else if (self->has_selection)
    {
      start = self->sel_start;
      end = self->sel_end;
    }
  else
    return FALSE;
  /* A tenth of the view on either side, so the span's edges show. */
  pad = MAX ((end - start) / 8, 50);
  mls_session_set_visible (self, start - pad, end + pad);
  return TRUE;
}

gboolean mls_session_get_has_selection (MlsSession *self) { return self->has_selection; }
gint64 mls_session_get_selection_start (MlsSession *self) { return self->sel_start; }
gint64 mls_session_get_selection_end (MlsSession *self) { return self->sel_end; }

static void
notify_selection (MlsSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SELECTION_START]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SELECTION_END]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HAS_SELECTION]);
}

void
mls_session_select_range (MlsSession *self, gint64 start, gint64 end)
{
  if (end <= start)
    {
      mls_session_clear_selection (self);
      return;
    }
  if (self->has_selection && self->sel_start == start && self->sel_end == end)
    return;
  self->has_selection = TRUE;
  self->sel_start = start;
  self->sel_end = end;
  notify_selection (self);
}

void
mls_session_clear_selection (MlsSession *self)
{
  if (!self->has_selection)
    return;
  self->has_selection = FALSE;
  notify_selection (self);
}

gint64 mls_session_get_selected_span (MlsSession *self) { return self->selected_span; }

static void
add_related (const MlsTimelineSpan *span, void *data)
{
  MlsSession *self = data;
  gint64 *id = g_new (gint64, 1);

  *id = span->id;
  g_hash_table_add (self->related, id);
}

void
mls_session_set_selected_span (MlsSession *self, gint64 span_id)
{
  if (span_id < 0)
    span_id = 0;
  if (span_id == self->selected_span)
    return;
  self->selected_span = span_id;
  g_hash_table_unref (self->related);
  self->related = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         NULL);
  /* A prediction's data spans, requests and busy intervals: a few dozen,
   * a few thousand with per-layer events. */
  if (span_id > 0)
    mls_timeline_descendants (self->timeline, span_id, 20000, add_related,
                              self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SELECTED_SPAN]);
}

gboolean
mls_session_is_related (MlsSession *self, gint64 span_id)
{
  return g_hash_table_contains (self->related, &span_id);
}

void
mls_session_toggle_mark (MlsSession *self)
{
  MlsSpanDetails d;
  MlsMark mark;

  if (self->selected_span <= 0)
    return;
  for (guint i = 0; i < self->marks->len; i++)
    if (g_array_index (self->marks, MlsMark, i).span_id == self->selected_span)
      {
        g_array_remove_index (self->marks, i);
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_N_MARKS]);
        return;
      }
  if (mls_timeline_span_details (self->timeline, self->selected_span, &d,
                                 NULL) < 0)
    return;
  mark = (MlsMark) { d.id, d.start_ns, d.end_ns };
  mls_span_details_clear (&d);
  g_array_append_val (self->marks, mark);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_N_MARKS]);
}

void
mls_session_set_highlight (MlsSession *self, int kind_id, gint64 model_id)
{
  if (kind_id == self->highlight_kind && model_id == self->highlight_model)
    return;
  self->highlight_kind = kind_id;
  self->highlight_model = model_id;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HIGHLIGHT_KIND]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HIGHLIGHT_MODEL]);
}

gboolean mls_session_get_grouped (MlsSession *self) { return self->grouped; }
gboolean mls_session_get_by_model (MlsSession *self) { return self->by_model; }
gboolean mls_session_get_by_thread (MlsSession *self) { return self->by_thread; }

static void
set_flag (MlsSession *self, gboolean *flag, gboolean value, int prop)
{
  if (*flag == !!value)
    return;
  *flag = !!value;
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
  relayout (self);
}

void
mls_session_set_grouped (MlsSession *self, gboolean grouped)
{
  set_flag (self, &self->grouped, grouped, PROP_GROUPED);
}

void
mls_session_set_by_model (MlsSession *self, gboolean by_model)
{
  set_flag (self, &self->by_model, by_model, PROP_BY_MODEL);
}

void
mls_session_set_by_thread (MlsSession *self, gboolean by_thread)
{
  set_flag (self, &self->by_thread, by_thread, PROP_BY_THREAD);
}

GListModel *
mls_session_get_processes (MlsSession *self)
{
  return G_LIST_MODEL (self->processes);
}

void
mls_session_hide_processes (MlsSession *self, const char *const *pids)
{
  GListModel *list = G_LIST_MODEL (self->processes);

  for (guint i = 0; pids && i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (MlsProcessItem) p = g_list_model_get_item (list, i);
      g_autofree char *pid = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              mls_process_item_get_pid (p));

      if (g_strv_contains (pids, pid))
        mls_process_item_set_visible (p, FALSE);
    }
}

gboolean
mls_session_thread_visible (MlsSession *self, gint64 pid, gint64 tid)
{
  g_autofree char *key = thread_key (pid, tid);

  return !g_hash_table_contains (self->hidden, key);
}

void
mls_session_get_filter (MlsSession *self, gint64 **pids, gsize *n_pids,
                        gint64 **tids, gsize *n_tids)
{
  GArray *p = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *t = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean some_threads = FALSE;

  for (size_t i = 0; i < mls_timeline_n_threads (self->timeline); i++)
    {
      const MlsTimelineThread *th = mls_timeline_thread (self->timeline, i);

      if (!mls_session_thread_visible (self, th->pid, th->tid))
        {
          some_threads |= TRUE;
          continue;
        }
      if (p->len == 0 || g_array_index (p, gint64, p->len - 1) != th->pid)
        g_array_append_val (p, th->pid);
      g_array_append_val (t, th->tid);
    }
  *n_pids = *n_tids = 0;
  *pids = *tids = NULL;
  if (g_hash_table_size (self->hidden) > 0)
    {
      *n_pids = p->len;
      *pids = (gint64 *) (void *) g_array_free (p, FALSE);
      p = NULL;
      /* Whole processes hidden: the pids say it all. */
      for (size_t i = 0; some_threads && i < mls_timeline_n_processes (
             self->timeline); i++)
        {
          const MlsTimelineProcess *pr = mls_timeline_process (self->timeline,
                                                               i);
          gsize shown = 0;

          for (size_t k = 0; k < pr->n_threads; k++)
            {
              const MlsTimelineThread *th = mls_timeline_thread (
                self->timeline, pr->first_thread + k);
              shown += mls_session_thread_visible (self, th->pid, th->tid);
            }
          if (shown > 0 && shown < pr->n_threads)
            {
              *n_tids = t->len;
              *tids = (gint64 *) (void *) g_array_free (t, FALSE);
              t = NULL;
              break;
            }
        }
    }
  if (p)
    g_array_unref (p);
  if (t)
    g_array_unref (t);
}

double
mls_session_ns_per_px (MlsSession *self, double width)
{
  double data_width = MAX (width - MLS_LABEL_WIDTH, 1.0);

  return (double) (self->view_end - self->view_start) / data_width;
}

double
mls_session_x_for (MlsSession *self, gint64 t, double width)
{
  return MLS_LABEL_WIDTH
         + (double) (t - self->view_start) / mls_session_ns_per_px (self, width);
}

gint64
mls_session_time_at (MlsSession *self, double x, double width)
{
  return self->view_start
         + (gint64) ((x - MLS_LABEL_WIDTH) * mls_session_ns_per_px (self, width));
}
