/*
 * mls-view-model.c: the timeline's state and layout (see mls-view-model.h).
 */
#include "mls-view-model.h"

static const char *const runtime_lanes[] = { "activity", "data", "compute" };
static const char *const runtime_lane_labels[] = {
  "Activity", "Data", "Compute"
};

static void
row_clear (gpointer data)
{
  MlsRow *row = data;

  g_free (row->label);
}

MlsViewModel *
mls_view_model_new (MlsStore *store, MlsTimeline *timeline)
{
  MlsViewModel *vm = g_new0 (MlsViewModel, 1);

  vm->store = store;
  vm->timeline = timeline;
  vm->grouped = TRUE;
  vm->rows = g_array_new (FALSE, TRUE, sizeof (MlsRow));
  g_array_set_clear_func (vm->rows, row_clear);
  mls_timeline_get_range (timeline, &vm->trace_start, &vm->trace_end);
  mls_view_model_zoom_to_fit (vm);
  mls_view_model_relayout (vm);
  return vm;
}

void
mls_view_model_free (MlsViewModel *vm)
{
  if (!vm)
    return;
  g_array_unref (vm->rows);
  g_free (vm);
}

static gboolean
kind_in_model (MlsViewModel *vm, int kind_id, gint64 model_id)
{
  return model_id < 0
         || mls_timeline_kind_has_model (vm->timeline, kind_id, model_id);
}

static void
add_track (MlsViewModel *vm, const char *label, int indent, gboolean expander)
{
  MlsRow row = { 0 };

  row.type = MLS_ROW_TRACK;
  row.label = g_strdup (label);
  row.indent = indent;
  row.expander = expander;
  row.expanded = vm->by_model;
  row.model_id = -1;
  g_array_append_val (vm->rows, row);
}

/* A lane of every present kind of `lane` (or just kind_id when >0). */
static void
add_lane (MlsViewModel *vm, const char *label, const char *lane,
          int kind_id, gint64 model_id, int indent)
{
  MlsRow row = { 0 };
  int min_depth = G_MAXINT, max_depth = 0;

  row.type = MLS_ROW_LANE;
  row.indent = indent;
  row.model_id = model_id;
  for (size_t i = 0; i < mls_timeline_n_kinds (vm->timeline); i++)
    {
      const MlsTimelineKind *k = mls_timeline_kind (vm->timeline, i);

      if (kind_id > 0 ? k->kind_id != kind_id : g_strcmp0 (k->lane, lane) != 0)
        continue;
      if (!kind_in_model (vm, k->kind_id, model_id)
          || row.n_kinds == MLS_LANE_MAX_KINDS)
        continue;
      row.kinds[row.n_kinds++] = k->kind_id;
      min_depth = MIN (min_depth, k->min_depth);
      max_depth = MAX (max_depth, k->max_depth);
    }
  if (kind_id > 0 && row.n_kinds == 0)
    return;
  row.label = g_strdup (label);
  row.base_depth = row.n_kinds ? min_depth : 0;
  row.n_subrows = row.n_kinds ? CLAMP (max_depth - min_depth + 1, 1,
                                       MLS_MAX_SUBROWS) : 1;
  g_array_append_val (vm->rows, row);
}

static void
add_runtime_lanes (MlsViewModel *vm, gint64 model_id, int indent)
{
  if (vm->grouped)
    {
      for (guint i = 0; i < G_N_ELEMENTS (runtime_lanes); i++)
        add_lane (vm, runtime_lane_labels[i], runtime_lanes[i], 0, model_id,
                  indent);
      return;
    }
  for (size_t i = 0; i < mls_timeline_n_kinds (vm->timeline); i++)
    {
      const MlsTimelineKind *k = mls_timeline_kind (vm->timeline, i);

      for (guint j = 0; j < G_N_ELEMENTS (runtime_lanes); j++)
        if (g_strcmp0 (k->lane, runtime_lanes[j]) == 0)
          add_lane (vm, k->label, k->lane, k->kind_id, model_id, indent);
    }
}

static gboolean
has_unmodelled_runtime_spans (MlsViewModel *vm)
{
  for (size_t i = 0; i < mls_timeline_n_kinds (vm->timeline); i++)
    {
      const MlsTimelineKind *k = mls_timeline_kind (vm->timeline, i);

      if (g_strcmp0 (k->lane, "gpu") != 0 && g_strcmp0 (k->lane, "npu") != 0
          && g_strcmp0 (k->lane, "layer") != 0
          && mls_timeline_kind_has_model (vm->timeline, k->kind_id, 0))
        return TRUE;
    }
  return FALSE;
}

