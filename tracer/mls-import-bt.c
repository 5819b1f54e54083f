/*
 * mls-import-bt.c: babeltrace2 helpers shared by the reader and the salvage
 * probe: finding plugins, turning the library's error causes into one line
 * a user can act on, and the probe read that tells whether one stream file
 * can be read to its end.
 */
#include <babeltrace2/babeltrace.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mls-import.h"

/* babeltrace2's error causes, as one line: the plugins' own messages,
 * oldest (closest to the fault) first; the library's causes only repeat
 * them with addresses. */
char *
mls_bt_take_error (void)
{
  char *text = mls_bt_take_error_if_any ();
  return text ? text : g_strdup ("unknown babeltrace2 error");
}

char *
mls_bt_take_error_if_any (void)
{
  const bt_error *err = bt_current_thread_take_error ();
  if (err == NULL)
    return NULL;
  GString *s = g_string_new (NULL);
  guint64 n = bt_error_get_cause_count (err);
  for (guint64 i = 0; i < n; i++)
    {
      const bt_error_cause *c = bt_error_borrow_cause_by_index (err, i);
      const char *module = bt_error_cause_get_module_name (c);
      if (module != NULL && strcmp (module, "libbabeltrace2") == 0)
        continue;
      g_string_append_printf (s, "%s%s", s->len ? ": " : "",
                              bt_error_cause_get_message (c));
    }
  if (s->len == 0 && n > 0)
    g_string_append (s, bt_error_cause_get_message (
                          bt_error_borrow_cause_by_index (err, 0)));
  bt_error_release (err);
  return g_string_free (s, FALSE);
}

/* The first error babeltrace2's ctf plugin logged, without its prefix
 * ("At line 13 in metadata stream: Invalid trace's `minor` attribute:
 * expecting 8."), from `log` (its stderr output), or NULL. */
static char *
first_logged_error (const char *log)
{
  char **lines = g_strsplit (log, "\n", -1);
  char *found = NULL;

  /* "... E PLUGIN/CTF/META/PARSER yyerror@parser.y:943 [COMPONENT] TEXT",
   * the component's name in brackets only for some. */
  for (char **l = lines; *l && found == NULL; l++)
    {
      const char *text = strstr (*l, " E PLUGIN/CTF");
      for (int field = 0; text && field < 3; field++)
        text = strchr (text + 1, ' ');
      if (text && text[1] == '[')
        text = strstr (text, "] ");
      if (text)
        found = g_strdup (text + 1 + (text[0] == ']'));
    }
  g_strfreev (lines);
  return found;
}

/* Reads back what was written to `log`, and closes it. */
static char *
read_log (FILE *log)
{
  long len = ftell (log);
  char *text = g_malloc0 (len > 0 ? len + 1 : 1);

  rewind (log);
  if (len > 0 && fread (text, 1, len, log) != (gsize) len)
    text[0] = '\0';
  fclose (log);
  return text;
}

/* babeltrace2's ctf plugin says why metadata is wrong (its line and
 * fault) only in its log, not in the error causes an application can
 * take: the source is created with its log going to a file in place of
 * stderr, and a failure is explained from that log. The metadata parser
 * logs errors whatever `level` (mls_bt_find_plugin()); the rest of the
 * plugin logs at `level`, for the component's whole life. */
gboolean
mls_bt_add_source (bt_graph *graph, const bt_component_class_source *fs,
                   const char *name, bt_value *params,
                   bt_logging_level level, const bt_component_source **src,
                   const char *read_dir, const char *source_dir, char **why)
{
  FILE *log = tmpfile ();
  int saved = log ? dup (2) : -1;
  char *logged = NULL, *text, **parts;
  gboolean ok;

  fflush (stderr);
  if (saved >= 0)
    dup2 (fileno (log), 2);
  ok = bt_graph_add_source_component (graph, fs, name, params, level, src)
       == BT_GRAPH_ADD_COMPONENT_STATUS_OK;
  fflush (stderr);
  if (saved >= 0)
    {
      dup2 (saved, 2);
      close (saved);
    }
  if (log)
    {
      text = read_log (log);
      logged = first_logged_error (text);
      g_free (text);
    }
  if (ok)
    {
      g_free (logged);
      return TRUE;
    }
  text = mls_bt_take_error ();
  parts = g_strsplit (logged ? logged : text, read_dir, -1);
  *why = g_strjoinv (source_dir, parts);
  g_strfreev (parts);
  g_free (text);
  g_free (logged);
  return FALSE;
}

const bt_plugin *
mls_bt_find_plugin (const char *name, GError **error)
{
  const bt_plugin *plugin = NULL;

  /* The metadata parser logs at the level this says, read when the plugin
   * loads: errors, which mls_bt_add_source() turns into messages. */
  g_setenv ("BABELTRACE_PLUGIN_CTF_METADATA_LOG_LEVEL", "E", FALSE);
  if (bt_plugin_find (name, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE,
                      &plugin) != BT_PLUGIN_FIND_STATUS_OK)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED,
                   "the babeltrace2 '%s' plugin is not installed "
                   "(Debian package babeltrace2)", name);
      return NULL;
    }
  return plugin;
}

