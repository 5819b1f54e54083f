/*
 * mls-store-private.h: what the store's own files share and nothing else
 * sees: the MlsStore structure, error helpers, and the steps of
 * mls_store_finish() that live in their own files.
 */
#ifndef MLS_STORE_PRIVATE_H
#define MLS_STORE_PRIVATE_H

#include <sqlite3.h>

#include "mls-store.h"

/* Kind ids are small (schema.sql uses 1..40); a bitmap checks them. */
#define MLS_MAX_KIND_ID 256

/* span_summary's levels: level L's buckets are 1000 << 2L ns; no recording
 * needs a coarser level than 24 (about 3 days). A span's length class is
 * the first level whose buckets are longer than it (span_run). */
#define MLS_SUMMARY_MAX_LEVEL 24
#define MLS_MAX_CLASS (MLS_SUMMARY_MAX_LEVEL + 1)

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
/* The index of (a, b), or -1 when it is not there. */
int64_t mls_pair_find (const MlsPairIndex *index, int64_t a, int64_t b);

/* A span as the store keeps it until finish writes it: 48 bytes. `id`
 * and `parent` are the caller's ids (parent, the file's once finish has
 * numbered the spans); `args` is the offset of its arguments in
 * MlsStore.args (0: none; mls-store-args.c); `cut` is NONE when the span
 * is complete. Its thread, kind and model are its run's. */
typedef struct {
  int64_t start_ns;
  int64_t dur_ns;
  int64_t id;
  int64_t parent;
  uint32_t args;
  int32_t status;
  uint16_t depth;
  uint8_t kind;
  uint8_t unit;             /* 0: none, 1 cpu, 2 gpu, 3 npu */
  uint8_t cut;
} MlsSpanRec;

/* The spans of one run (MlsStore.run_keys), as they were added. */
typedef struct {
  MlsSpanRec *spans;
  size_t n, allocated;
} MlsRunSpans;

/* A run (schema.sql's span_run) while writing: n spans, by start time,
 * whose ids in the file are first + 1 to first + n. */
typedef struct {
  MlsSpanRec *spans;
  uint32_t thread;
  uint32_t model;
  uint8_t kind;
  uint8_t dur_class;
  size_t n;
  size_t first;
  int64_t first_id;         /* in the file */
  int64_t max_dur_ns;
  int64_t max_end_ns;
} MlsRun;

/* The strings of a store, each once (mls-store-strings.c): chunks of text
 * that never move, each string preceded by its id and flags, found by
 * hash. */
typedef struct MlsStrings MlsStrings;

typedef struct {
  char *data;
  size_t used, size;
} MlsBytes;

typedef enum {
  MLS_STMT_META,
  MLS_STMT_PROCESS,
  MLS_STMT_PROCESS_FACTS,
  MLS_STMT_THREAD,
  MLS_STMT_MODEL,
  MLS_STMT_MODEL_PATH,
  MLS_STMT_LOST,
  MLS_STMT_HOST,
  MLS_STMT_PROCESS_HOST,
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

  int64_t next_span_id;
  int64_t first_start_ns;   /* over the spans added, for meta defaults */
  int64_t last_end_ns;

  MlsRunSpans *run_spans;   /* the spans added, by run_keys index */
  size_t allocated_run_spans;
  size_t n_spans;
  MlsBytes args;            /* their arguments, encoded */
  MlsStrings *strings;
  MlsPairIndex threads;     /* the spans' threads: (pid, tid) */
  MlsPairIndex run_keys;    /* (thread << 8 | kind, model << 8 | class) */
  struct MlsArgMap *arg_map;  /* where each kind's arguments go */
  struct MlsLive *live;     /* written while filled (mls-store-live.c), or
                               NULL */

  /* The last process / thread / model interned: the collector asks for the
   * same one many times in a row. */
  int64_t last_pid, last_pid_row;
  int64_t last_tid_pid, last_tid, last_tid_row;
  char *last_model;
  int64_t last_model_row;
};

/* What finish works from (mls-store-order.c): the runs in the file's
 * order, each's spans by start time. */
typedef struct {
  MlsStore *store;
  MlsRun *runs;
  size_t n_runs;
  MlsPairIndex procs;       /* the spans' processes (pid, 0) */
  uint32_t *thread_proc;    /* process index of each thread */
  int top_level;            /* span_summary's coarsest level */
  int64_t run_base;         /* runs and spans the file already holds: */
  int64_t span_base;        /* these runs' ids follow them */
} MlsWrite;

