/*
 * mlscope.c: the `mlscope` command: records live apps that use mlrt with
 * LTTng, collects the traces into SQLite, and reports on them. This file
 * only dispatches to the subcommands.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store.h"
#include "mls-version.h"
#include "mlscope.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} MlscopeCommand;

static const MlscopeCommand commands[] = {
  { "record", mlscope_record, "run an app (or attach to running ones) under LTTng and import the trace" },
  { "import", mlscope_import, "collect an LTTng trace directory into a .mlscope database" },
  { "stats",  mlscope_stats,  "print the Model Activity Aggregation table of a recording" },
  { "export", mlscope_export, "write a recording as Chrome / Perfetto JSON" },
  { "advise", mlscope_advise, "point at the known mistakes in a recording: what, where, why, what to do" },
  { "relay",  mlscope_relay,  "start, stop or show a relay daemon (lttng-relayd) that collects recordings" },
  { "diff",   mlscope_diff,   "compare two recordings: what changed, beyond noise (exit 4 past --fail-if)" },
};

static void
print_version (void)
{
  printf ("mlscope %s (schema %d, built with LTTng-UST %s, babeltrace2 %s)\n",
          MLS_VERSION, MLS_SCHEMA_VERSION, MLS_LTTNG_UST_VERSION,
          MLS_BABELTRACE2_VERSION);
}

static gboolean
on_version (const char *name, const char *value, gpointer data,
            GError **error)
{
  print_version ();
  exit (MLS_EXIT_OK);
}

void
mlscope_option_context_finish (GOptionContext *context)
{
  static const GOptionEntry version[] = {
    { "version", 'V', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK,
      (gpointer) on_version, "Print the version and what it was built with",
      NULL },
    { NULL },
  };
  const char *own = g_option_context_get_description (context);
  char *description = g_strdup_printf (
    "%s%smlscope %s. Exit status: 0 done; 1 failed; 2 bad options or "
    "arguments; 3 done, but data was left out; 4 a `diff --fail-if` "
    "threshold was crossed. See the mlscope(1) manual.",
    own ? own : "", own ? "\n\n" : "", MLS_VERSION);

  g_option_context_add_main_entries (context, version, NULL);
  g_option_context_set_description (context, description);
  g_free (description);
}

static void
usage (FILE *out)
{
  fprintf (out, "Usage: mlscope COMMAND [OPTIONS...]\n"
           "       mlscope --version\n\nCommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun 'mlscope COMMAND --help' for a command's options.\n"
           "\nExit status: 0 done; 1 failed (an input missing, unreadable "
           "or damaged\nbeyond use); 2 bad options or arguments; 3 done, but "
           "data was left out\n(a damaged trace imported without --salvage); 4 "
           "done, and a `diff\n--fail-if` threshold was crossed. `record` "
           "exits with the recorded\ncommand's status when that failed.\n");
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0 || strcmp (argv[1], "-V") == 0)
    {
      print_version ();
      return 0;
    }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);
  fprintf (stderr, "mlscope: unknown command '%s'\n\n", argv[1]);
  usage (stderr);
  return 2;
}
