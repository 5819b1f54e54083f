/*
 * mls-store-stats-build.c: the spans' times gathered per kind and model
 * while a database is filled, and span_kind_stats built from them when it
 * is finished: one row per span kind (model_id NULL) and one per kind and
 * model, each for all processes (pid NULL) and per process, with the
 * definitions of mls-store-stats.c (which computes the same
 * numbers in SQL for a time range, and whose results the tests compare).
 *
 * Nothing is read back from SQLite: the writer already holds every span's
 * kind, model, start and duration, and reading 500k rows back cost more
 * than computing from memory. Each median is found by selection
 * (quickselect, linear time) instead of sorting. Memory: 24 bytes a span
 * while writing (span_summary uses the start times too). Every set of
 * spans gives a row for all its processes and one per process: spans are
 * placed by process with a counting sort, so each is visited a fixed
 * number of times however many processes there are.
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
mls_store_group_add (MlsStore *store, const MlsSpan *span)
{
  MlsSpanGroup *group = find_group (store, span->kind_id, span->model_id);
  int64_t proc = mls_pair_index (&store->procs, span->pid, 0);
  int64_t thread = mls_pair_index (&store->threads, span->pid, span->tid);

  if (group == NULL || proc < 0 || thread < 0 || thread >= (1 << 24))
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
  group->spans[group->n++] = (MlsSpanTime) {
    span->start_ns, span->end_ns - span->start_ns, (uint32_t) proc,
    !span->complete, (uint32_t) thread,
    (uint32_t) (span->depth < 0 ? 0 : span->depth > MLS_MAX_TRACKED_DEPTH
                ? MLS_MAX_TRACKED_DEPTH : span->depth) };
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
  mls_pair_index_clear (&store->procs);
  mls_pair_index_clear (&store->threads);
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

/* One row's figures: the complete spans' durations (d, n), how many were
 * cut off, and the longest span of all. */
typedef struct {
  int64_t *d;
  size_t n;
  int64_t cut;
  int64_t max_dur_ns;
} RowSpans;

static void
bind_figures (sqlite3_stmt *insert, RowSpans *r)
{
  int64_t total = 0, min = r->d[0], max = r->d[0];
  double mean, sq = 0;

  for (size_t i = 0; i < r->n; i++)
    {
      total += r->d[i];
      if (r->d[i] < min)
        min = r->d[i];
      if (r->d[i] > max)
        max = r->d[i];
    }
  mean = (double) total / (double) r->n;
  for (size_t i = 0; i < r->n; i++)
    sq += ((double) r->d[i] - mean) * ((double) r->d[i] - mean);
  sqlite3_bind_int64 (insert, 6, total);
  sqlite3_bind_double (insert, 7, mean);
  sqlite3_bind_int64 (insert, 8, min);
  sqlite3_bind_int64 (insert, 9, median (r->d, r->n));
  sqlite3_bind_int64 (insert, 10, max);
  sqlite3_bind_double (insert, 11, sqrt (sq / (double) r->n));
}

