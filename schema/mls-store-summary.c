/*
 * mls-store-summary.c: span_summary, what a zoomed-out view draws instead
 * of millions of spans. Level L cuts time into buckets of
 * bucket_ns = 1000 << (2 * L) and counts, per kind and model, the spans
 * that start in a bucket and are shorter than it. Levels go from 0 (1 us)
 * up to the first level whose bucket is as long as the whole recording.
 *
 * Built in one pass over span_model_kind_start: within one model and kind,
 * spans come in start order, so every level's current bucket only moves
 * forward and one accumulator per level suffices; a bucket's row is written
 * when the next span falls past it. busy_ns is the sum of the counted
 * spans' durations; it can exceed bucket_ns when spans of one kind overlap
 * (threads) or run past the bucket's end, so drawing code clamps it.
 */
#include "mls-store-private.h"

/* 1000 << 2 * 24 ns is about 3 days; no recording needs a coarser level. */
#define MLS_SUMMARY_MAX_LEVEL 24

typedef struct {
  int64_t bucket;
  int64_t count;
  int64_t busy_ns;
} Bucket;

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
  int top;
  int64_t kind_id, model_id;
  Bucket level[MLS_SUMMARY_MAX_LEVEL + 1];
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
emit (Summary *summary, int level)
{
  Bucket *b = &summary->level[level];

  if (b->count == 0)
    return SQLITE_OK;
  summary->batch[summary->n_batch++] = (Row) { {
    level, summary->kind_id, summary->model_id, b->bucket, b->count,
    b->busy_ns } };
  b->count = 0;
  b->busy_ns = 0;
  return summary->n_batch == BATCH ? flush_batch (summary) : SQLITE_OK;
}

/* Writes the open buckets of the current kind and model. */
static int
flush (Summary *summary)
{
  for (int level = 0; level <= summary->top; level++)
    if (emit (summary, level) != SQLITE_OK)
      return -1;
  return 0;
}

static int
prepare_inserts (MlsStore *store, Summary *summary)
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
  rc = sql ? sqlite3_prepare_v2 (store->db, sql, -1, &summary->insert, NULL)
           : SQLITE_NOMEM;
  sqlite3_free (sql);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (store->db, "INSERT INTO span_summary VALUES"
                             " (?, ?, ?, ?, ?, ?)", -1, &summary->insert_one,
                             NULL);
  return rc;
}

static int
count_span (Summary *summary, int64_t start_ns, int64_t dur_ns)
{
  for (int level = mls_summary_level_of (dur_ns); level <= summary->top;
       level++)
    {
      Bucket *b = &summary->level[level];
      int64_t bucket = start_ns / mls_summary_bucket_ns (level);

      if (b->count > 0 && b->bucket != bucket
          && emit (summary, level) != SQLITE_OK)
        return -1;
      b->bucket = bucket;
      b->count++;
      b->busy_ns += dur_ns;
    }
  return 0;
}

/* Feeds every span to the accumulators, in model, kind, start order. */
static int
count_spans (Summary *summary, sqlite3_stmt *spans)
{
  int step;

  while ((step = sqlite3_step (spans)) == SQLITE_ROW)
    {
      int64_t model_id = sqlite3_column_int64 (spans, 0);
      int64_t kind_id = sqlite3_column_int64 (spans, 1);

      if (model_id != summary->model_id || kind_id != summary->kind_id)
        {
          if (flush (summary) != 0)
            return -1;
          summary->model_id = model_id;
          summary->kind_id = kind_id;
        }
      if (count_span (summary, sqlite3_column_int64 (spans, 2),
                      sqlite3_column_int64 (spans, 3)) != 0)
        return -1;
    }
  if (step != SQLITE_DONE || flush (summary) != 0
      || flush_batch (summary) != SQLITE_OK)
    return -1;
  return 0;
}

int
mls_store_build_summary (MlsStore *store, MlsError *error)
{
  Summary summary = { .top = top_level (store), .kind_id = -1 };
  sqlite3_stmt *spans = NULL;
  int rc = -1;

  if (sqlite3_prepare_v2 (store->db,
                          "SELECT ifnull (model_id, 0), kind_id, start_ns,"
                          " dur_ns FROM span"
                          " ORDER BY model_id, kind_id, start_ns", -1,
                          &spans, NULL) == SQLITE_OK
      && prepare_inserts (store, &summary) == SQLITE_OK)
    rc = count_spans (&summary, spans);
  if (rc != 0)
    mls_error_sqlite (store, error, "cannot compute span_summary");
  sqlite3_finalize (spans);
  sqlite3_finalize (summary.insert);
  sqlite3_finalize (summary.insert_one);
  return rc;
}
