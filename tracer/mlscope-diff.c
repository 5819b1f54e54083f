/*
 * mlscope-diff.c: `mlscope diff BEFORE AFTER`: what changed between two
 * recordings of an app, per span kind (and model, and process, matched by
 * name): count, total, median and 90th percentile before and after, the
 * change, and whether the durations differ beyond noise (schema/compare/).
 * With --fail-if thresholds (mls-diff-threshold.h) the exit status says
 * whether a change crossed one: MLS_EXIT_THRESHOLD when one did, else
 * mlscope's usual statuses (mlscope.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "mlscope-diff.h"
#include "mlscope-print.h"
#include "mlscope.h"

typedef enum {
  SORT_TOTAL,               /* the largest change in total first */
  SORT_COUNT,
  SORT_MEDIAN,
  SORT_P90,
  SORT_NAME,                /* catalogue order */
} SortKey;

static const char *const sort_names[] = {
  [SORT_TOTAL] = "total", [SORT_COUNT] = "count", [SORT_MEDIAN] = "median",
  [SORT_P90] = "p90", [SORT_NAME] = "name",
};

typedef struct {
  const char *path[2];
  char *format;
  char *sort_text;
  char *alpha_text;
  char **fail_if;
  int by_model, by_process;
  SortKey sort;
  double alpha;
  GArray *thresholds;       /* MlsThreshold */
} DiffOptions;

/* ---- options ---- */

static GOptionContext *
option_context (DiffOptions *o)
{
  GOptionEntry entries[] = {
    { "by-model", 'm', 0, G_OPTION_ARG_NONE, &o->by_model,
      "One row per span kind and model (models matched by name)", NULL },
    { "by-process", 'P', 0, G_OPTION_ARG_NONE, &o->by_process,
      "One row per span kind and process name (with --by-model: and "
      "model)", NULL },
    { "sort", 's', 0, G_OPTION_ARG_STRING, &o->sort_text,
      "Sort rows by the largest change in total (default), count, median "
      "or p90, or by name", "KEY" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &o->format,
      "table (default), csv or json", "FORMAT" },
    { "alpha", 'a', 0, G_OPTION_ARG_STRING, &o->alpha_text,
      "Level of the test (default 0.01): a change counts when p <= ALPHA",
      "ALPHA" },
    { "fail-if", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->fail_if,
      "Exit 4 when a change crosses THRESHOLD: KIND[[MODEL]][.STAT] OP "
      "CHANGE, e.g. 'Prediction.median > +10%' (repeat for more)",
      "THRESHOLD" },
    { NULL },
  };
  GOptionContext *context = g_option_context_new ("BEFORE.mlscope "
                                                  "AFTER.mlscope");

  g_option_context_set_summary (context,
    "Compares two recordings, per span kind: count, total, median and p90\n"
    "before and after, the change, and a verdict on the durations: slower\n"
    "or faster beyond noise, same, too few spans to tell, appeared or\n"
    "disappeared.\n"
    "Test: " MLS_DIFF_TEST_MEANING ", at level ALPHA (0.01);\n"
    "  exact p for 50 spans or fewer without ties, else the normal\n"
    "  approximation with tie correction.\n"
    "Figures: " MLS_DIFF_FIGURES_MEANING ".");
  g_option_context_set_description (context,
    "Thresholds (--fail-if): STAT is count, total, median (default) or\n"
    "p90; OP >, >=, <, <=; CHANGE +10% / -5% (relative), +2ms / -500us\n"
    "(time), +3 (count) or 1.5x (after over before). A change of median or\n"
    "p90 counts only when the test finds the durations moved that way;\n"
    "of total, also when the count changed. KIND[MODEL] needs --by-model.\n"
    "Exit status: 0 no threshold crossed, 4 one was; 1 the recordings\n"
    "could not be compared, 2 bad options or thresholds.");
  g_option_context_add_main_entries (context, entries, NULL);
  mlscope_option_context_finish (context);
  return context;
}

