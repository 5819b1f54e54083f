/*
 * mls-import.h: the collector's internal interfaces. `mlscope import` and
 * `mlscope record` both call mls_import_run(); the other declarations link
 * its three stages:
 *
 *   mls-trace-set.h     finds the CTF traces under a directory and checks
 *                       their files before babeltrace2 sees them (it hangs
 *                       on truncated metadata and refuses a whole trace for
 *                       one truncated stream); salvages what is readable of
 *                       damaged packets and accounts for what is not.
 *   mls-import-read.c   reads the checked traces with libbabeltrace2 and
 *                       decodes mlrt events into MlsEvent.
 *   mls-import-spans.c  pairs begin / end events into spans and writes them
 *                       through the store.
 */
#ifndef MLS_IMPORT_H
#define MLS_IMPORT_H

#include <babeltrace2/babeltrace.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>

#include "mls-record-facts.h"
#include "mls-store.h"
#include "mls-trace-set.h"

typedef struct {
  const char *command;      /* meta "command", or NULL */
  const char *trace_path;   /* meta "trace_path", or NULL for TRACE_DIR */
  gboolean quiet;           /* no warnings / summary on stderr */
  gboolean allow_empty;     /* no trace at all: write an empty recording
                               (`mlscope record` of an app that emitted
                               nothing) instead of failing */
  const MlsRecordFacts *facts;  /* the recorder's, or NULL: read from the
                                   trace directory when it has them */
  const char *cut_short;    /* why the recording stops before its app did
                               (its relay daemon died), or NULL: kept as
                               lost data at its end */
} MlsImportOptions;

typedef struct {
  int64_t events;           /* mlrt events read */
  int64_t spans;
  int64_t incomplete;       /* spans whose end was never seen */
  int64_t cut[MLS_CUT_UNKNOWN + 1];  /* ...by reason */
  int64_t lost_events;
  int64_t lost_packets;
  int64_t unmatched_ends;   /* ends whose begin was not in the trace */
  int64_t impossible_events; /* naming a negative process or thread id:
                                damaged data, left out */
  gboolean partial;         /* some data could not be read (warned) */
  int64_t salvaged_packets; /* damaged packets the collector cut back */
  gsize salvaged_bytes;     /* and the bytes it left out of them */
  int64_t cut_packets;      /* lost-data rows for a recording cut short */
  double read_s;            /* reading and pairing, with span inserts */
  double finish_s;          /* the store's aggregates and commit */
  double read_cpu_s, finish_cpu_s;  /* the same phases' CPU time */
  char *read_error;         /* the database was written, but reading
                               stopped early for this reason (g_free) */
} MlsImportSummary;

#define MLS_IMPORT_ERROR (mls_import_error_quark ())
enum { MLS_IMPORT_ERROR_FAILED = 1, MLS_IMPORT_ERROR_NO_TRACE = 2 };
GQuark mls_import_error_quark (void);

/* Reads the trace(s) under `trace_dir` into a new database `out_path`.
 * Returns FALSE with `error` set (naming the file at fault) when nothing
 * usable could be read; readable data is always kept otherwise, with
 * warnings on stderr, and summary->read_error says when the read still
 * stopped early (callers should exit non-zero). */
gboolean mls_import_run (const char *trace_dir, const char *out_path,
                         const MlsImportOptions *options,
                         MlsImportSummary *summary, GError **error);

/* Reads a live session from a relay daemon into `out_path` while it is
 * recorded (mls-import-live.c): `url` is lttng-live's
 * net://HOST:PORT/host/HOSTNAME/SESSION; the database is in place at once
 * and flushed about every `flush_ms` (mls_store_create_live()). */
typedef struct MlsLiveImport MlsLiveImport;

MlsLiveImport *mls_live_import_start (const char *url, const char *out_path,
                                      const MlsImportOptions *options,
                                      int flush_ms, GError **error);
/* Ends the read once the session has ended (call after destroying it),
 * and finishes the database as mls_import_run() would have; `facts` (may
 * be NULL) are the recorder's. summary->read_error says when the relay
 * daemon failed before the end (what arrived is kept). */
gboolean mls_live_import_finish (MlsLiveImport *live,
                                 const MlsRecordFacts *facts,
                                 MlsImportSummary *summary, GError **error);
/* How many flushes committed spans so far (for tests and progress). */
gint64 mls_live_import_flushes (MlsLiveImport *live);

