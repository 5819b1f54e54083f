/*
 * mlscope-diff-print.c: a comparison of two recordings as people read it
 * (one aligned row per kind with before, after and the change, and the
 * verdict in words) and as scripts read it (CSV with a fixed header, JSON
 * with both recordings' facts and the thresholds' findings). A figure a
 * side does not have (the median of a kind that disappeared, the ratio to
 * nothing) is an empty cell or null, never a 0 that reads as measured.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "mlscope-diff.h"
#include "mlscope-print.h"

#define DURATION_WIDTH 10

static const char *const side_names[2] = { "before", "after" };

static const MlsCompareSide *
side_of (const MlsCompareRow *row, int which)
{
  return which ? &row->after : &row->before;
}

/* ---- cells ---- */

static char *
signed_duration (double ns)
{
  char *magnitude = mls_print_duration (fabs (ns));
  char *text = g_strdup_printf ("%s%s", ns < 0 ? "-" : "+", magnitude);

  g_free (magnitude);
  return text;
}

static char *
p_text (double p)
{
  return p < 0.001 ? g_strdup ("p<0.001") : g_strdup_printf ("p=%.3f", p);
}

static char *
verdict_text (const MlsDiffReport *r, const MlsCompareRow *row)
{
  MlsVerdict v = mls_compare_verdict (row, r->alpha);
  char *p, *text;

  if (v != MLS_VERDICT_SLOWER && v != MLS_VERDICT_FASTER
      && v != MLS_VERDICT_SAME)
    return g_strdup (mls_verdict_name (v));
  p = p_text (row->test.p);
  text = g_strdup_printf ("%s (%s)", mls_verdict_name (v), p);
  g_free (p);
  return text;
}

static void
print_free_cell (char *text, int width)
{
  mls_print_cell (text, width, 1);
  g_free (text);
}

/* A duration figure of one side, empty when the side has no spans. */
static void
print_figure (const MlsCompareSide *side, double ns)
{
  print_free_cell (side->count ? mls_print_duration (ns) : g_strdup (""),
                   DURATION_WIDTH + 1);
}

/* What a change cell says when a side has no spans ("new", "gone", or
 * empty); NULL when both have some and the cell holds a figure. */
static char *
one_sided_text (const MlsCompareRow *row, double before)
{
  if (row->before.count == 0 && row->after.count == 0)
    return g_strdup ("");
  if (row->before.count == 0)
    return g_strdup ("new");
  if (row->after.count == 0)
    return g_strdup ("gone");
  return before == 0 ? g_strdup ("") : NULL;
}

/* The relative change of a figure: "+12.3%", "new", "gone", or empty;
 * past +999.9% as a factor ("551x"), which fits the column. */
static char *
percent_text (const MlsCompareRow *row, MlsDiffStat stat)
{
  double before = mls_diff_stat_value (stat, &row->before);
  double after = mls_diff_stat_value (stat, &row->after);
  char *text = one_sided_text (row, before);

  if (text)
    return text;
  if (after / before >= 11)
    return g_strdup_printf ("%.0fx", after / before);
  return g_strdup_printf ("%+.1f%%", 100 * (after - before) / before);
}

/* The ratio of totals: "0.43x", "11.9x", "600x", "new", "gone", or
 * empty; fewer decimals as it grows, so it keeps a space before it in
 * its column ("600.00x" ran into the total's change). */
static char *
ratio_text (const MlsCompareRow *row)
{
  double before = (double) row->before.total_ns;
  char *text = one_sided_text (row, before);
  double ratio = (double) row->after.total_ns / before;

  if (text)
    return text;
  if (ratio >= 99999.5)
    return g_strdup_printf ("%.0ex", ratio);
  return g_strdup_printf ("%.*fx", ratio >= 99.995 ? 0 : ratio >= 9.995 ? 1
                                                                    : 2,
                          ratio);
}

static char *
arrow_text (int64_t before, int64_t after)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT " \u2192 %" G_GINT64_FORMAT,
                          before, after);
}

/* ---- table ---- */

