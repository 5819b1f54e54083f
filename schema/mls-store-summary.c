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

typedef struct {
  int64_t v[6];
} Row;

typedef struct {
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
insert_rows (sqlite3_stmt *stmt, const Row *rows, int n)
{
  int rc;

  for (int r = 0; r < n; r++)
    for (int c = 0; c < 6; c++)
      sqlite3_bind_int64 (stmt, 6 * r + c + 1, rows[r].v[c]);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
flush_batch (Summary *summary)
{
  int rc = SQLITE_OK;

  if (summary->n_batch == BATCH)
    rc = insert_rows (summary->insert, summary->batch, BATCH);
  else
    for (int r = 0; r < summary->n_batch && rc == SQLITE_OK; r++)
      rc = insert_rows (summary->insert_one, &summary->batch[r], 1);
  summary->n_batch = 0;
  return rc;
}

static int
emit (Summary *summary, int level, const MlsSpanGroup *group, int64_t bucket,
      int64_t count, int64_t busy_ns)
{
  summary->batch[summary->n_batch++] = (Row) { {
    level, group->kind_id, group->model_id, bucket, count, busy_ns } };
  return summary->n_batch == BATCH ? flush_batch (summary) : SQLITE_OK;
}

static int
prepare_inserts (sqlite3 *db, Summary *summary)
{
  char *sql = sqlite3_mprintf ("INSERT INTO span_summary VALUES"
                               " (?, ?, ?, ?, ?, ?)");
  int rc;

  for (int r = 1; r < BATCH && sql; r++)
    {
      char *longer = sqlite3_mprintf ("%s, (?, ?, ?, ?, ?, ?)", sql);
      sqlite3_free (sql);
      sql = longer;
    }
  rc = sql ? sqlite3_prepare_v2 (db, sql, -1, &summary->insert, NULL)
           : SQLITE_NOMEM;
  sqlite3_free (sql);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "INSERT INTO span_summary VALUES"
                             " (?, ?, ?, ?, ?, ?)", -1, &summary->insert_one,
                             NULL);
  return rc;
}

/* One level's rows for one group, whose spans are in start order. */
static int
count_level (Summary *summary, const MlsSpanGroup *group, int level)
{
  int64_t bucket_ns = mls_summary_bucket_ns (level);
  int64_t bucket = 0, count = 0, busy_ns = 0;

  for (size_t i = 0; i < group->n; i++)
    {
      const MlsSpanTime *t = &group->spans[i];
      int64_t b;

      if (t->dur_ns >= bucket_ns)
        continue;
      b = t->start_ns / bucket_ns;
      if (count > 0 && b != bucket)
        {
          if (emit (summary, level, group, bucket, count, busy_ns))
            return -1;
          count = busy_ns = 0;
        }
      bucket = b;
      count++;
      busy_ns += t->dur_ns;
    }
  if (count > 0 && emit (summary, level, group, bucket, count, busy_ns))
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
  int top;
  char *table_sql;              /* span_summary's CREATE TABLE */
  const char *path;
  int failed;
  char message[256];
} Job;

static int
count_spans (Job *job, Summary *summary)
{
  for (int level = 0; level <= job->top; level++)
    for (size_t i = 0; i < job->n_groups; i++)
      if (count_level (summary, job->order[i], level))
        return -1;
  return flush_batch (summary) == SQLITE_OK ? 0 : -1;
}

static void *
fill_scratch (void *data)
{
  Job *job = data;
  Summary summary = { 0 };
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
  sqlite3_free (job->table_sql);
  free (job);
}

static char *
table_sql (MlsStore *store)
{
  sqlite3_stmt *stmt = NULL;
  char *sql = NULL;

  if (sqlite3_prepare_v2 (store->db, "SELECT sql FROM sqlite_master"
                          " WHERE type = 'table' AND name = 'span_summary'",
                          -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    sql = sqlite3_mprintf ("%s", sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return sql;
}

int
mls_store_summary_start (MlsStore *store, MlsError *error)
{
  Job *job = calloc (1, sizeof *job);
  size_t n = store->n_groups;

  store->summary_path = sqlite3_mprintf ("%s-summary", store->partial_path);
  if (job == NULL || store->summary_path == NULL
      || (job->order = malloc ((n ? n : 1) * sizeof *job->order)) == NULL)
    {
      mls_error_set (error, "%s: out of memory", store->path);
      if (job)
        job_free (job);
      return -1;
    }
  if ((job->table_sql = table_sql (store)) == NULL)
    {
      mls_error_sqlite (store, error, "cannot read span_summary's schema");
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
                         " SELECT * FROM mls_summary.span_summary",
                         store->summary_path);
  rc = sql ? mls_exec (store, sql, "cannot compute span_summary", error)
           : -1;
  sqlite3_free (sql);
  return rc;
}
