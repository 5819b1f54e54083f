/*
 * mls-report-compare.c: two reports side by side (see
 * mls-report-compare.h), laid out by mls-report-compare.ui. The report
 * shown is written to a temporary directory for mlrt-report to read, and
 * removed with the window.
 */
#include "mls-report-compare.h"

#include "mls-model-tool.h"

struct _MlsReportCompare {
  GtkWindow parent_instance;
  GtkWidget *text;
  char *tmpdir;
};

G_DEFINE_FINAL_TYPE (MlsReportCompare, mls_report_compare, GTK_TYPE_WINDOW)

static void
set_text (MlsReportCompare *self, const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (
    GTK_TEXT_VIEW (self->text)), text, -1);
}

static void
on_compared (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (MlsReportCompare) self = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = mls_model_tool_finish_text (G_SUBPROCESS (source),
                                                     res, &error);
  g_autofree char *message = NULL;

  if (!self->text)
    return;
  if (!out)
    message = g_strdup_printf ("mlrt-report --compare failed: %s",
                               error->message);
  set_text (self, out ? out : message);
}

static void
mls_report_compare_dispose (GObject *object)
{
  MlsReportCompare *self = MLS_REPORT_COMPARE (object);

  mls_model_tool_remove_tree (self->tmpdir);
  g_clear_pointer (&self->tmpdir, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), MLS_TYPE_REPORT_COMPARE);
  self->text = NULL;
  G_OBJECT_CLASS (mls_report_compare_parent_class)->dispose (object);
}

static void
mls_report_compare_class_init (MlsReportCompareClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mls_report_compare_dispose;
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
    "/org/mlscope/Viewer/mls-report-compare.ui");
  gtk_widget_class_bind_template_child (GTK_WIDGET_CLASS (klass),
                                        MlsReportCompare, text);
}

static void
mls_report_compare_init (MlsReportCompare *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

MlsReportCompare *
mls_report_compare_new (GtkWindow *parent, const char *before,
                        const char *after_text, const char *name)
{
  MlsReportCompare *self = g_object_new (MLS_TYPE_REPORT_COMPARE,
                                         "transient-for", parent, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *after = NULL, *base = g_strconcat (name, ".json", NULL);
  const char *argv[] = { "mlrt-report", "--compare", before, NULL, NULL };
  g_autoptr (GSubprocess) process = NULL;

  set_text (self, "Comparing…");
  self->tmpdir = g_dir_make_tmp ("mlscope-viewer-compare-XXXXXX", &error);
  if (self->tmpdir)
    {
      after = g_build_filename (self->tmpdir, base, NULL);
      if (g_file_set_contents (after, after_text, -1, &error))
        {
          argv[3] = after;
          process = mls_model_tool_run (argv, NULL, NULL, on_compared,
                                        g_object_ref (self), &error);
          if (!process)
            g_object_unref (self);
        }
    }
  if (error)
    set_text (self, error->message);
  return self;
}
