/*
 * mls-application.c: the GtkApplication (see mls-application.h).
 */
#include "mls-application.h"

#include "mls-window.h"

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

static void
on_startup (GApplication *app)
{
  load_css ();
}

static void
on_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (mls_window_new (GTK_APPLICATION (app))));
}

static void
on_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      MlsWindow *window = mls_window_new (GTK_APPLICATION (app));

      mls_window_open (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

int
mls_application_run (int argc, char **argv)
{
  g_autoptr (GtkApplication) app = NULL;

  /* Every invocation is its own instance: opening a trace never depends on
   * a session bus or on another viewer already running. */
  app = gtk_application_new ("org.mlscope.Viewer",
                             G_APPLICATION_HANDLES_OPEN
                             | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "startup", G_CALLBACK (on_startup), NULL);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  g_signal_connect (app, "open", G_CALLBACK (on_open), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
