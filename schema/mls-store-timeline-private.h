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
  int64_t vm_steps;         /* since mls_timeline_take_vm_steps */
};

/* Fills error with the SQLite message about `what`; returns -1. */
int mls_timeline_fail (MlsTimeline *tl, MlsError *error, const char *what);

#endif /* MLS_STORE_TIMELINE_PRIVATE_H */
