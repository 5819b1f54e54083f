/*
 * mls-stats-view.c: the aggregation table (see mls-stats-view.h); its
 * widgets are declared in mls-stats-view.ui.
 */
#include "mls-stats-view.h"

#include "mls-palette.h"
#include "mls-stats-cell.h"
#include "mls-stats-model.h"

struct _MlsStatsView {
  GtkBox parent_instance;
  GtkWidget *range_label;
  GtkWidget *by_model_switch;
  GtkWidget *clip_switch;
  GtkWidget *clip_box;
  GtkWidget *scrolled;
  MlsSession *session;
  GtkWidget *column_view;
  GtkColumnViewColumn *model_column;
  GtkSortListModel *sorted;
  GtkSingleSelection *selection;
  MlsStore *store;
  gint64 trace_start;
  MlsStatsOptions options;
  guint generation;         /* of the latest query asked for */
};

G_DEFINE_FINAL_TYPE (MlsStatsView, mls_stats_view, GTK_TYPE_BOX)

enum { ROW_SELECTED, N_SIGNALS };
static guint signals[N_SIGNALS];
enum { PROP_0, PROP_SESSION, PROP_BY_MODEL, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
set_range_label (MlsStatsView *self, const char *state)
{
  g_autofree char *a = NULL, *b = NULL, *text = NULL;
  gint64 step;

  if (!self->options.has_range)
    {
      gtk_label_set_text (GTK_LABEL (self->range_label), "Whole trace");
      return;
    }
  /* Ruler-style offsets, precise to a hundredth of the range. */
  step = MAX ((self->options.range_end_ns - self->options.range_start_ns)
              / 100, 1);
  a = mls_format_offset (self->options.range_start_ns - self->trace_start,
                         step, self->options.range_end_ns - self->trace_start);
  b = mls_format_offset (self->options.range_end_ns - self->trace_start,
                         step, self->options.range_end_ns - self->trace_start);
  text = g_strdup_printf ("%s %s – %s%s", state, a, b,
                          self->options.clip
                          ? " (time inside the range)"
                          : " (whole durations)");
  gtk_label_set_text (GTK_LABEL (self->range_label), text);
}

static GListModel *
create_children (gpointer item, gpointer data)
{
  GListModel *children = mls_stats_item_get_children (item);

  return children ? g_object_ref (children) : NULL;
}

/* The rows under their lane (or model), expanded. */
static void
show_list (MlsStatsView *self, GListModel *list, const GError *error)
{
  GtkTreeListModel *tree;

  if (error)
    g_printerr ("mlscope-viewer: %s\n", error->message);
  tree = gtk_tree_list_model_new (
    mls_stats_model_group (list, self->options.by_model), FALSE, TRUE,
    create_children, NULL, NULL);
  gtk_sort_list_model_set_model (self->sorted, G_LIST_MODEL (tree));
  g_object_unref (tree);
  set_range_label (self, self->options.clip ? "Spans clipped to"
                                            : "Spans overlapping");
}

typedef struct {
  char *path;
  MlsStatsOptions options;
  guint generation;
} RangeQuery;

static void
range_query_free (gpointer data)
{
  RangeQuery *q = data;

  g_free (q->path);
  g_free (q->options.pids);
  g_free (q->options.tids);
  g_free (q);
}

/* Statistics over a range read spans, which takes a while on a big trace:
 * a worker thread does it on its own connection, so the timeline keeps
 * drawing meanwhile. */
static void
query_in_thread (GTask *task, gpointer source, gpointer data,
                 GCancellable *cancellable)
{
  RangeQuery *q = data;
  MlsError err = { 0 };
  MlsStore *store = mls_store_open (q->path, &err);
  GListModel *list;
  GError *error = NULL;

  if (!store)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               err.message);
      return;
    }
  list = mls_stats_model_query (store, &q->options, &error);
  mls_store_close (store);
  if (list)
    g_task_return_pointer (task, list, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
on_range_query_done (GObject *source, GAsyncResult *result, gpointer data)
{
  MlsStatsView *self = MLS_STATS_VIEW (source);
  RangeQuery *q = g_task_get_task_data (G_TASK (result));
  g_autoptr (GListModel) list = NULL;
  g_autoptr (GError) error = NULL;

  list = g_task_propagate_pointer (G_TASK (result), &error);
  /* A newer range was asked for meanwhile: its answer is the one shown. */
  if (q->generation != self->generation)
    return;
  show_list (self, list, error);
}

static void
refresh (MlsStatsView *self)
{
  g_autoptr (GListModel) list = NULL;
  g_autoptr (GError) error = NULL;
  RangeQuery *q;
  GTask *task;

  self->generation++;
  self->options.by_model =
    gtk_switch_get_active (GTK_SWITCH (self->by_model_switch));
  self->options.clip = gtk_switch_get_active (GTK_SWITCH (self->clip_switch));
  gtk_widget_set_visible (self->clip_box, self->options.has_range);
  gtk_column_view_column_set_visible (self->model_column,
                                      self->options.by_model);
  if (!self->store || (!self->options.has_range && !self->options.n_tids
                       && self->options.n_pids <= 1))
    {
      /* The whole trace's rows are precomputed: one quick query. */
      if (self->store)
        list = mls_stats_model_query (self->store, &self->options, &error);
      show_list (self, list, error);
      return;
    }
  set_range_label (self, "Computing statistics for");
  q = g_new0 (RangeQuery, 1);
  q->path = g_strdup (mls_store_path (self->store));
  q->options = self->options;
  q->options.pids = g_memdup2 (self->options.pids,
                               self->options.n_pids * sizeof (gint64));
  q->options.tids = g_memdup2 (self->options.tids,
                               self->options.n_tids * sizeof (gint64));
  q->generation = self->generation;
  task = g_task_new (self, NULL, on_range_query_done, NULL);
  g_task_set_task_data (task, q, range_query_free);
  g_task_run_in_thread (task, query_in_thread);
  g_object_unref (task);
}

static void
on_selected (GtkSingleSelection *selection, GParamSpec *pspec,
             MlsStatsView *self)
{
  GtkTreeListRow *tree_row =
    gtk_single_selection_get_selected_item (selection);
  MlsStatsItem *item = tree_row ? gtk_tree_list_row_get_item (tree_row)
                                : NULL;
  const MlsStatsRow *row = item ? mls_stats_item_get_row (item) : NULL;

  /* A lane's or a model's row highlights nothing of its own. */
  if (row && row->kind_id == 0)
    row = NULL;

  /* Grouped by model, a row is one model's spans of the kind: only they
   * are highlighted. */
  g_signal_emit (self, signals[ROW_SELECTED], 0, row ? row->kind_id : 0,
                 row && self->options.by_model ? row->model_id : (gint64) -1);
  g_clear_object (&item);
}

static void
on_by_model (GtkSwitch *sw, GParamSpec *pspec, MlsStatsView *self)
{
  refresh (self);
  if (sw == GTK_SWITCH (self->by_model_switch))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BY_MODEL]);
}

