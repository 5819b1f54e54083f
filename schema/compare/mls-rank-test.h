/*
 * mls-rank-test.h: whether the durations of two samples (a row of two
 * recordings) differ beyond noise: the Mann-Whitney U test, two-sided,
 * read from two streams of durations sorted shortest first, with each
 * sample's median and 90th percentile taken on the way.
 */
#ifndef MLS_RANK_TEST_H
#define MLS_RANK_TEST_H

#include <stdint.h>

/* Up to this many spans in both samples together, and without ties, the
 * p value is exact (the distribution of U counted in full); above it, or
 * with ties, it is the normal approximation with the tie and continuity
 * corrections. */
#define MLS_RANK_TEST_EXACT_MAX 50

/* Gives the next duration of a sample: 1 (and *dur_ns), 0 at its end, -1
 * on an error (which the stream keeps). */
typedef int (*MlsNextDuration) (void *stream, int64_t *dur_ns);

typedef struct {
  int64_t n;
  int64_t median_ns;        /* the middle duration, or the mean of the two
                               middle ones rounded down (as the store's) */
  int64_t p90_ns;           /* nearest rank: the ceil (0.9 n)-th shortest */
} MlsSampleFigures;

typedef struct {
  MlsSampleFigures a, b;
  double u;                 /* pairs (x of a, y of b) with y > x, ties
                               counting one half */
  double p;                 /* two-sided; 1 when a sample is empty */
  double min_p;             /* the smallest p these sample sizes allow */
  int exact;
  int direction;            /* 1: b's durations tend longer, -1 shorter,
                               0 neither */
} MlsRankTest;

/*
 * Walks both streams, which must give n_a and n_b durations in ascending
 * order. Returns 0; -1 when a stream failed; -2 when a stream gave another
 * number of durations than announced or was not sorted.
 */
int mls_rank_test (MlsNextDuration next, void *a, int64_t n_a, void *b,
                   int64_t n_b, MlsRankTest *test);

/* The exact two-sided p of U = u for samples of m and n, by the count of
 * orderings giving each U (for m + n up to MLS_RANK_TEST_EXACT_MAX). */
double mls_rank_test_exact_p (int64_t m, int64_t n, double u);

#endif /* MLS_RANK_TEST_H */
