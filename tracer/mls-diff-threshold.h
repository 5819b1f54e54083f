/*
 * mls-diff-threshold.h: the thresholds of `mlscope diff --fail-if`, which
 * turn a comparison into an exit status a CI job can act on:
 *
 *   KIND[[MODEL]][.STAT] OP CHANGE
 *
 *   KIND    a span kind as printed ("Prediction", "Model Load"), any case
 *   MODEL   only that model's row (needs --by-model); else every row of
 *           the kind
 *   STAT    count, total, median (the default) or p90
 *   OP      >, >=, <, <=
 *   CHANGE  +10% / -5%     the change relative to before
 *           +2ms / -500us  the change in time (ns, us, ms, s)
 *           +3             the change in count (STAT count)
 *           1.5x           after over before
 *
 * e.g. 'Prediction.median > +10%', 'Model Load.count > +0',
 * 'Prediction[style-candy].p90 >= 1.25x'. A change of median or p90
 * counts only when the durations moved that way beyond noise (the
 * verdict is slower for > and >=, faster for < and <=); a change of total
 * only then or when the count changed; a count is exact.
 */
#ifndef MLS_DIFF_THRESHOLD_H
#define MLS_DIFF_THRESHOLD_H

#include "mls-compare.h"

typedef enum {
  MLS_STAT_COUNT,
  MLS_STAT_TOTAL,
  MLS_STAT_MEDIAN,
  MLS_STAT_P90,
} MlsDiffStat;

typedef enum {
  MLS_OP_GT,
  MLS_OP_GE,
  MLS_OP_LT,
  MLS_OP_LE,
} MlsThresholdOp;

typedef enum {
  MLS_CHANGE_PERCENT,       /* (after - before) / before, in percent */
  MLS_CHANGE_ABSOLUTE,      /* after - before: ns, or spans for count */
  MLS_CHANGE_RATIO,         /* after / before */
} MlsChangeForm;

typedef struct {
  char *text;               /* as given */
  char *kind;
  char *model;              /* NULL: every row of the kind */
  MlsDiffStat stat;
  MlsThresholdOp op;
  MlsChangeForm form;
  double value;             /* percent, ns, spans or a ratio */
} MlsThreshold;

/* 0, or -1 with *message (g_free() it) saying what is wrong. */
int mls_threshold_parse (const char *text, MlsThreshold *threshold,
                         char **message);
void mls_threshold_clear (MlsThreshold *threshold);

/* Whether the row is one the threshold speaks of (kind and model). */
int mls_threshold_matches (const MlsThreshold *threshold,
                           const MlsCompareRow *row);

typedef struct {
  int comparable;           /* the row has both sides of the figure (a
                               median needs spans on both sides, a percent
                               or ratio a nonzero before) */
  double change;            /* in the threshold's form */
  int beyond;               /* the change passes the threshold */
  int crossed;              /* beyond, and not noise */
} MlsThresholdCheck;

MlsThresholdCheck mls_threshold_check (const MlsThreshold *threshold,
                                       const MlsCompareRow *row,
                                       double alpha);

/* "count", "total", "median", "p90". */
const char *mls_diff_stat_name (MlsDiffStat stat);
/* The figure STAT of one side of a row (count in spans, others in ns). */
double mls_diff_stat_value (MlsDiffStat stat, const MlsCompareSide *side);

#endif /* MLS_DIFF_THRESHOLD_H */
