/*
 * mls-store-order.c: the spans a store was given, put in the file's order
 * and written: by process, thread, kind, model, length class and start
 * time, so each run (schema.sql's span_run) is a range of consecutive ids
 * and the span table needs no index. Every span was placed in its run as
 * it was added, so ordering them is a counting sort by run plus a check
 * that each run is in start order (spans end nearly in the order they
 * begin; a run that is not is sorted on its own).
 *
 * Rows reach SQLite in id order (the spans' through mls-store-rows.c, the
 * runs' and blocks' many to a statement): it appends to each table's
 * B-tree, page after page, instead of searching it for each row.
 */
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

/* Spans per row of span_block, and rows per INSERT statement of
 * span_run and span_block. */
#define BLOCK 16
#define BATCH 32

int
mls_dur_class (int64_t dur_ns)
{
  int c = 0;

  while (c < MLS_MAX_CLASS && dur_ns >= (INT64_C (1000) << (2 * c)))
    c++;
  return c;
}

static MlsPair
run_key (const MlsStore *store, size_t run)
{
  return store->run_keys.keys[run];
}

/* Runs in the file's order: process, thread, kind, model, class. */
static const MlsStore *sort_store;

static int
compare_runs (const void *a, const void *b)
{
  MlsPair x = run_key (sort_store, *(const uint32_t *) a);
  MlsPair y = run_key (sort_store, *(const uint32_t *) b);
  MlsPair tx = sort_store->threads.keys[x.a >> 8];
  MlsPair ty = sort_store->threads.keys[y.a >> 8];

  if (tx.a != ty.a)
    return tx.a < ty.a ? -1 : 1;
  if (tx.b != ty.b)
    return tx.b < ty.b ? -1 : 1;
  if ((x.a & 0xff) != (y.a & 0xff))
    return (x.a & 0xff) < (y.a & 0xff) ? -1 : 1;
  return x.b < y.b ? -1 : x.b > y.b;
}

static int
compare_start (const void *a, const void *b)
{
  const MlsSpanRec *x = a, *y = b;

  return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* A run's spans by start: already, mostly (spans end nearly in the order
 * they begin). */
static void
sort_run (MlsRun *run)
{
  for (size_t i = 1; i < run->n; i++)
    if (run->spans[i].start_ns < run->spans[i - 1].start_ns)
      {
        qsort (run->spans, run->n, sizeof *run->spans, compare_start);
        return;
      }
}

/* The runs in the file's order, each's spans by start, and where each run
 * begins in it. */
static int
order_runs (MlsWrite *w)
{
  MlsStore *store = w->store;
  size_t n_runs = store->run_keys.n, pos = 0;
  uint32_t *by_key = malloc ((n_runs ? n_runs : 1) * sizeof *by_key);

  if (by_key == NULL)
    return -1;
  for (size_t r = 0; r < n_runs; r++)
    by_key[r] = (uint32_t) r;
  sort_store = store;
  qsort (by_key, n_runs, sizeof *by_key, compare_runs);
  for (size_t o = 0; o < n_runs; o++)
    {
      MlsPair key = run_key (store, by_key[o]);
      MlsRunSpans *spans = &store->run_spans[by_key[o]];
      MlsRun *run = &w->runs[o];

      *run = (MlsRun) {
        .spans = spans->spans, .n = spans->n,
        .thread = (uint32_t) (key.a >> 8), .model = (uint32_t) (key.b >> 8),
        .kind = (uint8_t) (key.a & 0xff), .dur_class = (uint8_t) (key.b
                                                                  & 0xff),
        .first = pos, .first_id = (int64_t) pos + 1,
      };
      pos += run->n;
      sort_run (run);
      for (size_t i = 0; i < run->n; i++)
        {
          const MlsSpanRec *s = &run->spans[i];

          if (s->dur_ns > run->max_dur_ns)
            run->max_dur_ns = s->dur_ns;
          if (i == 0 || s->start_ns + s->dur_ns > run->max_end_ns)
            run->max_end_ns = s->start_ns + s->dur_ns;
        }
    }
  w->n_runs = n_runs;
  free (by_key);
  return 0;
}

typedef struct {
  int64_t id;
  uint32_t pos;
} IdRef;

static int
compare_id (const void *a, const void *b)
{
  const IdRef *x = a, *y = b;

  return x->id < y->id ? -1 : x->id > y->id;
}

