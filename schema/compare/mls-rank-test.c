/*
 * mls-rank-test.c: the Mann-Whitney U test over two sorted streams of
 * durations, as scipy.stats.mannwhitneyu computes it (two-sided; exact for
 * small samples without ties, else the normal approximation with the tie
 * and continuity corrections).
 *
 * Both streams arrive shortest first, so one merge gives every duration's
 * rank (tied durations share the mean of their ranks), the sum of the
 * second sample's ranks, the tie correction, and each sample's median and
 * 90th percentile, in a single pass and constant memory.
 */
#include <math.h>
#include <stdlib.h>

#include "mls-rank-test.h"

typedef struct {
  MlsNextDuration next;
  void *stream;
  int64_t n;
  int64_t seen;             /* durations consumed */
  int has_head;
  int64_t head;             /* the next duration, when has_head */
  int64_t mid_lo, mid_hi, p90;
} Sample;

/* Reads the next duration into head: 0, -1 on the stream's error, -2 when
 * it breaks its promise (count or order). */
static int
advance (Sample *s)
{
  int64_t value;
  int rc = s->next (s->stream, &value);

  if (rc < 0)
    return -1;
  if (rc == 0)
    {
      s->has_head = 0;
      return s->seen == s->n ? 0 : -2;
    }
  if (s->seen >= s->n || (s->seen > 0 && value < s->head))
    return -2;
  s->has_head = 1;
  s->head = value;
  return 0;
}

/* Takes the head, noting it when it is at the rank of an order statistic;
 * a sample given no stream (n = 0) is never consumed. */
static int
consume (Sample *s)
{
  int64_t i = s->seen++;

  if (i == (s->n - 1) / 2)
    s->mid_lo = s->head;
  if (i == s->n / 2)
    s->mid_hi = s->head;
  if (i == (9 * s->n + 9) / 10 - 1)
    s->p90 = s->head;
  return advance (s);
}

static void
figures (const Sample *s, MlsSampleFigures *f)
{
  f->n = s->n;
  f->median_ns = s->n ? s->mid_lo + (s->mid_hi - s->mid_lo) / 2 : 0;
  f->p90_ns = s->n ? s->p90 : 0;
}

double
mls_rank_test_exact_p (int64_t m, int64_t n, double u)
{
  int64_t small = m < n ? m : n, large = m < n ? n : m;
  int64_t degree = small * large, k_u = llround (u);
  double *c = calloc ((size_t) (degree + small + 1), sizeof *c);
  double total = 0, below = 0, above = 0;

  if (c == NULL)
    return NAN;
  /* The counts of orderings by U are the coefficients of the Gaussian
   * binomial [m + n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i);
   * every coefficient on the way is an integer below 2^53. */
  c[0] = 1;
  for (int64_t i = 1; i <= small; i++)
    {
      for (int64_t k = (i - 1) * large + large + i; k >= large + i; k--)
        c[k] -= c[k - large - i];
      for (int64_t k = i; k <= i * large + i; k++)
        c[k] += c[k - i];
    }
  for (int64_t k = 0; k <= degree; k++)
    {
      total += c[k];
      below += k <= k_u ? c[k] : 0;
      above += k >= k_u ? c[k] : 0;
    }
  free (c);
  return fmin (1.0, 2 * fmin (below, above) / total);
}

/* The normal approximation's two-sided p for a distance |U - mean|. */
static double
normal_p (double distance, double variance)
{
  double z;

  if (variance <= 0)
    return 1;
  z = fmax (distance - 0.5, 0) / sqrt (variance);
  return erfc (z / M_SQRT2);
}

static void
finish (MlsRankTest *t, double rank_sum_b, double tie_sum)
{
  double na = (double) t->a.n, nb = (double) t->b.n, all = na + nb;
  double mean = na * nb / 2;

  t->u = rank_sum_b - nb * (nb + 1) / 2;
  t->direction = (t->u > mean) - (t->u < mean);
  t->p = t->min_p = 1;
  if (t->a.n == 0 || t->b.n == 0)
    return;
  t->exact = tie_sum == 0 && all <= MLS_RANK_TEST_EXACT_MAX;
  if (t->exact)
    {
      t->p = mls_rank_test_exact_p (t->a.n, t->b.n, t->u);
      t->min_p = mls_rank_test_exact_p (t->a.n, t->b.n, 0);
      return;
    }
  t->p = normal_p (fabs (t->u - mean),
                   na * nb / 12 * (all + 1 - tie_sum / (all * (all - 1))));
  t->min_p = normal_p (mean, na * nb / 12 * (all + 1));
}

int
mls_rank_test (MlsNextDuration next, void *a, int64_t n_a, void *b,
               int64_t n_b, MlsRankTest *test)
{
  Sample s[2] = { { next, a, n_a, 0, 0, 0, 0, 0, 0 },
                  { next, b, n_b, 0, 0, 0, 0, 0, 0 } };
  double rank = 0, rank_sum_b = 0, tie_sum = 0;
  int rc = 0;

  *test = (MlsRankTest) { 0 };
  for (int i = 0; i < 2 && rc == 0; i++)
    rc = s[i].n > 0 || s[i].stream ? advance (&s[i]) : 0;
  while (rc == 0 && (s[0].has_head || s[1].has_head))
    {
      int64_t value = !s[1].has_head || (s[0].has_head
                                         && s[0].head <= s[1].head)
                      ? s[0].head : s[1].head;
      double tied[2] = { 0, 0 };

      for (int i = 0; i < 2; i++)
        while (rc == 0 && s[i].has_head && s[i].head == value)
          {
            rc = consume (&s[i]);
            tied[i]++;
          }
      rank_sum_b += tied[1] * (rank + (tied[0] + tied[1] + 1) / 2);
      rank += tied[0] + tied[1];
      if (tied[0] + tied[1] > 1)
        tie_sum += pow (tied[0] + tied[1], 3) - (tied[0] + tied[1]);
    }
  if (rc != 0)
    return rc;
  figures (&s[0], &test->a);
  figures (&s[1], &test->b);
  finish (test, rank_sum_b, tie_sum);
  return 0;
}
