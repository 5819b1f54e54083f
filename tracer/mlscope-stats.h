/*
 * mlscope-stats.h: what `mlscope stats` (mlscope-stats.c) hands its
 * printers (mlscope-stats-print.c): the rows the store computed, in the
 * order asked for, and what the reader must be told about them.
 */
#ifndef MLSCOPE_STATS_H
#define MLSCOPE_STATS_H

#include "mls-store.h"

#define MLS_STATS_SHARE_MEANING \
  "a row's total time over the total time of all rows in its lane"
#define MLS_STATS_FIGURES_MEANING \
  "figures of complete spans only; incomplete: spans cut off, counted " \
  "apart; median: the middle duration, or the mean of the two middle " \
  "ones; stddev: the population standard deviation"

typedef struct {
  const char *path;
  MlsStore *store;
  const MlsStatsQuery *query;
  const char *sort;         /* the sort key's name */
  int64_t trace_start_ns;
  int64_t duration_ns;
  const MlsStatsRow *rows;  /* in the store's (catalogue) order */
  const MlsStatsRow **sorted;
  size_t n_rows;
  int64_t cut[MLS_CUT_UNKNOWN + 1];  /* incomplete spans by reason, over
                                        the rows */
  const char *host;         /* --by-host: the host the rows are of */
  int no_header;            /* csv: a later host's rows, no header line */
} MlsStatsReport;

void mls_stats_print_table (const MlsStatsReport *report);
void mls_stats_print_csv (const MlsStatsReport *report);
void mls_stats_print_json (const MlsStatsReport *report);

#endif /* MLSCOPE_STATS_H */
