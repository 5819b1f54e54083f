/*
 * mls-store-timeline-private.h: what the timeline's query files share (the
 * reader's state); not for the viewer.
 */
#ifndef MLS_STORE_TIMELINE_PRIVATE_H
#define MLS_STORE_TIMELINE_PRIVATE_H

#include "mls-store-timeline.h"

#include <sqlite3.h>

#define MLS_BUCKET_NS(level) (1000LL << (2 * (level)))

/* schema.sql's span_kind_dur holds only spans at least this long (the
 * level-3 bucket). SQLite uses a partial index only for a WHERE that
 * repeats its condition literally: the by-duration queries carry
 * MLS_DUR_INDEX_WHERE, and run only for durations the index holds. */
#define MLS_DUR_INDEX_LEVEL 3
#define MLS_DUR_INDEX_NS MLS_BUCKET_NS (MLS_DUR_INDEX_LEVEL)
#define MLS_DUR_INDEX_WHERE "dur_ns >= 64000"
_Static_assert (MLS_DUR_INDEX_NS == 64000,
                "MLS_DUR_INDEX_WHERE must name MLS_DUR_INDEX_NS");

typedef struct {
  int kind_id;
  int64_t model_id;         /* 0: spans without a model */
  int64_t pid, tid;         /* 0: all threads */
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
  KindModel *pairs;         /* of all threads, then of each thread */
  size_t n_pairs;
  MlsTimelineProcess *processes;
  size_t n_processes;
  MlsTimelineThread *threads;
  size_t n_threads;
  MlsTimelineOverlap *overlaps;
  size_t n_overlaps;
  int max_level;            /* -1: no summary */
  int has_dur_index;
  sqlite3_stmt *by_start_all;
  sqlite3_stmt *by_start_model;
  sqlite3_stmt *by_dur_all;
  sqlite3_stmt *by_dur_model;
  sqlite3_stmt *buckets;
  sqlite3_stmt *by_start_thread;
  sqlite3_stmt *by_dur_thread;
  sqlite3_stmt *thread_buckets;
  int64_t vm_steps;         /* since mls_timeline_take_vm_steps */
};

/* Fills error with the SQLite message about `what`; returns -1. */
int mls_timeline_fail (MlsTimeline *tl, MlsError *error, const char *what);

/* Processes, threads and span_overlap, and each thread's (kind, model)
 * pairs appended to tl->pairs (mls-store-timeline-threads.c). */
int mls_timeline_load_threads (MlsTimeline *tl, MlsError *error);

/* A span row of the lane queries' columns (MLS_SPAN_COLUMNS) as the
 * timeline draws it; label points into the statement's row. */
void mls_timeline_read_span (sqlite3_stmt *stmt, MlsTimelineSpan *span);

/* The columns every span read returns, in mls_timeline_read_span's order:
 * the layer's label from its arguments, and the kind of the top-level
 * ancestor (two parent lookups at most: spans are at most three deep). */
#define MLS_SPAN_COLUMNS \
  "SELECT id, kind_id, ifnull (model_id, 0), depth, start_ns, end_ns," \
  " complete, tid, ifnull (parent_id, 0), ifnull (unit, '')," \
  " CASE WHEN kind_id = 40 THEN coalesce (json_extract (args, '$.name')," \
  "   'layer ' || json_extract (args, '$.layer'))" \
  "   || ifnull (' · ' || json_extract (args, '$.op'), '') END," \
  " CASE WHEN depth = 0 THEN kind_id ELSE (SELECT CASE WHEN p.depth = 0" \
  "   THEN p.kind_id ELSE (SELECT g.kind_id FROM span g" \
  "   WHERE g.id = p.parent_id) END FROM span p" \
  "   WHERE p.id = span.parent_id) END FROM span "

#endif /* MLS_STORE_TIMELINE_PRIVATE_H */
