/*
 * mls-import-spans.c: turns decoded mlrt events into spans.
 *
 * A begin event opens a span keyed by (vpid, span_id); its id is assigned
 * right away so children (whose begins always follow their parent's) can
 * refer to it, and the span goes to the store when the end arrives,
 * whatever thread or order it arrives in. Compute requests leave a small
 * (span_id -> id, depth) entry behind when they end, because device busy
 * intervals are reported after their compute request has ended (every
 * other span begins while its parent is open). An open span's arguments are typed
 * fields, its strings the store's own copies (interned at the begin: the
 * event's strings live only as long as the event), so opening and ending
 * spans allocates nothing once the first few are recycled.
 */
#include <stdio.h>
#include <string.h>

#include "mls-import.h"
#include "mlrt-trace-enums.h"

typedef struct {
  uint64_t span_id;         /* key; first member for MlsOpenTable */
  int64_t db_id;
  int64_t parent_db_id;
  int64_t model_db_id;
  int64_t tid;
  int64_t start_ns;
  int depth;
  int kind_id;
  int unit;                 /* -1 when none */
  int keep_as_parent;
  MlsSpanArgs args;         /* strings: the store's copies */
} OpenSpan;

/* Events LTTng discarded between these times (0, 0 when it did not say
 * when). */
typedef struct {
  int64_t start_ns, end_ns;
} LostRange;

typedef struct {
  int64_t pid;
  int64_t host_id;          /* the host of its first event, 0: unknown */
  int64_t last_ts;
  int64_t last_tid;         /* the last thread seen, known to `threads` */
  char *main_name;          /* procname of the thread with tid == pid */
  char *first_name;
  GHashTable *threads;      /* tid -> name */
  MlsOpenTable open;        /* OpenSpan by span id */
  MlsClosedList closed;     /* compute requests that ended */
} Process;

/* The string fields whose last few values keep() remembers: a field
 * often takes turns between a few strings (a model's layer names and
 * ops, a prediction's input and output features). */
#define N_RECENT 4

typedef struct {
  const char *copy[N_RECENT];   /* the store's copies */
  unsigned next;                /* the one to replace */
} Recent;

enum {
  LAST_FEATURE, LAST_SRC, LAST_DST, LAST_FIRST_LAYER, LAST_LAST_LAYER,
  LAST_NAME, LAST_OP, LAST_WHAT, LAST_CACHE, N_LAST
};

struct MlsSpanBuilder {
  MlsStore *store;
  Recent last[N_LAST];
  const MlsRecordFacts *facts;  /* NULL when the recorder left none */
  GArray *lost;             /* LostRange: when events were lost */
  GHashTable *processes;    /* pid -> Process */
  GHashTable *models;       /* name -> id */
  char *last_model;         /* the last model looked up: runs are long */
  int64_t last_model_id;
  GPtrArray *spare;         /* OpenSpan freed by their end, for reuse */
  Process *last_process;
  int64_t next_id;
  int64_t first_ts, last_ts;
  gboolean have_ts;
  int64_t spans, unmatched_ends;
  int64_t impossible;       /* events naming a negative process id */
  gboolean warned_shared_pid;
  int64_t cut[MLS_CUT_UNKNOWN + 1];
  /* Set by the store only when adding a span fails: one for all spans,
   * as clearing a kilobyte per span cost more than the rest of the call. */
  MlsError add_error;
};

static void
process_free (gpointer data)
{
  Process *p = data;
  g_free (p->main_name);
  g_free (p->first_name);
  g_hash_table_destroy (p->threads);
  mls_open_clear (&p->open, g_free);
  mls_closed_clear (&p->closed);
  g_free (p);
}

MlsSpanBuilder *
mls_span_builder_new (MlsStore *store, const MlsRecordFacts *facts)
{
  MlsSpanBuilder *b = g_new0 (MlsSpanBuilder, 1);
  b->store = store;
  b->facts = facts;
  b->lost = g_array_new (FALSE, FALSE, sizeof (LostRange));
  b->processes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                        process_free);
  b->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  b->next_id = 1;
  b->spare = g_ptr_array_new_with_free_func (g_free);
  return b;
}

