/*
 * mls-compare-view.c: the before / after table (see mls-compare-view.h).
 * The comparison reads every complete span's duration of both recordings:
 * a worker thread does it on its own connections.
 */
#include "mls-compare-view.h"

#include "mls-compare-item.h"
#include "mls-palette.h"

typedef enum { CELL_TEXT, CELL_COUNT, CELL_DURATION, CELL_CHANGE,
               CELL_RATIO } CellKind;

static const struct {
  const char *title;
  const char *property;
  CellKind kind;
} columns[] = {
  { "Span Kind", "label", CELL_TEXT },
  { "Model", "model", CELL_TEXT },
  { "Count Before", "before-count", CELL_COUNT },
  { "Count After", "after-count", CELL_COUNT },
  { "Total Before", "before-total", CELL_DURATION },
  { "Total After", "after-total", CELL_DURATION },
  { "Change", "change-total", CELL_CHANGE },
  { "Median Before", "before-median", CELL_DURATION },
  { "Median After", "after-median", CELL_DURATION },
  { "Median ×", "median-ratio", CELL_RATIO },
  { "Verdict", "verdict", CELL_TEXT },
};
#define MODEL_COLUMN 1

struct _MlsCompareView {
  GtkBox parent_instance;
  GtkWidget *by_model_switch;
  GtkWidget *column_view;
  GtkColumnViewColumn *model_column;
  GtkSortListModel *sorted;
  MlsSession *before, *after;
  guint generation;
};

G_DEFINE_FINAL_TYPE (MlsCompareView, mls_compare_view, GTK_TYPE_BOX)

static char *
cell_text (MlsCompareItem *item, guint c)
{
  GValue v = G_VALUE_INIT;
  char *text = NULL;
  g_autofree char *magnitude = NULL;
  gint64 n;

  g_object_get_property (G_OBJECT (item), columns[c].property, &v);
  switch (columns[c].kind)
    {
    case CELL_TEXT:
      text = g_strdup (g_value_get_string (&v) ? g_value_get_string (&v)
                                               : "–");
      break;
    case CELL_COUNT:
      text = g_strdup_printf ("%" G_GINT64_FORMAT, g_value_get_int64 (&v));
      break;
    case CELL_DURATION:
      text = mls_duration_text (g_value_get_int64 (&v));
      break;
    case CELL_CHANGE:
      n = g_value_get_int64 (&v);
      magnitude = mls_duration_text (ABS (n));
      text = g_strconcat (n < 0 ? "−" : "+", magnitude, NULL);
      break;
    case CELL_RATIO:
      text = g_value_get_double (&v) > 0
             ? g_strdup_printf ("×%.2f", g_value_get_double (&v))
             : g_strdup ("–");
      break;
    default:
      g_assert_not_reached ();
    }
  g_value_unset (&v);
  return text;
}

static void
on_setup (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer c)
{
  GtkWidget *label = gtk_label_new (NULL);

  if (columns[GPOINTER_TO_UINT (c)].kind != CELL_TEXT)
    {
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
    }
  else
    gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
on_bind (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer c)
{
  g_autofree char *text = cell_text (gtk_list_item_get_item (item),
                                     GPOINTER_TO_UINT (c));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static GtkSorter *
sorter_new (guint c)
{
  GtkExpression *e = gtk_property_expression_new (MLS_TYPE_COMPARE_ITEM,
                                                  NULL, columns[c].property);

  if (columns[c].kind == CELL_TEXT)
    return GTK_SORTER (gtk_string_sorter_new (e));
  return GTK_SORTER (g_object_new (GTK_TYPE_NUMERIC_SORTER, "expression", e,
                                   "sort-order", GTK_SORT_DESCENDING, NULL));
}

static void
add_columns (MlsCompareView *self)
{
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (on_setup),
                        GUINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (on_bind),
                        GUINT_TO_POINTER (c));
      column = gtk_column_view_column_new (columns[c].title, factory);
      gtk_column_view_column_set_sorter (column, sorter_new (c));
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, c == 0);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (self->column_view),
                                     column);
      if (c == MODEL_COLUMN)
        self->model_column = column;
      g_object_unref (column);
    }
}

typedef struct {
  char *before, *after;
  MlsCompareQuery query;
  guint generation;
} CompareJob;

static void
compare_job_free (gpointer data)
{
  CompareJob *job = data;

  g_free (job->before);
  g_free (job->after);
  g_free (job);
}

