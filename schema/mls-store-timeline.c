/*
 * mls-store-timeline.c: the viewer's read queries (see mls-store-timeline.h).
 *
 * A lane at ns_per_px reads summary buckets of level L, the largest with
 * bucket_ns <= 4 * ns_per_px, so at most one bucket row per pixel column:
 * spans shorter than a bucket (a few pixels at most) are drawn as a
 * density strip. The spans at least bucket_ns long are read one by one. Those come
 * either from the (kind_id, start_ns) index, bounded below by the kind's
 * longest span, or from the (kind_id, dur_ns) index; the cheaper one is
 * chosen from the kind's precomputed count and total time.
 */
#include "mls-store-timeline.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MLS_BUCKET_NS(level) (1000LL << (2 * (level)))

typedef struct {
  int kind_id;
  int64_t model_id;         /* 0: spans without a model */
} KindModel;

struct MlsTimeline {
  MlsStore *store;
  sqlite3 *db;
  int64_t start_ns;
  int64_t end_ns;
  MlsTimelineKind kinds[MLS_TIMELINE_MAX_KINDS];
  size_t n_kinds;
  MlsTimelineModel *models;
  size_t n_models;
  MlsTimelineLost *lost;
  size_t n_lost;
  KindModel *pairs;
  size_t n_pairs;
  int max_level;            /* -1: no summary */
  int has_dur_index;
  sqlite3_stmt *by_start_all;
  sqlite3_stmt *by_start_model;
  sqlite3_stmt *by_dur_all;
  sqlite3_stmt *by_dur_model;
  sqlite3_stmt *buckets;
};

static int
fail (MlsTimeline *tl, MlsError *error, const char *what)
{
  if (error)
    {
      error->code = 1;
      snprintf (error->message, sizeof error->message, "%s: %s: %s",
                mls_store_path (tl->store), what, sqlite3_errmsg (tl->db));
    }
  return -1;
}

static sqlite3_stmt *
prepare (MlsTimeline *tl, const char *sql, MlsError *error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v3 (tl->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                          &stmt, NULL) != SQLITE_OK)
    {
      fail (tl, error, "cannot prepare the timeline queries");
      return NULL;
    }
  return stmt;
}

