/*
 * test-compare.c: what `mlscope diff` computes, checked against this
 * test's own arithmetic:
 *  - the Mann-Whitney U test: the exact p against a count of every way to
 *    split the pooled durations, scipy's documented example, the normal
 *    approximation against the full permutation distribution when
 *    durations tie, medians and 90th percentiles by their definitions;
 *  - the durations cursor: complete spans only, sorted, per kind, model and
 *    processes, through an index (its query plan searches, never scans);
 *  - mls_compare() on two recordings written through the store with
 *    different model ids and pids: rows matched by name, figures summed
 *    per process name, incomplete spans apart, appeared / disappeared rows.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "mls-compare.h"
#include "mls-store-durations.h"
#include "test-store-common.h"

/* ---- the rank test on arrays ---- */

typedef struct {
  const int64_t *values;
  int64_t n, next;
} Array;

static int
array_next (void *data, int64_t *dur_ns)
{
  Array *a = data;

  if (a->next == a->n)
    return 0;
  *dur_ns = a->values[a->next++];
  return 1;
}

static int
compare_int64 (const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x > y) - (x < y);
}

static MlsRankTest
rank_test (int64_t *a, int64_t n_a, int64_t *b, int64_t n_b)
{
  Array sa = { a, n_a, 0 }, sb = { b, n_b, 0 };
  MlsRankTest t;

  qsort (a, (size_t) n_a, sizeof *a, compare_int64);
  qsort (b, (size_t) n_b, sizeof *b, compare_int64);
  g_assert_cmpint (mls_rank_test (array_next, &sa, n_a, &sb, n_b, &t), ==, 0);
  return t;
}

/* U of b against a by its definition: pairs with y > x, ties one half. */
static double
u_by_pairs (const int64_t *a, int64_t n_a, const int64_t *b, int64_t n_b)
{
  double u = 0;

  for (int64_t i = 0; i < n_a; i++)
    for (int64_t j = 0; j < n_b; j++)
      u += b[j] > a[i] ? 1 : b[j] == a[i] ? 0.5 : 0;
  return u;
}

/* The two-sided permutation p of U: every way of choosing which n_b of the
 * pooled values form b, counted. */
static double
permutation_p (const int64_t *a, int n_a, const int64_t *b, int n_b)
{
  int n = n_a + n_b, as_extreme = 0, all = 0;
  int64_t pooled[32], x[32], y[32];
  double mean = n_a * n_b / 2.0;
  double seen = fabs (u_by_pairs (a, n_a, b, n_b) - mean);

  g_assert_cmpint (n, <=, 24);
  memcpy (pooled, a, n_a * sizeof *a);
  memcpy (pooled + n_a, b, n_b * sizeof *b);
  for (unsigned mask = 0; mask < 1u << n; mask++)
    {
      int nx = 0, ny = 0;
      if (__builtin_popcount (mask) != n_b)
        continue;
      for (int i = 0; i < n; i++)
        {
          if (mask & (1u << i))
            y[ny++] = pooled[i];
          else
            x[nx++] = pooled[i];
        }
      all++;
      as_extreme += fabs (u_by_pairs (x, nx, y, ny) - mean) >= seen - 1e-9;
    }
  return (double) as_extreme / all;
}

static double
binomial (int n, int k)
{
  double c = 1;

  for (int i = 1; i <= k; i++)
    c = c * (n - k + i) / i;
  return c;
}

