/*
 * mls-store-summary.c: span_summary, what a zoomed-out view draws instead
 * of millions of spans. Level L cuts time into buckets of
 * bucket_ns = 1000 << (2 * L) and counts, per kind and model, the spans
 * that start in a bucket and are shorter than it. Levels go from 0 (1 us)
 * up to the first level whose bucket is as long as the whole recording.
 *
 * Built from the span times the store gathered per kind and model while
 * writing (mls-store-stats-build.c), each group sorted by start: within a
 * group and level the current bucket only moves forward, so one
 * accumulator suffices, and a bucket's row is written when the next span
 * falls past it. Rows are produced in primary-key order (level, kind,
 * model, bucket), so SQLite appends to the table's B-tree instead of
 * inserting all over it. busy_ns is the sum of the counted spans'
 * durations; it can exceed bucket_ns when spans of one kind overlap
 * (threads) or run past the bucket's end, so drawing code clamps it.
 *
 * thread_summary holds the same rows per thread (its key adds pid and tid
 * before the model), for the timeline's rows of one thread: each group's
 * spans are placed by thread with a counting sort that keeps their start
 * order, and each level is written kind by kind, thread by thread.
 *
 * The rows (more than there are spans, most of them at the finest levels)
 * are written by a thread of their own, through its own connection, into a
 * scratch database beside the partial file, while the finishing connection
 * builds the span indexes; the table is then copied over whole, which
 * SQLite does page by page without decoding rows (its transfer
 * optimization), in half the time of inserting them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mls-store-private.h"

/* 1000 << 2 * 24 ns is about 3 days; no recording needs a coarser level. */
#define MLS_SUMMARY_MAX_LEVEL 24

/* Rows go to SQLite in batches: one statement of many VALUES costs far
 * less than as many single-row statements. */
#define BATCH 64

/* A row: the key (level, kind, [pid, tid,] model), bucket, count and
 * busy_ns. */
#define MAX_COLUMNS 8

typedef struct {
  int64_t v[MAX_COLUMNS];
} Row;

typedef struct {
  const char *table;
  int n_columns;            /* 6: span_summary, 8: thread_summary */
  sqlite3_stmt *insert;     /* BATCH rows */
  sqlite3_stmt *insert_one;
  Row batch[BATCH];
  int n_batch;
} Summary;

int64_t
mls_summary_bucket_ns (int level)
{
  return INT64_C (1000) << (2 * level);
}

int
mls_summary_level_of (int64_t dur_ns)
{
  int level = 0;

  while (level <= MLS_SUMMARY_MAX_LEVEL
         && dur_ns >= mls_summary_bucket_ns (level))
    level++;
  return level;
}

static int
top_level (MlsStore *store)
{
  int64_t start = 0, end = 0;
  int level = 0;

  mls_store_get_meta_int (store, "start_ns", &start);
  mls_store_get_meta_int (store, "end_ns", &end);
  while (level < MLS_SUMMARY_MAX_LEVEL
         && mls_summary_bucket_ns (level) < end - start)
    level++;
  return level;
}