/* Removes a directory tree (symlinks are removed, not followed). */
void mls_import_remove_tree (const char *path);

/* ---- mls-import-read.c ---- */

typedef enum {
  MLS_EV_ACTIVITY_BEGIN,
  MLS_EV_ACTIVITY_END,
  MLS_EV_DATA_BEGIN,
  MLS_EV_COMPUTE_BEGIN,
  MLS_EV_LAYER_BEGIN,
  MLS_EV_SPAN_END,          /* data_end, compute_end, layer_end */
  MLS_EV_DEVICE_BUSY,
  MLS_EV_MODEL_SOURCE,      /* the file a load read its model from */
  MLS_EV_OTHER,             /* not an mlrt event: only its time counts */
} MlsEventType;

/* One decoded event. Strings are borrowed for the duration of the call. */
typedef struct {
  MlsEventType type;
  int64_t ts;               /* trace clock (CLOCK_MONOTONIC) ns */
  int64_t pid, tid;
  const char *procname;
  uint64_t span_id, parent_id, model_id;
  const char *model_name;
  int64_t kind;             /* activity, data op */
  int64_t unit;
  int64_t status, cache, placement;
  int64_t batch_size;
  int64_t src_type, dst_type, bytes;
  int64_t first_layer, last_layer, index;
  int64_t start_ns, end_ns;
  const char *feature, *first_layer_name, *last_layer_name;
  const char *what, *name, *op;
  const char *path;
  int64_t host_id;          /* the store's host, 0 when unknown */
} MlsEvent;

typedef struct MlsSpanBuilder MlsSpanBuilder;

typedef struct {
  char *hostname;           /* from the trace environment */
  char *created;            /* trace_creation_datetime, ISO 8601 */
  int64_t clock_offset_ns;  /* add to trace ns for wall-clock ns */
  gboolean have_offset;
  int64_t lost_events, lost_packets;
  int64_t events;           /* mlrt events */
  int64_t other_events;     /* events of other providers */
  gboolean partial;
  char *failure;            /* why reading stopped early, or NULL */
} MlsReadResult;

/* Reads every trace of `set` in time order, feeding `builder`. A failure
 * before any event was read is an error; a failure after that keeps what
 * was read, warns and sets result->partial. */
gboolean mls_read_traces (MlsTraceSet *set, MlsSpanBuilder *builder,
                          MlsReadResult *result, gboolean quiet,
                          GError **error);

/* The sink that decodes events into a span builder, for a graph of one's
 * own (the live reader's). */
typedef struct MlsReader MlsReader;

MlsReader *mls_reader_new (MlsSpanBuilder *builder, MlsReadResult *result,
                           gboolean quiet);
void mls_reader_free (MlsReader *reader);
/* Adds the sink to `graph`, reading from `port`. */
void mls_reader_connect (MlsReader *reader, bt_graph *graph,
                         const bt_port_output *port);
/* TRUE with `error` when the span builder failed (the read must stop). */
gboolean mls_reader_take_error (MlsReader *reader, GError **error);

/* ---- mls-import.c, shared with the live import ---- */

gboolean mls_import_write_meta (MlsStore *store, const char *trace_dir,
                                const MlsImportOptions *options,
                                MlsSpanBuilder *builder,
                                const MlsReadResult *read, GError **error);
void mls_import_warn_losses (const char *trace_dir, const MlsReadResult *read,
                             const MlsImportSummary *summary);

/* ---- mls-import-bt.c ---- */

/* Finds a babeltrace2 plugin (put_ref it), or fails saying what to
 * install. */
const struct bt_plugin *mls_bt_find_plugin (const char *name, GError **error);
/* Takes the thread's babeltrace2 error as one line (g_free). */
char *mls_bt_take_error (void);
/* The same, NULL when the thread has no error. */
char *mls_bt_take_error_if_any (void);
/* Adds a src.ctf.fs source reading `params` to `graph`; when it cannot,
 * says why in *why (g_free) in babeltrace2's words, from its log when
 * that says more (a metadata line and fault: log at ERROR to have it),
 * naming `source_dir` where it read `read_dir`. */
gboolean mls_bt_add_source (bt_graph *graph,
                            const bt_component_class_source *fs,
                            const char *name, bt_value *params,
                            bt_logging_level level,
                            const bt_component_source **src,
                            const char *read_dir, const char *source_dir,
                            char **why);