gboolean
mls_bt_next_messages (bt_message_iterator *it, bt_message_array_const *msgs,
                      guint64 *count,
                      bt_graph_simple_sink_component_consume_func_status *status)
{
  switch (bt_message_iterator_next (it, msgs, count))
    {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
      return TRUE;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
      *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
      return FALSE;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
      *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
      return FALSE;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
      *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
      return FALSE;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_ERROR:
    default:
      *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
      return FALSE;
    }
}

typedef struct {
  MlsProbe *result;
  gboolean disorder;        /* a clock snapshot ran backwards */
  guint64 last_clock;
} Probe;

/* Time must not run backwards within a stream: babeltrace2's muxer stops
 * the whole read when it does. */
static gboolean
in_order (Probe *p, const bt_clock_snapshot *cs)
{
  guint64 value = bt_clock_snapshot_get_value (cs);

  if (value < p->last_clock
      || (p->result->max_clock && value > p->result->max_clock))
    p->disorder = TRUE;
  p->last_clock = value;
  return !p->disorder;
}

static void
probe_message (Probe *p, const bt_message *msg)
{
  switch (bt_message_get_type (msg))
    {
    case BT_MESSAGE_TYPE_EVENT:
      if (in_order (p, bt_message_event_borrow_default_clock_snapshot_const (
                         msg)))
        p->result->events++;
      break;
    case BT_MESSAGE_TYPE_PACKET_BEGINNING:
      in_order (p, bt_message_packet_beginning_borrow_default_clock_snapshot_const (msg));
      break;
    case BT_MESSAGE_TYPE_PACKET_END:
      if (in_order (p, bt_message_packet_end_borrow_default_clock_snapshot_const (msg)))
        p->result->packets_ended++;
      break;
    case BT_MESSAGE_TYPE_STREAM_BEGINNING:
    case BT_MESSAGE_TYPE_STREAM_END:
    case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
    case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
    case BT_MESSAGE_TYPE_MESSAGE_ITERATOR_INACTIVITY:
    default:
      break;
    }
}

static bt_graph_simple_sink_component_consume_func_status
probe_consume (bt_message_iterator *it, void *data)
{
  Probe *p = data;
  bt_message_array_const msgs;
  guint64 count;
  bt_graph_simple_sink_component_consume_func_status status;
  if (!mls_bt_next_messages (it, &msgs, &count, &status))
    return status;
  for (guint64 i = 0; i < count; i++)
    {
      if (!p->disorder)
        probe_message (p, msgs[i]);
      bt_message_put_ref (msgs[i]);
    }
  mls_import_progress += count;
  return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

gboolean
mls_read_probe (const char *dir, MlsProbe *result, char **why)
{
  const bt_plugin *ctf = mls_bt_find_plugin ("ctf", NULL);
  if (ctf == NULL)
    {
      *why = g_strdup ("no babeltrace2 ctf plugin");
      return FALSE;
    }
  Probe probe = { result, FALSE, 0 };
  const bt_error *error;
  bt_graph *graph = bt_graph_create (0);
  bt_value *params = bt_value_map_create ();
  bt_value *inputs;
  bt_value_map_insert_empty_array_entry (params, "inputs", &inputs);
  bt_value_array_append_string_element (inputs, dir);
  const bt_component_source *src = NULL;
  const bt_component_sink *sink = NULL;
  gboolean ok = bt_graph_add_source_component (graph,
    bt_plugin_borrow_source_component_class_by_name_const (ctf, "fs"),
    "src", params, BT_LOGGING_LEVEL_NONE, &src)
    == BT_GRAPH_ADD_COMPONENT_STATUS_OK;
  /* One stream: one output port, no muxer needed. */
  if (ok && bt_component_source_get_output_port_count (src) > 0)
    {
      bt_graph_add_simple_sink_component (graph, "sink", NULL, probe_consume,
                                          NULL, &probe, &sink);
      bt_graph_connect_ports (graph,
        bt_component_source_borrow_output_port_by_index_const (src, 0),
        bt_component_sink_borrow_input_port_by_name_const (sink, "in"), NULL);
      bt_graph_run_status st;
      do
        st = bt_graph_run (graph);
      while (st == BT_GRAPH_RUN_STATUS_AGAIN);
      ok = st == BT_GRAPH_RUN_STATUS_OK;
    }
  /* babeltrace2 2.0.4 may end a stream on an event cut short with the
   * status OK and the error left in the thread: that is a failure too. */
  if (ok && (error = bt_current_thread_take_error ()) != NULL)
    {
      bt_error_release (error);
      ok = FALSE;
      *why = g_strdup ("an event cut short");
    }
  else if (!ok)
    *why = mls_bt_take_error ();
  else if (probe.disorder)
    *why = g_strdup ("timestamps run backwards");
  ok = ok && !probe.disorder;
  /* Tearing down a failed graph may add causes of its own. */
  bt_current_thread_clear_error ();
  bt_value_put_ref (params);
  bt_graph_put_ref (graph);
  bt_plugin_put_ref (ctf);
  return ok;
}