static int
duplicate_id (MlsWrite *w, int64_t id, MlsError *error)
{
  mls_error_set (error, "%s: cannot add a span: two spans have the id %lld",
                 w->store->path, (long long) id);
  return -2;
}

/* Dense ids (the collector's, numbered from 1 as spans begin): an array
 * indexed by them holds each span's id in the file. */
static int
map_dense (MlsWrite *w, int64_t min_id, int64_t max_id, MlsError *error)
{
  uint32_t *file_id = calloc ((size_t) (max_id - min_id + 1),
                              sizeof *file_id);

  if (file_id == NULL)
    return -1;
  for (size_t r = 0; r < w->n_runs; r++)
    for (size_t i = 0; i < w->runs[r].n; i++)
      {
        uint32_t *at = &file_id[w->runs[r].spans[i].id - min_id];

        if (*at)
          {
            int64_t id = w->runs[r].spans[i].id;

            free (file_id);
            return duplicate_id (w, id, error);
          }
        *at = (uint32_t) (w->runs[r].first + i + 1);
      }
  for (size_t r = 0; r < w->n_runs; r++)
    for (size_t i = 0; i < w->runs[r].n; i++)
      {
        MlsSpanRec *s = &w->runs[r].spans[i];
        int64_t p = s->parent;

        s->parent = p >= min_id && p <= max_id ? file_id[p - min_id] : 0;
      }
  free (file_id);
  return 0;
}

/* Any other ids: looked up in a sorted copy. */
static int
map_sparse (MlsWrite *w, MlsError *error)
{
  size_t n = w->store->n_spans, k = 0;
  IdRef *refs = malloc ((n ? n : 1) * sizeof *refs);

  if (refs == NULL)
    return -1;
  for (size_t r = 0; r < w->n_runs; r++)
    for (size_t i = 0; i < w->runs[r].n; i++)
      refs[k++] = (IdRef) { w->runs[r].spans[i].id,
                            (uint32_t) (w->runs[r].first + i) };
  qsort (refs, n, sizeof *refs, compare_id);
  for (size_t i = 1; i < n; i++)
    if (refs[i].id == refs[i - 1].id)
      {
        int64_t id = refs[i].id;

        free (refs);
        return duplicate_id (w, id, error);
      }
  for (size_t r = 0; r < w->n_runs; r++)
    for (size_t i = 0; i < w->runs[r].n; i++)
      {
        MlsSpanRec *s = &w->runs[r].spans[i];
        size_t lo = 0, hi = n;

        if (s->parent == 0)
          continue;
        while (lo < hi)
          {
            size_t mid = lo + (hi - lo) / 2;

            if (refs[mid].id < s->parent)
              lo = mid + 1;
            else
              hi = mid;
          }
        s->parent = lo < n && refs[lo].id == s->parent ? refs[lo].pos + 1 : 0;
      }
  free (refs);
  return 0;
}

/* Each span's parent as its id in the file. A parent never added (its
 * span was dropped by the caller) is none. Two spans may not share an
 * id. */
static int
map_parents (MlsWrite *w, MlsError *error)
{
  int64_t min_id = INT64_MAX, max_id = INT64_MIN;
  size_t n = w->store->n_spans;

  for (size_t r = 0; r < w->n_runs; r++)
    for (size_t i = 0; i < w->runs[r].n; i++)
      {
        int64_t id = w->runs[r].spans[i].id;

        if (id < min_id)
          min_id = id;
        if (id > max_id)
          max_id = id;
      }
  if (n > 0 && max_id - min_id < (int64_t) n * 2 + 1024)
    return map_dense (w, min_id, max_id, error);
  return map_sparse (w, error);
}

static int
top_level (const MlsWrite *w)
{
  const MlsStore *store = w->store;
  int64_t start = 0, end = 0;
  int level = 0;

  mls_store_get_meta_int ((MlsStore *) store, "start_ns", &start);
  mls_store_get_meta_int ((MlsStore *) store, "end_ns", &end);
  while (level < MLS_SUMMARY_MAX_LEVEL
         && (INT64_C (1000) << (2 * level)) < end - start)
    level++;
  /* Every span is counted at the top level, however long. */
  for (size_t r = 0; r < w->n_runs; r++)
    if (w->runs[r].dur_class > level)
      level = w->runs[r].dur_class > MLS_SUMMARY_MAX_LEVEL
              ? MLS_SUMMARY_MAX_LEVEL : w->runs[r].dur_class;
  return level;
}

