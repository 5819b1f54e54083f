/*
 * mls-compare.c: two recordings' aggregation tables joined by name (span
 * kind label, model name, process name), each joined row's durations
 * ranked against each other (mls-rank-test.c) straight from the two
 * databases (mls-store-durations.c).
 *
 * The rows come from mls_store_query_stats(), so count, incomplete and
 * total are the figures `mlscope stats` prints; by process they are summed
 * over the processes of one name. The durations streams must give exactly
 * those counts: anything else means the file's statistics and spans
 * disagree, and the comparison says so instead of printing figures that
 * mix the two.
 */
#include <stdlib.h>
#include <string.h>

#include "mls-compare.h"
#include "mls-store-durations.h"
#include "mls-store-private.h"

/* What one recording holds of a row. */
typedef struct {
  int kind_id;
  MlsStatsPart part;
  int64_t model_id;
  int64_t *pids;            /* by process: the processes of the name */
  size_t n_pids;
} Source;

typedef struct {
  MlsCompareRow row;
  Source source[2];         /* before, after */
} Entry;

typedef struct {
  Entry *entries;
  size_t n, allocated;
  const MlsCompareQuery *query;
} Table;

static const char *const verdict_names[] = {
  [MLS_VERDICT_SLOWER] = "slower", [MLS_VERDICT_FASTER] = "faster",
  [MLS_VERDICT_SAME] = "same", [MLS_VERDICT_TOO_FEW] = "too few",
  [MLS_VERDICT_APPEARED] = "appeared",
  [MLS_VERDICT_DISAPPEARED] = "disappeared",
};

const char *
mls_verdict_name (MlsVerdict verdict)
{
  return verdict_names[verdict];
}

MlsVerdict
mls_compare_verdict (const MlsCompareRow *row, double alpha)
{
  if (row->before.count + row->before.incomplete == 0)
    return MLS_VERDICT_APPEARED;
  if (row->after.count + row->after.incomplete == 0)
    return MLS_VERDICT_DISAPPEARED;
  if (row->test.min_p > alpha)
    return MLS_VERDICT_TOO_FEW;
  if (row->test.p > alpha || row->test.direction == 0)
    return MLS_VERDICT_SAME;
  return row->test.direction > 0 ? MLS_VERDICT_SLOWER : MLS_VERDICT_FASTER;
}

static int
same_name (const char *a, const char *b)
{
  return a == b || (a && b && strcmp (a, b) == 0);
}

static Entry *
find_entry (Table *t, const MlsStatsRow *s)
{
  for (size_t i = 0; i < t->n; i++)
    {
      MlsCompareRow *r = &t->entries[i].row;
      if (strcmp (r->label, s->label) == 0
          && (!t->query->by_model || same_name (r->model, s->model))
          && (!t->query->by_process || same_name (r->process, s->process)))
        return &t->entries[i];
    }
  return NULL;
}

static char *
dup_or_null (const char *text)
{
  return text ? strdup (text) : NULL;
}

static Entry *
add_entry (Table *t, const MlsStatsRow *s)
{
  Entry *e;

  if (t->n == t->allocated)
    {
      size_t allocated = t->allocated ? 2 * t->allocated : 32;
      Entry *bigger = realloc (t->entries, allocated * sizeof *bigger);
      if (bigger == NULL)
        return NULL;
      t->entries = bigger;
      t->allocated = allocated;
    }
  e = &t->entries[t->n++];
  memset (e, 0, sizeof *e);
  e->row.kind_id = s->kind_id;
  e->row.part = s->part;
  e->row.lane = dup_or_null (s->lane);
  e->row.label = dup_or_null (s->label);
  if (t->query->by_model)
    e->row.model = dup_or_null (s->model);
  if (t->query->by_process)
    e->row.process = dup_or_null (s->process);
  return e;
}

/* Adds one recording's stats row to its entry (by process, rows of one
 * name add up). */
static int
add_stats_row (Table *t, int which, const MlsStatsRow *s)
{
  Entry *e = find_entry (t, s);
  MlsCompareSide *side;
  Source *source;

  if (e == NULL && (e = add_entry (t, s)) == NULL)
    return -1;
  side = which ? &e->row.after : &e->row.before;
  source = &e->source[which];
  side->count += s->count;
  side->incomplete += s->incomplete;
  side->total_ns += s->total_ns;
  source->kind_id = s->kind_id;
  source->part = s->part;
  source->model_id = s->model_id;
  if (t->query->by_process)
    {
      int64_t *pids = realloc (source->pids,
                               (source->n_pids + 1) * sizeof *pids);
      if (pids == NULL)
        return -1;
      source->pids = pids;
      source->pids[source->n_pids++] = s->pid;
    }
  return 0;
}

static int
add_recording (Table *t, int which, MlsStore *store, MlsError *error)
{
  MlsStatsQuery query = { .by_model = t->query->by_model,
                          .by_process = t->query->by_process };
  MlsStatsRow *rows = NULL;
  size_t n_rows = 0;
  int rc = 0;

  if (mls_store_query_stats (store, &query, &rows, &n_rows, error) != 0)
    return -1;
  for (size_t i = 0; i < n_rows && rc == 0; i++)
    rc = add_stats_row (t, which, &rows[i]);
  mls_stats_rows_free (rows, n_rows);
  if (rc != 0)
    mls_error_set (error, "%s: out of memory", mls_store_path (store));
  return rc;
}