static int
has_incomplete (const MlsDiffReport *r)
{
  for (size_t i = 0; i < r->n_rows; i++)
    if (r->rows[i]->before.incomplete || r->rows[i]->after.incomplete)
      return 1;
  return 0;
}

static void
print_recording_line (const MlsDiffReport *r, int which)
{
  int64_t duration = 0, lost = 0, spans = 0, incomplete = 0;
  char *text;

  for (size_t i = 0; i < r->n_rows; i++)
    {
      spans += side_of (r->rows[i], which)->count;
      incomplete += side_of (r->rows[i], which)->incomplete;
    }
  mls_store_get_meta_int (r->store[which], "duration_ns", &duration);
  text = mls_print_duration ((double) duration);
  printf ("%-7s %s: %s recorded, %" G_GINT64_FORMAT " complete spans",
          which ? "after:" : "before:", r->path[which], text, spans);
  if (incomplete)
    printf (", %" G_GINT64_FORMAT " incomplete (counted apart)", incomplete);
  if (mls_store_get_meta_int (r->store[which], "lost_events", &lost) == 0
      && lost > 0)
    printf (", %" G_GINT64_FORMAT " events lost", lost);
  printf ("\n");
  g_free (text);
}

static void
print_column_titles (const MlsDiffReport *r, int incomplete)
{
  const int w = DURATION_WIDTH + 1;

  mls_print_cell ("Kind", 32, 0);
  if (r->query->by_model)
    mls_print_cell ("Model", 20, 0);
  if (r->query->by_process)
    mls_print_cell ("Process", 16, 0);
  mls_print_cell ("Count", 14, 1);
  if (incomplete)
    mls_print_cell ("Incomplete", 12, 1);
  mls_print_cell ("Total before", w + 2, 1);
  mls_print_cell ("after", w, 1);
  mls_print_cell ("change", w + 1, 1);
  mls_print_cell ("ratio", 7, 1);
  mls_print_cell ("Median before", w + 3, 1);
  mls_print_cell ("after", w, 1);
  mls_print_cell ("change", 9, 1);
  mls_print_cell ("p90 before", w + 2, 1);
  mls_print_cell ("after", w, 1);
  mls_print_cell ("change", 9, 1);
  printf ("  Verdict\n");
}

static void
print_table_row (const MlsDiffReport *r, const MlsCompareRow *row,
                 int incomplete)
{
  const MlsCompareSide *b = &row->before, *a = &row->after;
  int present = b->count || a->count;

  printf ("  ");
  mls_print_cell (row->label, 30, 0);
  if (r->query->by_model)
    mls_print_cell (row->model ? row->model : "(no model)", 20, 0);
  if (r->query->by_process)
    mls_print_cell (row->process ? row->process : "?", 16, 0);
  print_free_cell (arrow_text (b->count, a->count), 14);
  if (incomplete)
    print_free_cell (arrow_text (b->incomplete, a->incomplete), 12);
  printf ("  ");
  print_figure (b, (double) b->total_ns);
  print_figure (a, (double) a->total_ns);
  print_free_cell (present ? signed_duration ((double) (a->total_ns
                                                        - b->total_ns))
                           : g_strdup (""), DURATION_WIDTH + 2);
  print_free_cell (ratio_text (row), 7);
  printf ("   ");
  print_figure (b, (double) b->median_ns);
  print_figure (a, (double) a->median_ns);
  print_free_cell (percent_text (row, MLS_STAT_MEDIAN), 9);
  printf ("  ");
  print_figure (b, (double) b->p90_ns);
  print_figure (a, (double) a->p90_ns);
  print_free_cell (percent_text (row, MLS_STAT_P90), 9);
  printf ("  ");
  char *verdict = verdict_text (r, row);
  printf ("%s\n", verdict);
  g_free (verdict);
}

