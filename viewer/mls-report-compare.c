/*
 * mls-report-compare.c: two reports side by side (see
 * mls-report-compare.h), laid out by mls-report-compare.ui. mlrt-report
 * does the comparing (its figures and its matching of layers by name, one
 * implementation for the terminal and the window); the window shows its
 * JSON. A report given as text is written to a temporary directory for
 * mlrt-report to read, removed with the window.
 */
#include "mls-report-compare.h"

#include "mls-column-header.h"
#include "mls-model-state.h"
#include "mls-model-tool.h"
#include "mls-report-row.h"
#include "mls-snapshot.h"

struct _MlsReportCompare {
  GtkWindow parent_instance;
  GtkWidget *stack;
  GtkWidget *status;
  GtkWidget *sides;
  GtkWidget *note;
  GtkWidget *figures;
  GtkWidget *layers;
  char *tmpdir;
  guint state_source;
};

G_DEFINE_FINAL_TYPE (MlsReportCompare, mls_report_compare, GTK_TYPE_WINDOW)

static void schedule_state (MlsReportCompare *self);

/* The rows of view as shown (sorted), "KEY = NAME | OP | ..." each. */
static void
describe_rows (GString *out, const char *key, GtkWidget *view)
{
  static const char *const props[] = { "name", "op", "a-unit", "b-unit",
                                       "a-text", "b-text", "change-text" };
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (
    GTK_COLUMN_VIEW (view)));
  guint n = rows ? g_list_model_get_n_items (rows) : 0;

  g_string_append_printf (out, "compared: %ss = %u\n", key, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) row = g_list_model_get_item (rows, i);

      g_string_append_printf (out, "%s %u =", key, i);
      for (guint p = 0; p < G_N_ELEMENTS (props); p++)
        {
          g_autofree char *text = NULL;

          g_object_get (row, props[p], &text, NULL);
          g_string_append_printf (out, "%s%s", p ? " | " : " ", text);
        }
      g_string_append_c (out, '\n');
    }
}

/* What the window shows, for the tests (mls-model-state.h): its page and
 * status, the sides, the figures and layers in the order shown, and
 * where the layer table's headers sit. */
static gboolean
write_state (gpointer data)
{
  MlsReportCompare *self = data;
  g_autoptr (GString) out = g_string_new (NULL);
  static const char *const headers[] = { "Layer", "A time", "B time",
                                         "Change" };
  g_autofree char *sides = g_strdelimit (g_strdup (gtk_label_get_text (
    GTK_LABEL (self->sides))), "\n", '|');

  self->state_source = 0;
  /* Not until the tables are laid out: the headers' bounds are what a
   * test clicks. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->stack)),
                 "tables") == 0
      && gtk_widget_get_width (self->layers) < 100)
    {
      schedule_state (self);
      return G_SOURCE_REMOVE;
    }
  g_string_append_printf (out, "compared: page = %s\n",
    gtk_stack_get_visible_child_name (GTK_STACK (self->stack)));
  g_string_append_printf (out, "compared: status = %s\n",
                          gtk_label_get_text (GTK_LABEL (self->status)));
  g_string_append_printf (out, "compared: sides = %s\n", sides);
  describe_rows (out, "figure", self->figures);
  describe_rows (out, "layer", self->layers);
  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autofree char *name = g_strdup_printf ("header %s", headers[i]);

      mls_model_state_bounds (out, name,
                              mls_column_header (self->layers, headers[i]));
    }
  mls_model_state_write (out->str);
  return G_SOURCE_REMOVE;
}

static void
schedule_state (MlsReportCompare *self)
{
  mls_model_state_schedule (&self->state_source, write_state, self);
}

static void
show_status (MlsReportCompare *self, const char *text)
{
  gtk_label_set_text (GTK_LABEL (self->status), text);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "status");
  schedule_state (self);
}

static char *
side_text (json_object *side, const char *tag)
{
  return g_strdup_printf ("%s  %s, %s, %" G_GINT64_FORMAT " iterations (%s)",
                          tag, mls_json_str (side, "model"),
                          mls_json_str (side, "compute_units"),
                          mls_json_int (side, "iterations"),
                          mls_json_str (side, "label"));
}

static void
show_sides (MlsReportCompare *self, json_object *root)
{
  json_object *a = mls_json_get (root, "a"), *b = mls_json_get (root, "b");
  g_autofree char *a_text = side_text (a, "A");
  g_autofree char *b_text = side_text (b, "B");
  g_autofree char *both = g_strconcat (a_text, "\n", b_text, NULL);
  const char *a_cpu = mls_json_str (a, "cpu_model");
  const char *b_cpu = mls_json_str (b, "cpu_model");

  gtk_label_set_text (GTK_LABEL (self->sides), both);
  if (a_cpu && b_cpu && g_strcmp0 (a_cpu, b_cpu) != 0)
    {
      g_autofree char *note = g_strdup_printf (
        "Measured on different CPUs (%s; %s): the times compare machines "
        "as much as models", a_cpu, b_cpu);
      gtk_label_set_text (GTK_LABEL (self->note), note);
      gtk_widget_set_visible (self->note, TRUE);
    }
}

/* Rows of `array` made by make, in a column view sorted by its columns'
 * sorters (the figures keep mlrt-report's order: they have none). */
static void
fill (GtkWidget *view, json_object *array,
      MlsReportRow *(*make) (json_object *))
{
  GListStore *store = g_list_store_new (MLS_TYPE_REPORT_ROW);
  GtkSorter *sorter = gtk_column_view_get_sorter (GTK_COLUMN_VIEW (view));
  GtkSortListModel *sorted;

  for (size_t i = 0; array && i < json_object_array_length (array); i++)
    {
      g_autoptr (MlsReportRow) row = make (json_object_array_get_idx (array,
                                                                      i));
      g_list_store_append (store, row);
    }
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (store),
                                    sorter ? g_object_ref (sorter) : NULL);
  gtk_column_view_set_model (GTK_COLUMN_VIEW (view), GTK_SELECTION_MODEL (
    gtk_no_selection_new (G_LIST_MODEL (sorted))));
}