/* The table follows the session's range and filter. */
static void
on_session_changed (MlsSession *session, GParamSpec *pspec,
                    MlsStatsView *self)
{
  self->options.has_range = mls_session_get_has_selection (session);
  self->options.range_start_ns = mls_session_get_selection_start (session);
  self->options.range_end_ns = mls_session_get_selection_end (session);
  g_clear_pointer (&self->options.pids, g_free);
  g_clear_pointer (&self->options.tids, g_free);
  mls_session_get_filter (session, &self->options.pids, &self->options.n_pids,
                          &self->options.tids, &self->options.n_tids);
  refresh (self);
}

static void
set_session (MlsStatsView *self, MlsSession *session)
{
  gint64 start = 0, end = 0;

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  g_clear_pointer (&self->options.pids, g_free);
  g_clear_pointer (&self->options.tids, g_free);
  self->options.n_pids = self->options.n_tids = 0;
  self->options.has_range = FALSE;
  self->store = session ? mls_session_get_store (session) : NULL;
  if (session)
    mls_session_get_trace_range (session, &start, &end);
  self->trace_start = start;
  if (!session)
    {
      refresh (self);
      return;
    }
  g_signal_connect_object (session, "notify::selection-start",
                           G_CALLBACK (on_session_changed), self, 0);
  g_signal_connect_object (session, "notify::has-selection",
                           G_CALLBACK (on_session_changed), self, 0);
  g_signal_connect_object (session, "notify::hidden-threads",
                           G_CALLBACK (on_session_changed), self, 0);
  on_session_changed (session, NULL, self);
}

/* Scrolled back to the top when the order changes: the first rows are
 * what a sort is for. */
