/*
 * mls-compare.h: two recordings side by side (`mlscope diff`, and any
 * reader that shows before / after): per span kind, and optionally per
 * model and per process (matched by name, since ids and pids differ
 * between recordings), the count, total, median and 90th percentile of
 * the complete spans of each, and whether their durations differ beyond
 * noise (the Mann-Whitney U test, mls-rank-test.h). Incomplete spans are
 * counted apart, as everywhere in mlscope.
 */
#ifndef MLS_COMPARE_H
#define MLS_COMPARE_H

#include "mls-rank-test.h"
#include "mls-store.h"

/* The level the verdicts use unless told otherwise. */
#define MLS_COMPARE_ALPHA 0.01

typedef struct {
  int by_model;
  int by_process;           /* by process name */
} MlsCompareQuery;

typedef struct {
  int64_t count;            /* complete spans */
  int64_t incomplete;
  int64_t total_ns;         /* of the complete spans */
  int64_t median_ns;        /* as MlsSampleFigures; 0 when count is 0 */
  int64_t p90_ns;
} MlsCompareSide;

typedef struct {
  int kind_id;
  MlsStatsPart part;        /* as MlsStatsRow's */
  char *lane;
  char *label;
  char *model;              /* by model: its name, NULL for spans without
                               a model */
  char *process;            /* by process: its name, NULL when unknown */
  MlsCompareSide before, after;
  MlsRankTest test;         /* before as sample a, after as b */
} MlsCompareRow;

typedef enum {
  MLS_VERDICT_SLOWER,       /* after's durations longer, beyond noise */
  MLS_VERDICT_FASTER,
  MLS_VERDICT_SAME,         /* no difference beyond noise */
  MLS_VERDICT_TOO_FEW,      /* too few complete spans for any p below the
                               level */
  MLS_VERDICT_APPEARED,     /* no span of the row before */
  MLS_VERDICT_DISAPPEARED,  /* no span of the row after */
} MlsVerdict;

/* Rows in catalogue order (kind, then model and process names), each
 * present in at least one recording. */
int mls_compare (MlsStore *before, MlsStore *after,
                 const MlsCompareQuery *query, MlsCompareRow **rows,
                 size_t *n_rows, MlsError *error);
void mls_compare_rows_free (MlsCompareRow *rows, size_t n_rows);

/* The row's verdict at level alpha (two-sided). */
MlsVerdict mls_compare_verdict (const MlsCompareRow *row, double alpha);
/* "slower", "faster", "same", "too few", "appeared", "disappeared". */
const char *mls_verdict_name (MlsVerdict verdict);

#endif /* MLS_COMPARE_H */