static void
on_compared (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (MlsReportCompare) self = data;
  g_autoptr (GError) error = NULL;
  json_object *root = mls_model_tool_finish (G_SUBPROCESS (source), res,
                                             "mlrt-report-compare", NULL,
                                             &error);

  if (!self->stack)
    {
      g_clear_pointer (&root, json_object_put);
      return;
    }
  if (!root)
    {
      g_autofree char *message = g_strdup_printf (
        "mlrt-report --compare failed: %s", error->message);
      show_status (self, message);
      return;
    }
  show_sides (self, root);
  fill (self->figures, mls_json_get (root, "figures"),
        mls_report_row_new_figure);
  fill (self->layers, mls_json_get (root, "layers"),
        mls_report_row_new_layer);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "tables");
  schedule_state (self);
  json_object_put (root);
}

static void
mls_report_compare_dispose (GObject *object)
{
  MlsReportCompare *self = MLS_REPORT_COMPARE (object);

  if (self->layers)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (
      GTK_COLUMN_VIEW (self->layers)), self);
  g_clear_handle_id (&self->state_source, g_source_remove);
  mls_model_tool_remove_tree (self->tmpdir);
  g_clear_pointer (&self->tmpdir, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), MLS_TYPE_REPORT_COMPARE);
  self->stack = NULL;
  G_OBJECT_CLASS (mls_report_compare_parent_class)->dispose (object);
}

static void
mls_report_compare_class_init (MlsReportCompareClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mls_report_compare_dispose;
  g_type_ensure (MLS_TYPE_REPORT_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/mlscope/Viewer/mls-report-compare.ui");
  gtk_widget_class_bind_template_child (widget_class, MlsReportCompare,
                                        stack);
  gtk_widget_class_bind_template_child (widget_class, MlsReportCompare,
                                        status);
  gtk_widget_class_bind_template_child (widget_class, MlsReportCompare,
                                        sides);
  gtk_widget_class_bind_template_child (widget_class, MlsReportCompare, note);
  gtk_widget_class_bind_template_child (widget_class, MlsReportCompare,
                                        figures);
  gtk_widget_class_bind_template_child (widget_class, MlsReportCompare,
                                        layers);
}

static void
mls_report_compare_init (MlsReportCompare *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (mls_snapshot_schedule), NULL);
  g_signal_connect_swapped (gtk_column_view_get_sorter (
                              GTK_COLUMN_VIEW (self->layers)), "changed",
                            G_CALLBACK (schedule_state), self);
  show_status (self, "Comparing…");
}

/* Runs the comparison of the reports in files before and after. */
static void
start (MlsReportCompare *self, const char *before, const char *after)
{
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "mlrt-report", "--compare", "--format", "json",
                         before, after, NULL };
  g_autoptr (GSubprocess) process = mls_model_tool_run (
    argv, NULL, NULL, on_compared, g_object_ref (self), &error);

  if (!process)
    {
      g_object_unref (self);
      show_status (self, error->message);
    }
}

MlsReportCompare *
mls_report_compare_new (GtkWindow *parent, const char *before,
                        const char *after_text, const char *name)
{
  MlsReportCompare *self = g_object_new (MLS_TYPE_REPORT_COMPARE,
                                         "transient-for", parent, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *after = NULL, *base = g_strconcat (name, ".json", NULL);

  self->tmpdir = g_dir_make_tmp ("mlscope-viewer-compare-XXXXXX", &error);
  if (self->tmpdir)
    {
      after = g_build_filename (self->tmpdir, base, NULL);
      if (g_file_set_contents (after, after_text, -1, &error))
        start (self, before, after);
    }
  if (error)
    show_status (self, error->message);
  return self;
}

MlsReportCompare *
mls_report_compare_new_for_files (GtkApplication *app, const char *before,
                                  const char *after)
{
  MlsReportCompare *self = g_object_new (MLS_TYPE_REPORT_COMPARE,
                                         "application", app, NULL);

  start (self, before, after);
  return self;
}