/* The next batch of messages for a simple sink: TRUE with msgs / count, or
 * FALSE with the status the sink's consume function returns (end, again or
 * an error). */
gboolean mls_bt_next_messages (bt_message_iterator *it,
                               bt_message_array_const *msgs, guint64 *count,
                               bt_graph_simple_sink_component_consume_func_status *status);
typedef struct {
  guint64 max_clock;        /* in: events later than this are bad (0: no
                               bound) */
  guint64 packets_ended;    /* packets read whole */
  guint64 events;           /* events read well */
} MlsProbe;

/* Reads one trace directory of one stream to its end, only to see whether
 * babeltrace2 can, and whether its time runs forwards: returns FALSE with
 * `why` if not, and in `result` what was read well before. */
gboolean mls_read_probe (const char *dir, MlsProbe *result, char **why);

/* Progress, for the watchdog and the progress line: bumped as messages are
 * consumed. */
extern volatile gint64 mls_import_progress;

/* ---- mls-import-open.c ---- */

/* Entries: pointers to structs whose first member is their uint64_t id. */
typedef struct {
  gpointer *slots;
  gsize size, used;
} MlsOpenTable;

gpointer mls_open_get (const MlsOpenTable *table, uint64_t id);
/* Adds entry; returns the one it replaces (same id), or NULL. */
gpointer mls_open_put (MlsOpenTable *table, gpointer entry);
/* Removes and returns the entry of id, or NULL. */
gpointer mls_open_take (MlsOpenTable *table, uint64_t id);
void mls_open_clear (MlsOpenTable *table, GDestroyNotify free_entry);

typedef struct {
  uint64_t span_id;
  int64_t db_id;
  int depth;
} MlsClosedSpan;

typedef struct {
  MlsClosedSpan *items;     /* in the order they ended */
  gsize n, allocated;
  gsize *index;             /* open addressing: position + 1 in items */
  gsize index_size;
  gsize indexed;            /* items before this are in index */
} MlsClosedList;

void mls_closed_add (MlsClosedList *list, uint64_t span_id, int64_t db_id,
                     int depth);
/* The latest span with that id, or NULL. */
const MlsClosedSpan *mls_closed_find (MlsClosedList *list, uint64_t span_id);
void mls_closed_clear (MlsClosedList *list);

/* ---- mls-import-spans.c ---- */

/* `facts` (may be NULL) must outlive the builder. */
MlsSpanBuilder *mls_span_builder_new (MlsStore *store,
                                      const MlsRecordFacts *facts);
void mls_span_builder_free (MlsSpanBuilder *builder);
gboolean mls_span_builder_add (MlsSpanBuilder *builder, const MlsEvent *ev,
                               GError **error);
gboolean mls_span_builder_add_lost (MlsSpanBuilder *builder, int64_t start_ns,
                                    int64_t end_ns, int64_t count,
                                    gboolean packets, const char *stream,
                                    GError **error);
/* Closes open spans as incomplete (saying why), writes processes and
 * threads. */
gboolean mls_span_builder_finish (MlsSpanBuilder *builder,
                                  MlsImportSummary *summary, GError **error);
/* The processes and threads seen so far, with their names (a live
 * recording's flush; finish adds what the recorder knows of them). */
gboolean mls_span_builder_write_names (MlsSpanBuilder *builder,
                                       GError **error);
/* Facts read only from here on (a live read sets them at the end, once
 * the recorder has stopped changing them). */
void mls_span_builder_set_facts (MlsSpanBuilder *builder,
                                 const MlsRecordFacts *facts);
/* First / last event time seen (0 when none). */
void mls_span_builder_time_range (MlsSpanBuilder *builder, int64_t *start_ns,
                                  int64_t *end_ns);
/* The store's id of host `name`, added when new with its trace clock's
 * realtime offset and the shift its times get; -1 with `error`. */
int64_t mls_span_builder_host (MlsSpanBuilder *builder, const char *name,
                               int64_t clock_offset_ns, int64_t shift_ns,
                               GError **error);
/* Process names seen, space separated (for meta "command" on import). */
char *mls_span_builder_process_names (MlsSpanBuilder *builder);

/* Kind id (schema.sql's span_kind) and unit (-1: none) of a begin or
 * device busy event; 0 when the database has no kind for the event
 * (mls-import-kinds.c). */
int mls_event_kind (const MlsEvent *ev, int *unit);

#endif /* MLS_IMPORT_H */
