/*
 * mls-store.h: reading and writing mlscope trace databases (schema.sql).
 *
 * The store is the only code that knows the database's layout. The
 * collector writes through it, `mlscope stats` and the viewer read through
 * it. It depends on SQLite alone (no GLib), like Sysprof's capture library.
 *
 * Functions that can fail return 0 on success and -1 on failure, filling
 * the MlsError (if non-NULL) with a message that names the file.
 */
#ifndef MLS_STORE_H
#define MLS_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sqlite3 sqlite3;

/* Bump with every change to schema.sql, and add a migration. */
#define MLS_SCHEMA_VERSION 6

#define MLS_ERROR_MESSAGE_MAX 1024

typedef struct {
  int code;                       /* nonzero after an error */
  char message[MLS_ERROR_MESSAGE_MAX];
} MlsError;

/* Span kind ids, as in schema.sql's span_kind rows. */
typedef enum {
  MLS_KIND_MODEL_COMPILE = 1,
  MLS_KIND_MODEL_LOAD = 2,
  MLS_KIND_MODEL_UNLOAD = 3,
  MLS_KIND_PREDICTION = 4,
  MLS_KIND_BATCH_PREDICTION = 5,
  MLS_KIND_INPUT_VALIDATION = 10,
  MLS_KIND_INPUT_CONVERSION = 11,
  MLS_KIND_OUTPUT_CONVERSION = 12,
  MLS_KIND_COPY_TO_UNIT = 13,
  MLS_KIND_COPY_FROM_UNIT = 14,
  MLS_KIND_OUTPUT_BACKING_FILL = 15,
  MLS_KIND_MODEL_DECRYPTION = 16,
  MLS_KIND_CPU_COMPUTE = 20,
  MLS_KIND_GPU_COMPUTE = 21,
  MLS_KIND_NPU_COMPUTE = 22,
  MLS_KIND_GPU_BUSY = 30,
  MLS_KIND_NPU_BUSY = 31,
  MLS_KIND_LAYER = 40,
} MlsKind;

/* Why a span's end was never seen (span.incomplete_reason). */
typedef enum {
  MLS_CUT_NONE = 0,         /* the span is complete */
  MLS_CUT_PROCESS_DIED,
  MLS_CUT_RECORDING_ENDED,
  MLS_CUT_END_LOST,
  MLS_CUT_UNKNOWN,
} MlsCutReason;

/* schema.sql's name for a reason ("process_died", ...); NULL for NONE. */
const char *mls_cut_reason_name (MlsCutReason reason);
/* The reason a name stands for; NONE for NULL, UNKNOWN for a name this
 * mlscope does not know. */
MlsCutReason mls_cut_reason_from_name (const char *name);
/* The same in words for people ("process died", ...). */
const char *mls_cut_reason_label (MlsCutReason reason);

/* How a process stood when the recording ended (process.end_state). */
typedef enum {
  MLS_PROCESS_STATE_UNKNOWN = 0,
  MLS_PROCESS_EXITED,       /* exit_status: its exit code */
  MLS_PROCESS_KILLED,       /* exit_status: the signal */
  MLS_PROCESS_ENDED,        /* gone, how is not known */
  MLS_PROCESS_RUNNING,
} MlsProcessState;

typedef struct MlsStore MlsStore;

/*
 * Creates a new database at `path`. It is written as `path` + ".partial"
 * and renamed into place by mls_store_finish(), so a failed import never
 * leaves a half-written file under the final name nor destroys an older one.
 */
MlsStore *mls_store_create (const char *path, MlsError *error);

/*
 * Creates a database at `path` that readers can open while it is filled:
 * it is in place (an empty recording) on return, in WAL mode, and each
 * mls_store_flush() commits what was added since the last one in one
 * small transaction, so a reader always sees a whole recording of what
 * had arrived by some flush. mls_store_finish() then rewrites it exactly
 * as mls_store_create() + finish would have written the same spans. An
 * unfinished live store keeps its file as the last flush left it.
 */
MlsStore *mls_store_create_live (const char *path, MlsError *error);

/* Live stores only: appends the spans added since the last flush (each
 * flush's spans a run of their own per thread, kind, model and length
 * class), their strings, processes and lost events, and refreshes the
 * aggregates (statistics, summaries, overlaps) unless that would take
 * more than a fifth of the time since they were last refreshed; then
 * commits. A parent that has not ended yet is linked when it is flushed. */
int mls_store_flush (MlsStore *store, MlsError *error);

/* Opens an existing database read-only; refuses files that are not trace
 * databases or are of another schema version, saying which. */
MlsStore *mls_store_open (const char *path, MlsError *error);

/* Closes the store. A store created and never finished is an aborted
 * import: its PATH.partial file is deleted. */
void mls_store_close (MlsStore *store);

const char *mls_store_path (const MlsStore *store);
sqlite3 *mls_store_db (MlsStore *store);

/* ---- writing (the collector) ---- */