static int
prepare (MlsWrite *w, MlsStore *store, int number_parents, MlsError *error)
{
  size_t n_runs = store->run_keys.n;
  int rc;

  memset (w, 0, sizeof *w);
  w->store = store;
  w->runs = calloc (n_runs ? n_runs : 1, sizeof *w->runs);
  w->thread_proc = malloc ((store->threads.n ? store->threads.n : 1)
                           * sizeof *w->thread_proc);
  rc = w->runs && w->thread_proc ? 0 : -1;
  for (size_t t = 0; rc == 0 && t < store->threads.n; t++)
    {
      int64_t p = mls_pair_index (&w->procs, store->threads.keys[t].a, 0);

      w->thread_proc[t] = (uint32_t) p;
      rc = p < 0 ? -1 : 0;
    }
  if (rc == 0)
    rc = order_runs (w);
  if (rc == 0 && number_parents)
    rc = map_parents (w, error);
  if (rc == -1)
    mls_error_set (error, "%s: out of memory ordering the spans",
                   store->path);
  if (rc != 0)
    {
      mls_write_clear (w);
      return -1;
    }
  w->top_level = top_level (w);
  return 0;
}

int
mls_write_prepare (MlsWrite *w, MlsStore *store, MlsError *error)
{
  return prepare (w, store, 1, error);
}

int
mls_write_prepare_unnumbered (MlsWrite *w, MlsStore *store, MlsError *error)
{
  return prepare (w, store, 0, error);
}

void
mls_write_clear (MlsWrite *w)
{
  free (w->runs);
  free (w->thread_proc);
  mls_pair_index_clear (&w->procs);
  memset (w, 0, sizeof *w);
}

void
mls_store_spans_free (MlsStore *store)
{
  for (size_t r = 0; r < store->allocated_run_spans; r++)
    free (store->run_spans[r].spans);
  free (store->run_spans);
  store->run_spans = NULL;
  store->allocated_run_spans = store->n_spans = 0;
  mls_bytes_free (&store->args);
  mls_strings_free (store->strings);
  store->strings = NULL;
  mls_pair_index_clear (&store->threads);
  mls_pair_index_clear (&store->run_keys);
}

/* "INSERT INTO table (columns) VALUES (?, ...), ..." with n rows. */
static sqlite3_stmt *
prepare_rows (sqlite3 *db, const char *table, int n_columns, int n_rows)
{
  sqlite3_str *sql = sqlite3_str_new (db);
  sqlite3_stmt *stmt = NULL;
  char *text;

  sqlite3_str_appendf (sql, "INSERT INTO %s VALUES ", table);
  for (int r = 0; r < n_rows; r++)
    {
      sqlite3_str_appendall (sql, r ? ", (" : "(");
      for (int c = 0; c < n_columns; c++)
        sqlite3_str_appendall (sql, c ? ", ?" : "?");
      sqlite3_str_appendall (sql, ")");
    }
  text = sqlite3_str_finish (sql);
  if (text == NULL
      || sqlite3_prepare_v2 (db, text, -1, &stmt, NULL) != SQLITE_OK)
    stmt = NULL;
  sqlite3_free (text);
  return stmt;
}

/* Rows written BATCH to a statement: `bind` binds row `item` from
 * parameter `first`; the last few rows go one at a time. */
typedef void (*BindFunc) (MlsWrite *w, sqlite3_stmt *stmt, int first,
                          size_t item);

typedef struct {
  MlsWrite *w;
  sqlite3_stmt *many, *one;
  int n_columns;
  BindFunc bind;
  size_t items[BATCH];
  int n;
  int failed;
} Rows;

static int
rows_open (Rows *r, MlsWrite *w, const char *table, int n_columns,
           BindFunc bind)
{
  sqlite3 *db = w->store->db;

  *r = (Rows) { w, prepare_rows (db, table, n_columns, BATCH),
                prepare_rows (db, table, n_columns, 1), n_columns, bind };
  return r->many && r->one ? 0 : -1;
}

static void
rows_run (Rows *r, sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    r->failed = 1;
}

static void
rows_add (Rows *r, size_t item)
{
  r->items[r->n++] = item;
  if (r->n < BATCH)
    return;
  for (int i = 0; i < BATCH; i++)
    r->bind (r->w, r->many, 1 + i * r->n_columns, r->items[i]);
  rows_run (r, r->many);
  r->n = 0;
}

