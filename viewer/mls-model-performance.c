/*
 * mls-model-performance.c: the Performance tab (see
 * mls-model-performance.h), laid out by mls-model-performance.ui.
 */
#include "mls-model-performance.h"

#include <adwaita.h>
#include <string.h>

#include "mls-file-chooser.h"
#include "mls-model-tool.h"
#include "mls-report-compare.h"

/* The dropdowns' entries, in their order in the .ui. */
static const char *const unit_sets[] = {
  "all", "cpu-and-gpu", "cpu-and-npu", "cpu-only"
};
static const char *const statistics[] = {
  "median_us", "avg_us", "min_us", "max_us", "stddev_us"
};
/* The cards: a step of `timings`, or the throughput (NULL). */
static const struct {
  const char *step, *caption, *tip;
} cards[] = {
  { "prediction", "Prediction", "A prediction on the loaded, warmed-up "
    "model, example inputs made from its description" },
  { NULL, "Throughput", "Predictions a second, one after the other, at "
    "the prediction time shown (at the median for the standard "
    "deviation)" },
  { "first_prediction", "First Prediction", "The first prediction on a "
    "freshly loaded model" },
  { "load_uncached", "Load", "Loading with an empty cache: includes "
    "compiling the model" },
  { "load_cached", "Cached Load", "Loading when the cache holds the "
    "compiled model" },
  { "compile", "Compile", "Compiling the package into an empty cache" },
};
#define N_CARDS G_N_ELEMENTS (cards)

struct _MlsModelPerformance {
  GtkBox parent_instance;
  GtkWidget *units_dropdown;
  GtkWidget *iterations_spin;
  GtkWidget *run_button;
  GtkWidget *cancel_button;
  GtkWidget *progress;
  GtkWidget *status_label;
  GtkWidget *cards;
  GtkWidget *statistic_dropdown;
  GtkWidget *machine_label;
  GtkWidget *layers;
  GtkWidget *values[N_CARDS];
  char *path;
  const char *state;
  GSubprocess *process;     /* the report running, if any */
  GCancellable *cancellable;
  char *tmpdir;             /* the running report's TMPDIR */
  gboolean cancelled;
  guint pulse;
  gint64 started_us;
  json_object *report;
  char *report_text;
};

G_DEFINE_FINAL_TYPE (MlsModelPerformance, mls_model_performance,
                     GTK_TYPE_BOX)

enum { PROP_0, PROP_STATE, PROP_STATUS, N_PROPS };
static GParamSpec *props[N_PROPS];

/* Measured runs of each step asked for. */
static int
runs (MlsModelPerformance *self)
{
  return gtk_spin_button_get_value_as_int (
    GTK_SPIN_BUTTON (self->iterations_spin));
}

static void
set_state (MlsModelPerformance *self, const char *state, const char *status)
{
  gboolean running = g_str_equal (state, "running");

  self->state = state;
  gtk_label_set_text (GTK_LABEL (self->status_label), status);
  if (g_str_equal (state, "failed"))
    gtk_widget_add_css_class (self->status_label, "error");
  else
    gtk_widget_remove_css_class (self->status_label, "error");
  gtk_widget_set_sensitive (self->run_button, !running && self->path);
  gtk_widget_set_sensitive (self->units_dropdown, !running);
  gtk_widget_set_sensitive (self->iterations_spin, !running);
  gtk_widget_set_visible (self->cancel_button, running);
  gtk_widget_set_visible (self->progress, running);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATUS]);
}

static void
show_cards (MlsModelPerformance *self)
{
  guint stat = gtk_drop_down_get_selected (
    GTK_DROP_DOWN (self->statistic_dropdown));
  json_object *timings = mls_json_get (self->report, "timings");

  for (guint i = 0; i < N_CARDS; i++)
    {
      g_autofree char *text = NULL;

      if (!self->report)
        text = g_strdup ("—");
      else if (!cards[i].step)
        {
          double us = mls_json_double (mls_json_get (timings, "prediction"),
                                       statistics[MIN (stat, 4)], 0);

          text = g_strdup_printf ("%.1f / s", stat < 4 && us > 0 ? 1e6 / us
            : mls_json_double (self->report, "prediction_fps", 0));
        }
      else
        {
          json_object *step = mls_json_get (timings, cards[i].step);
          double us = mls_json_double (step, statistics[MIN (stat, 4)], -1);

          text = us >= 0 ? mls_format_us (us) : g_strdup ("—");
        }
      gtk_label_set_text (GTK_LABEL (self->values[i]), text);
    }
}

