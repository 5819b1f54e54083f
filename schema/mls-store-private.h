/*
 * mls-store-private.h: what the store's own files share and nothing else
 * sees: the MlsStore structure, error helpers, and the steps of
 * mls_store_finish() that live in their own files.
 */
#ifndef MLS_STORE_PRIVATE_H
#define MLS_STORE_PRIVATE_H

#include <sqlite3.h>

#include "mls-store.h"

/* Most span indexes of schema.sql are dropped while a new database is
 * filled and rebuilt by mls_store_finish(): building a B-tree once from
 * sorted data beats updating it on every insert (mls-store.c keeps one up
 * to date, for the writer thread's spare time). */
#define MLS_MAX_DEFERRED_INDEXES 8

/* Kind ids are small (schema.sql uses 1..40); a bitmap checks them. */
#define MLS_MAX_KIND_ID 256

/* A span's place in time, kept per kind and model while a database is
 * filled: span_kind_stats, span_summary, thread_summary and span_overlap
 * are computed from these in C at finish instead of reading the span table
 * back. 24 bytes a span. `proc` is the span's process as an index into
 * MlsStore.procs, `thread` its thread in MlsStore.threads, `cut` whether
 * the span is incomplete (out of the duration figures), `depth` its depth
 * (deeper spans count as MLS_MAX_TRACKED_DEPTH). */
#define MLS_MAX_TRACKED_DEPTH 255
typedef struct {
  int64_t start_ns;
  int64_t dur_ns;
  uint32_t proc : 31;
  uint32_t cut : 1;
  uint32_t thread : 24;
  uint32_t depth : 8;
} MlsSpanTime;

/* Dense indexes of (a, b) pairs: processes (pid, 0) and threads
 * (pid, tid), numbered from 0 in order of first sight (mls-store-ids.c). */
typedef struct {
  int64_t a, b;
} MlsPair;

typedef struct {
  MlsPair *keys;            /* by index */
  uint32_t *slots;          /* open addressing: index + 1 into keys */
  size_t n, slots_size, last;
} MlsPairIndex;

/* The index of (a, b), added when new; -1 when out of memory. */
int64_t mls_pair_index (MlsPairIndex *index, int64_t a, int64_t b);
void mls_pair_index_clear (MlsPairIndex *index);

typedef struct {
  int kind_id;
  int64_t model_id;         /* 0: spans without a model */
  MlsSpanTime *spans;
  size_t n, allocated;
} MlsSpanGroup;

typedef enum {
  MLS_STMT_META,
  MLS_STMT_PROCESS,
  MLS_STMT_PROCESS_FACTS,
  MLS_STMT_THREAD,
  MLS_STMT_MODEL,
  MLS_STMT_SPAN,
  MLS_STMT_LOST,
  MLS_N_STMTS
} MlsStmtId;

struct MlsStore {
  sqlite3 *db;
  char *path;               /* the final name */
  char *partial_path;       /* path + ".partial" while writing, else NULL */
  int writing;              /* created and not yet finished */
  int failed;               /* a write failed: finish refuses */

  sqlite3_stmt *stmts[MLS_N_STMTS];
  unsigned char known_kind[MLS_MAX_KIND_ID];
  char *deferred_index_sql[MLS_MAX_DEFERRED_INDEXES];
  int n_deferred_indexes;

  int64_t next_span_id;
  int64_t n_spans;
  int64_t first_start_ns;   /* over the spans added, for meta defaults */
  int64_t last_end_ns;

  struct MlsSummaryJob *summary_job;  /* span_summary's thread, at finish */
  char *summary_path;       /* its scratch database (sqlite3_free) */

  MlsSpanGroup *groups;     /* the spans added, by kind and model */
  size_t n_groups, allocated_groups;
  size_t last_group;        /* the previous span's group: runs are common */
  MlsPairIndex procs;       /* the spans' processes: (pid, 0) */
  MlsPairIndex threads;     /* the spans' threads: (pid, tid) */

  /* The last process / thread / model interned: the collector asks for the
   * same one many times in a row. */
  int64_t last_pid, last_pid_row;
  int64_t last_tid_pid, last_tid, last_tid_row;
  char *last_model;
  int64_t last_model_row;
};

/* schema.sql and the migrations, embedded at build time
 * (mls-schema-sql.c). */
extern const char mls_schema_sql[];
extern const char mls_migration_v1_to_v2_sql[];
extern const char mls_migration_v2_to_v3_sql[];

void mls_error_set (MlsError *error, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));
/* "PATH: WHAT: sqlite's message" */
void mls_error_sqlite (MlsStore *store, MlsError *error, const char *what);
int mls_exec (MlsStore *store, const char *sql, const char *what,
              MlsError *error);
/* The SQL functions the store's queries use (mls_sqrt). */
int mls_store_register_functions (MlsStore *store, MlsError *error);

/* Opens store->path read-only into store->db, checking it is a trace
 * database of this version. */
int mls_store_open_db (MlsStore *store, MlsError *error);

/* Records a span's time in its kind and model group, with its process and
 * whether it is complete (mls-store-stats-build.c); -1 when out of
 * memory. */
int mls_store_group_add (MlsStore *store, const MlsSpan *span);
void mls_store_groups_free (MlsStore *store);

/* The aggregates of the spans FROM_WHERE (with `s` the span table)
 * selects, grouped by kind, MODEL_EXPR and PID_EXPR (each "NULL" to sum
 * over it), as a CTE named `live` with span_kind_stats' columns
 * (mls-store-stats.c). sqlite3_free() it. */
char *mls_stats_live_sql (const char *model_expr, const char *pid_expr,
                          const char *from_where);

/* ids (pids, tids) as a JSON array ("[12,34]"), for `pid IN (SELECT
 * value FROM json_each (?))`; sqlite3_free() it, NULL when out of memory. */
char *mls_ids_json (const int64_t *ids, size_t n);

/* Brings a database of an older schema version (store->path, closed) up to
 * this one in place (mls-store-migrate.c). */
int mls_store_migrate (MlsStore *store, int64_t version, MlsError *error);

/* The steps of mls_store_finish(), inside its transaction. */
int mls_store_build_stats (MlsStore *store, MlsError *error);
/* span_overlap from the groups, which must be sorted by start (done by
 * mls_store_summary_start) (mls-store-overlap.c). */
int mls_store_build_overlap (MlsStore *store, MlsError *error);
/* span_summary is written by a thread of its own into a scratch database
 * while the span indexes are built, then copied in (mls-store-summary.c);
 * finish also waits for it (without copying) when abandoning. */
int mls_store_summary_start (MlsStore *store, MlsError *error);
int mls_store_summary_finish (MlsStore *store, int abandon, MlsError *error);

#endif /* MLS_STORE_PRIVATE_H */
