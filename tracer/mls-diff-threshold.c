/*
 * mls-diff-threshold.c: parsing and checking `mlscope diff --fail-if`
 * thresholds (the syntax is in mls-diff-threshold.h). Every way a
 * threshold can be mistyped gets its own message: a CI guard that
 * silently never fires is worse than none.
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "mls-diff-threshold.h"
#include "mlscope-parse.h"

static const char *const stat_names[] = {
  [MLS_STAT_COUNT] = "count", [MLS_STAT_TOTAL] = "total",
  [MLS_STAT_MEDIAN] = "median", [MLS_STAT_P90] = "p90",
};

const char *
mls_diff_stat_name (MlsDiffStat stat)
{
  return stat_names[stat];
}

double
mls_diff_stat_value (MlsDiffStat stat, const MlsCompareSide *side)
{
  switch (stat)
    {
    case MLS_STAT_COUNT: return (double) side->count;
    case MLS_STAT_TOTAL: return (double) side->total_ns;
    case MLS_STAT_MEDIAN: return (double) side->median_ns;
    case MLS_STAT_P90: return (double) side->p90_ns;
    default: return 0;
    }
}

/* KIND[[MODEL]][.STAT] */
static int
parse_subject (char *subject, MlsThreshold *t, char **message)
{
  char *dot = strrchr (subject, '.');
  size_t len;

  t->stat = MLS_STAT_MEDIAN;
  if (dot && !strchr (dot, ']'))
    {
      size_t s;
      for (s = 0; s < G_N_ELEMENTS (stat_names); s++)
        if (g_ascii_strcasecmp (g_strstrip (dot + 1), stat_names[s]) == 0)
          break;
      if (s == G_N_ELEMENTS (stat_names))
        {
          *message = g_strdup_printf ("unknown figure '%s' (use count, "
                                      "total, median or p90)", dot + 1);
          return -1;
        }
      t->stat = (MlsDiffStat) s;
      *dot = '\0';
    }
  g_strstrip (subject);
  len = strlen (subject);
  if (len > 0 && subject[len - 1] == ']')
    {
      char *open = strrchr (subject, '[');
      if (open == NULL || open[1] == ']')
        {
          *message = g_strdup ("a model goes in brackets after the kind: "
                               "KIND[MODEL]");
          return -1;
        }
      subject[len - 1] = '\0';
      t->model = g_strdup (open + 1);
      *open = '\0';
      g_strstrip (subject);
    }
  if (subject[0] == '\0')
    {
      *message = g_strdup ("no span kind before the operator");
      return -1;
    }
  t->kind = g_strdup (subject);
  return 0;
}

/* A number with a sign, then % or a unit; or a number then x. */
static int
parse_change (const char *text, MlsThreshold *t, char **message)
{
  size_t len = strlen (text);
  double sign = text[0] == '-' ? -1 : 1;
  const char *number = text + (text[0] == '+' || text[0] == '-');
  char *end = NULL;
  double value;

  if (len > 1 && text[len - 1] == 'x' && g_ascii_isdigit (text[0]))
    {
      value = g_ascii_strtod (text, &end);
      t->form = MLS_CHANGE_RATIO;
      t->value = value;
      if (end != text + len - 1 || !isfinite (value) || value <= 0)
        goto bad;
      return 0;
    }
  if (number == text)
    {
      *message = g_strdup_printf ("'%s': give the change a sign (+10%% for a "
                                  "rise, -10%% for a fall) or write a ratio "
                                  "(1.1x)", text);
      return -1;
    }
  if (!g_ascii_isdigit (number[0]) && number[0] != '.')
    goto bad;
  if (text[len - 1] == '%')
    {
      value = g_ascii_strtod (number, &end);
      t->form = MLS_CHANGE_PERCENT;
      t->value = sign * value;
      if (end != text + len - 1 || !isfinite (value))
        goto bad;
      return 0;
    }
  t->form = MLS_CHANGE_ABSOLUTE;
  if (t->stat == MLS_STAT_COUNT)
    {
      value = g_ascii_strtod (number, &end);
      t->value = sign * value;
      if (*end != '\0' || !isfinite (value) || value != floor (value))
        {
          *message = g_strdup_printf ("'%s': a change in count is a whole "
                                      "number of spans (+3, -1)", text);
          return -1;
        }
      return 0;
    }
  int64_t ns;
  if (mls_parse_duration (number, &ns) != 0)
    goto bad;
  if (g_ascii_isdigit (text[len - 1]))
    {
      *message = g_strdup_printf ("'%s': give the change in time a unit "
                                  "(ns, us, ms or s)", text);
      return -1;
    }
  t->value = sign * (double) ns;
  return 0;
bad:
  *message = g_strdup_printf ("'%s' is not a change: use +10%%, -5%%, +2ms, "
                              "+3 (counts) or 1.5x", text);
  return -1;
}

