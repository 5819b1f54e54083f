/*
 * mls-store-timeline.h: the viewer's read queries on a trace database.
 *
 * A timeline view asks, per lane, for what it can draw in a time range at a
 * given zoom: spans wider than a pixel one by one, and narrower ones as
 * span_summary buckets. Each lane reads O(pixels) rows whatever the size of
 * the trace; nothing here ever walks every span.
 */
#ifndef MLS_STORE_TIMELINE_H
#define MLS_STORE_TIMELINE_H

#include "mls-store.h"

#define MLS_TIMELINE_MAX_KINDS 64

/* A span kind with spans in the file, with what drawing it needs. */
typedef struct {
  int kind_id;
  char lane[16];
  char label[64];
  int sort_order;
  int64_t count;
  int64_t total_ns;
  int64_t max_dur_ns;
  int64_t long_dur_ns;      /* at most 64 spans are longer */
  int min_depth;            /* sampled from the kind's first spans */
  int max_depth;
} MlsTimelineKind;

typedef struct {
  int64_t id;
  char *name;
} MlsTimelineModel;

typedef struct {
  int64_t start_ns;
  int64_t end_ns;
  int64_t count;
  int packets;
} MlsTimelineLost;

typedef struct MlsTimeline MlsTimeline;

/* What a lane draws: one kind, for all models (model_id -1), spans with no
 * model (0) or one model, over [start_ns, end_ns) at ns_per_px. */
typedef struct {
  int kind_id;
  int64_t model_id;
  int64_t start_ns;
  int64_t end_ns;
  double ns_per_px;
} MlsLaneQuery;

typedef struct {
  int64_t id;
  int kind_id;
  int64_t model_id;
  int depth;
  int64_t start_ns;
  int64_t end_ns;
  int complete;
} MlsTimelineSpan;

/* count spans shorter than width_ns start in [start_ns, start_ns + width_ns)
 * and are busy for busy_ns in total. */
typedef struct {
  int64_t start_ns;
  int64_t width_ns;
  int64_t count;
  int64_t busy_ns;
} MlsTimelineBucket;

typedef void (*MlsTimelineSpanFunc) (const MlsTimelineSpan *span, void *data);
typedef void (*MlsTimelineBucketFunc) (const MlsTimelineBucket *bucket,
                                       void *data);

typedef struct {
  int64_t id;
  char lane[16];
  char kind[64];
  char *model;              /* NULL: none */
  char unit[8];             /* "" when none */
  int64_t pid;
  int64_t tid;
  char *thread;             /* NULL when unnamed */
  int64_t parent_id;
  int depth;
  int64_t start_ns;
  int64_t end_ns;
  int64_t dur_ns;
  int complete;
  MlsCutReason cut;         /* why it is incomplete; NONE when complete */
  int status;
  char *args;               /* JSON, NULL when none */
} MlsSpanDetails;

/* Reads the file's overview (range, kinds, models, lost events) and
 * prepares the lane queries. */
MlsTimeline *mls_timeline_new (MlsStore *store, MlsError *error);
void mls_timeline_free (MlsTimeline *tl);

void mls_timeline_get_range (const MlsTimeline *tl, int64_t *start_ns,
                             int64_t *end_ns);
size_t mls_timeline_n_kinds (const MlsTimeline *tl);
const MlsTimelineKind *mls_timeline_kind (const MlsTimeline *tl, size_t i);
const MlsTimelineKind *mls_timeline_find_kind (const MlsTimeline *tl,
                                               int kind_id);
size_t mls_timeline_n_models (const MlsTimeline *tl);
const MlsTimelineModel *mls_timeline_model (const MlsTimeline *tl, size_t i);
const char *mls_timeline_model_name (const MlsTimeline *tl, int64_t id);
size_t mls_timeline_n_lost (const MlsTimeline *tl);
const MlsTimelineLost *mls_timeline_lost (const MlsTimeline *tl, size_t i);
/* Whether kind_id has spans of model_id (precomputed stats). */
int mls_timeline_kind_has_model (const MlsTimeline *tl, int kind_id,
                                 int64_t model_id);

/* Calls span_func for every span of the lane worth drawing one by one and
 * bucket_func for every summary bucket of the shorter ones. Returns the
 * number of rows read, or -1 on error. */
int64_t mls_timeline_read_lane (MlsTimeline *tl, const MlsLaneQuery *query,
                                MlsTimelineSpanFunc span_func,
                                MlsTimelineBucketFunc bucket_func,
                                void *data, MlsError *error);

/* SQLite virtual machine steps the lane reads took since the last call:
 * their real cost, rows skipped by a scan included (tests, benchmarks). */
int64_t mls_timeline_take_vm_steps (MlsTimeline *tl);

int mls_timeline_span_details (MlsTimeline *tl, int64_t span_id,
                               MlsSpanDetails *details, MlsError *error);
void mls_span_details_clear (MlsSpanDetails *details);

#endif /* MLS_STORE_TIMELINE_H */
