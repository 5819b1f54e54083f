/*
 * mls-store-summary.c: span_summary, what a zoomed-out view draws instead
 * of millions of spans. Level L cuts time into buckets of
 * bucket_ns = 1000 << (2 * L) and counts, per kind and model, the spans
 * that start in a bucket and are shorter than it. Levels go from 0 (1 us)
 * up to the first level whose bucket is as long as the whole recording.
 *
 * Built bottom-up so the span table is read once: each span is counted at
 * the first level where it is short enough ("fresh" rows), and every level
 * above is its fresh rows plus the level below merged four buckets to one.
 * busy_ns is the sum of the counted spans' durations; it can exceed
 * bucket_ns when spans of one kind overlap (threads) or run past the
 * bucket's end, so drawing code clamps it.
 */
#include "mls-store-private.h"

/* 1000 << 2 * 24 ns is about 3 days; no recording needs a coarser level. */
#define MLS_SUMMARY_MAX_LEVEL 24

int64_t
mls_summary_bucket_ns (int level)
{
  return INT64_C (1000) << (2 * level);
}

/* The first level whose buckets are longer than dur_ns. */
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

int
mls_store_build_summary (MlsStore *store, MlsError *error)
{
  int top = top_level (store);
  char *sql;
  int rc;

  sql = sqlite3_mprintf (
    "CREATE TEMP TABLE summary_fresh ("
    "  level, kind_id, model_id, bucket, count, busy_ns,"
    "  PRIMARY KEY (level, kind_id, model_id, bucket)) WITHOUT ROWID;"
    "INSERT INTO summary_fresh"
    "  SELECT level, kind_id, model_id, start_ns / (1000 << (2 * level)),"
    "    count (*), sum (dur_ns)"
    "  FROM (SELECT mls_summary_level (dur_ns) AS level, kind_id,"
    "          ifnull (model_id, 0) AS model_id, start_ns, dur_ns FROM span)"
    "  WHERE level <= %d GROUP BY 1, 2, 3, 4;", top);
  rc = mls_exec (store, sql, "cannot compute span_summary", error);
  sqlite3_free (sql);
  for (int level = 0; rc == 0 && level <= top; level++)
    {
      sql = sqlite3_mprintf (
        "INSERT INTO span_summary"
        "  SELECT %d, kind_id, model_id, bucket, sum (count), sum (busy_ns)"
        "  FROM (SELECT kind_id, model_id, bucket, count, busy_ns"
        "          FROM summary_fresh WHERE level = %d"
        "        UNION ALL"
        "        SELECT kind_id, model_id, bucket >> 2, count, busy_ns"
        "          FROM span_summary WHERE level = %d)"
        "  GROUP BY kind_id, model_id, bucket", level, level, level - 1);
      rc = mls_exec (store, sql, "cannot compute span_summary", error);
      sqlite3_free (sql);
    }
  if (rc == 0)
    rc = mls_exec (store, "DROP TABLE summary_fresh",
                   "cannot compute span_summary", error);
  return rc;
}