typedef struct {
  MlsDurations *durations;
  MlsError *error;
} Stream;

static int
stream_next (void *data, int64_t *dur_ns)
{
  Stream *s = data;
  return mls_durations_next (s->durations, dur_ns, s->error);
}

static int
open_stream (MlsStore *store, const Table *t, const Entry *e, int which,
             Stream *stream, MlsError *error)
{
  const Source *source = &e->source[which];
  MlsDurationsQuery query = {
    .kind_id = source->kind_id, .part = source->part,
    .by_model = t->query->by_model,
    .model_id = source->model_id, .pids = source->pids,
    .n_pids = source->n_pids,
  };
  const MlsCompareSide *side = which ? &e->row.after : &e->row.before;

  stream->error = error;
  stream->durations = NULL;
  if (side->count == 0)
    return 0;
  stream->durations = mls_store_durations_open (store, &query, error);
  return stream->durations ? 0 : -1;
}

static void
copy_figures (MlsCompareSide *side, const MlsSampleFigures *f)
{
  side->median_ns = f->median_ns;
  side->p90_ns = f->p90_ns;
}

static int
test_entry (const Table *t, MlsStore *const stores[2], Entry *e,
            MlsError *error)
{
  Stream streams[2] = { { 0 } };
  int rc = 0;

  for (int i = 0; i < 2 && rc == 0; i++)
    rc = open_stream (stores[i], t, e, i, &streams[i], error);
  if (rc == 0)
    rc = mls_rank_test (stream_next, streams[0].durations ? &streams[0] : NULL,
                        e->row.before.count,
                        streams[1].durations ? &streams[1] : NULL,
                        e->row.after.count, &e->row.test);
  if (rc == -2)
    mls_error_set (error, "%s, %s: the spans of '%s' do not match the "
                   "recordings' statistics (span_kind_stats): a file is "
                   "damaged", mls_store_path (stores[0]),
                   mls_store_path (stores[1]), e->row.label);
  copy_figures (&e->row.before, &e->row.test.a);
  copy_figures (&e->row.after, &e->row.test.b);
  for (int i = 0; i < 2; i++)
    mls_durations_close (streams[i].durations);
  return rc ? -1 : 0;
}

/* Names sort before NULL (spans without a model, unnamed processes). */
static int
compare_names (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return (a == NULL) - (b == NULL);
  return strcmp (a, b);
}

/* Catalogue order: kind ids ascend with span_kind.sort_order; a kind's
 * parts follow its row. */
static int
compare_entries (const void *pa, const void *pb)
{
  const MlsCompareRow *a = &((const Entry *) pa)->row;
  const MlsCompareRow *b = &((const Entry *) pb)->row;
  int c = (a->kind_id > b->kind_id) - (a->kind_id < b->kind_id);

  if (c == 0)
    c = compare_names (a->model, b->model);
  if (c == 0)
    c = compare_names (a->process, b->process);
  return c ? c : (a->part > b->part) - (a->part < b->part);
}

static void
free_sources (Table *t)
{
  for (size_t i = 0; i < t->n; i++)
    for (int j = 0; j < 2; j++)
      free (t->entries[i].source[j].pids);
}

static void
free_row_names (MlsCompareRow *row)
{
  free (row->lane);
  free (row->label);
  free (row->model);
  free (row->process);
}

int
mls_compare (MlsStore *before, MlsStore *after, const MlsCompareQuery *query,
             MlsCompareRow **rows, size_t *n_rows, MlsError *error)
{
  MlsStore *const stores[2] = { before, after };
  Table t = { .query = query };
  int rc = 0;

  *rows = NULL;
  *n_rows = 0;
  for (int i = 0; i < 2 && rc == 0; i++)
    rc = add_recording (&t, i, stores[i], error);
  if (rc == 0)
    qsort (t.entries, t.n, sizeof *t.entries, compare_entries);
  for (size_t i = 0; i < t.n && rc == 0; i++)
    rc = test_entry (&t, stores, &t.entries[i], error);
  free_sources (&t);
  if (rc == 0 && t.n > 0 && (*rows = malloc (t.n * sizeof **rows)) == NULL)
    {
      mls_error_set (error, "%s: out of memory", mls_store_path (after));
      rc = -1;
    }
  for (size_t i = 0; i < t.n; i++)
    {
      if (rc == 0)
        (*rows)[i] = t.entries[i].row;
      else
        free_row_names (&t.entries[i].row);
    }
  free (t.entries);
  if (rc != 0)
    return -1;
  *n_rows = t.n;
  return 0;
}

void
mls_compare_rows_free (MlsCompareRow *rows, size_t n_rows)
{
  for (size_t i = 0; i < n_rows; i++)
    free_row_names (&rows[i]);
  free (rows);
}
