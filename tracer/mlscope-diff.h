/*
 * mlscope-diff.h: what `mlscope diff` (mlscope-diff.c) hands its printers
 * (mlscope-diff-print.c): the rows of the comparison in the order asked
 * for, the thresholds and what they found.
 */
#ifndef MLSCOPE_DIFF_H
#define MLSCOPE_DIFF_H

#include "mls-compare.h"
#include "mls-diff-threshold.h"

#define MLS_DIFF_TEST_MEANING \
  "Mann-Whitney U test, two-sided, on the durations of complete spans"
#define MLS_DIFF_FIGURES_MEANING \
  "complete spans only (incomplete: cut off, counted apart); median: the " \
  "middle duration, or the mean of the two middle ones; p90: the " \
  "duration at rank ceil (0.9 n)"

typedef struct {
  const char *path[2];      /* before, after */
  MlsStore *store[2];
  const MlsCompareQuery *query;
  const char *sort;
  double alpha;
  const MlsCompareRow *const *rows;   /* sorted */
  size_t n_rows;
  const MlsThreshold *thresholds;
  size_t n_thresholds;
} MlsDiffReport;

void mls_diff_print_table (const MlsDiffReport *report);
void mls_diff_print_csv (const MlsDiffReport *report);
void mls_diff_print_json (const MlsDiffReport *report);
/* On stderr, one line per row a threshold speaks of; returns how many
 * thresholds were crossed. */
size_t mls_diff_print_thresholds (const MlsDiffReport *report);

#endif /* MLSCOPE_DIFF_H */