static void
place_rows (MlsViewModel *vm)
{
  double y = 0;

  for (guint i = 0; i < vm->rows->len; i++)
    {
      MlsRow *row = &g_array_index (vm->rows, MlsRow, i);

      row->y = y;
      row->height = row->type == MLS_ROW_TRACK
                    ? MLS_TRACK_HEIGHT
                    : row->n_subrows * MLS_SUBROW_HEIGHT
                      + 2 * MLS_LANE_PADDING;
      y += row->height;
    }
  vm->content_height = y;
}

void
mls_view_model_relayout (MlsViewModel *vm)
{
  g_array_set_size (vm->rows, 0);
  add_track (vm, "Runtime", 0, TRUE);
  if (vm->by_model)
    {
      for (size_t i = 0; i < mls_timeline_n_models (vm->timeline); i++)
        {
          const MlsTimelineModel *m = mls_timeline_model (vm->timeline, i);

          add_track (vm, m->name, 1, FALSE);
          add_runtime_lanes (vm, m->id, 1);
        }
      if (has_unmodelled_runtime_spans (vm))
        {
          add_track (vm, "No model", 1, FALSE);
          add_runtime_lanes (vm, 0, 1);
        }
    }
  else
    add_runtime_lanes (vm, -1, 0);
  add_track (vm, "GPU", 0, FALSE);
  add_lane (vm, "GPU Busy", "gpu", 0, -1, 0);
  add_track (vm, "Neural Engine", 0, FALSE);
  add_lane (vm, "NPU Busy", "npu", 0, -1, 0);
  if (mls_timeline_find_kind (vm->timeline, 40))
    {
      add_track (vm, "Layers", 0, FALSE);
      add_lane (vm, "Layer", "layer", 0, -1, 0);
    }
  place_rows (vm);
}

void
mls_view_model_set_range (MlsViewModel *vm, gint64 start, gint64 end)
{
  gint64 trace_len = vm->trace_end - vm->trace_start;
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
      start = vm->trace_start - margin;
      end = vm->trace_end + margin;
      len = end - start;
    }
  if (start < vm->trace_start - margin)
    start = vm->trace_start - margin, end = start + len;
  if (end > vm->trace_end + margin)
    end = vm->trace_end + margin, start = end - len;
  vm->view_start = start;
  vm->view_end = end;
}

void
mls_view_model_zoom_to_fit (MlsViewModel *vm)
{
  gint64 pad = (vm->trace_end - vm->trace_start) / 100;

  vm->view_start = vm->trace_start - pad;
  vm->view_end = vm->trace_end + pad;
}

void
mls_view_model_zoom (MlsViewModel *vm, double factor, gint64 anchor_ns)
{
  double left = (double) (anchor_ns - vm->view_start) / factor;
  double right = (double) (vm->view_end - anchor_ns) / factor;

  mls_view_model_set_range (vm, anchor_ns - (gint64) left,
                            anchor_ns + (gint64) right);
}

void
mls_view_model_pan (MlsViewModel *vm, gint64 delta_ns)
{
  mls_view_model_set_range (vm, vm->view_start + delta_ns,
                            vm->view_end + delta_ns);
}

double
mls_view_model_ns_per_px (const MlsViewModel *vm, double width)
{
  double data_width = MAX (width - MLS_LABEL_WIDTH, 1.0);

  return (double) (vm->view_end - vm->view_start) / data_width;
}

double
mls_view_model_x_for (const MlsViewModel *vm, gint64 t, double width)
{
  return MLS_LABEL_WIDTH
         + (double) (t - vm->view_start) / mls_view_model_ns_per_px (vm, width);
}

gint64
mls_view_model_time_at (const MlsViewModel *vm, double x, double width)
{
  return vm->view_start
         + (gint64) ((x - MLS_LABEL_WIDTH)
                     * mls_view_model_ns_per_px (vm, width));
}

const MlsRow *
mls_view_model_find_lane (const MlsViewModel *vm, int kind_id,
                          gint64 model_id)
{
  for (guint i = 0; i < vm->rows->len; i++)
    {
      const MlsRow *row = &g_array_index (vm->rows, MlsRow, i);

      if (row->type != MLS_ROW_LANE || row->model_id != model_id)
        continue;
      for (int k = 0; k < row->n_kinds; k++)
        if (row->kinds[k] == kind_id)
          return row;
    }
  return NULL;
}

const MlsRow *
mls_view_model_row_at (const MlsViewModel *vm, double y)
{
  for (guint i = 0; i < vm->rows->len; i++)
    {
      const MlsRow *row = &g_array_index (vm->rows, MlsRow, i);

      if (y >= row->y && y < row->y + row->height)
        return row;
    }
  return NULL;
}
