/*
 * mls-import-bt.c: babeltrace2 helpers shared by the reader and the salvage
 * probe: finding plugins, turning the library's error causes into one line
 * a user can act on, and the probe read that tells whether one stream file
 * can be read to its end.
 */
#include <babeltrace2/babeltrace.h>
#include <string.h>

#include "mls-import.h"

/* babeltrace2's error causes, as one line: the plugins' own messages,
 * oldest (closest to the fault) first; the library's causes only repeat
 * them with addresses. */
char *
mls_bt_take_error (void)
{
  const bt_error *err = bt_current_thread_take_error ();
  if (err == NULL)
    return g_strdup ("unknown babeltrace2 error");
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

const bt_plugin *
mls_bt_find_plugin (const char *name, GError **error)
{
  const bt_plugin *plugin = NULL;
  if (bt_plugin_find (name, BT_TRUE, BT_TRUE, BT_TRUE, BT_TRUE, BT_FALSE,
                      &plugin) != BT_PLUGIN_FIND_STATUS_OK)
    {
      g_set_error (error, MLS_IMPORT_ERROR, 1,
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
    default:
      *status = BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
      return FALSE;
    }
}

typedef struct {
  guint64 packets_ended;
} Probe;

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
      if (bt_message_get_type (msgs[i]) == BT_MESSAGE_TYPE_PACKET_END)
        p->packets_ended++;
      bt_message_put_ref (msgs[i]);
    }
  mls_import_progress += count;
  return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

gboolean
mls_read_probe (const char *dir, guint64 *packets_ended, char **why)
{
  const bt_plugin *ctf = mls_bt_find_plugin ("ctf", NULL);
  if (ctf == NULL)
    {
      *why = g_strdup ("no babeltrace2 ctf plugin");
      return FALSE;
    }
  Probe probe = { 0 };
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
  if (!ok)
    *why = mls_bt_take_error ();
  *packets_ended = probe.packets_ended;
  bt_value_put_ref (params);
  bt_graph_put_ref (graph);
  bt_plugin_put_ref (ctf);
  return ok;
}
