/*
 * mls-store-stats-build.c: fills span_kind_stats when a database is
 * finished: one row per span kind (model_id NULL) and one per kind and
 * model, with the definitions of mls-store-stats.c (which computes the same
 * numbers in SQL for a time range, and whose results the tests compare).
 *
 * The table is built in C from one sequential read of span: durations are
 * gathered per kind and model, and each median is found by selection
 * (quickselect, linear time) instead of sorting. With SQLite this took
 * either a window-function sort per grouping or two extra duration indexes,
 * several times slower than the whole rest of finishing a 10-million-span
 * recording. Memory: the durations, 8 bytes a span, while finishing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

typedef struct {
  int kind_id;
  int64_t model_id;         /* 0: spans without a model */
  int64_t *dur;
  size_t n, allocated;
} Group;

typedef struct {
  Group *groups;
  size_t n_groups, allocated;
  size_t last;              /* the previous row's group: runs are common */
} Groups;

static Group *
find_group (Groups *g, int kind_id, int64_t model_id)
{
  if (g->n_groups > 0 && g->groups[g->last].kind_id == kind_id
      && g->groups[g->last].model_id == model_id)
    return &g->groups[g->last];
  /* A recording has tens of kind / model pairs, not thousands. */
  for (size_t i = 0; i < g->n_groups; i++)
    if (g->groups[i].kind_id == kind_id && g->groups[i].model_id == model_id)
      {
        g->last = i;
        return &g->groups[i];
      }
  if (g->n_groups == g->allocated)
    {
      size_t allocated = g->allocated ? 2 * g->allocated : 64;
      Group *bigger = realloc (g->groups, allocated * sizeof *bigger);
      if (bigger == NULL)
        return NULL;
      g->groups = bigger;
      g->allocated = allocated;
    }
  g->groups[g->n_groups] = (Group) { kind_id, model_id, NULL, 0, 0 };
  g->last = g->n_groups++;
  return &g->groups[g->last];
}

static int
group_add (Group *group, int64_t dur)
{
  if (group->n == group->allocated)
    {
      size_t allocated = group->allocated ? 2 * group->allocated : 256;
      int64_t *bigger = realloc (group->dur, allocated * sizeof *bigger);
      if (bigger == NULL)
        return -1;
      group->dur = bigger;
      group->allocated = allocated;
    }
  group->dur[group->n++] = dur;
  return 0;
}

static void
groups_free (Groups *g)
{
  for (size_t i = 0; i < g->n_groups; i++)
    free (g->groups[i].dur);
  free (g->groups);
}

/* Reorders d so that d[k] is the k-th smallest, smaller ones before it and
 * larger ones after (Hoare's selection, middle-of-three pivots). */
static void
select_kth (int64_t *d, size_t n, size_t k)
{
  size_t lo = 0, hi = n - 1;

  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      int64_t a = d[lo], b = d[mid], c = d[hi];
      int64_t pivot = a < b ? (b < c ? b : (a < c ? c : a))
                            : (a < c ? a : (b < c ? c : b));
      size_t i = lo, j = hi;

      while (i <= j)
        {
          while (d[i] < pivot)
            i++;
          while (d[j] > pivot)
            j--;
          if (i <= j)
            {
              int64_t t = d[i];
              d[i] = d[j];
              d[j] = t;
              i++;
              if (j == 0)
                break;
              j--;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        return;
    }
}

/* The middle duration, or the mean of the two middle ones rounded down. */
static int64_t
median (int64_t *d, size_t n)
{
  size_t k = (n - 1) / 2;
  int64_t next;

  select_kth (d, n, k);
  if (n % 2)
    return d[k];
  next = d[k + 1];
  for (size_t i = k + 2; i < n; i++)
    if (d[i] < next)
      next = d[i];
  return (d[k] + next) / 2;
}

static int
insert_row (sqlite3_stmt *insert, int kind_id, int64_t model_id,
            int64_t *d, size_t n)
{
  int64_t total = 0, min = d[0], max = d[0];
  double mean, sq = 0;

  for (size_t i = 0; i < n; i++)
    {
      total += d[i];
      if (d[i] < min)
        min = d[i];
      if (d[i] > max)
        max = d[i];
    }
  mean = (double) total / (double) n;
  for (size_t i = 0; i < n; i++)
    sq += ((double) d[i] - mean) * ((double) d[i] - mean);
  sqlite3_bind_int (insert, 1, kind_id);
  if (model_id)
    sqlite3_bind_int64 (insert, 2, model_id);
  else
    sqlite3_bind_null (insert, 2);
  sqlite3_bind_int64 (insert, 3, (int64_t) n);
  sqlite3_bind_int64 (insert, 4, total);
  sqlite3_bind_double (insert, 5, mean);
  sqlite3_bind_int64 (insert, 6, min);
  sqlite3_bind_int64 (insert, 7, median (d, n));
  sqlite3_bind_int64 (insert, 8, max);
  sqlite3_bind_double (insert, 9, sqrt (sq / (double) n));
  sqlite3_bind_int64 (insert, 10, max);
  int rc = sqlite3_step (insert);
  sqlite3_reset (insert);
  return rc == SQLITE_DONE ? 0 : -1;
}

static int
read_groups (MlsStore *store, Groups *g)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (store->db, "SELECT kind_id,"
                               " ifnull (model_id, 0), dur_ns FROM span",
                               -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Group *group = find_group (g, sqlite3_column_int (stmt, 0),
                                 sqlite3_column_int64 (stmt, 1));
      rc = group && group_add (group, sqlite3_column_int64 (stmt, 2)) == 0
           ? SQLITE_OK : SQLITE_NOMEM;
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Per kind and model first (models only: span_kind_stats cannot hold
 * "no model" apart from "all models"), then per kind over all models,
 * gathering the kind's groups into one buffer. */
static int
write_rows (MlsStore *store, Groups *g, sqlite3_stmt *insert)
{
  size_t largest = 0;
  int64_t *all;
  int rc = 0;

  for (size_t i = 0; i < g->n_groups; i++)
    {
      largest += g->groups[i].n;
      if (g->groups[i].model_id && rc == 0)
        rc = insert_row (insert, g->groups[i].kind_id, g->groups[i].model_id,
                         g->groups[i].dur, g->groups[i].n);
    }
  all = malloc ((largest ? largest : 1) * sizeof *all);
  if (all == NULL)
    return -1;
  for (int kind = 1; kind < MLS_MAX_KIND_ID && rc == 0; kind++)
    {
      size_t n = 0;
      for (size_t i = 0; i < g->n_groups; i++)
        if (g->groups[i].kind_id == kind)
          {
            memcpy (all + n, g->groups[i].dur, g->groups[i].n * sizeof *all);
            n += g->groups[i].n;
          }
      if (n > 0)
        rc = insert_row (insert, kind, 0, all, n);
    }
  free (all);
  return rc;
}

int
mls_store_build_stats (MlsStore *store, MlsError *error)
{
  Groups groups = { 0 };
  sqlite3_stmt *insert = NULL;
  int rc = -1;

  if (read_groups (store, &groups) == 0
      && sqlite3_prepare_v2 (store->db, "INSERT INTO span_kind_stats VALUES"
                             " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                             -1, &insert, NULL) == SQLITE_OK)
    rc = write_rows (store, &groups, insert);
  if (rc != 0)
    mls_error_sqlite (store, error, "cannot compute span_kind_stats");
  sqlite3_finalize (insert);
  groups_free (&groups);
  return rc;
}
