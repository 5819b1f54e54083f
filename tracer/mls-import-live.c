/*
 * mls-import-live.c: imports a session while it is recorded, through
 * LTTng's relay daemon and babeltrace2's src.ctf.lttng-live (we write no
 * transport of our own).
 *
 * A thread runs the graph (lttng-live -> the collector's sink) one step at
 * a time: lttng-live answers AGAIN whenever the relay daemon has nothing
 * new, and the thread then sleeps a little. About every flush_ms it gives
 * what the span builder made to the store, which commits it (a live
 * store, mls_store_create_live()). The recorder's main thread meanwhile
 * runs the app; it calls finish once the session is destroyed, and
 * lttng-live ends when the relay daemon has sent the session's last data.
 * The span builder is the offline import's, fed the same events in the
 * same order, so the finished file is the one an import of the relay
 * daemon's trace gives.
 */
#include <babeltrace2/babeltrace.h>
#include <string.h>
#include <time.h>

#include "mls-import.h"

/* After the session ended, how long lttng-live may go without delivering
 * anything before the read is given up as cut short. */
#define END_SILENCE_S 15
#define IDLE_SLEEP_US (20 * 1000)

struct MlsLiveImport {
  char *url;
  char *out_path;
  MlsImportOptions options;
  int flush_ms;
  MlsStore *store;
  MlsSpanBuilder *builder;
  MlsReadResult read;
  GThread *thread;
  gint ending;              /* atomic: the session has been destroyed */
  gint flushes;             /* atomic */
  GError *error;            /* the thread's: the import cannot finish */
};

static gboolean
flush (MlsLiveImport *live, GError **error)
{
  MlsError err = { 0 };

  if (!mls_span_builder_write_names (live->builder, error))
    return FALSE;
  if (mls_store_flush (live->store, &err) != 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s",
                   err.message);
      return FALSE;
    }
  g_atomic_int_inc (&live->flushes);
  return TRUE;
}

static bt_graph *
live_graph (MlsLiveImport *live, MlsReader *reader, GError **error)
{
  const bt_plugin *ctf = mls_bt_find_plugin ("ctf", error);
  const bt_component_class_source *cls;
  const bt_component_source *src = NULL;
  bt_graph *graph;
  bt_value *params, *inputs;
  gboolean ok;

  if (ctf == NULL)
    return NULL;
  cls = bt_plugin_borrow_source_component_class_by_name_const (ctf,
                                                               "lttng-live");
  graph = bt_graph_create (0);
  params = bt_value_map_create ();
  bt_value_map_insert_empty_array_entry (params, "inputs", &inputs);
  bt_value_array_append_string_element (inputs, live->url);
  /* The read starts once the session has started, when the relay daemon
   * has it; it ends once the session is destroyed and its last data was
   * sent (with "continue", lttng-live would wait for it forever). */
  bt_value_map_insert_string_entry (params, "session-not-found-action",
                                    "end");
  ok = cls != NULL
       && bt_graph_add_source_component (graph, cls, "live", params,
                                         BT_LOGGING_LEVEL_NONE, &src)
          == BT_GRAPH_ADD_COMPONENT_STATUS_OK
       && bt_component_source_get_output_port_count (src) > 0;
  if (ok)
    mls_reader_connect (reader, graph,
      bt_component_source_borrow_output_port_by_index_const (src, 0));
  else
    {
      char *why = mls_bt_take_error ();
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED,
                   "%s: cannot read the live session: %s", live->url,
                   cls ? why : "babeltrace2 has no lttng-live source");
      g_free (why);
      bt_graph_put_ref (graph);
      graph = NULL;
    }
  bt_value_put_ref (params);
  bt_plugin_put_ref (ctf);
  return graph;
}

/* Runs the graph to its end (or its failure, kept in read.failure),
 * flushing as it goes; FALSE with `error` when the import cannot go on. */
static gboolean
run_graph (MlsLiveImport *live, bt_graph *graph, MlsReader *reader,
           GError **error)
{
  gint64 next_flush = g_get_monotonic_time ();
  gint64 quiet_since = 0, seen = mls_import_progress;

  for (;;)
    {
      bt_graph_run_once_status st = bt_graph_run_once (graph);
      gint64 now = g_get_monotonic_time ();

      if (mls_reader_take_error (reader, error))
        return FALSE;
      if (st == BT_GRAPH_RUN_ONCE_STATUS_END)
        break;
      if (st != BT_GRAPH_RUN_ONCE_STATUS_OK
          && st != BT_GRAPH_RUN_ONCE_STATUS_AGAIN)
        {
          live->read.failure = mls_bt_take_error ();
          live->read.partial = TRUE;
          break;
        }
      if (mls_import_progress != seen || !g_atomic_int_get (&live->ending))
        {
          seen = mls_import_progress;
          quiet_since = now;
        }
      else if (now - quiet_since > END_SILENCE_S * G_TIME_SPAN_SECOND)
        {
          live->read.failure = g_strdup_printf (
            "the relay daemon sent nothing for %d s after the session "
            "ended", END_SILENCE_S);
          live->read.partial = TRUE;
          break;
        }
      if (now >= next_flush)
        {
          if (!flush (live, error))
            return FALSE;
          next_flush = now + live->flush_ms * 1000;
        }
      if (st == BT_GRAPH_RUN_ONCE_STATUS_AGAIN)
        g_usleep (IDLE_SLEEP_US);
    }
  return TRUE;
}