/* schema.sql, embedded at build time (mls-schema-sql.c). */
extern const char mls_schema_sql[];

void mls_error_set (MlsError *error, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));
/* "PATH: WHAT: sqlite's message" */
void mls_error_sqlite (MlsStore *store, MlsError *error, const char *what);
int mls_exec (MlsStore *store, const char *sql, const char *what,
              MlsError *error);
/* The SQL functions the store's queries use (mls_sqrt). */
int mls_store_register_functions (MlsStore *store, MlsError *error);

/* On a writing store's new connection: its statements prepared, its
 * transaction begun. */
int mls_store_begin_writing (MlsStore *store, MlsError *error);

/* Opens store->path read-only into store->db, checking it is a trace
 * database of this version. */
int mls_store_open_db (MlsStore *store, MlsError *error);

/* Arguments (mls-store-args.c): where each kind's go (span_arg, read when
 * a store is created), their encoding in MlsStore.args, and their JSON. */
int mls_store_load_arg_map (MlsStore *store, MlsError *error);
void mls_store_free_arg_map (MlsStore *store);
/* Whether kind keeps the argument `name` in a column of its own. */
int mls_store_kind_has_arg (MlsStore *store, int kind, const char *name);
/* Appends a span's arguments to store->args; *offset 0 when it has none.
 * -1 when out of memory. */
int mls_store_encode_args (MlsStore *store, const MlsSpan *span,
                           uint32_t *offset);
/* Which of a span's argument columns (span_id to other_args: bits 0 to
 * 6) have a value. */
unsigned mls_store_args_mask (MlsStore *store, uint32_t offset);
/* The argument columns of a span: span_id, arg_int1..2, arg_str1..3 and
 * other_args. */
#define MLS_N_ARG_COLUMNS 7
#define MLS_ARG_COLUMN_OTHER 6
/* Decodes a span's arguments: the columns that have a value (the mask's
 * bits), each in value[]: integers as they are, strings (other_args too)
 * as their MlsStrings id. */
unsigned mls_store_decode_args (MlsStore *store, uint32_t offset,
                                int64_t value[MLS_N_ARG_COLUMNS]);

/* Strings (mls-store-strings.c). */
MlsStrings *mls_strings_new (void);
void mls_strings_free (MlsStrings *strings);
/* The string's id (from 1) and its stable copy; 0 when out of memory. */
uint32_t mls_strings_intern (MlsStrings *strings, const char *text,
                             const char **copy);
/* The id of a string a store handed out (mls_strings_intern's copy), or 0
 * when `text` is not one. */
uint32_t mls_strings_id_of_copy (MlsStrings *strings, const char *text);
const char *mls_strings_text (MlsStrings *strings, uint32_t id);
/* Marks a string as an argument's (written to the `string` table). */
void mls_strings_mark (MlsStrings *strings, uint32_t id);
/* Writes the marked strings into the `string` table. */
int mls_strings_write (MlsStrings *strings, sqlite3 *db);

int mls_bytes_reserve (MlsBytes *bytes, size_t more);
void mls_bytes_free (MlsBytes *bytes);
/* Varints: 7 bits a byte, most significant first, the high bit set on
 * every byte but the last (at most 10 bytes). */
size_t mls_varint_put (unsigned char *out, uint64_t value);
size_t mls_varint_get (const unsigned char *in, size_t n, uint64_t *value);

/* A set of spans span_summary keeps (mls-store-sets.c): kind > 0 a kind,
 * kind < 0 every kind of lane -kind (lane indices from 1, lane_of[kind]
 * maps a kind to its lane); model and tid MLS_SET_ALL for every model and
 * every thread. The finest sets are one kind, model and thread. */
#define MLS_SET_ALL INT64_MIN

typedef struct {
  int kind;
  int64_t model;
  int64_t pid, tid;
} MlsSetKey;

/* Narrows `set` to the set a file stores for the same spans. */
void mls_set_canonical (MlsSetKey *set, const MlsSetKey *finest, size_t n,
                        const int *lane_of);
int mls_set_is_member (const MlsSetKey *set, const MlsSetKey *finest,
                       const int *lane_of);
int mls_set_same (const MlsSetKey *a, const MlsSetKey *b);
/* The sets one step narrower that make up `set` (by thread, else model,
 * else kind), at most max_parts; 0 for a finest set. */