/* The report's machine and settings, beside the statistic. */
static void
show_machine (MlsModelPerformance *self)
{
  json_object *machine = mls_json_get (self->report, "machine");
  g_autofree char *text = NULL;

  if (self->report)
    text = g_strdup_printf ("%s, %" G_GINT64_FORMAT " runs of each step "
                            "on %s (GPU: %s), %s",
                            mls_json_str (self->report, "compute_units"),
                            mls_json_int (self->report, "iterations"),
                            mls_json_str (machine, "cpu_model"),
                            mls_json_str (machine, "gpu"),
                            mls_json_str (self->report, "generated_at"));
  gtk_label_set_text (GTK_LABEL (self->machine_label), text ? text : "");
}

/* Takes report and text. */
static void
show_report (MlsModelPerformance *self, json_object *report, char *text)
{
  g_clear_pointer (&self->report, json_object_put);
  g_free (self->report_text);
  self->report = report;
  self->report_text = text;
  show_cards (self);
  show_machine (self);
  mls_layer_table_show (MLS_LAYER_TABLE (self->layers),
                        mls_json_get (report, "layers"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "perf.save",
                                 report != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "perf.compare",
                                 report != NULL);
}

static gboolean
on_pulse (gpointer data)
{
  MlsModelPerformance *self = data;
  g_autofree char *text = g_strdup_printf ("Measuring: compiling, loading "
    "and predicting… %.0f s", (g_get_monotonic_time () - self->started_us)
    / 1e6);

  gtk_progress_bar_pulse (GTK_PROGRESS_BAR (self->progress));
  gtk_label_set_text (GTK_LABEL (self->status_label), text);
  return G_SOURCE_CONTINUE;
}

static void
on_report_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (MlsModelPerformance) self = data;
  g_autoptr (GError) error = NULL;
  char *text = NULL;
  json_object *report = mls_model_tool_finish (G_SUBPROCESS (source), res,
                                               "mlrt-report", &text, &error);

  g_clear_handle_id (&self->pulse, g_source_remove);
  g_clear_object (&self->process);
  g_clear_object (&self->cancellable);
  /* A cancelled report leaves its caches behind. */
  mls_model_tool_remove_tree (self->tmpdir);
  g_clear_pointer (&self->tmpdir, g_free);
  /* The window closed while it ran: nothing left to show it in. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (report)
    {
      g_autofree char *status = g_strdup_printf ("Measured on %s",
        mls_json_str (report, "compute_units"));

      show_report (self, report, text);
      set_state (self, "done", status);
    }
  else if (self->cancelled)
    set_state (self, "cancelled", "Cancelled");
  else
    {
      g_autofree char *status = g_strdup_printf ("mlrt-report failed: %s",
                                                 error->message);

      g_printerr ("mlscope-viewer: %s: %s\n", self->path, status);
      set_state (self, "failed", status);
    }
}

void
mls_model_performance_run (MlsModelPerformance *self)
{
  guint units = gtk_drop_down_get_selected (
    GTK_DROP_DOWN (self->units_dropdown));
  g_autofree char *iterations = g_strdup_printf ("%d", runs (self));
  const char *argv[] = { "mlrt-report", self->path, "--compute-units",
                         unit_sets[MIN (units, 3)], "--iterations",
                         iterations, "--format", "json", NULL };
  g_autoptr (GError) error = NULL;

  if (self->process || !self->path)
    return;
  self->tmpdir = g_dir_make_tmp ("mlscope-viewer-report-XXXXXX", &error);
  if (!self->tmpdir)
    {
      set_state (self, "failed", error->message);
      return;
    }
  self->cancelled = FALSE;
  self->cancellable = g_cancellable_new ();
  self->process = mls_model_tool_run (argv, self->tmpdir, self->cancellable,
                                      on_report_done, g_object_ref (self),
                                      &error);
  if (!self->process)
    {
      g_object_unref (self);
      g_clear_object (&self->cancellable);
      mls_model_tool_remove_tree (self->tmpdir);
      g_clear_pointer (&self->tmpdir, g_free);
      set_state (self, "failed", error->message);
      return;
    }
  self->started_us = g_get_monotonic_time ();
  self->pulse = g_timeout_add (100, on_pulse, self);
  set_state (self, "running", "Measuring: compiling, loading and "
                              "predicting…");
}

/* Ends the report's process, by its pid, and nothing else. */
static void
on_cancel (GtkButton *button, MlsModelPerformance *self)
{
  if (!self->process)
    return;
  self->cancelled = TRUE;
  g_subprocess_force_exit (self->process);
}

static void
on_run (GtkButton *button, MlsModelPerformance *self)
{
  mls_model_performance_run (self);
}

gboolean
mls_model_performance_open (MlsModelPerformance *self, const char *path,
                            GError **error)
{
  g_autofree char *text = NULL;
  g_autofree char *status = NULL;
  json_object *report;

  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  report = mls_model_json_parse (text, "mlrt-report", path, error);
  if (!report)
    return FALSE;
  status = g_strdup_printf ("Report of %s from %s", mls_json_str (
    mls_json_get (report, "model"), "name"), path);
  show_report (self, report, g_steal_pointer (&text));
  set_state (self, "done", status);
  return TRUE;
}

static void
on_open_response (GtkNativeDialog *dialog, int response,
                  MlsModelPerformance *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file =
        gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GError) error = NULL;

      if (!mls_model_performance_open (self, path, &error))
        set_state (self, "failed", error->message);
    }
  g_object_unref (dialog);
}