static int
insert_row (sqlite3_stmt *insert, int kind_id, int64_t model_id, int64_t pid,
            RowSpans *r)
{
  if (r->n == 0 && r->cut == 0)
    return 0;
  sqlite3_clear_bindings (insert);
  sqlite3_bind_int (insert, 1, kind_id);
  if (model_id)
    sqlite3_bind_int64 (insert, 2, model_id);
  if (pid >= 0)
    sqlite3_bind_int64 (insert, 3, pid);
  sqlite3_bind_int64 (insert, 4, (int64_t) r->n);
  sqlite3_bind_int64 (insert, 5, r->cut);
  sqlite3_bind_int64 (insert, 6, 0);
  if (r->n > 0)
    bind_figures (insert, r);
  sqlite3_bind_int64 (insert, 12, r->max_dur_ns);
  int rc = sqlite3_step (insert);
  sqlite3_reset (insert);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* The spans of `groups` (one kind; one model, or all of the kind's),
 * gathered once for all processes and once per process: the complete ones'
 * durations into d, counted by process, then placed by process. */
typedef struct {
  MlsStore *store;
  sqlite3_stmt *insert;
  int64_t *d;               /* scratch: every complete duration */
  int64_t *by_proc;         /* scratch: the same, grouped by process */
  size_t *offset;           /* per process: where its durations start */
  RowSpans *per_proc;
} StatsBuild;

static int
write_set (StatsBuild *b, int kind_id, int64_t model_id,
           const MlsSpanGroup *const *groups, size_t n_groups)
{
  MlsStore *store = b->store;
  RowSpans all = { b->d, 0, 0, 0 };
  size_t at = 0;
  int rc = 0;

  memset (b->per_proc, 0, store->procs.n * sizeof *b->per_proc);
  for (size_t g = 0; g < n_groups; g++)
    for (size_t i = 0; i < groups[g]->n; i++)
      {
        const MlsSpanTime *t = &groups[g]->spans[i];
        RowSpans *p = &b->per_proc[t->proc];

        if (t->dur_ns > all.max_dur_ns)
          all.max_dur_ns = t->dur_ns;
        if (t->dur_ns > p->max_dur_ns)
          p->max_dur_ns = t->dur_ns;
        if (t->cut)
          {
            all.cut++;
            p->cut++;
            continue;
          }
        all.d[all.n++] = t->dur_ns;
        p->n++;
      }
  for (size_t p = 0; p < store->procs.n; p++)
    {
      b->offset[p] = at;
      b->per_proc[p].d = b->by_proc + at;
      at += b->per_proc[p].n;
      b->per_proc[p].n = 0;
    }
  for (size_t g = 0; g < n_groups; g++)
    for (size_t i = 0; i < groups[g]->n; i++)
      {
        const MlsSpanTime *t = &groups[g]->spans[i];
        RowSpans *p = &b->per_proc[t->proc];

        if (!t->cut)
          p->d[p->n++] = t->dur_ns;
      }
  rc = insert_row (b->insert, kind_id, model_id, -1, &all);
  for (size_t p = 0; p < store->procs.n && rc == 0; p++)
    rc = insert_row (b->insert, kind_id, model_id, store->procs.keys[p].a,
                     &b->per_proc[p]);
  return rc;
}

/* Per kind and model first (models only: span_kind_stats cannot hold
 * "no model" apart from "all models"), then per kind over all models;
 * each for all processes and per process. */
static int
write_rows (StatsBuild *b)
{
  MlsStore *store = b->store;
  const MlsSpanGroup **kind_groups;
  int rc = 0;

  kind_groups = malloc ((store->n_groups ? store->n_groups : 1)
                        * sizeof *kind_groups);
  if (kind_groups == NULL)
    return -1;
  for (size_t i = 0; i < store->n_groups && rc == 0; i++)
    if (store->groups[i].model_id && store->groups[i].n > 0)
      {
        const MlsSpanGroup *g = &store->groups[i];
        rc = write_set (b, g->kind_id, g->model_id, &g, 1);
      }
  for (int kind = 1; kind < MLS_MAX_KIND_ID && rc == 0; kind++)
    {
      size_t n = 0;
      for (size_t i = 0; i < store->n_groups; i++)
        if (store->groups[i].kind_id == kind)
          kind_groups[n++] = &store->groups[i];
      if (n > 0)
        rc = write_set (b, kind, 0, kind_groups, n);
    }
  free (kind_groups);
  return rc;
}

int
mls_store_build_stats (MlsStore *store, MlsError *error)
{
  StatsBuild b = { store, NULL, NULL, NULL, NULL, NULL };
  size_t total = 0, procs = store->procs.n ? store->procs.n : 1;
  int rc = -1;

  for (size_t i = 0; i < store->n_groups; i++)
    total += store->groups[i].n;
  b.d = malloc ((total ? total : 1) * sizeof *b.d);
  b.by_proc = malloc ((total ? total : 1) * sizeof *b.by_proc);
  b.offset = malloc (procs * sizeof *b.offset);
  b.per_proc = malloc (procs * sizeof *b.per_proc);
  if (b.d && b.by_proc && b.offset && b.per_proc
      && sqlite3_prepare_v2 (store->db, "INSERT INTO span_kind_stats VALUES"
                             " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                             " ?12)", -1, &b.insert, NULL) == SQLITE_OK)
    rc = write_rows (&b);
  if (rc != 0)
    mls_error_sqlite (store, error, "cannot compute span_kind_stats");
  sqlite3_finalize (b.insert);
  free (b.d);
  free (b.by_proc);
  free (b.offset);
  free (b.per_proc);
  return rc;
}