static void
test_rank_exact (void)
{
  /* scipy.stats.mannwhitneyu's documented example: males against
   * females, U = 17, exact p = 0.1111..., asymptotic p = 0.11134688... */
  int64_t females[] = { 20, 11, 17, 12 }, males[] = { 19, 22, 16, 29, 24 };
  MlsRankTest t = rank_test (females, 4, males, 5);

  g_assert_cmpfloat (t.u, ==, 17);
  g_assert_true (t.exact);
  g_assert_cmpfloat_with_epsilon (t.p, 1.0 / 9, 1e-12);
  g_assert_cmpint (t.direction, ==, 1);

  /* Every small size without ties, against the count of all splits. */
  GRand *rand = g_rand_new_with_seed (15);
  for (int round = 0; round < 40; round++)
    {
      int n_a = g_rand_int_range (rand, 1, 9), n_b = g_rand_int_range (rand, 1,
                                                                       9);
      int64_t a[8], b[8];
      for (int i = 0; i < n_a + n_b; i++)
        {
          /* distinct values: i in the low digits */
          int64_t v = g_rand_int_range (rand, 0, 1000) * 100 + i;
          if (i < n_a)
            a[i] = v;
          else
            b[i - n_a] = v;
        }
      t = rank_test (a, n_a, b, n_b);
      g_assert_cmpfloat (t.u, ==, u_by_pairs (a, n_a, b, n_b));
      g_assert_true (t.exact);
      double expected = permutation_p (a, n_a, b, n_b);
      if (fabs (t.p - expected) > 1e-12)
        g_error ("sizes %d, %d, U %.1f: exact p %.15f, all splits %.15f",
                 n_a, n_b, t.u, t.p, expected);
      /* The smallest p: one of the two orderings that put all of b on
       * one side of all of a, of C(n_a + n_b, n_b) equally likely. */
      g_assert_cmpfloat_with_epsilon (t.min_p, fmin (1, 2 / binomial (
        n_a + n_b, n_b)), 1e-9);
    }
  g_rand_free (rand);
}

static void
test_rank_ties (void)
{
  /* Ties: the normal approximation with the tie correction, worked by
   * hand. Pooled, 1 1 2 2 2 2 3 3 3 4 4 5 5 5 6 take the mean ranks 1.5,
   * 4.5, 8, 10.5, 13, 15; b's ranks add up to 82.5, so U = 82.5 - 8 * 9 / 2
   * = 46.5 against a mean of 7 * 8 / 2 = 28. Ties of 2, 4, 3, 2, 3 give
   * sum (t^3 - t) = 6 + 60 + 24 + 6 + 24 = 120, the variance is 7 * 8 / 12
   * * (16 - 120 / (15 * 14)) = 72, z = (18.5 - 0.5) / sqrt (72) = 3 /
   * sqrt (2), p = erfc (z / sqrt (2)) = erfc (1.5). Without the correction
   * the variance would be 74.67 and p 0.0372. */
  int64_t a[] = { 1, 1, 2, 2, 2, 3, 5 }, b[] = { 2, 3, 3, 4, 4, 5, 5, 6 };
  MlsRankTest t = rank_test (a, 7, b, 8);

  g_assert_false (t.exact);
  g_assert_cmpfloat (t.u, ==, 46.5);
  g_assert_cmpfloat_with_epsilon (t.p, erfc (1.5), 1e-12);
  g_assert_cmpint (t.direction, ==, 1);

  /* All durations equal: no evidence of anything. */
  int64_t same_a[30], same_b[30];
  for (int i = 0; i < 30; i++)
    same_a[i] = same_b[i] = 7;
  t = rank_test (same_a, 30, same_b, 30);
  g_assert_cmpfloat (t.p, ==, 1);
  g_assert_cmpint (t.direction, ==, 0);
}

static void
test_rank_figures (void)
{
  int64_t a[] = { 5, 1, 4, 2, 3, 9, 8, 7, 6, 10 };      /* 1..10 */
  int64_t b[] = { 100, 300, 200 };
  MlsRankTest t = rank_test (a, 10, b, 3);

  g_assert_cmpint (t.a.n, ==, 10);
  g_assert_cmpint (t.a.median_ns, ==, 5);               /* (5 + 6) / 2 */
  g_assert_cmpint (t.a.p90_ns, ==, 9);                  /* 9th of 10 */
  g_assert_cmpint (t.b.median_ns, ==, 200);
  g_assert_cmpint (t.b.p90_ns, ==, 300);                /* 3rd of 3 */
  g_assert_cmpfloat (t.u, ==, 30);
  g_assert_cmpint (t.direction, ==, 1);
  /* Two of 2 values, p90 = the 2nd; one value is its own everything. */
  int64_t c[] = { 4, 8 }, d[] = { 6 };
  t = rank_test (c, 2, d, 1);
  g_assert_cmpint (t.a.median_ns, ==, 6);
  g_assert_cmpint (t.a.p90_ns, ==, 8);
  g_assert_cmpint (t.b.median_ns, ==, 6);
  g_assert_cmpint (t.b.p90_ns, ==, 6);
  g_assert_cmpfloat (t.p, ==, 1);
  /* An empty sample: figures of the other, no test. */
  t = rank_test (c, 2, d, 0);
  g_assert_cmpint (t.a.median_ns, ==, 6);
  g_assert_cmpfloat (t.p, ==, 1);
  g_assert_cmpfloat (t.min_p, ==, 1);

  /* A stream that lies about its order or count is refused. */
  int64_t unsorted[] = { 3, 1 };
  Array s = { unsorted, 2, 0 }, e = { d, 1, 0 };
  g_assert_cmpint (mls_rank_test (array_next, &s, 2, &e, 1, &t), ==, -2);
  s = (Array) { c, 2, 0 };
  e = (Array) { d, 1, 0 };
  g_assert_cmpint (mls_rank_test (array_next, &s, 3, &e, 1, &t), ==, -2);
}

