/*
 * mls-store-stats-build.c: span_kind_stats, built when a database is
 * finished: one row per span kind (model_id NULL) and one per kind and
 * model, each for all processes (pid NULL) and per process, with the
 * definitions of mls-store-stats.c (which computes the same figures, with
 * this file's code, for a time range).
 *
 * Nothing is read back from SQLite: the store holds every span until
 * finish, grouped in runs of one thread, kind and model. Each median is
 * found by selection (quickselect, linear time) instead of sorting. Every
 * set of spans gives a row for all its processes and one per process:
 * spans are placed by process with a counting sort, so each is visited a
 * fixed number of times however many processes there are.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

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

void
mls_figures_compute (int64_t *d, size_t n, int64_t incomplete,
                     int64_t max_dur_ns, MlsFigures *f)
{
  double sq = 0;

  *f = (MlsFigures) { .count = (int64_t) n, .incomplete = incomplete,
                      .max_dur_ns = max_dur_ns };
  if (n == 0)
    return;
  f->min_ns = f->max_ns = d[0];
  for (size_t i = 0; i < n; i++)
    {
      f->total_ns += d[i];
      if (d[i] < f->min_ns)
        f->min_ns = d[i];
      if (d[i] > f->max_ns)
        f->max_ns = d[i];
    }
  f->avg_ns = (double) f->total_ns / (double) n;
  for (size_t i = 0; i < n; i++)
    sq += ((double) d[i] - f->avg_ns) * ((double) d[i] - f->avg_ns);
  f->stddev_ns = sqrt (sq / (double) n);
  f->median_ns = median (d, n);
}

/* One row's spans: the complete ones' durations (d, n), how many were cut
 * off, and the longest of all. */
typedef struct {
  int64_t *d;
  size_t n;
  int64_t cut;
  int64_t max_dur_ns;
} RowSpans;