void
mls_span_builder_set_facts (MlsSpanBuilder *b, const MlsRecordFacts *facts)
{
  b->facts = facts;
}

void
mls_span_builder_free (MlsSpanBuilder *b)
{
  if (b == NULL)
    return;
  g_hash_table_destroy (b->processes);
  g_hash_table_destroy (b->models);
  g_free (b->last_model);
  g_ptr_array_free (b->spare, TRUE);
  g_array_free (b->lost, TRUE);
  g_free (b);
}

static Process *
process_for (MlsSpanBuilder *b, const MlsEvent *ev)
{
  Process *p = b->last_process;
  if (p == NULL || p->pid != ev->pid)
    {
      p = g_hash_table_lookup (b->processes, GSIZE_TO_POINTER (ev->pid));
      if (p == NULL)
        {
          p = g_new0 (Process, 1);
          p->pid = ev->pid;
          p->host_id = ev->host_id;
          p->last_tid = -1;
          p->threads = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                              NULL, g_free);
          g_hash_table_insert (b->processes, GSIZE_TO_POINTER (ev->pid), p);
        }
      b->last_process = p;
    }
  if (ev->host_id != p->host_id && !b->warned_shared_pid)
    {
      /* Processes are told apart by pid: hosts that share a pid
       * namespace (containers of one kernel) never meet this. */
      b->warned_shared_pid = TRUE;
      g_printerr ("mlscope import: warning: process %" G_GINT64_FORMAT
                  " ran on two hosts; their spans are kept as one "
                  "process's\n", ev->pid);
    }
  if (ev->procname != NULL && ev->tid != p->last_tid
      && !g_hash_table_contains (p->threads, GSIZE_TO_POINTER (ev->tid)))
    {
      g_hash_table_insert (p->threads, GSIZE_TO_POINTER (ev->tid),
                           g_strdup (ev->procname));
      if (p->first_name == NULL)
        p->first_name = g_strdup (ev->procname);
      if (ev->tid == ev->pid && p->main_name == NULL)
        p->main_name = g_strdup (ev->procname);
    }
  if (ev->procname != NULL)
    p->last_tid = ev->tid;
  return p;
}

static int64_t
model_id_for (MlsSpanBuilder *b, const char *name, GError **error)
{
  if (name == NULL || name[0] == '\0')
    return 0;
  if (b->last_model != NULL && strcmp (name, b->last_model) == 0)
    return b->last_model_id;
  gpointer value;
  if (g_hash_table_lookup_extended (b->models, name, NULL, &value))
    {
      g_free (b->last_model);
      b->last_model = g_strdup (name);
      b->last_model_id = GPOINTER_TO_SIZE (value);
      return b->last_model_id;
    }
  MlsError err = { 0 };
  int64_t id = mls_store_intern_model (b->store, name, &err);
  if (id < 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s", err.message);
      return -1;
    }
  g_hash_table_insert (b->models, g_strdup (name), GSIZE_TO_POINTER (id));
  return id;
}

/* The model's file, as the loading process named it (mended if it is no
 * UTF-8, as keep() does). A model loaded from several files under one
 * name keeps the last. */
static gboolean
add_model_source (MlsSpanBuilder *b, const MlsEvent *ev, GError **error)
{
  int64_t model = model_id_for (b, ev->model_name, error);
  g_autofree char *mended = NULL;
  const char *path = ev->path;
  MlsError err = { 0 };

  if (model <= 0 || path == NULL || path[0] == '\0')
    return model >= 0;
  if (!g_utf8_validate (path, -1, NULL))
    path = mended = g_utf8_make_valid (path, -1);
  if (mls_store_set_model_path (b->store, model, path, &err) != 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s",
                   err.message);
      return FALSE;
    }
  return TRUE;
}

static const char *
or_unknown (const char *name)
{
  return name != NULL ? name : "unknown";
}