/* ---- two recordings through the store ---- */

typedef struct {
  int kind_id;
  const char *model;        /* NULL: none */
  int64_t pid;
  int64_t dur_ns;
  int complete;
} Span;

static void
write_recording (const char *path, const Span *spans, int n,
                 const char *const *model_order)
{
  MlsError error = { 0 };
  MlsStore *store = mls_store_create (path, &error);
  int64_t t = TEST_T0;

  g_assert_nonnull (store);
  /* Models interned in a different order per recording: ids differ. */
  for (int m = 0; model_order[m]; m++)
    g_assert_cmpint (mls_store_intern_model (store, model_order[m], &error),
                     >, 0);
  for (int i = 0; i < n; i++)
    {
      const char *name = spans[i].pid % 2 ? "app" : "helper";
      int64_t model = spans[i].model
                      ? mls_store_intern_model (store, spans[i].model, &error)
                      : 0;
      MlsSpan span = {
        .kind_id = spans[i].kind_id, .model_id = model, .pid = spans[i].pid,
        .tid = spans[i].pid, .start_ns = t, .end_ns = t + spans[i].dur_ns,
        .complete = spans[i].complete,
        .cut = spans[i].complete ? MLS_CUT_NONE : MLS_CUT_PROCESS_DIED,
      };
      g_assert_cmpint (mls_store_intern_process (store, spans[i].pid, name,
                                                 &error), >, 0);
      g_assert_cmpint (mls_store_add_span (store, &span, &error), >, 0);
      t += spans[i].dur_ns + 1000;
    }
  if (mls_store_finish (store, &error) != 0)
    g_error ("finish: %s", error.message);
  mls_store_close (store);
}

/* Before: predictions of alpha in pids 11 (app) and 12 (helper), beta in
 * 11; a conversion; a load cut off. After: the same names in pids 31 and
 * 32, beta slower, no conversion, a copy. */
static const Span before_spans[] = {
  { MLS_KIND_MODEL_LOAD, "alpha", 11, 5000, 1 },
  { MLS_KIND_MODEL_LOAD, "alpha", 11, 800, 0 },
  { MLS_KIND_PREDICTION, "alpha", 11, 100, 1 },
  { MLS_KIND_PREDICTION, "alpha", 11, 300, 1 },
  { MLS_KIND_PREDICTION, "alpha", 12, 200, 1 },
  { MLS_KIND_PREDICTION, "beta", 11, 1000, 1 },
  { MLS_KIND_PREDICTION, "beta", 11, 1100, 1 },
  { MLS_KIND_INPUT_CONVERSION, NULL, 11, 50, 1 },
};
static const Span after_spans[] = {
  { MLS_KIND_MODEL_LOAD, "alpha", 31, 4000, 1 },
  { MLS_KIND_PREDICTION, "beta", 31, 2000, 1 },
  { MLS_KIND_PREDICTION, "beta", 31, 2500, 1 },
  { MLS_KIND_PREDICTION, "beta", 31, 2200, 1 },
  { MLS_KIND_PREDICTION, "alpha", 31, 150, 1 },
  { MLS_KIND_PREDICTION, "alpha", 32, 250, 1 },
  { MLS_KIND_COPY_TO_UNIT, "alpha", 32, 70, 1 },
};

typedef struct {
  char *dir;
  MlsStore *before, *after;
} Pair;

static Pair
pair_new (void)
{
  static const char *const order_before[] = { "alpha", "beta", NULL };
  static const char *const order_after[] = { "gamma", "beta", "alpha", NULL };
  Pair p = { test_dir_new (), NULL, NULL };
  char *a = g_build_filename (p.dir, "before.mlscope", NULL);
  char *b = g_build_filename (p.dir, "after.mlscope", NULL);

  write_recording (a, before_spans, G_N_ELEMENTS (before_spans), order_before);
  write_recording (b, after_spans, G_N_ELEMENTS (after_spans), order_after);
  p.before = test_open_store (a);
  p.after = test_open_store (b);
  g_free (a);
  g_free (b);
  return p;
}