static void
on_save_response (GtkNativeDialog *dialog, int response,
                  MlsModelPerformance *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->report_text)
    {
      g_autoptr (GFile) file =
        gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr (GError) error = NULL;
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *status = NULL;

      if (g_file_replace_contents (file, self->report_text,
                                   strlen (self->report_text), NULL, FALSE,
                                   G_FILE_CREATE_NONE, NULL, NULL, &error))
        status = g_strdup_printf ("Saved as %s", path);
      else
        status = g_strdup_printf ("Not saved: %s", error->message);
      set_state (self, error ? "failed" : self->state, status);
    }
  g_object_unref (dialog);
}

/* The shown report's name: "detector-cpu-only". */
static char *
report_name (MlsModelPerformance *self)
{
  return g_strdup_printf ("%s-%s",
    mls_json_str (mls_json_get (self->report, "model"), "name"),
    mls_json_str (self->report, "compute_units"));
}

static void
on_compare_response (GtkNativeDialog *dialog, int response,
                     MlsModelPerformance *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->report_text)
    {
      g_autoptr (GFile) file =
        gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *name = report_name (self);

      gtk_window_present (GTK_WINDOW (mls_report_compare_new (
        GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), path,
        self->report_text, name)));
    }
  g_object_unref (dialog);
}

/* A chooser of report files; response runs with self. */
static void
choose_file (MlsModelPerformance *self, const char *title,
             GtkFileChooserAction action, GCallback response)
{
  static const char *const reports[] = { "*.json", NULL };
  GtkFileChooser *chooser = mls_file_chooser_show (
    GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), title, action,
    "mlrt-report JSON", reports, response, self);

  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    {
      g_autofree char *name = report_name (self);
      g_autofree char *file = g_strconcat (name, ".json", NULL);

      gtk_file_chooser_set_current_name (chooser, file);
    }
}

static void
open_action (GtkWidget *widget, const char *action, GVariant *param)
{
  choose_file (MLS_MODEL_PERFORMANCE (widget), "Open Report",
               GTK_FILE_CHOOSER_ACTION_OPEN, G_CALLBACK (on_open_response));
}

static void
save_action (GtkWidget *widget, const char *action, GVariant *param)
{
  choose_file (MLS_MODEL_PERFORMANCE (widget), "Save Report",
               GTK_FILE_CHOOSER_ACTION_SAVE, G_CALLBACK (on_save_response));
}

static void
compare_action (GtkWidget *widget, const char *action, GVariant *param)
{
  choose_file (MLS_MODEL_PERFORMANCE (widget), "Compare With Report",
               GTK_FILE_CHOOSER_ACTION_OPEN, G_CALLBACK (on_compare_response));
}

void
mls_model_performance_set_model (MlsModelPerformance *self, const char *path)
{
  g_free (self->path);
  self->path = g_strdup (path);
  set_state (self, "idle", "Choose the compute units and press Run");
}

MlsLayerTable *
mls_model_performance_get_layers (MlsModelPerformance *self)
{
  return MLS_LAYER_TABLE (self->layers);
}

GtkWidget *
mls_model_performance_get_part (MlsModelPerformance *self, const char *name)
{
  return g_str_equal (name, "run") ? self->run_button
         : g_str_equal (name, "cancel") ? self->cancel_button
         : g_str_equal (name, "units") ? self->units_dropdown
         : g_str_equal (name, "iterations") ? self->iterations_spin
         : g_str_equal (name, "statistic") ? self->statistic_dropdown
         : NULL;
}