static void
on_sorter_changed (GtkSorter *sorter, GtkSorterChange change,
                   MlsStatsView *self)
{
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (
    GTK_SCROLLED_WINDOW (self->scrolled)), 0);
}

static void
mls_stats_view_set_property (GObject *object, guint id, const GValue *value,
                             GParamSpec *pspec)
{
  MlsStatsView *self = MLS_STATS_VIEW (object);

  if (id == PROP_SESSION)
    set_session (self, g_value_get_object (value));
  else if (id == PROP_BY_MODEL)
    gtk_switch_set_active (GTK_SWITCH (self->by_model_switch),
                           g_value_get_boolean (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_stats_view_get_property (GObject *object, guint id, GValue *value,
                             GParamSpec *pspec)
{
  MlsStatsView *self = MLS_STATS_VIEW (object);

  if (id == PROP_SESSION)
    g_value_set_object (value, self->session);
  else if (id == PROP_BY_MODEL)
    g_value_set_boolean (value, gtk_switch_get_active (
                                  GTK_SWITCH (self->by_model_switch)));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_stats_view_dispose (GObject *object)
{
  MlsStatsView *self = MLS_STATS_VIEW (object);

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->options.pids, g_free);
  g_clear_pointer (&self->options.tids, g_free);
  self->store = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), MLS_TYPE_STATS_VIEW);
  G_OBJECT_CLASS (mls_stats_view_parent_class)->dispose (object);
}

static void
mls_stats_view_class_init (MlsStatsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = mls_stats_view_set_property;
  object_class->get_property = mls_stats_view_get_property;
  object_class->dispose = mls_stats_view_dispose;
  props[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL,
    MLS_TYPE_SESSION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  props[PROP_BY_MODEL] = g_param_spec_boolean ("by-model", NULL, NULL, FALSE,
    G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  signals[ROW_SELECTED] = g_signal_new ("row-selected",
    G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
    G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT64);
  g_type_ensure (MLS_TYPE_STATS_CELL);
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
    "/org/mlscope/Viewer/mls-stats-view.ui");
#define CHILD(name) \
  gtk_widget_class_bind_template_child (GTK_WIDGET_CLASS (klass), \
                                        MlsStatsView, name)
  CHILD (range_label);
  CHILD (by_model_switch);
  CHILD (clip_switch);
  CHILD (clip_box);
  CHILD (scrolled);
  CHILD (column_view);
  CHILD (model_column);
#undef CHILD
}

/* GTK's own sorters over the items' properties, one per column in the
 * order the template declares them. */
static void
set_sorters (MlsStatsView *self)
{
  GListModel *columns =
    gtk_column_view_get_columns (GTK_COLUMN_VIEW (self->column_view));

  for (guint c = 0; c < MLS_STATS_N_COLUMNS; c++)
    {
      g_autoptr (GtkColumnViewColumn) column =
        g_list_model_get_item (columns, c);
      g_autoptr (GtkSorter) sorter = mls_stats_sorter_new (c);

      gtk_column_view_column_set_sorter (column, sorter);
    }
}

static void
mls_stats_view_init (MlsStatsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  set_sorters (self);
  /* Groups keep their rows under them whatever the column's order. */
  self->sorted = gtk_sort_list_model_new (NULL, GTK_SORTER (
    gtk_tree_list_row_sorter_new (g_object_ref (gtk_column_view_get_sorter (
      GTK_COLUMN_VIEW (self->column_view))))));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sorted));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (self->selection, "notify::selected",
                    G_CALLBACK (on_selected), self);
  gtk_column_view_set_model (GTK_COLUMN_VIEW (self->column_view),
                             GTK_SELECTION_MODEL (self->selection));
  g_object_unref (self->selection);
  g_signal_connect (gtk_column_view_get_sorter (
                      GTK_COLUMN_VIEW (self->column_view)), "changed",
                    G_CALLBACK (on_sorter_changed), self);
  g_signal_connect (self->by_model_switch, "notify::active",
                    G_CALLBACK (on_by_model), self);
  g_signal_connect (self->clip_switch, "notify::active",
                    G_CALLBACK (on_by_model), self);
  refresh (self);
}

char *
mls_stats_view_to_csv (MlsStatsView *self)
{
  if (!self->store)
    return NULL;
  return mls_stats_model_to_csv (G_LIST_MODEL (self->sorted),
                                 self->options.by_model);
}
