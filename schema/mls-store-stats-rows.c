/*
 * mls-store-stats-rows.c: the aggregation table's rows as readers get
 * them (mls-store-stats.c computes their figures): the kind's lane and
 * label, the model's and the process's names, each row's share of its
 * lane's time, in the table's order (kinds by span_kind.sort_order, models
 * by name with spans without a model last, then processes). Also looking
 * processes up by name, for `mlscope stats --process`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

/* A small table read whole: id -> one or two texts and an integer. */
typedef struct {
  int64_t *ids;
  char **a, **b;
  int64_t *n;
  size_t count;
} Names;

static void
names_free (Names *names)
{
  for (size_t i = 0; i < names->count; i++)
    {
      free (names->a[i]);
      free (names->b[i]);
    }
  free (names->ids);
  free (names->a);
  free (names->b);
  free (names->n);
}

static char *
column_strdup (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text ? strdup ((const char *) text) : NULL;
}

static int
grow (void **array, size_t n, size_t size)
{
  void *bigger = realloc (*array, n * size);

  if (bigger == NULL)
    return -1;
  *array = bigger;
  return 0;
}

/* sql returns (id, text, text or NULL, integer or NULL). */
static int
names_load (MlsStore *store, const char *sql, Names *names)
{
  sqlite3_stmt *stmt;
  size_t allocated = 0;
  int rc;

  memset (names, 0, sizeof *names);
  if (sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (names->count == allocated)
        {
          allocated = allocated ? 2 * allocated : 32;
          if (grow ((void **) &names->ids, allocated, sizeof (int64_t))
              || grow ((void **) &names->a, allocated, sizeof (char *))
              || grow ((void **) &names->b, allocated, sizeof (char *))
              || grow ((void **) &names->n, allocated, sizeof (int64_t)))
            {
              rc = SQLITE_NOMEM;
              break;
            }
        }
      names->ids[names->count] = sqlite3_column_int64 (stmt, 0);
      names->a[names->count] = column_strdup (stmt, 1);
      names->b[names->count] = column_strdup (stmt, 2);
      names->n[names->count] = sqlite3_column_int64 (stmt, 3);
      names->count++;
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? 0 : -1;
}

static size_t
names_find (const Names *names, int64_t id)
{
  for (size_t i = 0; i < names->count; i++)
    if (names->ids[i] == id)
      return i;
  return SIZE_MAX;
}

/* A row with its kind's sort_order, for sorting. */
typedef struct {
  int64_t order;
  MlsStatsRow row;
} Sorted;

static int
compare_rows (const void *a, const void *b)
{
  const Sorted *sx = a, *sy = b;
  const MlsStatsRow *x = &sx->row, *y = &sy->row;

  if (sx->order != sy->order)
    return sx->order < sy->order ? -1 : 1;
  if ((x->model == NULL) != (y->model == NULL))
    return x->model == NULL ? 1 : -1;
  if (x->model && strcmp (x->model, y->model) != 0)
    return strcmp (x->model, y->model);
  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  return x->part < y->part ? -1 : x->part > y->part;
}

/* The label of a kind's row or of a part of it, as mlrt-report words
 * the parts of a load. */
static char *
row_label (const char *kind, MlsStatsPart part)
{
  static const char *const parts[] = { "", ", cached", ", uncached" };
  size_t len;
  char *label;

  if (kind == NULL)
    return NULL;
  len = strlen (kind) + strlen (parts[part]) + 1;
  if ((label = malloc (len)) != NULL)
    snprintf (label, len, "%s%s", kind, parts[part]);
  return label;
}

static void
name_row (const MlsStatsRaw *r, const Names *kinds, const Names *models,
          const Names *procs, MlsStatsRow *row)
{
  size_t k = names_find (kinds, r->kind);
  size_t m = r->model > 0 ? names_find (models, r->model) : SIZE_MAX;
  size_t p = r->pid ? names_find (procs, r->pid) : SIZE_MAX;

  *row = (MlsStatsRow) {
    .kind_id = r->kind,
    .part = r->part,
    .lane = k != SIZE_MAX && kinds->a[k] ? strdup (kinds->a[k]) : NULL,
    .label = row_label (k != SIZE_MAX ? kinds->b[k] : NULL, r->part),
    .model_id = r->model > 0 ? r->model : 0,
    .model = m != SIZE_MAX && models->a[m] ? strdup (models->a[m]) : NULL,
    .pid = r->pid,
    .process = p != SIZE_MAX && procs->a[p] ? strdup (procs->a[p]) : NULL,
    .count = r->f.count,
    .incomplete = r->f.incomplete,
    .total_ns = r->f.total_ns,
    .avg_ns = r->f.avg_ns,
    .min_ns = r->f.min_ns,
    .median_ns = r->f.median_ns,
    .max_ns = r->f.max_ns,
    .stddev_ns = r->f.stddev_ns,
  };
}

/* Each row's total over its lane's (the parts of rows are in them). */
static void
set_shares (MlsStatsRow *rows, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      int64_t lane_total = 0;

      for (size_t j = 0; j < n; j++)
        if (rows[i].lane && rows[j].lane && rows[j].part == MLS_PART_ALL
            && strcmp (rows[i].lane, rows[j].lane) == 0)
          lane_total += rows[j].total_ns;
      rows[i].share = lane_total ? (double) rows[i].total_ns / lane_total
                                 : 0;
    }
}