void
mls_model_performance_describe (MlsModelPerformance *self, GString *out)
{
  MlsLayerTable *layers = MLS_LAYER_TABLE (self->layers);
  guint units = gtk_drop_down_get_selected (
    GTK_DROP_DOWN (self->units_dropdown));

  g_string_append_printf (out, "Performance: state = %s\n", self->state);
  g_string_append_printf (out, "Performance: status = %s\n",
                          gtk_label_get_text (GTK_LABEL (self->status_label)));
  g_string_append_printf (out, "Performance: units = %s\n",
                          unit_sets[MIN (units, 3)]);
  g_string_append_printf (out, "Performance: runs = %d\n", runs (self));
  g_string_append_printf (out, "Performance: report units = %s\n",
                          self->report ? mls_json_str (self->report,
                                                       "compute_units")
                                       : "none");
  for (guint i = 0; i < N_CARDS; i++)
    g_string_append_printf (out, "Performance: %s = %s\n", cards[i].caption,
                            gtk_label_get_text (GTK_LABEL (self->values[i])));
  g_string_append_printf (out, "Performance: unit filter = %s\n",
                          mls_layer_table_get_unit (layers)
                          ? mls_layer_table_get_unit (layers) : "none");
  g_string_append_printf (out, "Performance: layers shown = %u\n",
                          mls_layer_table_get_n_shown (layers));
  g_string_append_printf (out, "Performance: layers = %u\n",
                          mls_layer_table_get_n_layers (layers));
}

static void
notify_status (MlsModelPerformance *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATUS]);
}

static void
on_statistic (GObject *dropdown, GParamSpec *pspec, MlsModelPerformance *self)
{
  show_cards (self);
  notify_status (self);
}

/* The cards: a value in large type over its caption. */
static void
add_cards (MlsModelPerformance *self)
{
  for (guint i = 0; i < N_CARDS; i++)
    {
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *caption = gtk_label_new (cards[i].caption);

      self->values[i] = gtk_label_new ("—");
      gtk_widget_add_css_class (card, "card");
      gtk_widget_set_tooltip_text (card, cards[i].tip);
      gtk_widget_add_css_class (self->values[i], "title-2");
      gtk_widget_add_css_class (self->values[i], "numeric");
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_widget_set_margin_top (self->values[i], 10);
      gtk_widget_set_margin_bottom (caption, 10);
      gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (card), self->values[i]);
      gtk_box_append (GTK_BOX (card), caption);
      gtk_box_append (GTK_BOX (self->cards), card);
    }
}

static void
mls_model_performance_get_property (GObject *object, guint id, GValue *value,
                                    GParamSpec *pspec)
{
  MlsModelPerformance *self = MLS_MODEL_PERFORMANCE (object);

  if (id == PROP_STATE)
    g_value_set_string (value, self->state);
  else if (id == PROP_STATUS)
    g_value_set_string (value,
                        gtk_label_get_text (GTK_LABEL (self->status_label)));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_model_performance_dispose (GObject *object)
{
  MlsModelPerformance *self = MLS_MODEL_PERFORMANCE (object);

  /* Closed while measuring: the report's process ends with the window. */
  if (self->process)
    {
      g_cancellable_cancel (self->cancellable);
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
      mls_model_tool_remove_tree (self->tmpdir);
      g_clear_pointer (&self->tmpdir, g_free);
    }
  g_clear_handle_id (&self->pulse, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object),
                               MLS_TYPE_MODEL_PERFORMANCE);
  g_clear_pointer (&self->report, json_object_put);
  g_clear_pointer (&self->report_text, g_free);
  g_clear_pointer (&self->path, g_free);
  G_OBJECT_CLASS (mls_model_performance_parent_class)->dispose (object);
}

static void
mls_model_performance_class_init (MlsModelPerformanceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = mls_model_performance_get_property;
  object_class->dispose = mls_model_performance_dispose;
  props[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, "idle",
    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL,
    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  g_type_ensure (MLS_TYPE_LAYER_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/mlscope/Viewer/mls-model-performance.ui");
#define CHILD(name) \
  gtk_widget_class_bind_template_child (widget_class, MlsModelPerformance, \
                                        name)
  CHILD (units_dropdown);
  CHILD (iterations_spin);
  CHILD (run_button);
  CHILD (cancel_button);
  CHILD (progress);
  CHILD (status_label);
  CHILD (cards);
  CHILD (statistic_dropdown);
  CHILD (machine_label);
  CHILD (layers);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_run);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel);
  gtk_widget_class_install_action (widget_class, "perf.open", NULL,
                                   open_action);
  gtk_widget_class_install_action (widget_class, "perf.save", NULL,
                                   save_action);
  gtk_widget_class_install_action (widget_class, "perf.compare", NULL,
                                   compare_action);
}

static void
mls_model_performance_init (MlsModelPerformance *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_cards (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "perf.save", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "perf.compare", FALSE);
  g_signal_connect (self->statistic_dropdown, "notify::selected",
                    G_CALLBACK (on_statistic), self);
  g_signal_connect_swapped (self->units_dropdown, "notify::selected",
                            G_CALLBACK (notify_status), self);
  g_signal_connect_swapped (self->iterations_spin, "value-changed",
                            G_CALLBACK (notify_status), self);
  set_state (self, "idle", "");
}