/* Which of MlsSpanArgs' integers are given (the others are absent). */
enum {
  MLS_ARG_BATCH_SIZE = 1 << 0,
  MLS_ARG_BYTES = 1 << 1,
  MLS_ARG_FIRST_LAYER = 1 << 2,
  MLS_ARG_LAST_LAYER = 1 << 3,
  MLS_ARG_INDEX = 1 << 4,
};

/* A span's arguments as mlrt's tracepoints name them. A kind keeps those
 * schema.sql's span_arg lists for it (a data span's bytes, a layer's name,
 * ...); strings are copied (NULL: absent). */
typedef struct {
  uint64_t span_id;         /* the runtime's id of the span; 0: none */
  unsigned present;         /* MLS_ARG_* */
  int64_t batch_size;       /* predictions */
  const char *cache;        /* activities: "hit", "miss" */
  const char *feature;      /* data */
  const char *src_type;
  const char *dst_type;
  int64_t bytes;
  int64_t first_layer;      /* compute requests */
  int64_t last_layer;
  const char *first_layer_name;
  const char *last_layer_name;
  int64_t index;            /* layers */
  const char *name;
  const char *op;
  const char *what;         /* device busy */
} MlsSpanArgs;

/* A span to write. `id` is how the caller names it (a child's parent_id
 * names its parent): the file numbers spans in its own order (by thread,
 * kind and time, schema.sql's span_run), so ids in the file differ. */
typedef struct {
  int64_t id;               /* 0: assigned by the store */
  int kind_id;              /* MlsKind */
  int64_t model_id;         /* 0: none */
  int64_t parent_id;        /* 0: none; a span's id (given or returned) */
  int depth;
  const char *unit;         /* "cpu", "gpu", "npu" or NULL */
  int64_t pid;
  int64_t tid;
  int64_t start_ns;
  int64_t end_ns;
  int complete;
  MlsCutReason cut;         /* why, when not complete (NONE: unknown) */
  int status;
  MlsSpanArgs args;
  const char *args_json;    /* other arguments: a JSON object, or NULL */
} MlsSpan;

int mls_store_set_meta_text (MlsStore *store, const char *key,
                             const char *value, MlsError *error);
int mls_store_set_meta_int (MlsStore *store, const char *key, int64_t value,
                            MlsError *error);
/* Return the row id, creating the row when new; -1 on error. */
int64_t mls_store_intern_process (MlsStore *store, int64_t pid,
                                  const char *name, MlsError *error);
int64_t mls_store_intern_thread (MlsStore *store, int64_t pid, int64_t tid,
                                 const char *name, MlsError *error);
/* What the recorder saw of a process: its command line (or NULL) and how
 * it stood when the recording ended (exit_status is kept for EXITED and
 * KILLED only). Creates the process row when new. */
int mls_store_set_process_facts (MlsStore *store, int64_t pid,
                                 const char *cmdline, MlsProcessState state,
                                 int exit_status, MlsError *error);
int64_t mls_store_intern_model (MlsStore *store, const char *name,
                                MlsError *error);
/* The file model_id was loaded from (absolute, on its host), or NULL for
 * none known. */
int mls_store_set_model_path (MlsStore *store, int64_t model_id,
                              const char *path, MlsError *error);
/* A host (schema.sql's host table): its id, created when new. */
int64_t mls_store_intern_host (MlsStore *store, const char *name,
                               int64_t clock_offset_ns,
                               int64_t clock_shift_ns, MlsError *error);
/* The host a process ran on. */
int mls_store_set_process_host (MlsStore *store, int64_t pid,
                                int64_t host_id, MlsError *error);
/* Returns the span's id (span->id if nonzero), -1 on error. Spans are
 * kept in memory (about 60 bytes each) and written by finish. */
int64_t mls_store_add_span (MlsStore *store, const MlsSpan *span,
                            MlsError *error);
/* The store's copy of a string (NULL for NULL), kept until the store is
 * closed and stored once however often spans name it; NULL when out of
 * memory. Arguments given through it cost no copy. */
const char *mls_store_intern_string (MlsStore *store, const char *text);
int mls_store_add_lost_events (MlsStore *store, int64_t start_ns,
                               int64_t end_ns, int64_t count, int packets,
                               const char *stream, MlsError *error);
/* Writes the spans in the file's order with their runs, computes
 * span_kind_stats, span_summary and span_overlap, commits, and renames the
 * file into place. The store stays open for reading. */
int mls_store_finish (MlsStore *store, MlsError *error);

/* ---- reading: recording facts ---- */

/* The value of meta.KEY as a new string (free it), or NULL if absent. */
char *mls_store_get_meta_text (MlsStore *store, const char *key);
/* 0 and *value set when meta.KEY exists, -1 when it does not. */
int mls_store_get_meta_int (MlsStore *store, const char *key,
                            int64_t *value);

/* span_summary's levels: bucket length of a level, and the first level
 * whose buckets are longer than a duration (where such a span is counted). */
int64_t mls_summary_bucket_ns (int level);
int mls_summary_level_of (int64_t dur_ns);

/* ---- reading: aggregates (mlscope stats, the viewer's table) ---- */