int
mls_stats_name_rows (MlsStore *store, const MlsStatsRaw *raw, size_t n,
                     MlsStatsRow **rows)
{
  Names kinds, models, procs;
  MlsStatsRow *list = calloc (n ? n : 1, sizeof *list);
  Sorted *sorted = calloc (n ? n : 1, sizeof *sorted);
  int rc = list && sorted ? 0 : -1;

  rc = rc || names_load (store, "SELECT id, lane, label, sort_order"
                         " FROM span_kind", &kinds);
  rc = rc || names_load (store, "SELECT id, name, NULL, NULL FROM model",
                         &models);
  rc = rc || names_load (store, "SELECT pid, name, NULL, NULL FROM process",
                         &procs);
  if (rc == 0)
    {
      for (size_t i = 0; i < n; i++)
        name_row (&raw[i], &kinds, &models, &procs, &list[i]);
      set_shares (list, n);
      for (size_t i = 0; i < n; i++)
        {
          size_t k = names_find (&kinds, list[i].kind_id);

          sorted[i] = (Sorted) { k == SIZE_MAX ? 0 : kinds.n[k], list[i] };
        }
      qsort (sorted, n, sizeof *sorted, compare_rows);
      for (size_t i = 0; i < n; i++)
        list[i] = sorted[i].row;
      *rows = list;
    }
  else
    free (list);
  free (sorted);
  names_free (&kinds);
  names_free (&models);
  names_free (&procs);
  return rc;
}

void
mls_stats_rows_free (MlsStatsRow *rows, size_t n_rows)
{
  for (size_t i = 0; i < n_rows; i++)
    {
      free (rows[i].lane);
      free (rows[i].label);
      free (rows[i].model);
      free (rows[i].process);
    }
  free (rows);
}

/* The pids a query of one text parameter gives, in its order. */
static int
find_pids (MlsStore *store, const char *sql, const char *name,
           int64_t **pids, size_t *n_pids, MlsError *error)
{
  sqlite3_stmt *stmt = NULL;
  int64_t *list = NULL;
  size_t n = 0;
  int rc;

  *pids = NULL;
  *n_pids = 0;
  if (sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot read processes");
      return -1;
    }
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int64_t *bigger = realloc (list, (n + 1) * sizeof *list);
      if (bigger == NULL)
        {
          rc = SQLITE_NOMEM;
          break;
        }
      list = bigger;
      list[n++] = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      free (list);
      mls_error_set (error, "%s: cannot read processes", store->path);
      return -1;
    }
  *pids = list;
  *n_pids = n;
  return 0;
}

int
mls_store_find_processes (MlsStore *store, const char *name, int64_t **pids,
                          size_t *n_pids, MlsError *error)
{
  return find_pids (store, "SELECT pid FROM process WHERE name = ?1"
                    " ORDER BY pid", name, pids, n_pids, error);
}

int
mls_store_find_host_processes (MlsStore *store, const char *name,
                               int64_t **pids, size_t *n_pids,
                               MlsError *error)
{
  return find_pids (store, "SELECT p.pid FROM process p JOIN host h"
                    " ON h.id = p.host_id WHERE h.name = ?1 ORDER BY p.pid",
                    name, pids, n_pids, error);
}

int
mls_store_list_hosts (MlsStore *store, char ***names, size_t *n,
                      MlsError *error)
{
  sqlite3_stmt *stmt = NULL;
  char **list = NULL;
  int rc;

  *names = NULL;
  *n = 0;
  if (sqlite3_prepare_v2 (store->db, "SELECT name FROM host ORDER BY id", -1,
                          &stmt, NULL) != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot read hosts");
      return -1;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char **bigger = realloc (list, (*n + 1) * sizeof *list);
      char *name = strdup ((const char *) sqlite3_column_text (stmt, 0));

      if (bigger == NULL || name == NULL)
        {
          free (name);
          if (bigger)
            list = bigger;
          rc = SQLITE_NOMEM;
          break;
        }
      list = bigger;
      list[(*n)++] = name;
    }
  sqlite3_finalize (stmt);
  *names = list;
  if (rc != SQLITE_DONE)
    {
      mls_error_set (error, "%s: cannot read hosts", store->path);
      return -1;
    }
  return 0;
}
