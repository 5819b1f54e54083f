/*
 * mls-import-read.c: reads checked CTF traces with libbabeltrace2 and
 * decodes mlrt events for the span builder.
 *
 * Graph: one src.ctf.fs component per trace UUID -> flt.utils.muxer ->
 * a simple sink. The muxer delivers events in time order, which is what lets
 * the span builder resolve a parent the moment a child begins. Payload and
 * context fields are looked up by index, resolved once per event class.
 */
#include <babeltrace2/babeltrace.h>
#include <stddef.h>
#include <string.h>

#include "mls-import.h"

volatile gint64 mls_import_progress;

/* Where a payload member goes in MlsEvent. */
typedef struct {
  const char *name;
  gssize int_offset;        /* -1: no integer slot */
  gssize str_offset;        /* -1: no string slot */
} FieldSlot;

#define I(member) offsetof (MlsEvent, member)
static const FieldSlot field_slots[] = {
  { "span_id", I (span_id), -1 },
  { "parent_id", I (parent_id), -1 },
  { "model_id", I (model_id), -1 },
  { "model_name", -1, I (model_name) },
  { "activity", I (kind), -1 },
  { "op", I (kind), I (op) },            /* enum in data_begin, string in layer_begin */
  { "batch_size", I (batch_size), -1 },
  { "status", I (status), -1 },
  { "cache", I (cache), -1 },
  { "placement", I (placement), -1 },
  { "unit", I (unit), -1 },
  { "feature", -1, I (feature) },
  { "src_type", I (src_type), -1 },
  { "dst_type", I (dst_type), -1 },
  { "bytes", I (bytes), -1 },
  { "first_layer", I (first_layer), -1 },
  { "last_layer", I (last_layer), -1 },
  { "first_layer_name", -1, I (first_layer_name) },
  { "last_layer_name", -1, I (last_layer_name) },
  { "start_ns", I (start_ns), -1 },
  { "end_ns", I (end_ns), -1 },
  { "what", -1, I (what) },
  { "index", I (index), -1 },
  { "name", -1, I (name) },
  { "path", -1, I (path) },
};
#undef I

enum { VAL_UNSIGNED, VAL_SIGNED, VAL_STRING };

typedef struct {
  guint64 member;
  gsize offset;
  int how;
} Member;

/* Everything needed to decode events of one class. */
typedef struct {
  MlsEventType type;
  Member members[G_N_ELEMENTS (field_slots)];
  int n_members;
  gint64 vpid, vtid, procname;   /* common context member index, or -1 */
  int64_t host_id;                /* the store's host of its trace */
  int64_t shift_ns;               /* added to its times (a host's clock
                                     aligned on the first host's) */
} ClassInfo;

/* A host seen in the traces: the realtime offset of its first trace's
 * clock, against which the hosts are aligned. */
typedef struct {
  int64_t id;
  int64_t offset_ns;
} HostInfo;

struct MlsReader {
  MlsSpanBuilder *builder;
  MlsReadResult *result;
  GHashTable *classes;            /* const bt_event_class * -> ClassInfo */
  /* The first few classes, looked through before the hash table: events
   * alternate between a handful of classes (begins and ends). */
  const bt_event_class *recent[16];
  ClassInfo *recent_info[16];
  int n_recent;
  GHashTable *hosts;              /* host name -> HostInfo */
  GError *error;                  /* from the span builder */
  gboolean warned_no_context;
  gboolean quiet;
};

typedef MlsReader Reader;

static const struct {
  const char *name;
  MlsEventType type;
} event_names[] = {
  { "mlrt:activity_begin", MLS_EV_ACTIVITY_BEGIN },
  { "mlrt:activity_end", MLS_EV_ACTIVITY_END },
  { "mlrt:data_begin", MLS_EV_DATA_BEGIN },
  { "mlrt:compute_begin", MLS_EV_COMPUTE_BEGIN },
  { "mlrt:layer_begin", MLS_EV_LAYER_BEGIN },
  { "mlrt:data_end", MLS_EV_SPAN_END },
  { "mlrt:compute_end", MLS_EV_SPAN_END },
  { "mlrt:layer_end", MLS_EV_SPAN_END },
  { "mlrt:device_busy", MLS_EV_DEVICE_BUSY },
  { "mlrt:model_source", MLS_EV_MODEL_SOURCE },
};

