/*
 * mls-store-timeline.h: the viewer's read queries on a trace database.
 *
 * A timeline view asks, per lane, for what it can draw in a time range at a
 * given zoom: spans at least a summary bucket long one by one, and shorter
 * ones as span_summary buckets. Each lane reads O(pixels) whatever the
 * size of the trace (buckets come 64 to a row); nothing here ever walks
 * every span.
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
  int min_depth;            /* of its spans (span_overlap) */
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

/* A traced thread, and a process with its threads (consecutive in
 * mls_timeline_thread order, by pid then tid). */
typedef struct {
  int64_t pid;
  int64_t tid;
  char *name;               /* NULL when unnamed */
} MlsTimelineThread;

typedef struct {
  int64_t pid;
  char *name;               /* NULL when unknown */
  char *cmdline;            /* NULL when not recorded */
  MlsProcessState state;
  int exit_status;
  char *host;               /* the host it ran on, NULL when not known */
  size_t first_thread;
  size_t n_threads;
} MlsTimelineProcess;

/* A span_overlap row: the set of spans of a kind (kind_id 0: every kind of
 * the lane), a model (-1: all, 0: none), a thread (tid 0: all) at a depth
 * needs max_overlap rows so none hides another. */
typedef struct {
  char lane[16];
  int kind_id;
  int64_t model_id;
  int64_t pid;
  int64_t tid;
  int depth;
  int64_t count;
  int max_overlap;
} MlsTimelineOverlap;

typedef struct MlsTimeline MlsTimeline;

/* What a lane draws: one kind, or every kind of a lane (kind_id 0 and
 * `lane`, span_kind.lane), for all models (model_id -1), spans with no
 * model (0) or one model, of one thread (tid > 0) or all, over
 * [start_ns, end_ns) at ns_per_px. */
typedef struct {
  int kind_id;
  int64_t model_id;
  int64_t start_ns;
  int64_t end_ns;
  double ns_per_px;
  int64_t pid;
  int64_t tid;              /* 0: every thread */
  const char *lane;         /* when kind_id is 0 */
} MlsLaneQuery;

/* A span as the timeline draws it. `label` (layers: "name · op") is valid
 * only during the callback; root_kind is the kind of its top-level
 * ancestor (its own kind at depth 0), which tells work done for a model
 * load (calibration) from work done for a prediction. */
typedef struct {
  int64_t id;
  int kind_id;
  int64_t model_id;
  int depth;
  int64_t start_ns;
  int64_t end_ns;
  int complete;
  int64_t tid;
  int64_t parent_id;        /* 0: none */
  int root_kind;
  char unit[4];             /* "" when none */
  const char *label;        /* NULL unless a layer */
} MlsTimelineSpan;

/* What lies under a pointer: the spans of a query overlapping its range,
 * their time inside it, and the first one's id and start. */
typedef struct {
  int64_t count;
  int64_t busy_ns;
  int64_t first_id;
  int64_t first_start_ns;
} MlsRangeCount;

/* Which span mls_timeline_find_span looks for. */
typedef enum {
  MLS_FIND_NEXT,            /* the first starting after at_ns */
  MLS_FIND_PREVIOUS,        /* the last starting before at_ns */
  MLS_FIND_LONGEST,         /* the longest overlapping [start, end) */
} MlsFindWhat;

/* count spans shorter than width_ns start in [start_ns, start_ns + width_ns)
 * and are busy for busy_ns in total (to a 64th of the bucket); kind_id is
 * the query's kind, or the busiest kind of a lane's. */
typedef struct {
  int64_t start_ns;
  int64_t width_ns;
  int64_t count;
  int64_t busy_ns;
  int kind_id;
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
size_t mls_timeline_n_processes (const MlsTimeline *tl);
const MlsTimelineProcess *mls_timeline_process (const MlsTimeline *tl,
                                                size_t i);
size_t mls_timeline_n_threads (const MlsTimeline *tl);
const MlsTimelineThread *mls_timeline_thread (const MlsTimeline *tl,
                                              size_t i);
size_t mls_timeline_n_overlaps (const MlsTimeline *tl);
const MlsTimelineOverlap *mls_timeline_overlap (const MlsTimeline *tl,
                                                size_t i);
/* Whether kind_id has spans of model_id (precomputed stats). */
int mls_timeline_kind_has_model (const MlsTimeline *tl, int kind_id,
                                 int64_t model_id);

/* Calls span_func for every span of the lane worth drawing one by one
 * (in no particular order) and bucket_func for every summary bucket of the
 * shorter ones. Returns the number of rows read (spans, and summary rows
 * of 64 buckets), or -1 on error. */
int64_t mls_timeline_read_lane (MlsTimeline *tl, const MlsLaneQuery *query,
                                MlsTimelineSpanFunc span_func,
                                MlsTimelineBucketFunc bucket_func,
                                void *data, MlsError *error);

/* Counts what query q's lane holds in [start_ns, end_ns) (its ns_per_px
 * is ignored): exact, read from the spans, for a tooltip. 0 or -1. */
int mls_timeline_count_range (MlsTimeline *tl, const MlsLaneQuery *q,
                              MlsRangeCount *count, MlsError *error);

/* The span of q's kind, model and thread that `what` asks for (at_ns for
 * next / previous, q's range for the longest): *span_id 0 when there is
 * none. Returns 0 or -1. */
int mls_timeline_find_span (MlsTimeline *tl, const MlsLaneQuery *q,
                            MlsFindWhat what, int64_t at_ns,
                            int64_t *span_id, MlsError *error);

/* Calls func with each span whose parent is span_id (depth 1), and their
 * children (depth 2, and so on), in start order; at most `limit`. */
int mls_timeline_descendants (MlsTimeline *tl, int64_t span_id, int limit,
                              MlsTimelineSpanFunc func, void *data,
                              MlsError *error);

/* SQLite virtual machine steps the lane reads took since the last call:
 * their real cost, rows skipped by a scan included (tests, benchmarks). */
int64_t mls_timeline_take_vm_steps (MlsTimeline *tl);

int mls_timeline_span_details (MlsTimeline *tl, int64_t span_id,
                               MlsSpanDetails *details, MlsError *error);
void mls_span_details_clear (MlsSpanDetails *details);

#endif /* MLS_STORE_TIMELINE_H */