static int
insert_row (sqlite3_stmt *insert, int kind_id, int64_t model_id, int64_t pid,
            RowSpans *r)
{
  MlsFigures f;
  int rc;

  if (r->n == 0 && r->cut == 0)
    return 0;
  mls_figures_compute (r->d, r->n, r->cut, r->max_dur_ns, &f);
  sqlite3_clear_bindings (insert);
  sqlite3_bind_int (insert, 1, kind_id);
  if (model_id)
    sqlite3_bind_int64 (insert, 2, model_id);
  if (pid >= 0)
    sqlite3_bind_int64 (insert, 3, pid);
  sqlite3_bind_int64 (insert, 4, f.count);
  sqlite3_bind_int64 (insert, 5, f.incomplete);
  sqlite3_bind_int64 (insert, 6, f.total_ns);
  if (f.count > 0)
    {
      sqlite3_bind_double (insert, 7, f.avg_ns);
      sqlite3_bind_int64 (insert, 8, f.min_ns);
      sqlite3_bind_int64 (insert, 9, f.median_ns);
      sqlite3_bind_int64 (insert, 10, f.max_ns);
      sqlite3_bind_double (insert, 11, f.stddev_ns);
    }
  sqlite3_bind_int64 (insert, 12, f.max_dur_ns);
  rc = sqlite3_step (insert);
  sqlite3_reset (insert);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* The spans of some runs (one kind; one model, or all of the kind's),
 * gathered once for all processes and once per process: the complete ones'
 * durations into d, counted by process, then placed by process. */
typedef struct {
  MlsWrite *w;
  sqlite3_stmt *insert;
  int64_t *d;               /* scratch: every complete duration */
  int64_t *by_proc;         /* scratch: the same, grouped by process */
  RowSpans *per_proc;
  const MlsRun **runs;      /* scratch: the runs of a set */
} StatsBuild;

static int
write_set (StatsBuild *b, int kind_id, int64_t model_id,
           const MlsRun *const *runs, size_t n_runs)
{
  MlsWrite *w = b->w;
  size_t n_procs = w->procs.n;
  RowSpans all = { b->d, 0, 0, 0 };
  size_t at = 0;
  int rc;

  memset (b->per_proc, 0, n_procs * sizeof *b->per_proc);
  for (size_t r = 0; r < n_runs; r++)
    {
      RowSpans *p = &b->per_proc[w->thread_proc[runs[r]->thread]];

      for (size_t i = 0; i < runs[r]->n; i++)
        {
          const MlsSpanRec *s = &runs[r]->spans[i];

          if (s->dur_ns > all.max_dur_ns)
            all.max_dur_ns = s->dur_ns;
          if (s->dur_ns > p->max_dur_ns)
            p->max_dur_ns = s->dur_ns;
          if (s->cut != MLS_CUT_NONE)
            {
              all.cut++;
              p->cut++;
              continue;
            }
          all.d[all.n++] = s->dur_ns;
          p->n++;
        }
    }
  for (size_t p = 0; p < n_procs; p++)
    {
      b->per_proc[p].d = b->by_proc + at;
      at += b->per_proc[p].n;
      b->per_proc[p].n = 0;
    }
  for (size_t r = 0; r < n_runs; r++)
    {
      RowSpans *p = &b->per_proc[w->thread_proc[runs[r]->thread]];

      for (size_t i = 0; i < runs[r]->n; i++)
        {
          const MlsSpanRec *s = &runs[r]->spans[i];

          if (s->cut == MLS_CUT_NONE)
            p->d[p->n++] = s->dur_ns;
        }
    }
  rc = insert_row (b->insert, kind_id, model_id, -1, &all);
  for (size_t p = 0; p < n_procs && rc == 0; p++)
    rc = insert_row (b->insert, kind_id, model_id, w->procs.keys[p].a,
                     &b->per_proc[p]);
  return rc;
}

static int
compare_model (const void *a, const void *b)
{
  const MlsRun *x = *(const MlsRun *const *) a;
  const MlsRun *y = *(const MlsRun *const *) b;

  return x->model < y->model ? -1 : x->model > y->model;
}

/* Per kind and model first (models only: span_kind_stats cannot hold
 * "no model" apart from "all models"), then per kind over all models;
 * each for all processes and per process. */
static int
write_rows (StatsBuild *b)
{
  MlsWrite *w = b->w;
  int rc = 0;

  for (int kind = 1; kind < MLS_MAX_KIND_ID && rc == 0; kind++)
    {
      size_t n = 0;

      for (size_t r = 0; r < w->n_runs; r++)
        if (w->runs[r].kind == kind)
          b->runs[n++] = &w->runs[r];
      qsort (b->runs, n, sizeof *b->runs, compare_model);
      for (size_t i = 0, j; i < n && rc == 0; i = j)
        {
          for (j = i; j < n && b->runs[j]->model == b->runs[i]->model; j++)
            ;
          if (b->runs[i]->model)
            rc = write_set (b, kind, b->runs[i]->model, b->runs + i, j - i);
        }
      if (n > 0 && rc == 0)
        rc = write_set (b, kind, 0, b->runs, n);
    }
  return rc;
}

int
mls_write_stats (MlsWrite *w, MlsError *error)
{
  StatsBuild b = { w, NULL, NULL, NULL, NULL, NULL };
  size_t n = w->store->n_spans ? w->store->n_spans : 1;
  size_t procs = w->procs.n ? w->procs.n : 1;
  int rc = -1;

  b.d = malloc (n * sizeof *b.d);
  b.by_proc = malloc (n * sizeof *b.by_proc);
  b.per_proc = malloc (procs * sizeof *b.per_proc);
  b.runs = malloc ((w->n_runs + 1) * sizeof *b.runs);
  if (b.d && b.by_proc && b.per_proc && b.runs
      && sqlite3_prepare_v2 (w->store->db, "INSERT INTO span_kind_stats"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                             " ?10, ?11, ?12)", -1, &b.insert, NULL)
         == SQLITE_OK)
    rc = write_rows (&b);
  if (rc != 0)
    mls_error_sqlite (w->store, error, "cannot compute span_kind_stats");
  sqlite3_finalize (b.insert);
  free (b.d);
  free (b.by_proc);
  free (b.per_proc);
  free (b.runs);
  return rc;
}
