/*
 * mlscope.h: the subcommands of the `mlscope` command. Each lives in its own
 * file (mlscope-record.c, mlscope-import.c, mlscope-stats.c,
 * mlscope-export.c, mlscope-diff.c, mlscope-advise.c) and is called by
 * mlscope.c with argv[0] set to the subcommand's name. Each returns the
 * process exit status.
 */
#ifndef MLSCOPE_H
#define MLSCOPE_H

#include <glib.h>

/*
 * Exit statuses, the same for every subcommand (docs/trace-database.md
 * lists them for users). `mlscope record` exits with the recorded
 * command's status when the command failed, else with one of these.
 */
enum {
  MLS_EXIT_OK = 0,
  MLS_EXIT_FAILED = 1,      /* the work could not be done: an input missing,
                               unreadable or damaged beyond use, a write
                               that failed */
  MLS_EXIT_USAGE = 2,       /* bad options or arguments */
  MLS_EXIT_DATA_LOST = 3,   /* done, but data was left out: a damaged
                               trace salvaged without --salvage, a read
                               that stopped early */
  MLS_EXIT_THRESHOLD = 4,   /* done, and a `diff --fail-if` threshold was
                               crossed */
};

/* Adds --version and the help's footer (version, exit statuses) to a
 * subcommand's option context, after its own entries. */
void mlscope_option_context_finish (GOptionContext *context);

int mlscope_record (int argc, char **argv);
int mlscope_import (int argc, char **argv);
int mlscope_stats (int argc, char **argv);
int mlscope_export (int argc, char **argv);
int mlscope_diff (int argc, char **argv);
int mlscope_advise (int argc, char **argv);
int mlscope_relay (int argc, char **argv);

#endif /* MLSCOPE_H */