void
mls_diff_print_table (const MlsDiffReport *r)
{
  int incomplete = has_incomplete (r);

  print_recording_line (r, 0);
  print_recording_line (r, 1);
  printf ("verdict: %s, level %g: slower / faster when the durations moved "
          "beyond noise\n", MLS_DIFF_TEST_MEANING, r->alpha);
  printf ("figures: %s\n", MLS_DIFF_FIGURES_MEANING);
  printf ("sorted by %s\n\n", strcmp (r->sort, "name") == 0
          ? "span kind" : strcmp (r->sort, "count") == 0
          ? "the largest change in count"
          : strcmp (r->sort, "total") == 0 ? "the largest change in total"
          : strcmp (r->sort, "median") == 0
          ? "the largest change in median" : "the largest change in p90");
  print_column_titles (r, incomplete);
  for (size_t i = 0; i < r->n_rows; i++)
    print_table_row (r, r->rows[i], incomplete);
  if (r->n_rows == 0)
    printf ("(no spans in either recording)\n");
}

/* ---- csv ---- */

static void
print_csv_int (int present, int64_t value)
{
  if (present)
    printf ("%" G_GINT64_FORMAT, value);
  putchar (',');
}

static void
print_csv_ratio (int present, double before, double after)
{
  if (present && before != 0)
    printf ("%.6f", after / before);
  putchar (',');
}

/* before, after, change, ratio of one figure; durations only where the
 * side has spans. */
static void
print_csv_figure (const MlsCompareRow *row, MlsDiffStat stat)
{
  int durations = stat == MLS_STAT_MEDIAN || stat == MLS_STAT_P90;
  int b = !durations || row->before.count, a = !durations || row->after.count;
  double vb = mls_diff_stat_value (stat, &row->before);
  double va = mls_diff_stat_value (stat, &row->after);

  print_csv_int (b, (int64_t) vb);
  print_csv_int (a, (int64_t) va);
  print_csv_int (a && b, (int64_t) (va - vb));
  if (stat != MLS_STAT_COUNT)
    print_csv_ratio (a && b && row->before.count, vb, va);
}

void
mls_diff_print_csv (const MlsDiffReport *r)
{
  printf ("kind,%s%scount_before,count_after,count_change,"
          "total_ns_before,total_ns_after,total_ns_change,total_ratio,"
          "median_ns_before,median_ns_after,median_ns_change,median_ratio,"
          "p90_ns_before,p90_ns_after,p90_ns_change,p90_ratio,"
          "incomplete_before,incomplete_after,verdict,p_value\n",
          r->query->by_model ? "model," : "",
          r->query->by_process ? "process," : "");
  for (size_t i = 0; i < r->n_rows; i++)
    {
      const MlsCompareRow *row = r->rows[i];
      mls_print_csv_cell (row->label);
      if (r->query->by_model)
        mls_print_csv_cell (row->model);
      if (r->query->by_process)
        mls_print_csv_cell (row->process);
      print_csv_figure (row, MLS_STAT_COUNT);
      print_csv_figure (row, MLS_STAT_TOTAL);
      print_csv_figure (row, MLS_STAT_MEDIAN);
      print_csv_figure (row, MLS_STAT_P90);
      printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%s,",
              row->before.incomplete, row->after.incomplete,
              mls_verdict_name (mls_compare_verdict (row, r->alpha)));
      if (row->before.count && row->after.count)
        printf ("%.6g", row->test.p);
      putchar ('\n');
    }
}

/* ---- json ---- */

static json_object *
side_object (const MlsCompareSide *side)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "count", json_object_new_int64 (side->count));
  json_object_object_add (o, "incomplete",
                          json_object_new_int64 (side->incomplete));
  json_object_object_add (o, "total_ns",
                          json_object_new_int64 (side->total_ns));
  json_object_object_add (o, "median_ns", side->count
                          ? json_object_new_int64 (side->median_ns) : NULL);
  json_object_object_add (o, "p90_ns", side->count
                          ? json_object_new_int64 (side->p90_ns) : NULL);
  return o;
}

/* {"count": 3, "total_ns": ..., "total_ratio": ...}: nulls where a side
 * lacks the figure. */