static int
insert_rows (sqlite3_stmt *stmt, int n_columns, const Row *rows, int n)
{
  int rc;

  for (int r = 0; r < n; r++)
    for (int c = 0; c < n_columns; c++)
      sqlite3_bind_int64 (stmt, n_columns * r + c + 1, rows[r].v[c]);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
flush_batch (Summary *summary)
{
  int rc = SQLITE_OK;

  if (summary->n_batch == BATCH)
    rc = insert_rows (summary->insert, summary->n_columns, summary->batch,
                      BATCH);
  else
    for (int r = 0; r < summary->n_batch && rc == SQLITE_OK; r++)
      rc = insert_rows (summary->insert_one, summary->n_columns,
                        &summary->batch[r], 1);
  summary->n_batch = 0;
  return rc;
}

/* key: the row's first columns, up to the bucket. */
static int
emit (Summary *summary, const int64_t *key, int64_t bucket, int64_t count,
      int64_t busy_ns)
{
  Row *row = &summary->batch[summary->n_batch++];
  int n_key = summary->n_columns - 3;

  for (int c = 0; c < n_key; c++)
    row->v[c] = key[c];
  row->v[n_key] = bucket;
  row->v[n_key + 1] = count;
  row->v[n_key + 2] = busy_ns;
  return summary->n_batch == BATCH ? flush_batch (summary) : SQLITE_OK;
}

static char *
values_sql (int n_columns)
{
  char *one = sqlite3_mprintf ("(?");

  for (int c = 1; one && c < n_columns; c++)
    {
      char *longer = sqlite3_mprintf ("%s, ?", one);
      sqlite3_free (one);
      one = longer;
    }
  if (one)
    {
      char *closed = sqlite3_mprintf ("%s)", one);
      sqlite3_free (one);
      one = closed;
    }
  return one;
}

static int
prepare_inserts (sqlite3 *db, Summary *summary)
{
  char *one = values_sql (summary->n_columns);
  char *sql = one ? sqlite3_mprintf ("INSERT INTO %s VALUES %s",
                                     summary->table, one) : NULL;
  int rc;

  for (int r = 1; r < BATCH && sql; r++)
    {
      char *longer = sqlite3_mprintf ("%s, %s", sql, one);
      sqlite3_free (sql);
      sql = longer;
    }
  rc = sql ? sqlite3_prepare_v2 (db, sql, -1, &summary->insert, NULL)
           : SQLITE_NOMEM;
  sqlite3_free (sql);
  sql = one ? sqlite3_mprintf ("INSERT INTO %s VALUES %s", summary->table,
                               one) : NULL;
  if (rc == SQLITE_OK)
    rc = sql ? sqlite3_prepare_v2 (db, sql, -1, &summary->insert_one, NULL)
             : SQLITE_NOMEM;
  sqlite3_free (sql);
  sqlite3_free (one);
  return rc;
}

/* One level's rows for n spans of a group in start order: all of them, or
 * those whose indices `order` lists. */
static int
count_level (Summary *summary, const int64_t *key, const MlsSpanGroup *group,
             const uint32_t *order, size_t n, int level)
{
  int64_t bucket_ns = mls_summary_bucket_ns (level);
  int64_t bucket = 0, count = 0, busy_ns = 0;

  for (size_t i = 0; i < n; i++)
    {
      const MlsSpanTime *t = &group->spans[order ? order[i] : i];
      int64_t b;

      if (t->dur_ns >= bucket_ns)
        continue;
      b = t->start_ns / bucket_ns;
      if (count > 0 && b != bucket)
        {
          if (emit (summary, key, bucket, count, busy_ns))
            return -1;
          count = busy_ns = 0;
        }
      bucket = b;
      count++;
      busy_ns += t->dur_ns;
    }
  if (count > 0 && emit (summary, key, bucket, count, busy_ns))
    return -1;
  return 0;
}

static int
compare_start (const void *a, const void *b)
{
  const MlsSpanTime *x = a, *y = b;

  return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* Spans reach the store in end order, which is nearly start order. */
static void
sort_by_start (MlsSpanGroup *group)
{
  for (size_t i = 1; i < group->n; i++)
    if (group->spans[i].start_ns < group->spans[i - 1].start_ns)
      {
        qsort (group->spans, group->n, sizeof *group->spans, compare_start);
        return;
      }
}

static int
compare_group (const void *a, const void *b)
{
  const MlsSpanGroup *x = *(const MlsSpanGroup *const *) a;
  const MlsSpanGroup *y = *(const MlsSpanGroup *const *) b;

  if (x->kind_id != y->kind_id)
    return x->kind_id < y->kind_id ? -1 : 1;
  return x->model_id < y->model_id ? -1 : x->model_id > y->model_id;
}

/* What the summary thread reads (and nothing else touches meanwhile but
 * span_kind_stats, which only reads the groups too) and what it reports. */
typedef struct MlsSummaryJob {
  pthread_t thread;
  const MlsSpanGroup **order;   /* by kind and model, spans by start */
  size_t n_groups;
  const MlsPair *threads;       /* (pid, tid) by thread index */
  uint32_t *thread_order;       /* thread indices by pid, then tid */
  size_t n_threads;
  int top;
  char *table_sql;              /* CREATE TABLE of both summaries */
  const char *path;
  int failed;
  char message[256];
} Job;

static int
count_spans (Job *job, Summary *summary)
{
  for (int level = 0; level <= job->top; level++)
    for (size_t i = 0; i < job->n_groups; i++)
      {
        const MlsSpanGroup *g = job->order[i];
        int64_t key[3] = { level, g->kind_id, g->model_id };

        if (count_level (summary, key, g, NULL, g->n, level))
          return -1;
      }
  return flush_batch (summary) == SQLITE_OK ? 0 : -1;
}

/* A group's spans placed by thread, each thread's in start order: `order`
 * lists span indices, thread t's from first[t] to first[t + 1]. */
typedef struct {
  uint32_t *order;
  size_t *first;
} ByThread;

static int
place_by_thread (const MlsSpanGroup *g, size_t n_threads, ByThread *out)
{
  out->order = malloc ((g->n ? g->n : 1) * sizeof *out->order);
  out->first = calloc (n_threads + 2, sizeof *out->first);
  if (out->order == NULL || out->first == NULL)
    return -1;
  for (size_t i = 0; i < g->n; i++)
    out->first[g->spans[i].thread + 2]++;
  for (size_t t = 2; t < n_threads + 2; t++)
    out->first[t] += out->first[t - 1];
  for (size_t i = 0; i < g->n; i++)
    out->order[out->first[g->spans[i].thread + 1]++] = (uint32_t) i;
  return 0;
}

/* thread_summary in its key's order: level, kind, thread by (pid, tid),
 * model (the groups of a kind are consecutive, by model). */
static int
count_thread_spans (Job *job, Summary *summary, const ByThread *by)
{
  for (int level = 0; level <= job->top; level++)
    for (size_t k = 0; k < job->n_groups;)
      {
        size_t end = k;

        while (end < job->n_groups
               && job->order[end]->kind_id == job->order[k]->kind_id)
          end++;
        for (size_t o = 0; o < job->n_threads; o++)
          {
            uint32_t t = job->thread_order[o];

            for (size_t i = k; i < end; i++)
              {
                const MlsSpanGroup *g = job->order[i];
                int64_t key[5] = { level, g->kind_id, job->threads[t].a,
                                   job->threads[t].b, g->model_id };
                size_t first = by[i].first[t];

                if (count_level (summary, key, g, by[i].order + first,
                                 by[i].first[t + 1] - first, level))
                  return -1;
              }
          }
        k = end;
      }
  return flush_batch (summary) == SQLITE_OK ? 0 : -1;
}

static int
write_thread_summary (Job *job, sqlite3 *db)
{
  Summary summary = { "thread_summary", 8 };
  ByThread *by = calloc (job->n_groups ? job->n_groups : 1, sizeof *by);
  int rc = by ? SQLITE_OK : SQLITE_NOMEM;

  for (size_t i = 0; i < job->n_groups && rc == SQLITE_OK; i++)
    if (place_by_thread (job->order[i], job->n_threads, &by[i]))
      rc = SQLITE_NOMEM;
  if (rc == SQLITE_OK)
    rc = prepare_inserts (db, &summary);
  if (rc == SQLITE_OK && count_thread_spans (job, &summary, by) != 0)
    rc = SQLITE_ERROR;
  sqlite3_finalize (summary.insert);
  sqlite3_finalize (summary.insert_one);
  for (size_t i = 0; by && i < job->n_groups; i++)
    {
      free (by[i].order);
      free (by[i].first);
    }
  free (by);
  return rc;
}

static void *
fill_scratch (void *data)
{
  Job *job = data;
  Summary summary = { "span_summary", 6 };
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (job->path, &db, SQLITE_OPEN_READWRITE
                            | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "PRAGMA page_size = 8192;"
                       "PRAGMA journal_mode = OFF;"
                       "PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, job->table_sql, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = prepare_inserts (db, &summary);
  if (rc == SQLITE_OK && count_spans (job, &summary) != 0)
    rc = SQLITE_ERROR;
  sqlite3_finalize (summary.insert);
  sqlite3_finalize (summary.insert_one);
  if (rc == SQLITE_OK)
    rc = write_thread_summary (job, db);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      job->failed = 1;
      snprintf (job->message, sizeof job->message, "%s: %s", job->path,
                db ? sqlite3_errmsg (db) : "out of memory");
    }
  sqlite3_close (db);
  return NULL;
}

static void
job_free (Job *job)
{
  free (job->order);
  free (job->thread_order);
  sqlite3_free (job->table_sql);
  free (job);
}

static char *
table_sql (MlsStore *store)
{
  sqlite3_stmt *stmt = NULL;
  char *sql = sqlite3_mprintf ("");

  if (sqlite3_prepare_v2 (store->db, "SELECT sql FROM sqlite_master"
                          " WHERE type = 'table' AND name IN"
                          " ('span_summary', 'thread_summary')",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite3_free (sql);
      return NULL;
    }
  while (sql && sqlite3_step (stmt) == SQLITE_ROW)
    {
      char *longer = sqlite3_mprintf ("%s%s;", sql,
                                      sqlite3_column_text (stmt, 0));
      sqlite3_free (sql);
      sql = longer;
    }
  sqlite3_finalize (stmt);
  return sql;
}

typedef struct {
  MlsPair key;
  uint32_t index;
} ThreadRef;

static int
compare_thread (const void *a, const void *b)
{
  const MlsPair *x = &((const ThreadRef *) a)->key;
  const MlsPair *y = &((const ThreadRef *) b)->key;

  if (x->a != y->a)
    return x->a < y->a ? -1 : 1;
  return x->b < y->b ? -1 : x->b > y->b;
}

/* Thread indices in (pid, tid) order: thread_summary's key order. */
static int
order_threads (Job *job, const MlsPairIndex *threads)
{
  ThreadRef *refs = malloc ((threads->n ? threads->n : 1) * sizeof *refs);

  if (refs == NULL)
    return -1;
  for (size_t t = 0; t < threads->n; t++)
    refs[t] = (ThreadRef) { threads->keys[t], (uint32_t) t };
  qsort (refs, threads->n, sizeof *refs, compare_thread);
  for (size_t t = 0; t < threads->n; t++)
    job->thread_order[t] = refs[t].index;
  free (refs);
  return 0;
}

int
mls_store_summary_start (MlsStore *store, MlsError *error)
{
  Job *job = calloc (1, sizeof *job);
  size_t n = store->n_groups, n_threads = store->threads.n;

  store->summary_path = sqlite3_mprintf ("%s-summary", store->partial_path
                                         ? store->partial_path
                                         : store->path);
  if (job == NULL || store->summary_path == NULL
      || (job->order = malloc ((n ? n : 1) * sizeof *job->order)) == NULL
      || (job->thread_order = malloc ((n_threads ? n_threads : 1)
                                      * sizeof *job->thread_order)) == NULL
      || order_threads (job, &store->threads) != 0)
    {
      mls_error_set (error, "%s: out of memory", store->path);
      if (job)
        job_free (job);
      return -1;
    }
  if ((job->table_sql = table_sql (store)) == NULL)
    {
      mls_error_sqlite (store, error, "cannot read the summaries' schema");
      job_free (job);
      return -1;
    }
  job->path = store->summary_path;
  job->top = top_level (store);
  job->n_groups = n;
  for (size_t i = 0; i < n; i++)
    {
      sort_by_start (&store->groups[i]);
      job->order[i] = &store->groups[i];
    }
  qsort (job->order, n, sizeof *job->order, compare_group);
  job->threads = store->threads.keys;
  job->n_threads = n_threads;
  unlink (store->summary_path);
  if (pthread_create (&job->thread, NULL, fill_scratch, job) != 0)
    {
      mls_error_set (error, "%s: cannot start a thread", store->path);
      job_free (job);
      return -1;
    }
  store->summary_job = job;
  return 0;
}

/* Waits for the summary thread; unless abandoning the import, copies its
 * rows into span_summary. */
int
mls_store_summary_finish (MlsStore *store, int abandon, MlsError *error)
{
  Job *job = store->summary_job;
  char *sql;
  int rc;

  if (job == NULL)
    return -1;
  pthread_join (job->thread, NULL);
  store->summary_job = NULL;
  if (abandon || job->failed)
    {
      if (!abandon)
        mls_error_set (error, "%s: cannot compute span_summary: %s",
                       store->path, job->message);
      job_free (job);
      return -1;
    }
  job_free (job);
  sql = sqlite3_mprintf ("ATTACH %Q AS mls_summary;"
                         "INSERT INTO main.span_summary"
                         " SELECT * FROM mls_summary.span_summary;"
                         "INSERT INTO main.thread_summary"
                         " SELECT * FROM mls_summary.thread_summary",
                         store->summary_path);
  rc = sql ? mls_exec (store, sql, "cannot compute span_summary", error)
           : -1;
  sqlite3_free (sql);
  return rc;
}