/* Writes what is left; 0 when every row was written. */
static int
rows_close (Rows *r)
{
  for (int i = 0; i < r->n && !r->failed; i++)
    {
      r->bind (r->w, r->one, 1, r->items[i]);
      rows_run (r, r->one);
    }
  sqlite3_finalize (r->many);
  sqlite3_finalize (r->one);
  return r->failed || r->many == NULL || r->one == NULL ? -1 : 0;
}

static void
bind_run (MlsWrite *w, sqlite3_stmt *stmt, int p, size_t item)
{
  const MlsRun *run = &w->runs[item];
  const MlsPair *thread = &w->store->threads.keys[run->thread];

  sqlite3_bind_int64 (stmt, p, w->run_base + (int64_t) item + 1);
  sqlite3_bind_int64 (stmt, p + 1, thread->a);
  sqlite3_bind_int64 (stmt, p + 2, thread->b);
  sqlite3_bind_int (stmt, p + 3, run->kind);
  sqlite3_bind_int64 (stmt, p + 4, run->model);
  sqlite3_bind_int (stmt, p + 5, run->dur_class);
  sqlite3_bind_int64 (stmt, p + 6, run->first_id);
  sqlite3_bind_int64 (stmt, p + 7, run->first_id + (int64_t) run->n - 1);
  sqlite3_bind_int64 (stmt, p + 8, run->spans[0].start_ns);
  sqlite3_bind_int64 (stmt, p + 9, run->spans[run->n - 1].start_ns);
  sqlite3_bind_int64 (stmt, p + 10, run->max_end_ns);
  sqlite3_bind_int64 (stmt, p + 11, run->max_dur_ns);
}

/* item: the run (high 32 bits) and the place in it of a block's first
 * span. */
static void
bind_block (MlsWrite *w, sqlite3_stmt *stmt, int p, size_t item)
{
  size_t r = item >> 32, first = item & 0xffffffffu;
  const MlsRun *run = &w->runs[r];
  size_t last = first + BLOCK - 1 < run->n ? first + BLOCK - 1 : run->n - 1;

  sqlite3_bind_int64 (stmt, p, w->run_base + (int64_t) r + 1);
  sqlite3_bind_int64 (stmt, p + 1, run->spans[first].start_ns);
  sqlite3_bind_int64 (stmt, p + 2, run->first_id + (int64_t) first);
  sqlite3_bind_int64 (stmt, p + 3, run->first_id + (int64_t) last);
}

/* The ids SQLite gave the spans are the ones the runs say. */
static int
check_ids (MlsWrite *w)
{
  sqlite3_stmt *stmt;
  int64_t last = w->span_base;
  int ok;

  for (size_t r = 0; r < w->n_runs; r++)
    last += (int64_t) w->runs[r].n;
  if (last == w->span_base)
    return 0;
  if (sqlite3_prepare_v2 (w->store->db, "SELECT max (id) FROM span", -1,
                          &stmt, NULL) != SQLITE_OK)
    return -1;
  ok = sqlite3_step (stmt) == SQLITE_ROW
       && sqlite3_column_int64 (stmt, 0) == last;
  sqlite3_finalize (stmt);
  return ok ? 0 : -1;
}

int
mls_write_spans (MlsWrite *w, MlsError *error)
{
  MlsStore *store = w->store;
  Rows runs, blocks;
  int rc;

  rc = mls_write_span_rows (w);
  if (rc == 0)
    rc = rows_open (&runs, w, "span_run", 12, bind_run);
  for (size_t r = 0; rc == 0 && r < w->n_runs; r++)
    rows_add (&runs, r);
  rc = rc || rows_close (&runs);
  if (rc == 0)
    rc = rows_open (&blocks, w, "span_block", 4, bind_block);
  for (size_t r = 0; rc == 0 && r < w->n_runs; r++)
    for (size_t i = 0; i < w->runs[r].n; i += BLOCK)
      rows_add (&blocks, r << 32 | i);
  rc = rc || rows_close (&blocks);
  if (rc == 0)
    rc = check_ids (w);
  if (rc == 0)
    rc = mls_strings_write (store->strings, store->db);
  if (rc != 0)
    mls_error_sqlite (store, error, "cannot write the spans");
  return rc;
}