static int
parse_choices (DiffOptions *o)
{
  char *end = NULL;

  if (o->format == NULL)
    o->format = g_strdup ("table");
  if (strcmp (o->format, "table") && strcmp (o->format, "csv")
      && strcmp (o->format, "json"))
    {
      fprintf (stderr, "mlscope diff: unknown --format '%s' (use table, csv "
               "or json)\n", o->format);
      return -1;
    }
  o->sort = SORT_TOTAL;
  if (o->sort_text)
    {
      size_t i;
      for (i = 0; i < G_N_ELEMENTS (sort_names); i++)
        if (strcmp (o->sort_text, sort_names[i]) == 0)
          break;
      if (i == G_N_ELEMENTS (sort_names))
        {
          fprintf (stderr, "mlscope diff: unknown --sort key '%s' (use "
                   "total, count, median, p90 or name)\n", o->sort_text);
          return -1;
        }
      o->sort = (SortKey) i;
    }
  o->alpha = MLS_COMPARE_ALPHA;
  if (o->alpha_text)
    {
      o->alpha = g_ascii_strtod (o->alpha_text, &end);
      if (*end != '\0' || end == o->alpha_text || !(o->alpha > 0)
          || !(o->alpha < 1))
        {
          fprintf (stderr, "mlscope diff: bad --alpha '%s': a level between "
                   "0 and 1, e.g. 0.01\n", o->alpha_text);
          return -1;
        }
    }
  return 0;
}

static int
parse_thresholds (DiffOptions *o)
{
  for (int i = 0; o->fail_if && o->fail_if[i]; i++)
    {
      MlsThreshold t;
      char *message;

      if (mls_threshold_parse (o->fail_if[i], &t, &message) != 0)
        {
          fprintf (stderr, "mlscope diff: bad --fail-if '%s': %s\n",
                   o->fail_if[i], message);
          g_free (message);
          return -1;
        }
      g_array_append_val (o->thresholds, t);
      if (t.model && !o->by_model)
        {
          fprintf (stderr, "mlscope diff: --fail-if '%s' names a model: add "
                   "--by-model\n", t.text);
          return -1;
        }
    }
  return 0;
}

static int
parse_options (int argc, char **argv, DiffOptions *o)
{
  GOptionContext *context = option_context (o);
  GError *error = NULL;
  int ok;

  g_set_prgname ("mlscope diff");
  ok = g_option_context_parse (context, &argc, &argv, &error);
  if (!ok)
    fprintf (stderr, "mlscope diff: %s\n", error->message);
  else if (argc != 3)
    {
      fprintf (stderr, "mlscope diff: %s\nUsage: mlscope diff BEFORE.mlscope "
               "AFTER.mlscope [OPTIONS...]\n", argc < 3
               ? "give two recordings, before and after"
               : "more than two recordings given");
      ok = 0;
    }
  g_clear_error (&error);
  g_option_context_free (context);
  if (ok)
    {
      o->path[0] = argv[1];
      o->path[1] = argv[2];
    }
  return ok && parse_choices (o) == 0 && parse_thresholds (o) == 0 ? 0 : -1;
}

/* ---- sorting ---- */

static SortKey compare_key;

static double
change_of (const MlsCompareRow *row, MlsDiffStat stat)
{
  return fabs (mls_diff_stat_value (stat, &row->after)
               - mls_diff_stat_value (stat, &row->before));
}

static int
compare_rows (const void *pa, const void *pb)
{
  const MlsCompareRow *a = *(const MlsCompareRow *const *) pa;
  const MlsCompareRow *b = *(const MlsCompareRow *const *) pb;
  static const MlsDiffStat stats[] = {
    [SORT_TOTAL] = MLS_STAT_TOTAL, [SORT_COUNT] = MLS_STAT_COUNT,
    [SORT_MEDIAN] = MLS_STAT_MEDIAN, [SORT_P90] = MLS_STAT_P90,
  };
  int c = 0;

  if (compare_key != SORT_NAME)
    {
      double x = change_of (a, stats[compare_key]);
      double y = change_of (b, stats[compare_key]);
      c = (x < y) - (x > y);
    }
  /* Equal changes keep the catalogue order: the pointers are into one
   * array in that order. */
  return c ? c : (a > b) - (a < b);
}