int
mls_threshold_parse (const char *text, MlsThreshold *t, char **message)
{
  const char *op = strpbrk (text, "<>");
  char *subject, *change;
  int rc;

  memset (t, 0, sizeof *t);
  *message = NULL;
  if (op == NULL)
    {
      *message = g_strdup ("no operator: write KIND[.STAT] OP CHANGE, e.g. "
                           "'Prediction.median > +10%'");
      return -1;
    }
  t->op = op[0] == '>' ? MLS_OP_GT : MLS_OP_LT;
  if (op[1] == '=')
    t->op = t->op == MLS_OP_GT ? MLS_OP_GE : MLS_OP_LE;
  subject = g_strndup (text, op - text);
  change = g_strstrip (g_strdup (op + 1 + (op[1] == '=')));
  rc = parse_subject (subject, t, message);
  if (rc == 0 && change[0] == '\0')
    {
      *message = g_strdup ("no change after the operator");
      rc = -1;
    }
  if (rc == 0)
    rc = parse_change (change, t, message);
  g_free (subject);
  g_free (change);
  if (rc == 0)
    t->text = g_strdup (text);
  else
    mls_threshold_clear (t);
  return rc;
}

void
mls_threshold_clear (MlsThreshold *t)
{
  g_free (t->text);
  g_free (t->kind);
  g_free (t->model);
  memset (t, 0, sizeof *t);
}

int
mls_threshold_matches (const MlsThreshold *t, const MlsCompareRow *row)
{
  return g_ascii_strcasecmp (t->kind, row->label) == 0
         && (t->model == NULL || g_strcmp0 (t->model, row->model) == 0);
}

static int
passes (MlsThresholdOp op, double change, double value)
{
  switch (op)
    {
    case MLS_OP_GT: return change > value;
    case MLS_OP_GE: return change >= value;
    case MLS_OP_LT: return change < value;
    case MLS_OP_LE: return change <= value;
    default: return 0;
    }
}

/* Whether the durations moved the way the threshold looks, beyond noise. */
static int
moved_that_way (const MlsThreshold *t, const MlsCompareRow *row, double alpha)
{
  MlsVerdict verdict = mls_compare_verdict (row, alpha);

  if (t->op == MLS_OP_GT || t->op == MLS_OP_GE)
    return verdict == MLS_VERDICT_SLOWER;
  return verdict == MLS_VERDICT_FASTER;
}

MlsThresholdCheck
mls_threshold_check (const MlsThreshold *t, const MlsCompareRow *row,
                     double alpha)
{
  MlsThresholdCheck c = { 0 };
  double before = mls_diff_stat_value (t->stat, &row->before);
  double after = mls_diff_stat_value (t->stat, &row->after);
  int durations = t->stat == MLS_STAT_MEDIAN || t->stat == MLS_STAT_P90;

  c.comparable = !durations || (row->before.count && row->after.count);
  if (t->form != MLS_CHANGE_ABSOLUTE && before == 0)
    c.comparable = 0;
  if (!c.comparable)
    return c;
  c.change = t->form == MLS_CHANGE_PERCENT ? 100 * (after - before) / before
             : t->form == MLS_CHANGE_RATIO ? after / before : after - before;
  c.beyond = passes (t->op, c.change, t->value);
  if (t->stat == MLS_STAT_COUNT)
    c.crossed = c.beyond;
  else if (t->stat == MLS_STAT_TOTAL)
    c.crossed = c.beyond && (row->before.count != row->after.count
                             || moved_that_way (t, row, alpha));
  else
    c.crossed = c.beyond && moved_that_way (t, row, alpha);
  return c;
}