/* The store's copy of an event's string (which lives as long as the
 * event); an absent one reads as empty, as the tracepoint wrote it. The
 * field's recent values are checked before the store's strings. Names
 * come from apps and files, which need not be UTF-8; the database's text
 * must be, so a string that is not is stored mended. */
static const char *
keep (MlsSpanBuilder *b, const char *text, Recent *recent)
{
  g_autofree char *mended = NULL;
  const char *copy;

  if (text == NULL)
    text = "";
  for (int i = 0; i < N_RECENT; i++)
    if (recent->copy[i] != NULL && strcmp (recent->copy[i], text) == 0)
      return recent->copy[i];
  if (!g_utf8_validate (text, -1, NULL))
    text = mended = g_utf8_make_valid (text, -1);
  copy = mls_store_intern_string (b->store, text);
  recent->copy[recent->next++ % N_RECENT] = copy;
  return copy;
}

/* The begin event's arguments, as mlrt's tracepoints name them. */
static void
begin_args (MlsSpanBuilder *b, const MlsEvent *ev, MlsSpanArgs *a)
{
  memset (a, 0, sizeof *a);
  a->span_id = ev->span_id;
  switch (ev->type)
    {
    case MLS_EV_ACTIVITY_BEGIN:
      if (ev->kind == MLRT_ACTIVITY_PREDICT
          || ev->kind == MLRT_ACTIVITY_BATCH_PREDICT)
        {
          a->batch_size = ev->batch_size;
          a->present |= MLS_ARG_BATCH_SIZE;
        }
      break;
    case MLS_EV_DATA_BEGIN:
      a->feature = keep (b, ev->feature, &b->last[LAST_FEATURE]);
      a->src_type = keep (b, or_unknown (mlrt_trace_type_name (
                               (int) ev->src_type)), &b->last[LAST_SRC]);
      a->dst_type = keep (b, or_unknown (mlrt_trace_type_name (
                               (int) ev->dst_type)), &b->last[LAST_DST]);
      a->bytes = ev->bytes;
      a->present |= MLS_ARG_BYTES;
      break;
    case MLS_EV_COMPUTE_BEGIN:
      a->first_layer = ev->first_layer;
      a->last_layer = ev->last_layer;
      a->first_layer_name = keep (b, ev->first_layer_name,
                                  &b->last[LAST_FIRST_LAYER]);
      a->last_layer_name = keep (b, ev->last_layer_name,
                                 &b->last[LAST_LAST_LAYER]);
      a->present |= MLS_ARG_FIRST_LAYER | MLS_ARG_LAST_LAYER;
      break;
    case MLS_EV_LAYER_BEGIN:
      a->index = ev->index;
      a->name = keep (b, ev->name, &b->last[LAST_NAME]);
      a->op = keep (b, ev->op, &b->last[LAST_OP]);
      a->present |= MLS_ARG_INDEX;
      break;
    case MLS_EV_DEVICE_BUSY:
      a->what = keep (b, ev->what, &b->last[LAST_WHAT]);
      break;
    case MLS_EV_ACTIVITY_END:
    case MLS_EV_SPAN_END:
    case MLS_EV_MODEL_SOURCE:
    case MLS_EV_OTHER:
    default:
      break;
    }
}

static void
resolve_parent (Process *p, uint64_t parent_span, int64_t *db_id, int *depth)
{
  *db_id = 0;
  *depth = 0;
  if (parent_span == 0)
    return;
  OpenSpan *parent = mls_open_get (&p->open, parent_span);
  if (parent != NULL)
    {
      *db_id = parent->db_id;
      *depth = parent->depth + 1;
      return;
    }
  const MlsClosedSpan *closed = mls_closed_find (&p->closed, parent_span);
  if (closed != NULL)
    {
      *db_id = closed->db_id;
      *depth = closed->depth + 1;
    }
}