static json_object *
change_object (const MlsCompareRow *row)
{
  static const MlsDiffStat stats[] = { MLS_STAT_COUNT, MLS_STAT_TOTAL,
                                       MLS_STAT_MEDIAN, MLS_STAT_P90 };
  static const char *const keys[][2] = {
    { "count", NULL }, { "total_ns", "total_ratio" },
    { "median_ns", "median_ratio" }, { "p90_ns", "p90_ratio" },
  };
  json_object *o = json_object_new_object ();

  for (size_t s = 0; s < G_N_ELEMENTS (stats); s++)
    {
      int durations = s >= 2;
      int both = row->before.count && row->after.count;
      double vb = mls_diff_stat_value (stats[s], &row->before);
      double va = mls_diff_stat_value (stats[s], &row->after);
      json_object_object_add (o, keys[s][0], !durations || both
                              ? json_object_new_int64 ((int64_t) (va - vb))
                              : NULL);
      if (keys[s][1])
        json_object_object_add (o, keys[s][1], both && vb != 0
                                ? json_object_new_double (va / vb) : NULL);
    }
  return o;
}

static json_object *
row_object (const MlsDiffReport *r, const MlsCompareRow *row)
{
  json_object *o = json_object_new_object ();
  int tested = row->before.count && row->after.count;

  json_object_object_add (o, "lane", json_object_new_string (row->lane));
  json_object_object_add (o, "kind", json_object_new_string (row->label));
  if (r->query->by_model)
    json_object_object_add (o, "model", row->model
                            ? json_object_new_string (row->model) : NULL);
  if (r->query->by_process)
    json_object_object_add (o, "process", row->process
                            ? json_object_new_string (row->process) : NULL);
  json_object_object_add (o, "before", side_object (&row->before));
  json_object_object_add (o, "after", side_object (&row->after));
  json_object_object_add (o, "change", change_object (row));
  json_object_object_add (o, "verdict", json_object_new_string (
    mls_verdict_name (mls_compare_verdict (row, r->alpha))));
  json_object_object_add (o, "p_value", tested
                          ? json_object_new_double (row->test.p) : NULL);
  json_object_object_add (o, "u", tested
                          ? json_object_new_double (row->test.u) : NULL);
  json_object_object_add (o, "exact", json_object_new_boolean (
    row->test.exact));
  return o;
}

static json_object *
recording_object (const MlsDiffReport *r, int which)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "file", json_object_new_string (r->path[which]));
  json_object_object_add (o, "meta", mls_print_meta_object (r->store[which]));
  return o;
}

static json_object *
test_object (const MlsDiffReport *r)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "name", json_object_new_string (
    "Mann-Whitney U"));
  json_object_object_add (o, "sides", json_object_new_string ("two-sided"));
  json_object_object_add (o, "alpha", json_object_new_double (r->alpha));
  json_object_object_add (o, "exact_below", json_object_new_int (
    MLS_RANK_TEST_EXACT_MAX));
  json_object_object_add (o, "means", json_object_new_string (
    MLS_DIFF_TEST_MEANING));
  return o;
}

static json_object *
threshold_object (const MlsDiffReport *r, const MlsThreshold *t)
{
  json_object *o = json_object_new_object ();
  json_object *rows = json_object_new_array ();
  int crossed = 0;

  for (size_t i = 0; i < r->n_rows; i++)
    {
      const MlsCompareRow *row = r->rows[i];
      MlsThresholdCheck c;
      json_object *x;
      if (!mls_threshold_matches (t, row))
        continue;
      c = mls_threshold_check (t, row, r->alpha);
      x = json_object_new_object ();
      json_object_object_add (x, "kind", json_object_new_string (row->label));
      if (row->model)
        json_object_object_add (x, "model",
                                json_object_new_string (row->model));
      if (row->process)
        json_object_object_add (x, "process",
                                json_object_new_string (row->process));
      json_object_object_add (x, "change", c.comparable
                              ? json_object_new_double (c.change) : NULL);
      json_object_object_add (x, "crossed",
                              json_object_new_boolean (c.crossed));
      json_object_array_add (rows, x);
      crossed |= c.crossed;
    }
  json_object_object_add (o, "threshold", json_object_new_string (t->text));
  json_object_object_add (o, "crossed", json_object_new_boolean (crossed));
  json_object_object_add (o, "rows", rows);
  return o;
}