static gpointer
read_main (gpointer data)
{
  MlsLiveImport *live = data;
  MlsReader *reader = mls_reader_new (live->builder, &live->read,
                                      live->options.quiet);
  bt_graph *graph = live_graph (live, reader, &live->error);

  if (graph != NULL)
    run_graph (live, graph, reader, &live->error);
  bt_graph_put_ref (graph);
  mls_reader_free (reader);
  bt_current_thread_clear_error ();
  return NULL;
}

static void
live_free (MlsLiveImport *live)
{
  mls_span_builder_free (live->builder);
  mls_store_close (live->store);
  g_free (live->read.hostname);
  g_free (live->read.created);
  g_free (live->read.failure);
  g_clear_error (&live->error);
  g_free (live->url);
  g_free (live->out_path);
  g_free (live);
}

MlsLiveImport *
mls_live_import_start (const char *url, const char *out_path,
                       const MlsImportOptions *options, int flush_ms,
                       GError **error)
{
  MlsLiveImport *live = g_new0 (MlsLiveImport, 1);
  MlsError err = { 0 };

  live->url = g_strdup (url);
  live->out_path = g_strdup (out_path);
  live->options = *options;
  live->options.facts = NULL;
  live->flush_ms = flush_ms;
  live->store = mls_store_create_live (out_path, &err);
  if (live->store == NULL)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s",
                   err.message);
      live_free (live);
      return NULL;
    }
  /* The recorder's facts change while the app runs: the builder sees
   * them at finish, after the read. */
  live->builder = mls_span_builder_new (live->store, NULL);
  live->thread = g_thread_new ("mlscope-live", read_main, live);
  return live;
}

gint64
mls_live_import_flushes (MlsLiveImport *live)
{
  return g_atomic_int_get (&live->flushes);
}

/* The read stopped before the session ended (the relay daemon died, or
 * the connection to it broke): what the app did from the last event that
 * arrived to now is lost, recorded as such. The recorder runs on the
 * traced machine, whose CLOCK_MONOTONIC is the trace clock. */
static gboolean
add_gap (MlsLiveImport *live, MlsImportSummary *summary, GError **error)
{
  struct timespec now;
  int64_t start, end;
  char *what;
  gboolean ok;

  clock_gettime (CLOCK_MONOTONIC, &now);
  mls_span_builder_time_range (live->builder, &start, &end);
  what = g_strdup_printf ("%s (the live read stopped: %s)", live->url,
                          live->read.failure);
  ok = mls_span_builder_add_lost (live->builder, end,
                                  now.tv_sec * G_GINT64_CONSTANT (1000000000)
                                  + now.tv_nsec, 1, TRUE, what, error);
  live->read.lost_packets++;
  summary->cut_packets++;
  g_free (what);
  return ok;
}

gboolean
mls_live_import_finish (MlsLiveImport *live, const MlsRecordFacts *facts,
                        MlsImportSummary *summary, GError **error)
{
  MlsReadResult *read = &live->read;
  MlsError err = { 0 };
  gboolean ok = FALSE;

  memset (summary, 0, sizeof *summary);
  g_atomic_int_set (&live->ending, 1);
  g_thread_join (live->thread);
  live->options.facts = facts;
  mls_span_builder_set_facts (live->builder, facts);
  if (live->error != NULL)
    {
      g_propagate_error (error, live->error);
      live->error = NULL;
      goto out;
    }
  if (read->failure != NULL && !add_gap (live, summary, error))
    goto out;
  if (!mls_span_builder_finish (live->builder, summary, error)
      || !mls_import_write_meta (live->store, live->url, &live->options,
                                 live->builder, read, error))
    goto out;
  if (mls_store_finish (live->store, &err) != 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s",
                   err.message);
      goto out;
    }
  summary->events = read->events;
  summary->lost_events = read->lost_events;
  summary->lost_packets = read->lost_packets;
  summary->partial = read->partial;
  if (read->failure != NULL)
    summary->read_error = g_strdup_printf (
      "%s: the live read stopped after %" G_GINT64_FORMAT " events (%s); "
      "what the app did after them is lost, recorded as lost data",
      live->url, read->events, read->failure);
  if (!live->options.quiet)
    mls_import_warn_losses (live->url, read, summary);
  ok = TRUE;

out:
  live_free (live);
  return ok;
}
