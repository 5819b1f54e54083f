/*
 * mls-stats-view.c: the aggregation table (see mls-stats-view.h).
 */
#include "mls-stats-view.h"

#include "mls-palette.h"
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
  GtkColumnViewColumn *columns[MLS_STATS_N_COLUMNS];
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
enum { PROP_0, PROP_SESSION, N_PROPS };
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

static void
show_list (MlsStatsView *self, GListModel *list, const GError *error)
{
  if (error)
    g_printerr ("mlscope-viewer: %s\n", error->message);
  gtk_sort_list_model_set_model (self->sorted, list);
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
  gtk_column_view_column_set_visible (self->columns[MLS_STATS_COLUMN_MODEL],
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
on_setup (GtkSignalListItemFactory *factory, GtkListItem *item,
          gpointer data)
{
  MlsStatsColumn column = GPOINTER_TO_INT (data);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);

  if (column == MLS_STATS_COLUMN_KIND)
    {
      GtkWidget *swatch = gtk_drawing_area_new ();

      gtk_widget_set_size_request (swatch, 10, 10);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), swatch);
    }
  gtk_label_set_xalign (GTK_LABEL (label),
                        mls_stats_column_is_numeric (column) ? 1 : 0);
  gtk_widget_set_hexpand (label, TRUE);
  if (mls_stats_column_is_numeric (column))
    gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
draw_swatch (GtkDrawingArea *area, cairo_t *cr, int width, int height,
             gpointer data)
{
  MlsColor c = mls_palette_kind (GPOINTER_TO_INT (data));

  cairo_set_source_rgb (cr, c.r, c.g, c.b);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

static void
on_bind (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  MlsStatsColumn column = GPOINTER_TO_INT (data);
  MlsStatsItem *stats = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *label = gtk_widget_get_last_child (box);
  g_autofree char *text = mls_stats_item_format (stats, column);

  gtk_label_set_text (GTK_LABEL (label), text);
  if (column == MLS_STATS_COLUMN_KIND)
    gtk_drawing_area_set_draw_func (
      GTK_DRAWING_AREA (gtk_widget_get_first_child (box)), draw_swatch,
      GINT_TO_POINTER (mls_stats_item_get_row (stats)->kind_id), NULL);
}

static void
add_columns (MlsStatsView *self)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (self->column_view);

  for (int c = 0; c < MLS_STATS_N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (on_setup),
                        GINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (on_bind),
                        GINT_TO_POINTER (c));
      column = gtk_column_view_column_new (mls_stats_column_title (c),
                                           factory);
      gtk_column_view_column_set_sorter (column, mls_stats_sorter_new (c));
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, c == MLS_STATS_COLUMN_KIND);
      gtk_column_view_append_column (view, column);
      self->columns[c] = column;
      g_object_unref (column);
    }
}

static void
on_selected (GtkSingleSelection *selection, GParamSpec *pspec,
             MlsStatsView *self)
{
  MlsStatsItem *item = gtk_single_selection_get_selected_item (selection);

  const MlsStatsRow *row = item ? mls_stats_item_get_row (item) : NULL;

  /* Grouped by model, a row is one model's spans of the kind: only they
   * are highlighted. */
  g_signal_emit (self, signals[ROW_SELECTED], 0, row ? row->kind_id : 0,
                 row && self->options.by_model ? row->model_id : (gint64) -1);
}

static void
on_by_model (GtkSwitch *sw, GParamSpec *pspec, MlsStatsView *self)
{
  refresh (self);
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

static GtkWidget *
make_header (MlsStatsView *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *title = gtk_label_new ("Model Activity Aggregation");
  GtkWidget *label = gtk_label_new ("Group by model");
  GtkWidget *clip_label = gtk_label_new ("Clip to range");

  gtk_widget_add_css_class (title, "heading");
  self->range_label = gtk_label_new ("");
  gtk_widget_add_css_class (self->range_label, "dim-label");
  gtk_widget_set_hexpand (self->range_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->range_label), 0);
  self->by_model_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->by_model_switch, GTK_ALIGN_CENTER);
  g_signal_connect (self->by_model_switch, "notify::active",
                    G_CALLBACK (on_by_model), self);
  self->clip_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->clip_switch, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->clip_switch,
    "Off: spans overlapping the range, whole durations. On: only the "
    "time each span spent inside the range.");
  g_signal_connect (self->clip_switch, "notify::active",
                    G_CALLBACK (on_by_model), self);
  self->clip_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (self->clip_box), clip_label);
  gtk_box_append (GTK_BOX (self->clip_box), self->clip_switch);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), self->range_label);
  gtk_box_append (GTK_BOX (header), self->clip_box);
  gtk_box_append (GTK_BOX (header), label);
  gtk_box_append (GTK_BOX (header), self->by_model_switch);
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_widget_set_margin_top (header, 6);
  gtk_widget_set_margin_bottom (header, 6);
  return header;
}

static void
mls_stats_view_set_property (GObject *object, guint id, const GValue *value,
                             GParamSpec *pspec)
{
  if (id == PROP_SESSION)
    set_session (MLS_STATS_VIEW (object), g_value_get_object (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_stats_view_get_property (GObject *object, guint id, GValue *value,
                             GParamSpec *pspec)
{
  if (id == PROP_SESSION)
    g_value_set_object (value, MLS_STATS_VIEW (object)->session);
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
  g_object_class_install_properties (object_class, N_PROPS, props);
  signals[ROW_SELECTED] = g_signal_new ("row-selected",
    G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
    G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT64);
}

static void
mls_stats_view_init (MlsStatsView *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  self->scrolled = scrolled;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_append (GTK_BOX (self), make_header (self));

  self->column_view = gtk_column_view_new (NULL);
  gtk_column_view_set_show_column_separators (
    GTK_COLUMN_VIEW (self->column_view), TRUE);
  add_columns (self);
  self->sorted = gtk_sort_list_model_new (NULL, g_object_ref (
    gtk_column_view_get_sorter (GTK_COLUMN_VIEW (self->column_view))));
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

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled),
                                 self->column_view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self), scrolled);
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