static void
compare_in_thread (GTask *task, gpointer source, gpointer data,
                   GCancellable *cancellable)
{
  CompareJob *job = data;
  MlsError err = { 0 };
  MlsStore *before = mls_store_open (job->before, &err);
  MlsStore *after = before ? mls_store_open (job->after, &err) : NULL;
  MlsCompareRow *rows = NULL;
  size_t n = 0;
  GListStore *list;

  if (!after || mls_compare (before, after, &job->query, &rows, &n,
                             &err) < 0)
    {
      if (before)
        mls_store_close (before);
      if (after)
        mls_store_close (after);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               err.message);
      return;
    }
  mls_store_close (before);
  mls_store_close (after);
  list = g_list_store_new (MLS_TYPE_COMPARE_ITEM);
  for (size_t i = 0; i < n; i++)
    {
      g_autoptr (MlsCompareItem) item = mls_compare_item_new (&rows[i]);
      g_list_store_append (list, item);
    }
  mls_compare_rows_free (rows, n);
  g_task_return_pointer (task, list, g_object_unref);
}

static void
on_compared (GObject *source, GAsyncResult *result, gpointer data)
{
  MlsCompareView *self = MLS_COMPARE_VIEW (source);
  CompareJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) list =
    g_task_propagate_pointer (G_TASK (result), &error);

  if (error)
    g_printerr ("mlscope-viewer: %s\n", error->message);
  if (job->generation == self->generation)
    gtk_sort_list_model_set_model (self->sorted, list);
}

static void
refresh (MlsCompareView *self)
{
  CompareJob *job;
  GTask *task;

  self->generation++;
  if (!self->before || !self->after)
    return;
  job = g_new0 (CompareJob, 1);
  job->before = g_strdup (mls_store_path (mls_session_get_store (
                                            self->before)));
  job->after = g_strdup (mls_store_path (mls_session_get_store (
                                           self->after)));
  job->query.by_model =
    gtk_switch_get_active (GTK_SWITCH (self->by_model_switch));
  job->generation = self->generation;
  gtk_column_view_column_set_visible (self->model_column,
                                      job->query.by_model);
  task = g_task_new (self, NULL, on_compared, NULL);
  g_task_set_task_data (task, job, compare_job_free);
  g_task_run_in_thread (task, compare_in_thread);
  g_object_unref (task);
}

static void
on_by_model (GtkSwitch *sw, GParamSpec *pspec, MlsCompareView *self)
{
  refresh (self);
}

void
mls_compare_view_set_sessions (MlsCompareView *self, MlsSession *before,
                               MlsSession *after)
{
  g_set_object (&self->before, before);
  g_set_object (&self->after, after);
  refresh (self);
}

GListModel *
mls_compare_view_get_rows (MlsCompareView *self)
{
  return G_LIST_MODEL (self->sorted);
}

static void
mls_compare_view_dispose (GObject *object)
{
  MlsCompareView *self = MLS_COMPARE_VIEW (object);

  g_clear_object (&self->before);
  g_clear_object (&self->after);
  G_OBJECT_CLASS (mls_compare_view_parent_class)->dispose (object);
}

static void
mls_compare_view_class_init (MlsCompareViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mls_compare_view_dispose;
}

static GtkWidget *
make_header (MlsCompareView *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *title = gtk_label_new ("Before and After");
  g_autofree char *test = g_strdup_printf (
    "Durations compared with the Mann-Whitney U test, two-sided, at "
    "p < %g", MLS_COMPARE_ALPHA);
  GtkWidget *note = gtk_label_new (test);

  gtk_widget_add_css_class (title, "heading");
  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_set_hexpand (note, TRUE);
  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_label_set_ellipsize (GTK_LABEL (note), PANGO_ELLIPSIZE_END);
  self->by_model_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->by_model_switch, GTK_ALIGN_CENTER);
  g_signal_connect (self->by_model_switch, "notify::active",
                    G_CALLBACK (on_by_model), self);
  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), note);
  gtk_box_append (GTK_BOX (header), gtk_label_new ("Group by model"));
  gtk_box_append (GTK_BOX (header), self->by_model_switch);
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_end (header, 12);
  gtk_widget_set_margin_top (header, 6);
  gtk_widget_set_margin_bottom (header, 6);
  return header;
}

static void
mls_compare_view_init (MlsCompareView *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkNoSelection *selection;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_append (GTK_BOX (self), make_header (self));
  self->column_view = gtk_column_view_new (NULL);
  gtk_column_view_set_show_column_separators (
    GTK_COLUMN_VIEW (self->column_view), TRUE);
  add_columns (self);
  self->sorted = gtk_sort_list_model_new (NULL, g_object_ref (
    gtk_column_view_get_sorter (GTK_COLUMN_VIEW (self->column_view))));
  selection = gtk_no_selection_new (G_LIST_MODEL (self->sorted));
  gtk_column_view_set_model (GTK_COLUMN_VIEW (self->column_view),
                             GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled),
                                 self->column_view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self), scrolled);
}
