/*
 * main.c: mlscope-viewer's entry point. --render-png runs headless and
 * never touches GTK, so it works with no display; anything else starts
 * the GtkApplication.
 */
#include <string.h>

#include "mls-application.h"
#include "mls-render.h"

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--render-png") == 0
        || g_str_has_prefix (argv[i], "--render-png="))
      return mls_render_main (argc, argv);
  return mls_application_run (argc, argv);
}