/* Gives the span to the store; `cut` says why its end is missing, NONE
 * when it is complete; end_tid is the thread that ended it (0: none or
 * the one that began it); placement a load's (mlrt-trace-enums.h, 0:
 * none), which goes with end_tid into other_args. */
static gboolean
write_span (MlsSpanBuilder *b, Process *p, OpenSpan *s, int64_t end_ns,
            MlsCutReason cut, int status, int64_t end_tid, int placement,
            GError **error)
{
  char other[96];
  size_t used = 0;
  MlsSpan row = {
    .id = s->db_id,
    .kind_id = s->kind_id,
    .model_id = s->model_db_id,
    .parent_id = s->parent_db_id,
    .depth = s->depth,
    .unit = s->unit >= 0 ? mlrt_trace_unit_name (s->unit) : NULL,
    .pid = p->pid,
    .tid = s->tid,
    .start_ns = s->start_ns,
    .end_ns = end_ns < s->start_ns ? s->start_ns : end_ns,
    .complete = cut == MLS_CUT_NONE,
    .cut = cut,
    .status = status,
    .args = s->args,
  };

  if (placement > 0)
    used = (size_t) snprintf (other, sizeof other, "{\"placement\":\"%s\"",
                              or_unknown (mlrt_trace_placement_name (
                                placement)));
  if (end_tid)
    used += (size_t) snprintf (other + used, sizeof other - used,
                               "%s\"end_tid\":%" G_GINT64_FORMAT,
                               used ? "," : "{", end_tid);
  if (used > 0 && used + 1 < sizeof other)
    {
      strcat (other, "}");
      row.args_json = other;
    }
  b->spans++;
  b->cut[cut]++;
  if (mls_store_add_span (b->store, &row, &b->add_error) < 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s",
                   b->add_error.message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_begin (MlsSpanBuilder *b, Process *p, const MlsEvent *ev, GError **error)
{
  int unit;
  int kind = mls_event_kind (ev, &unit);
  if (kind == 0)
    return TRUE;
  int64_t model = model_id_for (b, ev->model_name, error);
  if (model < 0)
    return FALSE;
  /* A trace opens and closes a span per event pair: reuse their memory. */
  OpenSpan *s = b->spare->len
                ? g_ptr_array_steal_index_fast (b->spare, b->spare->len - 1)
                : g_new (OpenSpan, 1);
  memset (s, 0, sizeof *s);
  s->span_id = ev->span_id;
  s->db_id = b->next_id++;
  s->model_db_id = model;
  s->tid = ev->tid;
  s->kind_id = kind;
  s->unit = unit;
  /* Only device busy intervals name a parent that has ended: their
   * compute request. */
  s->keep_as_parent = ev->type == MLS_EV_COMPUTE_BEGIN;
  resolve_parent (p, ev->parent_id, &s->parent_db_id, &s->depth);
  begin_args (b, ev, &s->args);
  if (ev->type == MLS_EV_DEVICE_BUSY)
    {
      s->start_ns = ev->start_ns;
      gboolean ok = write_span (b, p, s, ev->end_ns, MLS_CUT_NONE, 0, 0, 0,
                                error);
      g_ptr_array_add (b->spare, s);
      return ok;
    }
  s->start_ns = ev->ts;
  /* A reused span id replaces the stale open span (its end was lost). */
  g_free (mls_open_put (&p->open, s));
  return TRUE;
}

static gboolean
add_end (MlsSpanBuilder *b, Process *p, const MlsEvent *ev, GError **error)
{
  OpenSpan *s = mls_open_get (&p->open, ev->span_id);
  if (s == NULL)
    {
      b->unmatched_ends++;
      return TRUE;
    }
  if (ev->type == MLS_EV_ACTIVITY_END && ev->cache > 0)
    s->args.cache = keep (b, or_unknown (mlrt_trace_cache_name (
                            (int) ev->cache)), &b->last[LAST_CACHE]);
  if (!write_span (b, p, s, ev->ts, MLS_CUT_NONE, (int) ev->status,
                   ev->tid != s->tid ? ev->tid : 0,
                   ev->type == MLS_EV_ACTIVITY_END ? (int) ev->placement : 0,
                   error))
    return FALSE;
  if (s->keep_as_parent)
    mls_closed_add (&p->closed, s->span_id, s->db_id, s->depth);
  mls_open_take (&p->open, ev->span_id);
  g_ptr_array_add (b->spare, s);
  return TRUE;
}

gboolean
mls_span_builder_add (MlsSpanBuilder *b, const MlsEvent *ev, GError **error)
{
  /* No process or thread id is negative: such an event is bytes of a
   * damaged packet that babeltrace2 decoded before it found the damage
   * (0xff bytes read as vpid -1). Counted, and left out. */
  if (ev->pid < 0 || ev->tid < 0)
    {
      b->impossible++;
      return TRUE;
    }
  if (!b->have_ts)
    {
      b->first_ts = ev->ts;
      b->have_ts = TRUE;
    }
  if (ev->ts > b->last_ts)
    b->last_ts = ev->ts;
  Process *p = process_for (b, ev);
  if (ev->ts > p->last_ts)
    p->last_ts = ev->ts;
  switch (ev->type)
    {
    case MLS_EV_ACTIVITY_BEGIN:
    case MLS_EV_DATA_BEGIN:
    case MLS_EV_COMPUTE_BEGIN:
    case MLS_EV_LAYER_BEGIN:
    case MLS_EV_DEVICE_BUSY:
      return add_begin (b, p, ev, error);
    case MLS_EV_ACTIVITY_END:
    case MLS_EV_SPAN_END:
      return add_end (b, p, ev, error);
    case MLS_EV_MODEL_SOURCE:
      return add_model_source (b, ev, error);
    case MLS_EV_OTHER:
    default:
      return TRUE;
    }
}

gboolean
mls_span_builder_add_lost (MlsSpanBuilder *b, int64_t start_ns,
                           int64_t end_ns, int64_t count, gboolean packets,
                           const char *stream, GError **error)
{
  MlsError err = { 0 };
  LostRange when = { start_ns, end_ns };
  g_array_append_val (b->lost, when);
  int ret = mls_store_add_lost_events (b->store, start_ns, end_ns, count,
                                       packets, stream, &err);
  if (ret != 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s", err.message);
      return FALSE;
    }
  return TRUE;
}

static MlsProcessState
process_state (MlsSpanBuilder *b, Process *p, int *exit_status)
{
  *exit_status = 0;
  return b->facts ? mls_record_facts_state (b->facts, p->pid, exit_status)
                  : MLS_PROCESS_STATE_UNKNOWN;
}

/* The main thread's name as the trace gives it, else the recorder's, else
 * the first thread's. */
static const char *
process_name (MlsSpanBuilder *b, Process *p)
{
  const MlsProcessFacts *facts = b->facts
    ? g_hash_table_lookup (b->facts->processes, &p->pid) : NULL;

  if (p->main_name)
    return p->main_name;
  return facts && facts->name ? facts->name : p->first_name;
}

/* The process's and its threads' names as the trace gives them. */
static int
write_names (MlsSpanBuilder *b, Process *p, MlsError *err)
{
  GHashTableIter iter;
  gpointer key, value;

  if (mls_store_intern_process (b->store, p->pid, process_name (b, p),
                                err) < 0
      || (p->host_id > 0
          && mls_store_set_process_host (b->store, p->pid, p->host_id, err)))
    return -1;
  g_hash_table_iter_init (&iter, p->threads);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (mls_store_intern_thread (b->store, p->pid, GPOINTER_TO_SIZE (key),
                                 value, err) < 0)
      return -1;
  return 0;
}

static gboolean
write_process (MlsSpanBuilder *b, Process *p, GError **error)
{
  MlsError err = { 0 };
  const MlsProcessFacts *facts = b->facts
    ? g_hash_table_lookup (b->facts->processes, &p->pid) : NULL;
  int exit_status;
  MlsProcessState state = process_state (b, p, &exit_status);

  if (write_names (b, p, &err) == 0
      && (!(facts || state != MLS_PROCESS_STATE_UNKNOWN)
          || mls_store_set_process_facts (b->store, p->pid,
                                          facts ? facts->cmdline : NULL,
                                          state, exit_status, &err) == 0))
    return TRUE;
  g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s", err.message);
  return FALSE;
}

gboolean
mls_span_builder_write_names (MlsSpanBuilder *b, GError **error)
{
  GHashTableIter iter;
  gpointer value;
  MlsError err = { 0 };

  g_hash_table_iter_init (&iter, b->processes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (write_names (b, value, &err) != 0)
      {
        g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s",
                     err.message);
        return FALSE;
      }
  return TRUE;
}

/* Why a span begun at `start_ns` has no end: LTTng discarded events after
 * it began (the end may be among them), else its process ended before the
 * recording did, or still ran when it stopped; unknown without the
 * recorder's facts. */
static MlsCutReason
cut_reason (MlsSpanBuilder *b, Process *p, int64_t start_ns)
{
  int exit_status;

  for (guint i = 0; i < b->lost->len; i++)
    {
      const LostRange *r = &g_array_index (b->lost, LostRange, i);
      if (r->end_ns >= start_ns || r->end_ns == 0)
        return MLS_CUT_END_LOST;
    }
  switch (process_state (b, p, &exit_status))
    {
    case MLS_PROCESS_RUNNING:
      return MLS_CUT_RECORDING_ENDED;
    case MLS_PROCESS_EXITED:
    case MLS_PROCESS_KILLED:
    case MLS_PROCESS_ENDED:
      return MLS_CUT_PROCESS_DIED;
    case MLS_PROCESS_STATE_UNKNOWN:
    default:
      return MLS_CUT_UNKNOWN;
    }
}

/* The spans still open: they last until the last event seen from their
 * process, and say why they were cut off. */
static gboolean
finish_process (MlsSpanBuilder *b, Process *p, GError **error)
{
  for (gsize i = 0; i < p->open.size; i++)
    {
      OpenSpan *s = p->open.slots[i];
      if (s && !write_span (b, p, s, p->last_ts,
                            cut_reason (b, p, s->start_ns), 0, 0, 0,
                            error))
        return FALSE;
    }
  mls_open_clear (&p->open, g_free);
  return TRUE;
}

gboolean
mls_span_builder_finish (MlsSpanBuilder *b, MlsImportSummary *summary,
                         GError **error)
{
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, b->processes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!finish_process (b, value, error))
      return FALSE;
  g_hash_table_iter_init (&iter, b->processes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!write_process (b, value, error))
      return FALSE;
  summary->spans = b->spans;
  summary->incomplete = b->spans - b->cut[MLS_CUT_NONE];
  memcpy (summary->cut, b->cut, sizeof summary->cut);
  summary->unmatched_ends = b->unmatched_ends;
  summary->impossible_events = b->impossible;
  return TRUE;
}

int64_t
mls_span_builder_host (MlsSpanBuilder *b, const char *name,
                       int64_t clock_offset_ns, int64_t shift_ns,
                       GError **error)
{
  MlsError err = { 0 };
  int64_t id = mls_store_intern_host (b->store, name, clock_offset_ns,
                                      shift_ns, &err);

  if (id < 0)
    g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s",
                 err.message);
  return id;
}

void
mls_span_builder_time_range (MlsSpanBuilder *b, int64_t *start_ns,
                             int64_t *end_ns)
{
  *start_ns = b->have_ts ? b->first_ts : 0;
  *end_ns = b->have_ts ? b->last_ts : 0;
}

char *
mls_span_builder_process_names (MlsSpanBuilder *b)
{
  GString *s = g_string_new (NULL);
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, b->processes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const char *name = process_name (b, value);
      if (name != NULL)
        g_string_append_printf (s, "%s%s", s->len ? " " : "", name);
    }
  return g_string_free (s, FALSE);
}