size_t mls_set_split (const MlsSetKey *set, const MlsSetKey *finest,
                      size_t n, const int *lane_of, MlsSetKey *parts,
                      size_t max_parts);

/* A span's length class (span_run.dur_class). */
int mls_dur_class (int64_t dur_ns);

/* The figures of a set of spans (mls-store-stats-build.c): d holds the
 * durations of its n complete spans (reordered), `incomplete` counts the
 * others, max_dur_ns is the longest of all. With n 0 the duration figures
 * are 0. */
typedef struct {
  int64_t count, incomplete, total_ns, min_ns, median_ns, max_ns;
  int64_t max_dur_ns;
  double avg_ns, stddev_ns;
} MlsFigures;

void mls_figures_compute (int64_t *d, size_t n, int64_t incomplete,
                          int64_t max_dur_ns, MlsFigures *f);

/* SQL for a load span's part (MlsStatsPart) from its placement and cache
 * arguments (mls-import-spans.c writes them), with `span` the span's
 * alias; MLS_LOAD_CACHE_JOIN must join its cache argument's string as c.
 * mls-store-stats.c says what the parts mean. */
#define MLS_LOAD_PART_SQL(span) \
  "CASE WHEN json_extract (" span ".other_args, '$.placement') = 'measured'" \
  "   OR c.text = 'miss' THEN 2" \
  " WHEN json_extract (" span ".other_args, '$.placement') = 'cached'" \
  "   OR c.text = 'hit' THEN 1 ELSE 0 END"
#define MLS_LOAD_CACHE_JOIN(span) \
  " LEFT JOIN string c ON c.id = " span ".arg_str1"

/* A row of the statistics before it has names: kind, model (0: spans
 * without one, -1: every model), process (0: every process) and which
 * part of the kind's spans. */
typedef struct {
  int kind;
  int64_t model;
  int64_t pid;
  MlsStatsPart part;
  MlsFigures f;
} MlsStatsRaw;

/* The table's rows of raw rows: names, shares, in the table's order
 * (mls-store-stats-rows.c). */
int mls_stats_name_rows (MlsStore *store, const MlsStatsRaw *raw, size_t n,
                         MlsStatsRow **rows);

/* ids (pids, tids) as a JSON array ("[12,34]"), for `pid IN (SELECT
 * value FROM json_each (?))`; sqlite3_free() it, NULL when out of memory. */
char *mls_ids_json (const int64_t *ids, size_t n);

/* Brings a database of an older schema version (store->path, closed) up to
 * this one in place (mls-store-migrate.c). */
int mls_store_migrate (MlsStore *store, int64_t version, MlsError *error);

/* The steps of mls_store_finish(), inside its transaction: the spans put
 * in the file's order and written with their runs and blocks
 * (mls-store-order.c), then the tables computed from them. */
int mls_write_prepare (MlsWrite *w, MlsStore *store, MlsError *error);
/* The same without numbering the spans' parents (which stay the caller's
 * ids): enough for the aggregates, and repeatable. */
int mls_write_prepare_unnumbered (MlsWrite *w, MlsStore *store,
                                  MlsError *error);

void mls_write_clear (MlsWrite *w);
/* Appends the span rows of w's runs to the span table, in order
 * (mls-store-rows.c); -1 on failure, the database's error set. */
int mls_write_span_rows (MlsWrite *w);
/* The span, span_run and span_block rows of w's runs, after run_base /
 * span_base, and the strings they name. */
int mls_write_spans (MlsWrite *w, MlsError *error);
int mls_write_stats (MlsWrite *w, MlsError *error);
int mls_write_overlap (MlsWrite *w, MlsError *error);
int mls_write_summary (MlsWrite *w, MlsError *error);
/* A store written while it is filled (mls-store-live.c): each span added
 * is also noted for the next flush; finish empties what the flushes wrote
 * before writing the file as an import would; free forgets it all. */
int mls_live_note_span (MlsStore *store, size_t run, const MlsSpanRec *rec);
int mls_live_finish_begin (MlsStore *store, MlsError *error);
/* After finish's commit: the file left on its own, without a WAL. */
void mls_live_end (MlsStore *store);
void mls_live_free (MlsStore *store);

/* The store's spans freed (after finish or a failed one). */
void mls_store_spans_free (MlsStore *store);

#endif /* MLS_STORE_PRIVATE_H */
