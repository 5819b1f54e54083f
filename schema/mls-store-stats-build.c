/*
 * mls-store-stats-build.c: the spans' times gathered per kind and model
 * while a database is filled, and span_kind_stats built from them when it
 * is finished: one row per span kind (model_id NULL) and one per kind and
 * model, with the definitions of mls-store-stats.c (which computes the same
 * numbers in SQL for a time range, and whose results the tests compare).
 *
 * Nothing is read back from SQLite: the writer already holds every span's
 * kind, model, start and duration, and reading 500k rows back cost more
 * than computing from memory. Each median is found by selection
 * (quickselect, linear time) instead of sorting. Memory: 16 bytes a span
 * while writing (span_summary uses the start times too).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

static MlsSpanGroup *
find_group (MlsStore *store, int kind_id, int64_t model_id)
{
  MlsSpanGroup *groups = store->groups;

  if (store->n_groups > 0 && groups[store->last_group].kind_id == kind_id
      && groups[store->last_group].model_id == model_id)
    return &groups[store->last_group];
  /* A recording has tens of kind / model pairs, not thousands. */
  for (size_t i = 0; i < store->n_groups; i++)
    if (groups[i].kind_id == kind_id && groups[i].model_id == model_id)
      {
        store->last_group = i;
        return &groups[i];
      }
  if (store->n_groups == store->allocated_groups)
    {
      size_t allocated = store->allocated_groups
                         ? 2 * store->allocated_groups : 64;
      MlsSpanGroup *bigger = realloc (groups, allocated * sizeof *bigger);
      if (bigger == NULL)
        return NULL;
      store->groups = bigger;
      store->allocated_groups = allocated;
    }
  store->groups[store->n_groups] = (MlsSpanGroup) { kind_id, model_id,
                                                    NULL, 0, 0 };
  store->last_group = store->n_groups++;
  return &store->groups[store->last_group];
}

int
mls_store_group_add (MlsStore *store, int kind_id, int64_t model_id,
                     int64_t start_ns, int64_t dur_ns)
{
  MlsSpanGroup *group = find_group (store, kind_id, model_id);

  if (group == NULL)
    return -1;
  if (group->n == group->allocated)
    {
      size_t allocated = group->allocated ? 2 * group->allocated : 256;
      MlsSpanTime *bigger = realloc (group->spans,
                                     allocated * sizeof *bigger);
      if (bigger == NULL)
        return -1;
      group->spans = bigger;
      group->allocated = allocated;
    }
  group->spans[group->n++] = (MlsSpanTime) { start_ns, dur_ns };
  return 0;
}

void
mls_store_groups_free (MlsStore *store)
{
  for (size_t i = 0; i < store->n_groups; i++)
    free (store->groups[i].spans);
  free (store->groups);
  store->groups = NULL;
  store->n_groups = store->allocated_groups = store->last_group = 0;
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

static size_t
copy_durations (int64_t *d, const MlsSpanGroup *group)
{
  for (size_t i = 0; i < group->n; i++)
    d[i] = group->spans[i].dur_ns;
  return group->n;
}

/* Per kind and model first (models only: span_kind_stats cannot hold
 * "no model" apart from "all models"), then per kind over all models. */
static int
write_rows (MlsStore *store, sqlite3_stmt *insert)
{
  size_t total = 0;
  int64_t *d;
  int rc = 0;

  for (size_t i = 0; i < store->n_groups; i++)
    total += store->groups[i].n;
  d = malloc ((total ? total : 1) * sizeof *d);
  if (d == NULL)
    return -1;
  for (size_t i = 0; i < store->n_groups && rc == 0; i++)
    if (store->groups[i].model_id && store->groups[i].n > 0)
      rc = insert_row (insert, store->groups[i].kind_id,
                       store->groups[i].model_id, d,
                       copy_durations (d, &store->groups[i]));
  for (int kind = 1; kind < MLS_MAX_KIND_ID && rc == 0; kind++)
    {
      size_t n = 0;
      for (size_t i = 0; i < store->n_groups; i++)
        if (store->groups[i].kind_id == kind)
          n += copy_durations (d + n, &store->groups[i]);
      if (n > 0)
        rc = insert_row (insert, kind, 0, d, n);
    }
  free (d);
  return rc;
}

int
mls_store_build_stats (MlsStore *store, MlsError *error)
{
  sqlite3_stmt *insert = NULL;
  int rc = -1;

  if (sqlite3_prepare_v2 (store->db, "INSERT INTO span_kind_stats VALUES"
                          " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                          -1, &insert, NULL) == SQLITE_OK)
    rc = write_rows (store, insert);
  if (rc != 0)
    mls_error_sqlite (store, error, "cannot compute span_kind_stats");
  sqlite3_finalize (insert);
  return rc;
}
