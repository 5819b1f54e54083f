/*
 * mls-application.c: the application (see mls-application.h). An
 * AdwApplication, for libadwaita's style manager (light or dark as the
 * desktop prefers, or as chosen in the menu: app.style), toasts and about
 * window. The keys of the timeline are application accelerators of the
 * window's actions, so they work whichever pane has focus.
 */
#include "mls-application.h"

#include <adwaita.h>
#include <stdlib.h>

#include "mls-compare-window.h"
#include "mls-report-compare.h"
#include "mls-model-tool.h"
#include "mls-model-window.h"
#include "mls-render.h"
#include "mls-store.h"
#include "mls-window.h"

static MlsWindowOptions options;
/* --compare BEFORE: the recording the one opened is compared with. */
static char *compare_before;

static void
load_css (void)
{
  GtkCssProvider *provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider,
                                       "/org/mlscope/Viewer/mls-viewer.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
    GTK_STYLE_PROVIDER (provider), GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (provider);
}

static const struct {
  const char *action;
  const char *accels[5];
} accels[] = {
  { "win.open", { "<Control>o" } },
  { "win.compare", { "<Control>d" } },
  { "win.zoom-in", { "w", "plus", "equal", "KP_Add" } },
  { "win.zoom-out", { "s", "minus", "KP_Subtract" } },
  { "win.pan-left", { "a", "Left" } },
  { "win.pan-right", { "d", "Right" } },
  { "win.zoom-fit", { "0", "KP_0", "Home" } },
  { "win.zoom-selection", { "f" } },
  { "win.mark", { "m" } },
  { "win.clear-selection", { "Escape" } },
  { "win.jump-longest", { "l" } },
  { "win.jump-previous", { "comma" } },
  { "win.jump-next", { "period" } },
  { "win.group-table", { "g" } },
  { "win.filter", { "<Control>f" } },
  { "win.info", { "<Control>i" } },
  { "win.copy-csv", { "<Control><Shift>c" } },
  { "win.show-tab::general", { "<Alt>1" } },
  { "win.show-tab::predictions", { "<Alt>2" } },
  { "win.show-tab::performance", { "<Alt>3" } },
  { "win.run-report", { "<Control>r" } },
  { "win.report::open", { "<Control>o" } },
  { "win.report::save", { "<Control>s" } },
  { "win.report::compare", { "<Control>d" } },
  { "win.inspect-model", { "<Control><Shift>m" } },
  { "win.show-help-overlay", { "question", "<Control>question" } },
};

static void
on_style (GSimpleAction *action, GVariant *value, gpointer app)
{
  const char *style = g_variant_get_string (value, NULL);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
    g_str_equal (style, "dark") ? ADW_COLOR_SCHEME_FORCE_DARK
    : g_str_equal (style, "light") ? ADW_COLOR_SCHEME_FORCE_LIGHT
    : ADW_COLOR_SCHEME_DEFAULT);
  g_simple_action_set_state (action, value);
}

