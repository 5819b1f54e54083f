/*
 * mls-model-window.c: a model's window (see mls-model-window.h), laid out
 * by mls-model-window.ui. `mlrt-info --format json` runs once, in a child
 * process; its description fills the General and Predictions tabs.
 */
#include "mls-model-window.h"

#include <adwaita.h>

#include "mls-layer-item.h"
#include "mls-model-features.h"
#include "mls-model-general.h"
#include "mls-model-performance.h"
#include "mls-model-state.h"
#include "mls-model-tool.h"
#include "mls-snapshot.h"

struct _MlsModelWindow {
  GtkApplicationWindow parent_instance;
  GtkWidget *switcher;
  GtkWidget *state_stack;
  GtkWidget *error_page;
  GtkWidget *stack;
  GtkWidget *general;
  GtkWidget *features;
  GtkWidget *performance;
  char *path;
  char *error;              /* why the model could not be read */
  guint state_source;
};

G_DEFINE_FINAL_TYPE (MlsModelWindow, mls_model_window,
                     GTK_TYPE_APPLICATION_WINDOW)

static gboolean
write_state (gpointer data)
{
  MlsModelWindow *self = data;
  MlsModelPerformance *perf = MLS_MODEL_PERFORMANCE (self->performance);
  MlsLayerTable *layers = mls_model_performance_get_layers (perf);
  g_autoptr (GString) out = g_string_new (NULL);
  static const char *const parts[] = { "run", "cancel", "units",
                                       "iterations", "statistic" };

  self->state_source = 0;
  g_string_append_printf (out, "window: model = %s\n", self->path);
  g_string_append_printf (out, "window: page = %s\n",
    gtk_stack_get_visible_child_name (GTK_STACK (self->state_stack)));
  g_string_append_printf (out, "window: tab = %s\n",
    adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (self->stack)));
  if (self->error)
    g_string_append_printf (out, "window: error = %s\n", self->error);
  mls_model_general_describe (MLS_MODEL_GENERAL (self->general), out);
  mls_model_features_describe (MLS_MODEL_FEATURES (self->features), out);
  mls_model_performance_describe (perf, out);
  mls_model_state_bounds (out, "window", GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    mls_model_state_bounds (out, parts[i],
                            mls_model_performance_get_part (perf, parts[i]));
  for (int u = 0; u < MLS_N_UNITS; u++)
    {
      g_autofree char *name = g_strdup_printf ("header-%s", mls_units[u]);

      mls_model_state_bounds (out, name,
                              mls_layer_table_get_header (layers,
                                                          mls_units[u]));
    }
  mls_model_state_write (out->str);
  return G_SOURCE_REMOVE;
}

static void
schedule_state (MlsModelWindow *self)
{
  mls_model_state_schedule (&self->state_source, write_state, self);
}

/* Why the model cannot be shown: in the window and on stderr. */
static void
show_error (MlsModelWindow *self, const GError *error)
{
  self->error = g_strdup_printf ("%s: %s", self->path, error->message);
  g_printerr ("mlscope-viewer: %s\n", self->error);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page),
                                   self->error);
  gtk_stack_set_visible_child_name (GTK_STACK (self->state_stack), "error");
  schedule_state (self);
}

static void
on_info (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (MlsModelWindow) self = data;
  g_autoptr (GError) error = NULL;
  json_object *info = mls_model_tool_finish (G_SUBPROCESS (source), res,
                                             "mlrt-info", NULL, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!info)
    {
      show_error (self, error);
      return;
    }
  mls_model_general_show (MLS_MODEL_GENERAL (self->general), info);
  mls_model_features_show (MLS_MODEL_FEATURES (self->features), info);
  mls_model_performance_set_model (
    MLS_MODEL_PERFORMANCE (self->performance), self->path);
  if (mls_json_str (info, "name"))
    {
      gtk_window_set_title (GTK_WINDOW (self), mls_json_str (info, "name"));
      adw_view_switcher_title_set_title (ADW_VIEW_SWITCHER_TITLE (
        self->switcher), mls_json_str (info, "name"));
    }
  gtk_stack_set_visible_child_name (GTK_STACK (self->state_stack), "model");
  json_object_put (info);
  schedule_state (self);
}