typedef struct {
  int by_model;
  int by_process;
  int has_range;            /* restrict to spans overlapping [start, end),
                               on the trace clock like span.start_ns */
  int64_t range_start_ns;
  int64_t range_end_ns;
  const int64_t *pids;      /* restrict to these processes (n_pids > 0) */
  size_t n_pids;
  const int64_t *tids;      /* and to these threads (n_tids > 0) */
  size_t n_tids;
  int clip;                 /* with a range: each span's time inside it,
                               not its whole duration */
} MlsStatsQuery;

/* Which of a kind's spans a row counts: all of them, or, for Model Load,
 * the loads that found their compiled form and placement cached or those
 * that did not (mls-store-stats.c says how the trace tells them). */
typedef enum {
  MLS_PART_ALL = 0,
  MLS_PART_LOAD_CACHED = 1,
  MLS_PART_LOAD_UNCACHED = 2,
} MlsStatsPart;

/*
 * One row of the table. The duration figures (total to stddev, and share)
 * are those of the `count` complete spans; `incomplete` counts the spans
 * cut off (never in the figures). When count is 0 the figures are 0 and
 * mean nothing: print them as absent. median: the middle duration, or the
 * mean of the two middle ones rounded down; stddev: the population one.
 */
typedef struct {
  int kind_id;
  MlsStatsPart part;        /* a part of the kind's row ("Model Load,
                               cached"), which follows it */
  char *lane;
  char *label;              /* the kind's, with the part's */
  int64_t model_id;         /* 0 when not by model */
  char *model;              /* NULL when not by model; by model, NULL (and
                               model_id 0) for spans without a model */
  int64_t pid;              /* 0 when not by process */
  char *process;            /* its name, NULL when not by process or
                               unknown */
  int64_t count;
  int64_t incomplete;
  int64_t total_ns;
  double avg_ns;
  int64_t min_ns;
  int64_t median_ns;
  int64_t max_ns;
  double stddev_ns;
  double share;             /* of the lane's total time, 0..1: total_ns over
                               the sum of total_ns of the rows in the same
                               lane that are no part of another */
} MlsStatsRow;

int mls_store_query_stats (MlsStore *store, const MlsStatsQuery *query,
                           MlsStatsRow **rows, size_t *n_rows,
                           MlsError *error);
void mls_stats_rows_free (MlsStatsRow *rows, size_t n_rows);

/* How many spans the query's rows count as incomplete, by reason (cut is
 * indexed by MlsCutReason; cut[MLS_CUT_NONE] is 0). */
int mls_store_count_incomplete (MlsStore *store, const MlsStatsQuery *query,
                                int64_t cut[MLS_CUT_UNKNOWN + 1],
                                MlsError *error);

/* The pids of the processes that ran on host `name`, in pid order;
 * *n_pids 0 when there is none. */
int mls_store_find_host_processes (MlsStore *store, const char *name,
                                   int64_t **pids, size_t *n_pids,
                                   MlsError *error);
/* The names of the recording's hosts, in id order (free each and the
 * array). */
int mls_store_list_hosts (MlsStore *store, char ***names, size_t *n,
                          MlsError *error);

/* The pids of the processes named `name` (process.name), in pid order;
 * *n_pids 0 when there is none. */
int mls_store_find_processes (MlsStore *store, const char *name,
                              int64_t **pids, size_t *n_pids,
                              MlsError *error);

/* ---- reading: every span and thread (mlscope export) ---- */

typedef struct {
  int64_t id;
  int kind_id;
  const char *lane;
  const char *label;
  int64_t model_id;         /* 0: none */
  const char *model;        /* NULL: none */
  int64_t parent_id;        /* 0: none */
  int depth;
  const char *unit;         /* NULL: none */
  int64_t pid;
  int64_t tid;
  int64_t start_ns;
  int64_t end_ns;
  int64_t dur_ns;
  int complete;
  MlsCutReason cut;         /* NONE when complete */
  int status;
  const char *args_json;    /* NULL: none */
} MlsSpanInfo;

/* Called for each span; the strings are valid until it returns. A nonzero
 * return stops the walk, and mls_store_foreach_span() returns it. */
typedef int (*MlsSpanFunc) (const MlsSpanInfo *span, void *user_data);

/* Walks all spans in id order (no sort, so it streams millions). Returns 0,
 * func's nonzero value, or -1 on a database error. */
int mls_store_foreach_span (MlsStore *store, MlsSpanFunc func,
                            void *user_data, MlsError *error);

typedef struct {
  int64_t pid;
  const char *process_name; /* NULL when unknown */
  int64_t tid;              /* 0 for a process with no thread rows */
  const char *thread_name;  /* NULL when unknown */
} MlsThreadInfo;

typedef int (*MlsThreadFunc) (const MlsThreadInfo *thread, void *user_data);

/* Walks the process and thread tables (by pid, then tid), like
 * mls_store_foreach_span(). */
int mls_store_foreach_thread (MlsStore *store, MlsThreadFunc func,
                              void *user_data, MlsError *error);

#endif /* MLS_STORE_H */
