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

typedef struct {
  sqlite3_stmt *insert;
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
emit (Summary *summary, int level)
{
  Bucket *b = &summary->level[level];
  int rc;

  if (b->count == 0)
    return SQLITE_OK;
  sqlite3_bind_int (summary->insert, 1, level);
  sqlite3_bind_int64 (summary->insert, 2, summary->kind_id);
  sqlite3_bind_int64 (summary->insert, 3, summary->model_id);
  sqlite3_bind_int64 (summary->insert, 4, b->bucket);
  sqlite3_bind_int64 (summary->insert, 5, b->count);
  sqlite3_bind_int64 (summary->insert, 6, b->busy_ns);
  rc = sqlite3_step (summary->insert);
  sqlite3_reset (summary->insert);
  b->count = 0;
  b->busy_ns = 0;
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
flush (Summary *summary)
{
  for (int level = 0; level <= summary->top; level++)
    if (emit (summary, level) != SQLITE_OK)
      return -1;
  return 0;
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
      && sqlite3_prepare_v2 (store->db,
                             "INSERT INTO span_summary VALUES"
                             " (?1, ?2, ?3, ?4, ?5, ?6)", -1,
                             &summary.insert, NULL) == SQLITE_OK)
    {
      rc = 0;
      while (rc == 0 && sqlite3_step (spans) == SQLITE_ROW)
        {
          int64_t model_id = sqlite3_column_int64 (spans, 0);
          int64_t kind_id = sqlite3_column_int64 (spans, 1);

          if ((model_id != summary.model_id || kind_id != summary.kind_id)
              && (rc = flush (&summary)) == 0)
            {
              summary.model_id = model_id;
              summary.kind_id = kind_id;
            }
          if (rc == 0)
            rc = count_span (&summary, sqlite3_column_int64 (spans, 2),
                             sqlite3_column_int64 (spans, 3));
        }
      if (rc == 0 && sqlite3_errcode (store->db) != SQLITE_DONE
          && sqlite3_errcode (store->db) != SQLITE_OK
          && sqlite3_errcode (store->db) != SQLITE_ROW)
        rc = -1;
      if (rc == 0)
        rc = flush (&summary);
    }
  if (rc != 0)
    mls_error_sqlite (store, error, "cannot compute span_summary");
  sqlite3_finalize (spans);
  sqlite3_finalize (summary.insert);
  return rc;
}