static int64_t
query_int (MlsTimeline *tl, const char *sql, int kind_id, int64_t arg,
           int64_t fallback)
{
  sqlite3_stmt *stmt;
  int64_t value = fallback;

  if (sqlite3_prepare_v2 (tl->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return fallback;
  sqlite3_bind_int (stmt, 1, kind_id);
  sqlite3_bind_int64 (stmt, 2, arg);
  if (sqlite3_step (stmt) == SQLITE_ROW
      && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static int
load_kinds (MlsTimeline *tl, MlsError *error)
{
  sqlite3_stmt *stmt;

  stmt = prepare (tl,
    "SELECT k.id, k.lane, k.label, k.sort_order, s.count, s.total_ns,"
    "       s.max_dur_ns"
    " FROM span_kind k JOIN span_kind_stats s"
    "   ON s.kind_id = k.id AND s.model_id IS NULL"
    " WHERE s.count > 0 ORDER BY k.sort_order", error);
  if (!stmt)
    return -1;
  while (sqlite3_step (stmt) == SQLITE_ROW
         && tl->n_kinds < MLS_TIMELINE_MAX_KINDS)
    {
      MlsTimelineKind *k = &tl->kinds[tl->n_kinds++];

      k->kind_id = sqlite3_column_int (stmt, 0);
      snprintf (k->lane, sizeof k->lane, "%s",
                (const char *) sqlite3_column_text (stmt, 1));
      snprintf (k->label, sizeof k->label, "%s",
                (const char *) sqlite3_column_text (stmt, 2));
      k->sort_order = sqlite3_column_int (stmt, 3);
      k->count = sqlite3_column_int64 (stmt, 4);
      k->total_ns = sqlite3_column_int64 (stmt, 5);
      k->max_dur_ns = sqlite3_column_int64 (stmt, 6);
    }
  sqlite3_finalize (stmt);
  return 0;
}

/* Depth range and time range per kind: each a few index probes. Depth is
 * sampled from the kind's first spans; spans deeper than the sample are
 * drawn in its deepest row. */
static void
load_kind_extents (MlsTimeline *tl)
{
  tl->start_ns = INT64_MAX;
  tl->end_ns = INT64_MIN;
  for (size_t i = 0; i < tl->n_kinds; i++)
    {
      MlsTimelineKind *k = &tl->kinds[i];
      int64_t first, last, end;

      k->min_depth = (int) query_int (tl,
        "SELECT min (depth) FROM (SELECT depth FROM span WHERE kind_id = ?1"
        " AND ?2 = ?2 ORDER BY start_ns LIMIT 256)", k->kind_id, 0, 0);
      k->max_depth = (int) query_int (tl,
        "SELECT max (depth) FROM (SELECT depth FROM span WHERE kind_id = ?1"
        " AND ?2 = ?2 ORDER BY start_ns LIMIT 256)", k->kind_id, 0, 0);
      first = query_int (tl, "SELECT min (start_ns) FROM span"
                         " WHERE kind_id = ?1 AND ?2 = ?2", k->kind_id, 0, 0);
      last = query_int (tl, "SELECT max (start_ns) FROM span"
                        " WHERE kind_id = ?1 AND ?2 = ?2", k->kind_id, 0, 0);
      end = query_int (tl, "SELECT max (end_ns) FROM span WHERE kind_id = ?1"
                       " AND start_ns >= ?2", k->kind_id,
                       last - k->max_dur_ns, last);
      if (first < tl->start_ns)
        tl->start_ns = first;
      if (end > tl->end_ns)
        tl->end_ns = end;
    }
  if (tl->n_kinds == 0)
    {
      tl->start_ns = 0;
      tl->end_ns = 1000000;
    }
}

/* The recording's own bounds when the collector wrote them: the axis'
 * zero is when recording began, not the first span. */
static void
load_meta_range (MlsTimeline *tl)
{
  int64_t start = query_int (tl, "SELECT value FROM meta WHERE key ="
                             " 'start_ns' AND ?1 = ?1 AND ?2 = ?2", 0, 0,
                             INT64_MAX);
  int64_t end = query_int (tl, "SELECT value FROM meta WHERE key ="
                           " 'end_ns' AND ?1 = ?1 AND ?2 = ?2", 0, 0,
                           INT64_MIN);

  if (start < tl->start_ns && start > 0)
    tl->start_ns = start;
  if (end > tl->end_ns && end > tl->start_ns)
    tl->end_ns = end;
}

static int
load_models (MlsTimeline *tl, MlsError *error)
{
  sqlite3_stmt *stmt;
  size_t cap = 8;

  stmt = prepare (tl, "SELECT id, name FROM model WHERE id IN"
                  " (SELECT model_id FROM span_kind_stats) ORDER BY id",
                  error);
  if (!stmt)
    return -1;
  tl->models = calloc (cap, sizeof *tl->models);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (tl->n_models == cap)
        {
          cap *= 2;
          tl->models = realloc (tl->models, cap * sizeof *tl->models);
        }
      tl->models[tl->n_models].id = sqlite3_column_int64 (stmt, 0);
      tl->models[tl->n_models].name =
        strdup ((const char *) sqlite3_column_text (stmt, 1));
      tl->n_models++;
    }
  sqlite3_finalize (stmt);

  /* (kind, model) pairs with spans; model 0 when some spans of the kind
   * have no model (the all-models count exceeds the per-model sum). */
  stmt = prepare (tl,
    "SELECT kind_id, model_id FROM span_kind_stats WHERE model_id NOT NULL"
    " UNION ALL"
    " SELECT a.kind_id, 0 FROM span_kind_stats a WHERE a.model_id IS NULL"
    "   AND a.count > (SELECT ifnull (sum (b.count), 0) FROM span_kind_stats b"
    "                  WHERE b.kind_id = a.kind_id AND b.model_id NOT NULL)",
    error);
  if (!stmt)
    return -1;
  cap = 16;
  tl->pairs = calloc (cap, sizeof *tl->pairs);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (tl->n_pairs == cap)
        {
          cap *= 2;
          tl->pairs = realloc (tl->pairs, cap * sizeof *tl->pairs);
        }
      tl->pairs[tl->n_pairs].kind_id = sqlite3_column_int (stmt, 0);
      tl->pairs[tl->n_pairs].model_id = sqlite3_column_int64 (stmt, 1);
      tl->n_pairs++;
    }
  sqlite3_finalize (stmt);
  return 0;
}

static int
load_lost (MlsTimeline *tl, MlsError *error)
{
  sqlite3_stmt *stmt;
  size_t cap = 8;

  stmt = prepare (tl, "SELECT start_ns, end_ns, count, packets"
                  " FROM lost_events ORDER BY start_ns LIMIT 100000", error);
  if (!stmt)
    return -1;
  tl->lost = calloc (cap, sizeof *tl->lost);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (tl->n_lost == cap)
        {
          cap *= 2;
          tl->lost = realloc (tl->lost, cap * sizeof *tl->lost);
        }
      tl->lost[tl->n_lost].start_ns = sqlite3_column_int64 (stmt, 0);
      tl->lost[tl->n_lost].end_ns = sqlite3_column_int64 (stmt, 1);
      tl->lost[tl->n_lost].count = sqlite3_column_int64 (stmt, 2);
      tl->lost[tl->n_lost].packets = sqlite3_column_int (stmt, 3);
      tl->n_lost++;
    }
  sqlite3_finalize (stmt);
  return 0;
}

#define SPAN_COLUMNS \
  "SELECT id, kind_id, ifnull (model_id, 0), depth, start_ns, end_ns," \
  " complete FROM span "

static int
prepare_lane_queries (MlsTimeline *tl, MlsError *error)
{
  tl->by_start_all = prepare (tl, SPAN_COLUMNS
    "INDEXED BY span_kind_start WHERE kind_id = ?1 AND start_ns >= ?2"
    " AND start_ns < ?3 AND end_ns > ?4 AND dur_ns >= ?5", error);
  tl->by_start_model = prepare (tl, SPAN_COLUMNS
    "WHERE model_id IS ?6 AND kind_id = ?1 AND start_ns >= ?2"
    " AND start_ns < ?3 AND end_ns > ?4 AND dur_ns >= ?5", error);
  tl->buckets = prepare (tl,
    "SELECT bucket, count, busy_ns FROM span_summary WHERE level = ?1"
    " AND kind_id = ?2 AND model_id = ?3 AND bucket >= ?4 AND bucket < ?5",
    error);
  if (!tl->by_start_all || !tl->by_start_model || !tl->buckets)
    return -1;
  if (tl->has_dur_index)
    {
      tl->by_dur_all = prepare (tl, SPAN_COLUMNS
        "INDEXED BY span_kind_dur WHERE kind_id = ?1 AND dur_ns >= ?5"
        " AND start_ns < ?3 AND end_ns > ?4 AND ?2 = ?2", error);
      tl->by_dur_model = prepare (tl, SPAN_COLUMNS
        "INDEXED BY span_kind_dur WHERE kind_id = ?1 AND dur_ns >= ?5"
        " AND start_ns < ?3 AND end_ns > ?4 AND ?2 = ?2 AND model_id IS ?6",
        error);
      if (!tl->by_dur_all || !tl->by_dur_model)
        return -1;
    }
  return 0;
}

MlsTimeline *
mls_timeline_new (MlsStore *store, MlsError *error)
{
  MlsTimeline *tl = calloc (1, sizeof *tl);

  tl->store = store;
  tl->db = mls_store_db (store);
  tl->max_level = (int) query_int (tl, "SELECT max (level) FROM span_summary"
                                   " WHERE ?1 = ?1 AND ?2 = ?2", 0, 0, -1);
  tl->has_dur_index = query_int (tl, "SELECT count (*) FROM sqlite_master"
                                 " WHERE type = 'index' AND name ="
                                 " 'span_kind_dur' AND ?1 = ?1 AND ?2 = ?2",
                                 0, 0, 0) > 0;
  if (load_kinds (tl, error) < 0 || load_models (tl, error) < 0
      || load_lost (tl, error) < 0 || prepare_lane_queries (tl, error) < 0)
    {
      mls_timeline_free (tl);
      return NULL;
    }
  load_kind_extents (tl);
  load_meta_range (tl);
  return tl;
}

void
mls_timeline_free (MlsTimeline *tl)
{
  if (!tl)
    return;
  sqlite3_finalize (tl->by_start_all);
  sqlite3_finalize (tl->by_start_model);
  sqlite3_finalize (tl->by_dur_all);
  sqlite3_finalize (tl->by_dur_model);
  sqlite3_finalize (tl->buckets);
  for (size_t i = 0; i < tl->n_models; i++)
    free (tl->models[i].name);
  free (tl->models);
  free (tl->lost);
  free (tl->pairs);
  free (tl);
}

void
mls_timeline_get_range (const MlsTimeline *tl, int64_t *start_ns,
                        int64_t *end_ns)
{
  *start_ns = tl->start_ns;
  *end_ns = tl->end_ns > tl->start_ns ? tl->end_ns : tl->start_ns + 1000;
}

size_t mls_timeline_n_kinds (const MlsTimeline *tl) { return tl->n_kinds; }

const MlsTimelineKind *
mls_timeline_kind (const MlsTimeline *tl, size_t i)
{
  return i < tl->n_kinds ? &tl->kinds[i] : NULL;
}

const MlsTimelineKind *
mls_timeline_find_kind (const MlsTimeline *tl, int kind_id)
{
  for (size_t i = 0; i < tl->n_kinds; i++)
    if (tl->kinds[i].kind_id == kind_id)
      return &tl->kinds[i];
  return NULL;
}

size_t mls_timeline_n_models (const MlsTimeline *tl) { return tl->n_models; }

const MlsTimelineModel *
mls_timeline_model (const MlsTimeline *tl, size_t i)
{
  return i < tl->n_models ? &tl->models[i] : NULL;
}

const char *
mls_timeline_model_name (const MlsTimeline *tl, int64_t id)
{
  for (size_t i = 0; i < tl->n_models; i++)
    if (tl->models[i].id == id)
      return tl->models[i].name;
  return NULL;
}

size_t mls_timeline_n_lost (const MlsTimeline *tl) { return tl->n_lost; }

const MlsTimelineLost *
mls_timeline_lost (const MlsTimeline *tl, size_t i)
{
  return i < tl->n_lost ? &tl->lost[i] : NULL;
}

int
mls_timeline_kind_has_model (const MlsTimeline *tl, int kind_id,
                             int64_t model_id)
{
  for (size_t i = 0; i < tl->n_pairs; i++)
    if (tl->pairs[i].kind_id == kind_id && tl->pairs[i].model_id == model_id)
      return 1;
  return 0;
}

/* -1: zoomed in below the finest bucket, every span is read. */
static int
pick_level (const MlsTimeline *tl, double ns_per_px)
{
  int level = -1;

  while (level < tl->max_level && MLS_BUCKET_NS (level + 1) <= 4 * ns_per_px)
    level++;
  return level;
}

static int64_t
read_spans (MlsTimeline *tl, const MlsLaneQuery *q, int64_t min_dur,
            MlsTimelineSpanFunc span_func, void *data, MlsError *error)
{
  const MlsTimelineKind *kind = mls_timeline_find_kind (tl, q->kind_id);
  double trace_ns = (double) (tl->end_ns - tl->start_ns) + 1;
  double by_start_rows, by_dur_rows;
  sqlite3_stmt *stmt;
  int64_t rows = 0;
  int rc;

  /* Rows each index would visit: spans starting in the range widened by
   * the longest span, or spans at least min_dur long (at most
   * total / min_dur of them). */
  by_start_rows = (double) kind->count
                  * ((double) (q->end_ns - q->start_ns) + kind->max_dur_ns)
                  / trace_ns;
  by_dur_rows = min_dur > 0 ? (double) kind->total_ns / min_dur : 1e300;
  if (tl->has_dur_index && by_dur_rows < by_start_rows)
    stmt = q->model_id < 0 ? tl->by_dur_all : tl->by_dur_model;
  else
    stmt = q->model_id < 0 ? tl->by_start_all : tl->by_start_model;

  sqlite3_reset (stmt);
  sqlite3_bind_int (stmt, 1, q->kind_id);
  sqlite3_bind_int64 (stmt, 2, q->start_ns - kind->max_dur_ns);
  sqlite3_bind_int64 (stmt, 3, q->end_ns);
  sqlite3_bind_int64 (stmt, 4, q->start_ns);
  sqlite3_bind_int64 (stmt, 5, min_dur);
  if (q->model_id > 0)
    sqlite3_bind_int64 (stmt, 6, q->model_id);
  else
    sqlite3_bind_null (stmt, 6);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MlsTimelineSpan span;

      span.id = sqlite3_column_int64 (stmt, 0);
      span.kind_id = sqlite3_column_int (stmt, 1);
      span.model_id = sqlite3_column_int64 (stmt, 2);
      span.depth = sqlite3_column_int (stmt, 3);
      span.start_ns = sqlite3_column_int64 (stmt, 4);
      span.end_ns = sqlite3_column_int64 (stmt, 5);
      span.complete = sqlite3_column_int (stmt, 6);
      span_func (&span, data);
      rows++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fail (tl, error, "cannot read spans");
  return rows;
}

static int64_t
read_buckets (MlsTimeline *tl, const MlsLaneQuery *q, int level,
              int64_t model_id, MlsTimelineBucketFunc bucket_func,
              void *data, MlsError *error)
{
  sqlite3_stmt *stmt = tl->buckets;
  int64_t width = MLS_BUCKET_NS (level);
  int64_t rows = 0;
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_int (stmt, 1, level);
  sqlite3_bind_int (stmt, 2, q->kind_id);
  sqlite3_bind_int64 (stmt, 3, model_id);
  sqlite3_bind_int64 (stmt, 4, q->start_ns / width - 1);
  sqlite3_bind_int64 (stmt, 5, q->end_ns / width + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MlsTimelineBucket bucket;

      bucket.start_ns = sqlite3_column_int64 (stmt, 0) * width;
      bucket.width_ns = width;
      bucket.count = sqlite3_column_int64 (stmt, 1);
      bucket.busy_ns = sqlite3_column_int64 (stmt, 2);
      bucket_func (&bucket, data);
      rows++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return fail (tl, error, "cannot read the span summary");
  return rows;
}

int64_t
mls_timeline_read_lane (MlsTimeline *tl, const MlsLaneQuery *q,
                        MlsTimelineSpanFunc span_func,
                        MlsTimelineBucketFunc bucket_func, void *data,
                        MlsError *error)
{
  int level = pick_level (tl, q->ns_per_px);
  int64_t rows, total;

  if (!mls_timeline_find_kind (tl, q->kind_id))
    return 0;
  total = read_spans (tl, q, level < 0 ? 0 : MLS_BUCKET_NS (level),
                      span_func, data, error);
  if (total < 0 || level < 0)
    return total;

  /* The summary's primary key is (level, kind, model, bucket): one range
   * per model keeps every read on the index. */
  for (size_t i = 0; i < tl->n_pairs; i++)
    {
      if (tl->pairs[i].kind_id != q->kind_id)
        continue;
      if (q->model_id >= 0 && tl->pairs[i].model_id != q->model_id)
        continue;
      rows = read_buckets (tl, q, level, tl->pairs[i].model_id, bucket_func,
                           data, error);
      if (rows < 0)
        return -1;
      total += rows;
    }
  return total;
}

static char *
column_strdup (sqlite3_stmt *stmt, int col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text ? strdup ((const char *) text) : NULL;
}

int
mls_timeline_span_details (MlsTimeline *tl, int64_t span_id,
                           MlsSpanDetails *d, MlsError *error)
{
  sqlite3_stmt *stmt;
  int rc;

  memset (d, 0, sizeof *d);
  if (sqlite3_prepare_v2 (tl->db,
        "SELECT s.id, k.lane, k.label, m.name, s.unit, s.pid, s.tid,"
        "       (SELECT t.name FROM thread t WHERE t.tid = s.tid LIMIT 1),"
        "       ifnull (s.parent_id, 0), s.depth, s.start_ns, s.end_ns,"
        "       s.dur_ns, s.complete, s.status, s.args"
        " FROM span s JOIN span_kind k ON k.id = s.kind_id"
        " LEFT JOIN model m ON m.id = s.model_id WHERE s.id = ?1",
        -1, &stmt, NULL) != SQLITE_OK)
    return fail (tl, error, "cannot read the span");
  sqlite3_bind_int64 (stmt, 1, span_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      if (rc == SQLITE_DONE && error)
        {
          error->code = 1;
          snprintf (error->message, sizeof error->message,
                    "%s: no span with id %lld", mls_store_path (tl->store),
                    (long long) span_id);
          return -1;
        }
      return fail (tl, error, "cannot read the span");
    }
  d->id = sqlite3_column_int64 (stmt, 0);
  snprintf (d->lane, sizeof d->lane, "%s", sqlite3_column_text (stmt, 1));
  snprintf (d->kind, sizeof d->kind, "%s", sqlite3_column_text (stmt, 2));
  d->model = column_strdup (stmt, 3);
  if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
    snprintf (d->unit, sizeof d->unit, "%s", sqlite3_column_text (stmt, 4));
  d->pid = sqlite3_column_int64 (stmt, 5);
  d->tid = sqlite3_column_int64 (stmt, 6);
  d->thread = column_strdup (stmt, 7);
  d->parent_id = sqlite3_column_int64 (stmt, 8);
  d->depth = sqlite3_column_int (stmt, 9);
  d->start_ns = sqlite3_column_int64 (stmt, 10);
  d->end_ns = sqlite3_column_int64 (stmt, 11);
  d->dur_ns = sqlite3_column_int64 (stmt, 12);
  d->complete = sqlite3_column_int (stmt, 13);
  d->status = sqlite3_column_int (stmt, 14);
  d->args = column_strdup (stmt, 15);
  sqlite3_finalize (stmt);
  return 0;
}

void
mls_span_details_clear (MlsSpanDetails *d)
{
  free (d->model);
  free (d->thread);
  free (d->args);
  memset (d, 0, sizeof *d);
}