static int
value_kind (const bt_field_class *fc)
{
  bt_field_class_type t = bt_field_class_get_type (fc);
  if (bt_field_class_type_is (t, BT_FIELD_CLASS_TYPE_STRING))
    return VAL_STRING;
  if (bt_field_class_type_is (t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
    return VAL_UNSIGNED;
  if (bt_field_class_type_is (t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
    return VAL_SIGNED;
  return -1;
}

static gint64
context_member (const bt_field_class *ctx, const char *name)
{
  if (ctx == NULL)
    return -1;
  guint64 n = bt_field_class_structure_get_member_count (ctx);
  for (guint64 i = 0; i < n; i++)
    {
      const bt_field_class_structure_member *m =
        bt_field_class_structure_borrow_member_by_index_const (ctx, i);
      if (strcmp (bt_field_class_structure_member_get_name (m), name) == 0)
        return i;
    }
  return -1;
}

static ClassInfo *
class_info_new (const bt_event_class *ec)
{
  ClassInfo *info = g_new0 (ClassInfo, 1);
  const char *name = bt_event_class_get_name (ec);
  info->type = MLS_EV_OTHER;
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (event_names); i++)
    if (strcmp (name, event_names[i].name) == 0)
      info->type = event_names[i].type;

  const bt_field_class *payload =
    bt_event_class_borrow_payload_field_class_const (ec);
  guint64 n = payload ? bt_field_class_structure_get_member_count (payload) : 0;
  for (guint64 i = 0; info->type != MLS_EV_OTHER && i < n; i++)
    {
      const bt_field_class_structure_member *m =
        bt_field_class_structure_borrow_member_by_index_const (payload, i);
      const char *mname = bt_field_class_structure_member_get_name (m);
      int how = value_kind (bt_field_class_structure_member_borrow_field_class_const (m));
      for (gsize s = 0; s < G_N_ELEMENTS (field_slots); s++)
        {
          if (strcmp (mname, field_slots[s].name) != 0 || how < 0)
            continue;
          gssize off = how == VAL_STRING ? field_slots[s].str_offset
                                         : field_slots[s].int_offset;
          if (off >= 0 && info->n_members < (int) G_N_ELEMENTS (info->members))
            info->members[info->n_members++] = (Member) { i, off, how };
        }
    }

  const bt_stream_class *sc = bt_event_class_borrow_stream_class_const (ec);
  const bt_field_class *ctx =
    bt_stream_class_borrow_event_common_context_field_class_const (sc);
  info->vpid = context_member (ctx, "vpid");
  info->vtid = context_member (ctx, "vtid");
  info->procname = context_member (ctx, "procname");
  return info;
}

static gint64
int_value (const bt_field *f)
{
  bt_field_class_type t = bt_field_get_class_type (f);
  if (bt_field_class_type_is (t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
    return (gint64) bt_field_integer_unsigned_get_value (f);
  return bt_field_integer_signed_get_value (f);
}

/* A string field's value. babeltrace2 2.0.4 clears a string field for a
 * new event by setting its length to 0 without terminating it, so an
 * empty string reads back as the previous event's value of the field:
 * the length is the truth. */
static const char *
string_value (const bt_field *f)
{
  return bt_field_string_get_length (f) == 0 ? ""
                                             : bt_field_string_get_value (f);
}

static int64_t
clock_ns (const bt_clock_snapshot *cs)
{
  const bt_clock_class *cc = bt_clock_snapshot_borrow_clock_class_const (cs);
  guint64 freq = bt_clock_class_get_frequency (cc);
  guint64 cycles = bt_clock_snapshot_get_value (cs);
  if (freq == 1000000000u)
    return (int64_t) cycles;
  return (int64_t) ((unsigned __int128) cycles * 1000000000u / freq);
}

static int64_t
offset_ns (const bt_clock_snapshot *cs)
{
  const bt_clock_class *cc = bt_clock_snapshot_borrow_clock_class_const (cs);
  int64_t seconds;
  guint64 cycles;

  bt_clock_class_get_offset (cc, &seconds, &cycles);
  return seconds * G_GINT64_CONSTANT (1000000000)
         + (int64_t) ((unsigned __int128) cycles * 1000000000u
                      / bt_clock_class_get_frequency (cc));
}

static void
note_clock (Reader *r, const bt_clock_snapshot *cs)
{
  if (r->result->have_offset)
    return;
  r->result->clock_offset_ns = offset_ns (cs);
  r->result->have_offset = TRUE;
}

static char *env_string (const bt_trace *trace, const char *name);

/* The host of an event's trace (by the hostname its environment gives)
 * and the shift that aligns its clock on the first host's: each host's
 * trace clock is its own CLOCK_MONOTONIC, the realtime offsets put them
 * on one time line. Traces of one host are never shifted against each
 * other. */
static gboolean
class_host (Reader *r, const bt_event *event, const bt_clock_snapshot *cs,
            ClassInfo *info)
{
  const bt_trace *trace =
    bt_stream_borrow_trace_const (bt_event_borrow_stream_const (event));
  char *name = env_string (trace, "hostname");
  HostInfo *host = g_hash_table_lookup (r->hosts, name ? name : "");

  if (host == NULL)
    {
      host = g_new0 (HostInfo, 1);
      host->offset_ns = offset_ns (cs);
      host->id = mls_span_builder_host (r->builder, name ? name : "",
                                        host->offset_ns,
                                        host->offset_ns
                                        - r->result->clock_offset_ns,
                                        &r->error);
      g_hash_table_insert (r->hosts, g_strdup (name ? name : ""), host);
    }
  g_free (name);
  info->host_id = host->id;
  info->shift_ns = host->offset_ns - r->result->clock_offset_ns;
  return host->id >= 0;
}

static gboolean
handle_event (Reader *r, const bt_message *msg)
{
  const bt_event *event = bt_message_event_borrow_event_const (msg);
  const bt_event_class *ec = bt_event_borrow_class_const (event);
  const bt_clock_snapshot *cs =
    bt_message_event_borrow_default_clock_snapshot_const (msg);
  ClassInfo *info = NULL;
  for (int i = 0; i < r->n_recent && info == NULL; i++)
    if (r->recent[i] == ec)
      info = r->recent_info[i];
  if (info == NULL)
    {
      info = g_hash_table_lookup (r->classes, ec);
      if (info == NULL)
        {
          info = class_info_new (ec);
          g_hash_table_insert (r->classes, (gpointer) ec, info);
          note_clock (r, cs);
          if (!class_host (r, event, cs, info))
            return FALSE;
        }
      if (r->n_recent < (int) G_N_ELEMENTS (r->recent))
        {
          r->recent[r->n_recent] = ec;
          r->recent_info[r->n_recent++] = info;
        }
    }

  MlsEvent ev;
  memset (&ev, 0, sizeof ev);
  ev.type = info->type;
  ev.unit = -1;
  ev.ts = clock_ns (cs) + info->shift_ns;
  ev.host_id = info->host_id;

  const bt_field *ctx = bt_event_borrow_common_context_field_const (event);
  if (ctx != NULL && info->vpid >= 0)
    {
      ev.pid = int_value (bt_field_structure_borrow_member_field_by_index_const (ctx, info->vpid));
      if (info->vtid >= 0)
        ev.tid = int_value (bt_field_structure_borrow_member_field_by_index_const (ctx, info->vtid));
      if (info->procname >= 0)
        ev.procname = string_value (
          bt_field_structure_borrow_member_field_by_index_const (ctx, info->procname));
    }
  else if (!r->warned_no_context && info->type != MLS_EV_OTHER)
    {
      r->warned_no_context = TRUE;
      if (!r->quiet)
        g_printerr ("mlscope import: warning: events carry no vpid / vtid "
                    "context (record with `mlscope record`, or add the vpid, "
                    "vtid and procname contexts); spans of all processes are "
                    "paired as one\n");
    }

  if (info->type == MLS_EV_OTHER)
    r->result->other_events++;
  else
    {
      r->result->events++;
      const bt_field *payload = bt_event_borrow_payload_field_const (event);
      for (int i = 0; i < info->n_members; i++)
        {
          const Member *m = &info->members[i];
          const bt_field *f =
            bt_field_structure_borrow_member_field_by_index_const (payload, m->member);
          char *slot = (char *) &ev + m->offset;
          if (m->how == VAL_STRING)
            {
              const char *s = string_value (f);
              memcpy (slot, &s, sizeof s);
            }
          else
            {
              int64_t v = m->how == VAL_UNSIGNED
                ? (int64_t) bt_field_integer_unsigned_get_value (f)
                : bt_field_integer_signed_get_value (f);
              memcpy (slot, &v, sizeof v);
            }
        }
    }
  if (info->type == MLS_EV_DEVICE_BUSY)
    {
      ev.start_ns += info->shift_ns;
      ev.end_ns += info->shift_ns;
    }
  return mls_span_builder_add (r->builder, &ev, &r->error);
}

static const char *
stream_name (const bt_stream *stream)
{
  const char *name = bt_stream_get_name (stream);
  return name ? name : "(unnamed stream)";
}

static gboolean
handle_discarded (Reader *r, const bt_message *msg, gboolean packets)
{
  guint64 count = 0;
  const bt_stream *stream;
  const bt_clock_snapshot *begin = NULL, *end = NULL;
  bt_property_availability avail;
  if (packets)
    {
      avail = bt_message_discarded_packets_get_count (msg, &count);
      stream = bt_message_discarded_packets_borrow_stream_const (msg);
      if (bt_stream_class_discarded_packets_have_default_clock_snapshots (
            bt_stream_borrow_class_const (stream)))
        {
          begin = bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const (msg);
          end = bt_message_discarded_packets_borrow_end_default_clock_snapshot_const (msg);
        }
    }
  else
    {
      avail = bt_message_discarded_events_get_count (msg, &count);
      stream = bt_message_discarded_events_borrow_stream_const (msg);
      if (bt_stream_class_discarded_events_have_default_clock_snapshots (
            bt_stream_borrow_class_const (stream)))
        {
          begin = bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const (msg);
          end = bt_message_discarded_events_borrow_end_default_clock_snapshot_const (msg);
        }
    }
  /* An unknown count still means something was lost: count it as one. */
  if (avail != BT_PROPERTY_AVAILABILITY_AVAILABLE)
    count = 1;
  if (packets)
    r->result->lost_packets += count;
  else
    r->result->lost_events += count;
  return mls_span_builder_add_lost (r->builder, begin ? clock_ns (begin) : 0,
                                    end ? clock_ns (end) : 0, count, packets,
                                    stream_name (stream), &r->error);
}

static char *
env_string (const bt_trace *trace, const char *name)
{
  const bt_value *v =
    bt_trace_borrow_environment_entry_value_by_name_const (trace, name);
  return v != NULL && bt_value_is_string (v)
         ? g_strdup (bt_value_string_get (v)) : NULL;
}

/* LTTng writes "20261125T073445+0000"; the database keeps ISO 8601. */
static char *
iso_datetime (char *compact)
{
  GDateTime *dt = NULL;
  if (compact != NULL && strlen (compact) == 20)
    {
      char *iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%.3s:%.2s",
                                   compact, compact + 4, compact + 6,
                                   compact + 9, compact + 11, compact + 13,
                                   compact + 15, compact + 18);
      dt = g_date_time_new_from_iso8601 (iso, NULL);
      g_free (iso);
    }
  g_free (compact);
  if (dt == NULL)
    return NULL;
  char *out = g_date_time_format_iso8601 (dt);
  g_date_time_unref (dt);
  return out;
}

static void
note_stream (Reader *r, const bt_message *msg)
{
  if (r->result->hostname != NULL)
    return;
  const bt_stream *stream = bt_message_stream_beginning_borrow_stream_const (msg);
  const bt_trace *trace = bt_stream_borrow_trace_const (stream);
  r->result->hostname = env_string (trace, "hostname");
  r->result->created = iso_datetime (env_string (trace,
                                                 "trace_creation_datetime"));
}

static gboolean
handle_message (Reader *r, const bt_message *msg)
{
  switch (bt_message_get_type (msg))
    {
    case BT_MESSAGE_TYPE_EVENT:
      return handle_event (r, msg);
    case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
      return handle_discarded (r, msg, FALSE);
    case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
      return handle_discarded (r, msg, TRUE);
    case BT_MESSAGE_TYPE_STREAM_BEGINNING:
      note_stream (r, msg);
      return TRUE;
    case BT_MESSAGE_TYPE_STREAM_END:
    case BT_MESSAGE_TYPE_PACKET_BEGINNING:
    case BT_MESSAGE_TYPE_PACKET_END:
    case BT_MESSAGE_TYPE_MESSAGE_ITERATOR_INACTIVITY:
    default:
      return TRUE;
    }
}

static bt_graph_simple_sink_component_consume_func_status
consume (bt_message_iterator *it, void *data)
{
  Reader *r = data;
  bt_message_array_const msgs;
  guint64 count;
  bt_graph_simple_sink_component_consume_func_status status;
  if (!mls_bt_next_messages (it, &msgs, &count, &status))
    return status;
  gboolean ok = TRUE;
  for (guint64 i = 0; i < count; i++)
    {
      if (ok)
        ok = handle_message (r, msgs[i]);
      bt_message_put_ref (msgs[i]);
    }
  mls_import_progress += count;
  return ok ? BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK
            : BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
}

/* Adds the sources for the traces of `set` (grouped by UUID), each
 * connected to the muxer. Returns how many were added. */
static int
add_sources (bt_graph *graph, const bt_plugin *ctf, MlsTraceSet *set,
             const bt_component_filter *muxer, gboolean quiet,
             GString *errors)
{
  const bt_component_class_source *fs =
    bt_plugin_borrow_source_component_class_by_name_const (ctf, "fs");
  gboolean *used = g_new0 (gboolean, set->traces->len);
  int added = 0;
  for (guint i = 0; i < set->traces->len; i++)
    {
      if (used[i])
        continue;
      MlsTraceDir *t = g_ptr_array_index (set->traces, i);
      bt_value *params = bt_value_map_create ();
      bt_value *inputs;
      bt_value_map_insert_empty_array_entry (params, "inputs", &inputs);
      for (guint j = i; j < set->traces->len; j++)
        {
          MlsTraceDir *u = g_ptr_array_index (set->traces, j);
          if (j == i || (t->has_uuid && u->has_uuid
                         && memcmp (t->uuid, u->uuid, 16) == 0))
            {
              used[j] = TRUE;
              bt_value_array_append_string_element (inputs, u->read_dir);
            }
        }
      char *name = g_strdup_printf ("src%u", i);
      const bt_component_source *src = NULL;
      char *why = NULL;
      gboolean source_ok = mls_bt_add_source (graph, fs, name, params,
                                              BT_LOGGING_LEVEL_NONE, &src,
                                              t->read_dir, t->source_dir,
                                              &why);
      g_free (name);
      if (!source_ok)
        {
          g_string_append_printf (errors, "%s%s: cannot read the trace's "
                                  "metadata or stream headers: %s",
                                  errors->len ? "\n" : "", t->source_dir, why);
          g_free (why);
          bt_value_put_ref (params);
          continue;
        }
      bt_value_put_ref (params);
      guint64 ports = bt_component_source_get_output_port_count (src);
      for (guint64 p = 0; p < ports; p++)
        {
          guint64 n_in = bt_component_filter_get_input_port_count (muxer);
          bt_graph_connect_ports (graph,
            bt_component_source_borrow_output_port_by_index_const (src, p),
            bt_component_filter_borrow_input_port_by_index_const (muxer, n_in - 1),
            NULL);
        }
      added++;
    }
  g_free (used);
  return added;
}

MlsReader *
mls_reader_new (MlsSpanBuilder *builder, MlsReadResult *result,
                gboolean quiet)
{
  MlsReader *r = g_new0 (MlsReader, 1);

  r->builder = builder;
  r->result = result;
  r->quiet = quiet;
  r->classes = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                      g_free);
  r->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return r;
}

void
mls_reader_free (MlsReader *r)
{
  if (r == NULL)
    return;
  g_hash_table_destroy (r->classes);
  g_hash_table_destroy (r->hosts);
  g_clear_error (&r->error);
  g_free (r);
}

void
mls_reader_connect (MlsReader *r, bt_graph *graph,
                    const bt_port_output *port)
{
  const bt_component_sink *sink = NULL;

  bt_graph_add_simple_sink_component (graph, "sink", NULL, consume, NULL, r,
                                      &sink);
  bt_graph_connect_ports (graph, port,
    bt_component_sink_borrow_input_port_by_name_const (sink, "in"), NULL);
}

gboolean
mls_reader_take_error (MlsReader *r, GError **error)
{
  if (r->error == NULL)
    return FALSE;
  g_propagate_error (error, r->error);
  r->error = NULL;
  bt_current_thread_clear_error ();
  return TRUE;
}

gboolean
mls_read_traces (MlsTraceSet *set, MlsSpanBuilder *builder,
                 MlsReadResult *result, gboolean quiet, GError **error)
{
  const bt_plugin *ctf = mls_bt_find_plugin ("ctf", error);
  const bt_plugin *utils = ctf ? mls_bt_find_plugin ("utils", error) : NULL;
  if (utils == NULL)
    {
      bt_plugin_put_ref (ctf);
      return FALSE;
    }
  MlsReader *r = mls_reader_new (builder, result, quiet);
  bt_graph *graph = bt_graph_create (0);
  const bt_component_filter *muxer = NULL;
  GString *errors = g_string_new (NULL);
  gboolean ok = FALSE;

  bt_graph_add_filter_component (graph,
    bt_plugin_borrow_filter_component_class_by_name_const (utils, "muxer"),
    "muxer", NULL, BT_LOGGING_LEVEL_NONE, &muxer);
  int added = add_sources (graph, ctf, set, muxer, quiet, errors);
  if (added == 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s", errors->str);
      goto out;
    }
  if (errors->len && !quiet)
    g_printerr ("mlscope import: warning: skipped unreadable traces:\n%s\n",
                errors->str);
  if (errors->len)
    result->partial = TRUE;

  mls_reader_connect (r, graph,
    bt_component_filter_borrow_output_port_by_name_const (muxer, "out"));

  bt_graph_run_status st;
  do
    st = bt_graph_run (graph);
  while (st == BT_GRAPH_RUN_STATUS_AGAIN);

  if (mls_reader_take_error (r, error))
    goto out;
  /* What was delivered before a failure is valid: the caller decides
   * whether to salvage, keep it or give up. babeltrace2 2.0.4 may end a
   * stream with the status OK and an error left in the thread. */
  result->failure = st != BT_GRAPH_RUN_STATUS_OK ? mls_bt_take_error ()
                    : mls_bt_take_error_if_any ();
  if (result->failure != NULL)
    result->partial = TRUE;
  ok = TRUE;

out:
  bt_graph_put_ref (graph);
  mls_reader_free (r);
  g_string_free (errors, TRUE);
  bt_plugin_put_ref (ctf);
  bt_plugin_put_ref (utils);
  return ok;
}
