/*
 * mls-compare-view.c: the before / after table (see mls-compare-view.h),
 * built from mls-compare-view.ui. The comparison reads every complete
 * span's duration of both recordings: a worker thread does it on its own
 * connections.
 */
#include "mls-compare-view.h"

#include "mls-compare-item.h"

struct _MlsCompareView {
  GtkBox parent_instance;
  GtkWidget *note;
  GtkWidget *by_model_switch;
  GtkWidget *column_view;
  GtkColumnViewColumn *model_column;
  GtkSortListModel *sorted;
  MlsSession *before, *after;
  guint generation;
};

G_DEFINE_FINAL_TYPE (MlsCompareView, mls_compare_view, GTK_TYPE_BOX)

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
  gtk_widget_dispose_template (GTK_WIDGET (self), MLS_TYPE_COMPARE_VIEW);
  G_OBJECT_CLASS (mls_compare_view_parent_class)->dispose (object);
}

static void
mls_compare_view_class_init (MlsCompareViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mls_compare_view_dispose;
  g_type_ensure (MLS_TYPE_COMPARE_ITEM);
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/mlscope/Viewer/mls-compare-view.ui");
  gtk_widget_class_bind_template_child (widget_class, MlsCompareView, note);
  gtk_widget_class_bind_template_child (widget_class, MlsCompareView,
                                        by_model_switch);
  gtk_widget_class_bind_template_child (widget_class, MlsCompareView,
                                        column_view);
  gtk_widget_class_bind_template_child (widget_class, MlsCompareView,
                                        model_column);
  gtk_widget_class_bind_template_callback (widget_class, on_by_model);
}

static void
mls_compare_view_init (MlsCompareView *self)
{
  g_autofree char *test = g_strdup_printf (
    "Durations compared with the Mann-Whitney U test, two-sided, at "
    "p < %g", MLS_COMPARE_ALPHA);
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_label_set_text (GTK_LABEL (self->note), test);
  self->sorted = gtk_sort_list_model_new (NULL, g_object_ref (
    gtk_column_view_get_sorter (GTK_COLUMN_VIEW (self->column_view))));
  selection = gtk_no_selection_new (G_LIST_MODEL (self->sorted));
  gtk_column_view_set_model (GTK_COLUMN_VIEW (self->column_view),
                             GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
}