static void
pair_free (Pair *p)
{
  mls_store_close (p->before);
  mls_store_close (p->after);
  test_dir_free (p->dir);
}

static const MlsCompareRow *
find_row (const MlsCompareRow *rows, size_t n, const char *label,
          const char *model, const char *process)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (rows[i].label, label) == 0
        && g_strcmp0 (rows[i].model, model) == 0
        && g_strcmp0 (rows[i].process, process) == 0)
      return &rows[i];
  g_error ("no row %s / %s / %s", label, model ? model : "-",
           process ? process : "-");
  return NULL;
}

static void
test_compare_kinds (void)
{
  Pair p = pair_new ();
  MlsCompareQuery query = { 0 };
  MlsCompareRow *rows;
  size_t n;
  MlsError error = { 0 };

  g_assert_cmpint (mls_compare (p.before, p.after, &query, &rows, &n,
                                &error), ==, 0);
  /* Load, Prediction, Input Conversion, Copy to Compute Unit: catalogue
   * order. */
  g_assert_cmpint (n, ==, 4);
  g_assert_cmpstr (rows[0].label, ==, "Model Load");
  g_assert_cmpstr (rows[3].label, ==, "Copy to Compute Unit");
  const MlsCompareRow *load = find_row (rows, n, "Model Load", NULL, NULL);
  g_assert_cmpint (load->before.count, ==, 1);
  g_assert_cmpint (load->before.incomplete, ==, 1);
  g_assert_cmpint (load->before.total_ns, ==, 5000);
  g_assert_cmpint (load->before.median_ns, ==, 5000);
  g_assert_cmpint (load->after.total_ns, ==, 4000);
  g_assert_cmpint (mls_compare_verdict (load, 0.01), ==,
                   MLS_VERDICT_TOO_FEW);
  const MlsCompareRow *pred = find_row (rows, n, "Prediction", NULL, NULL);
  g_assert_cmpint (pred->before.count, ==, 5);
  g_assert_cmpint (pred->before.total_ns, ==, 2700);
  g_assert_cmpint (pred->before.median_ns, ==, 300);    /* 100 200 300 1000 1100 */
  g_assert_cmpint (pred->before.p90_ns, ==, 1100);      /* 5th of 5 */
  g_assert_cmpint (pred->after.count, ==, 5);
  g_assert_cmpint (pred->after.median_ns, ==, 2000);    /* 150 250 2000 2200 2500 */
  g_assert_cmpint (pred->after.p90_ns, ==, 2500);
  int64_t a[] = { 100, 300, 200, 1000, 1100 }, b[] = { 2000, 2500, 2200, 150,
                                                       250 };
  g_assert_cmpfloat (pred->test.u, ==, u_by_pairs (a, 5, b, 5));
  g_assert_cmpfloat_with_epsilon (pred->test.p, permutation_p (a, 5, b, 5),
                                  1e-12);
  g_assert_cmpint (mls_compare_verdict (find_row (rows, n, "Input Conversion",
                                                  NULL, NULL), 0.01), ==,
                   MLS_VERDICT_DISAPPEARED);
  g_assert_cmpint (mls_compare_verdict (find_row (rows, n,
                                                  "Copy to Compute Unit",
                                                  NULL, NULL), 0.01), ==,
                   MLS_VERDICT_APPEARED);
  mls_compare_rows_free (rows, n);
  pair_free (&p);
}