static void
on_about (GSimpleAction *action, GVariant *param, gpointer app)
{
  GtkWindow *parent = gtk_application_get_active_window (app);
  GtkWidget *about = adw_about_window_new ();

  g_object_set (about, "application-name", "mlscope",
                "application-icon", "org.mlscope.Viewer",
                "version", MLSCOPE_VERSION,
                "comments", "The timeline of an on-device inference "
                            "runtime's work, recorded with LTTng",
                "license-type", GTK_LICENSE_MIT_X11,
                "transient-for", parent, "modal", TRUE, NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_startup (GApplication *app)
{
  const char *style = g_getenv ("MLSCOPE_VIEWER_STYLE");
  GActionEntry actions[] = {
    { "style", NULL, "s", "'system'", on_style },
    { "about", on_about },
  };

  /* The icon ships in the resources too, so an uninstalled viewer has
   * it (GtkApplication adds RESOURCE_BASE_PATH/icons to the theme). */
  gtk_window_set_default_icon_name ("org.mlscope.Viewer");
  load_css ();
  g_action_map_add_action_entries (G_ACTION_MAP (app), actions,
                                   G_N_ELEMENTS (actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app),
                                           accels[i].action,
                                           accels[i].accels);
  /* For screenshots and tests: the style without a desktop to ask. */
  if (style)
    g_action_group_activate_action (G_ACTION_GROUP (app), "style",
                                    g_variant_new_string (style));
}

static void
on_activate (GApplication *app)
{
  if (compare_before)
    {
      g_printerr ("mlscope-viewer: --compare %s: give the recording to "
                  "compare it with too (--compare BEFORE AFTER)\n",
                  compare_before);
      exit (2);
    }
  gtk_window_present (GTK_WINDOW (mls_window_new (GTK_APPLICATION (app))));
}

static void
open_compare (GApplication *app, GFile **files, int n_files)
{
  g_autoptr (GFile) before = g_file_new_for_commandline_arg (compare_before);
  g_autoptr (GError) error = NULL;
  MlsCompareWindow *window;

  if (n_files != 1)
    {
      g_printerr ("mlscope-viewer: --compare BEFORE AFTER compares two "
                  "recordings or two reports, not %d files\n", n_files + 1);
      exit (2);
    }
  /* Performance reports (mlrt-report --format json) compare as reports. */
  if (g_str_has_suffix (compare_before, ".json"))
    {
      g_autofree char *after = g_file_get_path (files[0]);

      gtk_window_present (GTK_WINDOW (mls_report_compare_new_for_files (
        GTK_APPLICATION (app), compare_before, after)));
      return;
    }
  window = mls_compare_window_new (GTK_APPLICATION (app), before, files[0],
                                   &error);
  if (!window)
    {
      g_printerr ("mlscope-viewer: %s\n", error->message);
      exit (1);
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  if (compare_before)
    {
      open_compare (app, files, n_files);
      return;
    }
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);
      MlsWindow *window;

      /* A model opens its own window: General, Predictions, Performance. */
      if (path && mls_model_file_is_model (path))
        {
          gtk_window_present (GTK_WINDOW (mls_model_window_new (
            GTK_APPLICATION (app), files[i])));
          continue;
        }
      window = mls_window_new (GTK_APPLICATION (app));
      if (mls_window_open (window, files[i]))
        mls_window_apply (window, &options);
      if (options.follow)
        mls_window_follow (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static gboolean
parse_range (GVariantDict *dict, const char *key, gint64 *start, gint64 *end)
{
  g_autoptr (GError) error = NULL;
  const char *text;

  if (!g_variant_dict_lookup (dict, key, "&s", &text))
    return FALSE;
  if (!mls_render_parse_range (text, start, end, &error))
    {
      g_printerr ("mlscope-viewer: %s\n", error->message);
      exit (2);
    }
  return TRUE;
}

static int
on_handle_local_options (GApplication *app, GVariantDict *dict)
{
  if (g_variant_dict_contains (dict, "version"))
    {
      g_print ("mlscope-viewer %s (schema %d, GTK %u.%u.%u, libadwaita "
               "%u.%u.%u)\n", MLSCOPE_VERSION, MLS_SCHEMA_VERSION,
               gtk_get_major_version (), gtk_get_minor_version (),
               gtk_get_micro_version (), adw_get_major_version (),
               adw_get_minor_version (), adw_get_micro_version ());
      return 0;
    }
  options.has_range = parse_range (dict, "range", &options.range_start,
                                   &options.range_end);
  options.has_selection = parse_range (dict, "select", &options.sel_start,
                                       &options.sel_end);
  g_variant_dict_lookup (dict, "by-model", "b", &options.by_model);
  g_variant_dict_lookup (dict, "ungrouped", "b", &options.ungrouped);
  g_variant_dict_lookup (dict, "shared", "b", &options.shared);
  g_variant_dict_lookup (dict, "hide-pid", "^as", &options.hide_pids);
  g_variant_dict_lookup (dict, "span", "x", &options.span_id);
  g_variant_dict_lookup (dict, "compare", "^ay", &compare_before);
  g_variant_dict_lookup (dict, "follow", "b", &options.follow);
  return -1;
}

static const GOptionEntry entries[] = {
  { "range", 0, 0, G_OPTION_ARG_STRING, NULL,
    "Show this time range, offsets from the trace start (10ms:20ms)",
    "START:END" },
  { "select", 0, 0, G_OPTION_ARG_STRING, NULL,
    "Select this time range for the aggregation table", "START:END" },
  { "by-model", 0, 0, G_OPTION_ARG_NONE, NULL, "One sub-track per model",
    NULL },
  { "ungrouped", 0, 0, G_OPTION_ARG_NONE, NULL, "One lane per span kind",
    NULL },
  { "shared", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Lanes shared by every thread, overlapping spans stacked", NULL },
  { "hide-pid", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    "Hide this process, as the process filter does (repeatable)", "PID" },
  { "span", 0, 0, G_OPTION_ARG_INT64, NULL, "Show this span's details",
    "ID" },
  { "compare", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    "Compare this recording with the one given after it (--compare BEFORE "
    "AFTER): both tracks on one time axis, the table before and after; or "
    "two performance reports (mlrt-report --format json, BEFORE.json "
    "AFTER.json): their figures and layers side by side",
    "BEFORE.mlscope" },
  { "follow", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Refresh as the recording grows (mlscope record --live), keeping the "
    "newest data in view", NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Print the version and what it was built with", NULL },
  { "render-png", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    "Draw the timeline into a PNG with no display (see --render-png --help)",
    "OUT.png" },
  { NULL }
};

int
mls_application_run (int argc, char **argv)
{
  g_autoptr (AdwApplication) app = NULL;

  /* Every invocation is its own instance: opening a trace never depends on
   * a session bus or on another viewer already running. */
  app = adw_application_new ("org.mlscope.Viewer",
                             G_APPLICATION_HANDLES_OPEN
                             | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "startup", G_CALLBACK (on_startup), NULL);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  g_signal_connect (app, "open", G_CALLBACK (on_open), NULL);
  g_signal_connect (app, "handle-local-options",
                    G_CALLBACK (on_handle_local_options), NULL);
  g_application_add_main_option_entries (G_APPLICATION (app), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (app),
                                                     "[FILE.mlscope... | MODEL]");
  return g_application_run (G_APPLICATION (app), argc, argv);
}
