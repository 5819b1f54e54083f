/*
 * mls-store-timeline-private.h: what the timeline's query files share (the
 * reader's state); not for the viewer.
 */
#ifndef MLS_STORE_TIMELINE_PRIVATE_H
#define MLS_STORE_TIMELINE_PRIVATE_H

#include "mls-store-timeline.h"
#include "mls-store-private.h"

#define MLS_BUCKET_NS(level) (1000LL << (2 * (level)))

typedef struct {
  int kind_id;
  int64_t model_id;         /* 0: spans without a model */
  int64_t pid, tid;         /* 0: all threads */
} KindModel;

/* A span_run row: its spans have ids first_id to last_id, by start. */
typedef struct {
  int64_t id;
  int64_t pid, tid;
  int kind_id;
  int lane;                 /* its kind's lane index (lane_of) */
  int64_t model_id;
  int dur_class;
  int64_t first_id, last_id;
  int64_t first_start_ns, last_start_ns, max_end_ns, max_dur_ns;
} TimelineRun;

/* A span_summary_set row. */
typedef struct {
  int64_t id;
  MlsSetKey key;
  unsigned levels;
} TimelineSet;

/* The stored sets a lane read sums for a set at a level (indices into
 * MlsTimeline.sets). */
typedef struct {
  MlsSetKey key;
  int level;
  size_t *sets;
  size_t n_sets;
} MlsResolved;

struct MlsTimeline {
  MlsStore *store;
  sqlite3 *db;
  int64_t start_ns;
  int64_t end_ns;
  MlsTimelineKind kinds[MLS_TIMELINE_MAX_KINDS];
  size_t n_kinds;
  int kind_slot[MLS_MAX_KIND_ID];  /* index in kinds + 1, 0: none */
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
  TimelineRun *runs;
  size_t n_runs;
  TimelineSet *sets;
  size_t n_sets;
  MlsSetKey *finest;        /* (kind, model, thread) with spans */
  size_t n_finest;
  MlsResolved *resolved;
  size_t n_resolved, allocated_resolved;
  int lane_of[MLS_MAX_KIND_ID];   /* lane index from 1 */
  char lanes[MLS_MAX_KIND_ID][16];
  int n_lanes;
  int max_level;            /* -1: no summary */
  sqlite3_stmt *run_spans;
  sqlite3_stmt *chunks;
  int64_t vm_steps;         /* since mls_timeline_take_vm_steps */
};

/* Fills error with the SQLite message about `what`; returns -1. */
int mls_timeline_fail (MlsTimeline *tl, MlsError *error, const char *what);

/* Processes, threads and span_overlap, and each thread's (kind, model)
 * pairs appended to tl->pairs (mls-store-timeline-threads.c). */
int mls_timeline_load_threads (MlsTimeline *tl, MlsError *error);
/* span_run and span_summary_set (mls-store-timeline-runs.c). */
int mls_timeline_load_runs (MlsTimeline *tl, MlsError *error);

/* The runs of a query's kind (or lane), model and thread: its thread's
 * runs are consecutive (runs come by thread), and its lane is looked up
 * once. mls_timeline_next_run returns them one by one, then NULL. */
typedef struct {
  const MlsLaneQuery *q;
  int lane;                 /* -1: q names a kind */
  size_t next, end;
} MlsRunIter;

void mls_timeline_runs (const MlsTimeline *tl, const MlsLaneQuery *q,
                        MlsRunIter *it);
const TimelineRun *mls_timeline_next_run (const MlsTimeline *tl,
                                          MlsRunIter *it);
/* A lane's index (lane_of), 0 when the file has none of that name. */
int mls_timeline_lane_index (const MlsTimeline *tl, const char *lane);

/* Binds run_spans-like statements' parameters (mls-store-timeline-runs.c):
 * ?1 the run, ?2 where its spans that can overlap [a, b) start, ?3 its
 * first id, ?4 b, ?5 a. */
void mls_timeline_bind_run (sqlite3_stmt *stmt, const TimelineRun *run,
                            int64_t a, int64_t b);

/* The ids of a run's spans that start in [?2, ?4) (with
 * mls_timeline_bind_run's parameters), as a condition on `id`. */
#define MLS_RUN_IDS \
  "id BETWEEN ifnull ((SELECT first_id FROM span_block WHERE run_id = ?1" \
  " AND start_ns < ?2 ORDER BY start_ns DESC, first_id DESC LIMIT 1), ?3)" \
  " AND (SELECT last_id FROM span_block WHERE run_id = ?1 AND start_ns < ?4" \
  " ORDER BY start_ns DESC, first_id DESC LIMIT 1)"

/* A span row of the lane queries' columns (MLS_SPAN_COLUMNS) as the
 * timeline draws it; label points into the statement's row. */
void mls_timeline_read_span (sqlite3_stmt *stmt, MlsTimelineSpan *span);

/* The columns every span read returns, in mls_timeline_read_span's order:
 * the layer's label from its arguments, and the kind of the top-level
 * ancestor (two parent lookups at most: spans are at most three deep). */
#define MLS_SPAN_COLUMNS \
  "SELECT id, kind_id, ifnull (model_id, 0), depth, start_ns, end_ns," \
  " complete, tid, ifnull (parent_id, 0), ifnull (unit, '')," \
  " CASE WHEN kind_id = 40 THEN coalesce ((SELECT text FROM string" \
  "   WHERE id = arg_str1), 'layer ' || arg_int1)" \
  "   || ifnull (' · ' || (SELECT text FROM string WHERE id = arg_str2)," \
  "   '') END," \
  " CASE WHEN depth = 0 THEN kind_id ELSE (SELECT CASE WHEN p.depth = 0" \
  "   THEN p.kind_id ELSE (SELECT g.kind_id FROM span g" \
  "   WHERE g.id = p.parent_id) END FROM span p" \
  "   WHERE p.id = span.parent_id) END FROM span "

#endif /* MLS_STORE_TIMELINE_PRIVATE_H */