static void
read_model (MlsModelWindow *self)
{
  const char *argv[] = { "mlrt-info", self->path, "--format", "json",
                         NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = mls_model_tool_run (
    argv, NULL, NULL, on_info, g_object_ref (self), &error);

  if (!process)
    {
      g_object_unref (self);
      show_error (self, error);
    }
}

static void
show_tab_action (GtkWidget *widget, const char *action, GVariant *param)
{
  adw_view_stack_set_visible_child_name (
    ADW_VIEW_STACK (MLS_MODEL_WINDOW (widget)->stack),
    g_variant_get_string (param, NULL));
}

static void
run_action (GtkWidget *widget, const char *action, GVariant *param)
{
  MlsModelWindow *self = MLS_MODEL_WINDOW (widget);

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (self->stack),
                                         "performance");
  mls_model_performance_run (MLS_MODEL_PERFORMANCE (self->performance));
}

/* The Performance tab's Report menu from the keyboard: "open", "save" or
 * "compare" runs perf.<that> once the tab is shown, so the chooser opens
 * over what it acts on. */
static void
report_action (GtkWidget *widget, const char *action, GVariant *param)
{
  MlsModelWindow *self = MLS_MODEL_WINDOW (widget);
  g_autofree char *name = g_strconcat ("perf.",
    g_variant_get_string (param, NULL), NULL);

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (self->stack),
                                         "performance");
  gtk_widget_activate_action (self->performance, name, NULL);
}

static void
on_map (GtkWidget *widget, gpointer data)
{
  mls_snapshot_schedule (widget);
  schedule_state (MLS_MODEL_WINDOW (widget));
}

static void
mls_model_window_dispose (GObject *object)
{
  MlsModelWindow *self = MLS_MODEL_WINDOW (object);

  g_clear_handle_id (&self->state_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), MLS_TYPE_MODEL_WINDOW);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->error, g_free);
  G_OBJECT_CLASS (mls_model_window_parent_class)->dispose (object);
}

static void
mls_model_window_class_init (MlsModelWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mls_model_window_dispose;
  g_type_ensure (MLS_TYPE_MODEL_GENERAL);
  g_type_ensure (MLS_TYPE_MODEL_FEATURES);
  g_type_ensure (MLS_TYPE_MODEL_PERFORMANCE);
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/mlscope/Viewer/mls-model-window.ui");
#define CHILD(name) \
  gtk_widget_class_bind_template_child (widget_class, MlsModelWindow, name)
  CHILD (switcher);
  CHILD (state_stack);
  CHILD (error_page);
  CHILD (stack);
  CHILD (general);
  CHILD (features);
  CHILD (performance);
#undef CHILD
  gtk_widget_class_install_action (widget_class, "win.show-tab", "s",
                                   show_tab_action);
  gtk_widget_class_install_action (widget_class, "win.run-report", NULL,
                                   run_action);
  gtk_widget_class_install_action (widget_class, "win.report", "s",
                                   report_action);
}

static void
mls_model_window_init (MlsModelWindow *self)
{
  MlsModelPerformance *perf;

  gtk_widget_init_template (GTK_WIDGET (self));
  perf = MLS_MODEL_PERFORMANCE (self->performance);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  g_signal_connect_swapped (perf, "notify::state",
                            G_CALLBACK (schedule_state), self);
  g_signal_connect_swapped (perf, "notify::status",
                            G_CALLBACK (schedule_state), self);
  g_signal_connect_swapped (mls_model_performance_get_layers (perf),
                            "notify::unit", G_CALLBACK (schedule_state),
                            self);
  g_signal_connect_swapped (self->stack, "notify::visible-child",
                            G_CALLBACK (schedule_state), self);
}

MlsModelWindow *
mls_model_window_new (GtkApplication *app, GFile *file)
{
  MlsModelWindow *self = g_object_new (MLS_TYPE_MODEL_WINDOW,
                                       "application", app, NULL);

  self->path = g_file_get_path (file);
  adw_view_switcher_title_set_subtitle (ADW_VIEW_SWITCHER_TITLE (
    self->switcher), self->path);
  read_model (self);
  return self;
}