void
mls_diff_print_json (const MlsDiffReport *r)
{
  json_object *root = json_object_new_object ();
  json_object *rows = json_object_new_array ();
  json_object *thresholds = json_object_new_array ();

  for (size_t i = 0; i < r->n_rows; i++)
    json_object_array_add (rows, row_object (r, r->rows[i]));
  for (size_t t = 0; t < r->n_thresholds; t++)
    json_object_array_add (thresholds,
                           threshold_object (r, &r->thresholds[t]));
  for (int which = 0; which < 2; which++)
    json_object_object_add (root, side_names[which],
                            recording_object (r, which));
  json_object_object_add (root, "by_model",
                          json_object_new_boolean (r->query->by_model));
  json_object_object_add (root, "by_process",
                          json_object_new_boolean (r->query->by_process));
  json_object_object_add (root, "sort", json_object_new_string (r->sort));
  json_object_object_add (root, "test", test_object (r));
  json_object_object_add (root, "figures_mean", json_object_new_string (
    MLS_DIFF_FIGURES_MEANING));
  json_object_object_add (root, "rows", rows);
  json_object_object_add (root, "fail_if", thresholds);
  char *text = mls_print_json_text (root, JSON_C_TO_STRING_PRETTY
                                          | JSON_C_TO_STRING_NOSLASHESCAPE);
  puts (text);
  g_free (text);
  json_object_put (root);
}

/* ---- thresholds ---- */

/* "Prediction", "Prediction [style-candy] in style-demo" */
static char *
row_name (const MlsCompareRow *row)
{
  GString *name = g_string_new (row->label);

  if (row->model)
    g_string_append_printf (name, " [%s]", row->model);
  if (row->process)
    g_string_append_printf (name, " in %s", row->process);
  return g_string_free (name, FALSE);
}

static void
print_check (const MlsDiffReport *r, const MlsThreshold *t,
             const MlsCompareRow *row, const MlsThresholdCheck *c)
{
  char *name = row_name (row), *verdict = verdict_text (r, row);
  const char *stat = mls_diff_stat_name (t->stat);

  fprintf (stderr, "mlscope diff: --fail-if '%s': %s %s ", t->text, name,
           stat);
  if (!c->comparable)
    fprintf (stderr, "not comparable (%s)", verdict);
  else if (t->form == MLS_CHANGE_PERCENT)
    fprintf (stderr, "%+.1f%%", c->change);
  else if (t->form == MLS_CHANGE_RATIO)
    fprintf (stderr, "%.3fx", c->change);
  else if (t->stat == MLS_STAT_COUNT)
    fprintf (stderr, "%+.0f", c->change);
  else
    {
      char *text = signed_duration (c->change);
      fprintf (stderr, "%s", text);
      g_free (text);
    }
  if (c->comparable)
    fprintf (stderr, ", %s: %s\n", verdict, c->crossed ? "CROSSED"
             : c->beyond ? "within noise" : "within the threshold");
  else
    fprintf (stderr, "\n");
  g_free (verdict);
  g_free (name);
}

size_t
mls_diff_print_thresholds (const MlsDiffReport *r)
{
  size_t crossed = 0;

  for (size_t t = 0; t < r->n_thresholds; t++)
    {
      int any = 0;
      for (size_t i = 0; i < r->n_rows; i++)
        {
          MlsThresholdCheck c;
          if (!mls_threshold_matches (&r->thresholds[t], r->rows[i]))
            continue;
          c = mls_threshold_check (&r->thresholds[t], r->rows[i], r->alpha);
          print_check (r, &r->thresholds[t], r->rows[i], &c);
          any |= c.crossed;
        }
      crossed += any;
    }
  return crossed;
}
