/*
 * mls-advise.c: running an advise rule (mls-advise.h): its query over the
 * recording, each row made a finding with its place, examples, cost,
 * figures and filled-in messages. The rules themselves are SQL files
 * (rules/), embedded at build time by embed-rules.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mls-advise.h"
#include "mls-store-private.h"

/* The columns every rule's row has, by name. */
typedef enum {
  COL_MODEL,
  COL_PID,
  COL_PROCESS,
  COL_START,
  COL_END,
  COL_SPAN_IDS,
  COL_COST,
  N_COLS
} Column;

static const char *const column_names[N_COLS] = {
  "model", "pid", "process", "start_ns", "end_ns", "span_ids", "cost_ns",
};

const MlsRule *
mls_rule_find (const char *name)
{
  for (size_t i = 0; i < mls_n_rules; i++)
    if (strcmp (mls_rules[i].name, name) == 0)
      return &mls_rules[i];
  return NULL;
}

static char *
column_strdup (sqlite3_stmt *stmt, int c)
{
  const unsigned char *text = sqlite3_column_text (stmt, c);
  return text ? strdup ((const char *) text) : NULL;
}

/* Where each required column is in the rule's row; -1 and the name of the
 * first missing one. */
static int
find_columns (sqlite3_stmt *stmt, int at[N_COLS], const char **missing)
{
  for (int k = 0; k < N_COLS; k++)
    {
      at[k] = -1;
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        if (strcmp (sqlite3_column_name (stmt, c), column_names[k]) == 0)
          at[k] = c;
      if (at[k] < 0)
        {
          *missing = column_names[k];
          return -1;
        }
    }
  return 0;
}

/* "[12,34]" -> ids; anything else in the text is skipped. */
static int
parse_ids (const char *json, MlsFinding *f)
{
  const char *p = json;

  while (p && *p)
    {
      char *end;
      long long id;
      if (*p < '0' || *p > '9')
        {
          p++;
          continue;
        }
      id = strtoll (p, &end, 10);
      int64_t *bigger = realloc (f->span_ids,
                                 (f->n_span_ids + 1) * sizeof *bigger);
      if (bigger == NULL)
        return -1;
      f->span_ids = bigger;
      f->span_ids[f->n_span_ids++] = id;
      p = end;
    }
  return 0;
}

static int
is_required (int c, const int at[N_COLS])
{
  for (int k = 0; k < N_COLS; k++)
    if (at[k] == c)
      return 1;
  return 0;
}

static int
read_figures (sqlite3_stmt *stmt, const int at[N_COLS], MlsFinding *f)
{
  int n = sqlite3_column_count (stmt);

  f->figures = calloc ((size_t) n, sizeof *f->figures);
  if (f->figures == NULL)
    return -1;
  for (int c = 0; c < n; c++)
    {
      MlsFigure *x = &f->figures[f->n_figures];
      if (is_required (c, at))
        continue;
      x->name = strdup (sqlite3_column_name (stmt, c));
      switch (sqlite3_column_type (stmt, c))
        {
        case SQLITE_INTEGER:
          x->type = MLS_FIGURE_INTEGER;
          x->integer = sqlite3_column_int64 (stmt, c);
          break;
        case SQLITE_FLOAT:
          x->type = MLS_FIGURE_REAL;
          x->real = sqlite3_column_double (stmt, c);
          break;
        case SQLITE_NULL:
          x->type = MLS_FIGURE_NULL;
          break;
        default:
          x->type = MLS_FIGURE_TEXT;
          x->text = column_strdup (stmt, c);
        }
      f->n_figures++;
      if (x->name == NULL || (x->type == MLS_FIGURE_TEXT && x->text == NULL))
        return -1;
    }
  return 0;
}

/* The finding of the row; -1 out of memory, -2 a template names a column
 * the row lacks (in MISSING). */
