/*
 * mlscope-import.c: `mlscope import TRACE_DIR -o FILE.mlscope`, the
 * collector's command line. The work is in mls-import*.c.
 */
#include <glib.h>
#include <stdio.h>

#include "mls-import.h"
#include "mls-record.h"
#include "mlscope.h"

static void
print_summary (const char *out, const MlsImportSummary *s)
{
  g_printerr ("mlscope import: wrote %s: %" G_GINT64_FORMAT " events, %"
              G_GINT64_FORMAT " spans (%" G_GINT64_FORMAT " incomplete)",
              out, s->events, s->spans, s->incomplete);
  if (s->lost_events || s->lost_packets)
    g_printerr (", %" G_GINT64_FORMAT " events and %" G_GINT64_FORMAT
                " packets lost", s->lost_events, s->lost_packets);
  g_printerr ("\n");
}

int
mlscope_import (int argc, char **argv)
{
  char *output = NULL;
  char *command = NULL;
  gboolean quiet = FALSE;
  gboolean timings = FALSE;
  gboolean salvage = FALSE;
  char *died = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "the database to write (required)", "FILE.mlscope" },
    { "command", 0, 0, G_OPTION_ARG_STRING, &command,
      "the traced command, stored in the recording's metadata", "CMD" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      "print errors only", NULL },
    { "salvage", 0, 0, G_OPTION_ARG_NONE, &salvage,
      "accept a damaged or cut-short trace: keep what is readable and exit "
      "0 (the damage is still warned about and kept as lost packets); "
      "without it the import exits 3", NULL },
    { "timings", 0, 0, G_OPTION_ARG_NONE, &timings,
      "print how long reading and the store's finish took", NULL },
    { NULL },
  };
  g_set_prgname ("mlscope import");
  GOptionContext *ctx = g_option_context_new ("TRACE_DIR");
  g_option_context_set_summary (ctx,
    "Collects the LTTng trace (CTF) recorded under TRACE_DIR into an mlscope\n"
    "trace database: begin / end events become spans, unmatched begins are\n"
    "kept as incomplete spans, discarded events are counted. A damaged\n"
    "trace keeps what is readable; what is not is counted as lost packets.\n"
    "A relay daemon's output whose daemon died (never stopped) holds a\n"
    "recording cut short: said, and exit 3 unless --salvage.\n"
    "Exit status: 0 done, 1 failed, 2 bad usage, 3 data left out.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  mlscope_option_context_finish (ctx);
  GError *error = NULL;
  int status = MLS_EXIT_USAGE;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("mlscope import: %s\n", error->message);
      goto out;
    }
  if (argc != 2 || output == NULL)
    {
      g_printerr ("mlscope import: %s\nUsage: mlscope import TRACE_DIR -o "
                  "FILE.mlscope\n", argc != 2 ? "give one TRACE_DIR"
                                                : "-o FILE.mlscope is required");
      goto out;
    }
  died = mls_relay_died (argv[1]);
  MlsImportOptions options = { .command = command, .quiet = quiet,
                               .cut_short = died };
  MlsImportSummary summary;
  if (!mls_import_run (argv[1], output, &options, &summary, &error))
    {
      g_printerr ("mlscope import: %s\n", error->message);
      status = MLS_EXIT_FAILED;
      goto out;
    }
  if (!quiet)
    print_summary (output, &summary);
  if (timings)
    g_printerr ("mlscope import: read, paired and inserted in %.3f s "
                "(%.3f s CPU); store finish (aggregates, summaries, commit) "
                "%.3f s (%.3f s CPU)\n", summary.read_s, summary.read_cpu_s,
                summary.finish_s, summary.finish_cpu_s);
  status = MLS_EXIT_OK;
  if (died != NULL)
    {
      g_printerr ("mlscope import: %s; %s holds what reached it, the cut "
                  "kept as lost data at its end%s\n", died, output,
                  salvage ? "" : " (pass --salvage to accept it)");
      status = salvage ? MLS_EXIT_OK : MLS_EXIT_DATA_LOST;
    }
  if (summary.read_error != NULL)
    {
      g_printerr ("mlscope import: %s; %s holds what was read before\n",
                  summary.read_error, output);
      g_free (summary.read_error);
      status = MLS_EXIT_DATA_LOST;
    }
  else if ((summary.salvaged_packets > 0 || summary.impossible_events > 0)
           && !salvage)
    {
      g_printerr ("mlscope import: %s holds what was readable of a damaged "
                  "trace; pass --salvage to accept it\n", output);
      status = MLS_EXIT_DATA_LOST;
    }

out:
  g_free (died);
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_free (output);
  g_free (command);
  return status;
}
