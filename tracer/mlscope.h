/*
 * mlscope.h: the subcommands of the `mlscope` command. Each lives in its own
 * file (mlscope-record.c, mlscope-import.c, mlscope-stats.c,
 * mlscope-export.c, mlscope-diff.c, mlscope-advise.c) and is called by mlscope.c with argv[0] set to the
 * subcommand's name. Each returns the process exit status.
 */
#ifndef MLSCOPE_H
#define MLSCOPE_H

int mlscope_record (int argc, char **argv);
int mlscope_import (int argc, char **argv);
int mlscope_stats (int argc, char **argv);
int mlscope_export (int argc, char **argv);
int mlscope_diff (int argc, char **argv);
int mlscope_advise (int argc, char **argv);

#endif /* MLSCOPE_H */