static int
read_finding (sqlite3_stmt *stmt, const int at[N_COLS], int64_t start_ns,
              MlsFinding *f, char *missing, size_t missing_size)
{
  const char *const templates[3] = { f->rule->what, f->rule->why,
                                     f->rule->fix };
  char **texts[3] = { &f->what, &f->why, &f->fix };

  f->model = column_strdup (stmt, at[COL_MODEL]);
  f->process = column_strdup (stmt, at[COL_PROCESS]);
  f->pid = sqlite3_column_int64 (stmt, at[COL_PID]);
  f->has_range = sqlite3_column_type (stmt, at[COL_START]) != SQLITE_NULL;
  f->start_ns = sqlite3_column_int64 (stmt, at[COL_START]);
  f->end_ns = sqlite3_column_int64 (stmt, at[COL_END]);
  f->has_cost = sqlite3_column_type (stmt, at[COL_COST]) != SQLITE_NULL;
  f->cost_ns = sqlite3_column_int64 (stmt, at[COL_COST]);
  if (parse_ids ((const char *) sqlite3_column_text (stmt, at[COL_SPAN_IDS]),
                 f) != 0 || read_figures (stmt, at, f) != 0)
    return -1;
  for (int i = 0; i < 3; i++)
    {
      *texts[i] = mls_advise_fill (templates[i], stmt, start_ns, missing,
                                   missing_size);
      if (*texts[i] == NULL)
        return missing[0] ? -2 : -1;
    }
  return 0;
}

static MlsFinding *
new_finding (MlsFinding **findings, size_t *n, const MlsRule *rule)
{
  MlsFinding *bigger = realloc (*findings, (*n + 1) * sizeof *bigger);

  if (bigger == NULL)
    return NULL;
  *findings = bigger;
  memset (&bigger[*n], 0, sizeof *bigger);
  bigger[*n].rule = rule;
  return &bigger[(*n)++];
}

static int
fail (MlsStore *store, sqlite3_stmt *stmt, MlsError *error,
      const MlsRule *rule, const char *problem)
{
  mls_error_set (error, "%s: rule %s: %s", mls_store_path (store),
                 rule->name, problem);
  sqlite3_finalize (stmt);
  return -1;
}

int
mls_advise_run (MlsStore *store, const MlsRule *rule, MlsFinding **findings,
                size_t *n_findings, MlsError *error)
{
  sqlite3_stmt *stmt = NULL;
  int64_t start_ns = 0;
  const char *missing_column = NULL;
  char missing[64], problem[160];
  int at[N_COLS], rc;

  if (sqlite3_prepare_v2 (store->db, rule->sql, -1, &stmt, NULL) != SQLITE_OK)
    return fail (store, stmt, error, rule, sqlite3_errmsg (store->db));
  if (find_columns (stmt, at, &missing_column) != 0)
    {
      snprintf (problem, sizeof problem, "its query returns no '%s' column",
                missing_column);
      return fail (store, stmt, error, rule, problem);
    }
  mls_store_get_meta_int (store, "start_ns", &start_ns);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MlsFinding *f = new_finding (findings, n_findings, rule);
      int r = f ? read_finding (stmt, at, start_ns, f, missing,
                                sizeof missing) : -1;
      if (r == -2)
        {
          snprintf (problem, sizeof problem, "its message names {%s}, "
                    "which its query does not return", missing);
          return fail (store, stmt, error, rule, problem);
        }
      if (r != 0)
        return fail (store, stmt, error, rule, "out of memory");
    }
  if (rc != SQLITE_DONE)
    return fail (store, stmt, error, rule, sqlite3_errmsg (store->db));
  sqlite3_finalize (stmt);
  return 0;
}

void
mls_findings_free (MlsFinding *findings, size_t n_findings)
{
  for (size_t i = 0; i < n_findings; i++)
    {
      MlsFinding *f = &findings[i];
      free (f->model);
      free (f->process);
      free (f->span_ids);
      free (f->what);
      free (f->why);
      free (f->fix);
      for (size_t j = 0; j < f->n_figures; j++)
        {
          free (f->figures[j].name);
          free (f->figures[j].text);
        }
      free (f->figures);
    }
  free (findings);
}