static void
test_compare_models_processes (void)
{
  Pair p = pair_new ();
  MlsCompareQuery query = { .by_model = 1, .by_process = 1 };
  MlsCompareRow *rows;
  size_t n;
  MlsError error = { 0 };

  g_assert_cmpint (mls_compare (p.before, p.after, &query, &rows, &n,
                                &error), ==, 0);
  /* Model names and process names join, whatever the ids and pids. */
  const MlsCompareRow *r = find_row (rows, n, "Prediction", "beta", "app");
  g_assert_cmpint (r->before.count, ==, 2);
  g_assert_cmpint (r->after.count, ==, 3);
  g_assert_cmpint (r->before.total_ns, ==, 2100);
  g_assert_cmpint (r->after.median_ns, ==, 2200);
  g_assert_cmpint (r->test.direction, ==, 1);
  r = find_row (rows, n, "Prediction", "alpha", "helper");
  g_assert_cmpint (r->before.count, ==, 1);
  g_assert_cmpint (r->before.median_ns, ==, 200);
  g_assert_cmpint (r->after.median_ns, ==, 250);
  r = find_row (rows, n, "Input Conversion", NULL, "app");
  g_assert_cmpint (r->after.count, ==, 0);
  g_assert_cmpint (r->before.median_ns, ==, 50);
  r = find_row (rows, n, "Model Load", "alpha", "app");
  g_assert_cmpint (r->before.incomplete, ==, 1);
  mls_compare_rows_free (rows, n);

  /* By model only: processes add up. */
  query.by_process = 0;
  g_assert_cmpint (mls_compare (p.before, p.after, &query, &rows, &n,
                                &error), ==, 0);
  r = find_row (rows, n, "Prediction", "alpha", NULL);
  g_assert_cmpint (r->before.count, ==, 3);
  g_assert_cmpint (r->before.median_ns, ==, 200);
  g_assert_cmpint (r->after.count, ==, 2);
  g_assert_cmpint (r->after.median_ns, ==, 200);        /* (150 + 250) / 2 */
  mls_compare_rows_free (rows, n);
  pair_free (&p);
}

/* The cursor's query reaches spans through their runs' ids, never a
 * scan, for every shape of row. */
static void
test_durations_plan (void)
{
  Pair p = pair_new ();
  int64_t pids[] = { 11, 12 };
  MlsDurationsQuery queries[] = {
    { MLS_KIND_PREDICTION, 0, 0, NULL, 0 },
    { MLS_KIND_PREDICTION, 1, 2, NULL, 0 },
    { MLS_KIND_INPUT_CONVERSION, 1, 0, NULL, 0 },
    { MLS_KIND_PREDICTION, 1, 1, pids, 2 },
    { MLS_KIND_PREDICTION, 0, 0, pids, 1 },
  };

  for (size_t q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      char *sql = mls_durations_sql (&queries[q]);
      char *plan_sql = g_strdup_printf ("EXPLAIN QUERY PLAN %s", sql);
      sqlite3_stmt *stmt;
      GString *plan = g_string_new (NULL);
      g_assert_cmpint (sqlite3_prepare_v2 (mls_store_db (p.before), plan_sql,
                                           -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);
      if (g_regex_match_simple ("^SCAN span( |$)", plan->str,
                                G_REGEX_MULTILINE, 0)
          || !g_regex_match_simple ("^SEARCH span USING INTEGER PRIMARY KEY",
                                    plan->str, G_REGEX_MULTILINE, 0))
        g_error ("query %zu reads span without an index:\n%s", q, plan->str);
      g_string_free (plan, TRUE);
      g_free (plan_sql);
      sqlite3_free (sql);
    }

  /* And gives the complete spans of the row, sorted. */
  MlsError error = { 0 };
  MlsDurations *d = mls_store_durations_open (p.before, &queries[4], &error);
  int64_t expected[] = { 100, 300, 1000, 1100 }, v;
  g_assert_nonnull (d);
  for (size_t i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpint (mls_durations_next (d, &v, &error), ==, 1);
      g_assert_cmpint (v, ==, expected[i]);
    }
  g_assert_cmpint (mls_durations_next (d, &v, &error), ==, 0);
  mls_durations_close (d);
  MlsDurationsQuery loads = { MLS_KIND_MODEL_LOAD, 0, 0, NULL, 0 };
  d = mls_store_durations_open (p.before, &loads, &error);
  g_assert_cmpint (mls_durations_next (d, &v, &error), ==, 1);
  g_assert_cmpint (v, ==, 5000);                        /* not the cut one */
  g_assert_cmpint (mls_durations_next (d, &v, &error), ==, 0);
  mls_durations_close (d);
  pair_free (&p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/compare/rank/exact", test_rank_exact);
  g_test_add_func ("/compare/rank/ties", test_rank_ties);
  g_test_add_func ("/compare/rank/figures", test_rank_figures);
  g_test_add_func ("/compare/durations", test_durations_plan);
  g_test_add_func ("/compare/kinds", test_compare_kinds);
  g_test_add_func ("/compare/models-processes", test_compare_models_processes);
  return g_test_run ();
}