static const MlsCompareRow **
sort_rows (const MlsCompareRow *rows, size_t n, SortKey key)
{
  const MlsCompareRow **sorted = g_new (const MlsCompareRow *, n + 1);

  for (size_t i = 0; i < n; i++)
    sorted[i] = &rows[i];
  compare_key = key;
  qsort (sorted, n, sizeof *sorted, compare_rows);
  return sorted;
}

/* ---- the command ---- */

/* A threshold that speaks of no row is a typo or a guard that can never
 * fire: an error, not a pass. */
static int
check_thresholds_match (const DiffOptions *o, const MlsCompareRow *rows,
                        size_t n)
{
  for (guint t = 0; t < o->thresholds->len; t++)
    {
      const MlsThreshold *th = &g_array_index (o->thresholds, MlsThreshold,
                                               t);
      size_t i;
      for (i = 0; i < n && !mls_threshold_matches (th, &rows[i]); i++)
        ;
      if (i == n)
        {
          fprintf (stderr, "mlscope diff: --fail-if '%s': neither recording "
                   "has spans of kind '%s'%s%s%s\n", th->text, th->kind,
                   th->model ? " of model '" : "",
                   th->model ? th->model : "", th->model ? "'" : "");
          return -1;
        }
    }
  return 0;
}

static int
compare_and_print (DiffOptions *o, MlsStore *stores[2])
{
  MlsCompareQuery query = { o->by_model, o->by_process };
  MlsCompareRow *rows = NULL;
  size_t n = 0, crossed;
  MlsError error = { 0 };
  const MlsCompareRow **sorted;

  if (mls_compare (stores[0], stores[1], &query, &rows, &n, &error) != 0)
    {
      fprintf (stderr, "mlscope diff: %s\n", error.message);
      return MLS_EXIT_FAILED;
    }
  if (check_thresholds_match (o, rows, n) != 0)
    {
      mls_compare_rows_free (rows, n);
      return MLS_EXIT_USAGE;
    }
  for (int i = 0; i < 2; i++)
    mls_print_warn_lost ("diff", o->path[i], stores[i]);
  sorted = sort_rows (rows, n, o->sort);
  MlsDiffReport report = {
    .path = { o->path[0], o->path[1] }, .store = { stores[0], stores[1] },
    .query = &query, .sort = sort_names[o->sort], .alpha = o->alpha,
    .rows = sorted, .n_rows = n,
    .thresholds = (const MlsThreshold *) (void *) o->thresholds->data,
    .n_thresholds = o->thresholds->len,
  };
  if (strcmp (o->format, "csv") == 0)
    mls_diff_print_csv (&report);
  else if (strcmp (o->format, "json") == 0)
    mls_diff_print_json (&report);
  else
    mls_diff_print_table (&report);
  crossed = mls_diff_print_thresholds (&report);
  g_free (sorted);
  mls_compare_rows_free (rows, n);
  return crossed ? MLS_EXIT_THRESHOLD : MLS_EXIT_OK;
}

static void
options_clear (DiffOptions *o)
{
  for (guint i = 0; i < o->thresholds->len; i++)
    mls_threshold_clear (&g_array_index (o->thresholds, MlsThreshold, i));
  g_array_free (o->thresholds, TRUE);
  g_free (o->format);
  g_free (o->sort_text);
  g_free (o->alpha_text);
  g_strfreev (o->fail_if);
}

int
mlscope_diff (int argc, char **argv)
{
  DiffOptions o = { 0 };
  MlsStore *stores[2] = { NULL, NULL };
  MlsError error = { 0 };
  int status = MLS_EXIT_USAGE;

  o.thresholds = g_array_new (FALSE, FALSE, sizeof (MlsThreshold));
  if (parse_options (argc, argv, &o) == 0)
    {
      status = MLS_EXIT_FAILED;
      for (int i = 0; i < 2 && (i == 0 || stores[0]); i++)
        if ((stores[i] = mls_store_open (o.path[i], &error)) == NULL)
          fprintf (stderr, "mlscope diff: %s\n", error.message);
      if (stores[0] && stores[1])
        status = compare_and_print (&o, stores);
    }
  for (int i = 0; i < 2; i++)
    if (stores[i])
      mls_store_close (stores[i]);
  options_clear (&o);
  return status;
}
