/*
 * mlscope-export.c: `mlscope export`, a recording as Chrome trace event
 * JSON (the "JSON Object Format" with traceEvents), which chrome://tracing
 * and Perfetto's UI open. Each span is one complete ("X") event: name = its
 * kind's label, cat = its lane, ts / dur in microseconds from the trace
 * start, pid / tid of the thread that ran it, args with the model, unit,
 * ids and the event's own fields. Process and thread names are metadata
 * ("M") events.
 *
 * GPU and Neural Engine busy spans are the device's view and overlap the
 * requests of the thread that sent them without nesting in them, which a
 * thread track cannot draw; they go on one pseudo-thread per device and
 * process ("GPU (device)", "Neural Engine (device)").
 *
 * Incomplete spans are named "KIND (incomplete)" and say why in args, so
 * the viewers' per-name statistics keep them apart as mlscope's do.
 *
 * Events are streamed as the spans are read, one json-c object at a time,
 * so memory stays flat for millions of spans.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <json-c/json.h>

#include "mls-store.h"
#include "mlscope-print.h"
#include "mlscope.h"

/* Pseudo-thread ids for the device lanes: far above real tids (pid_max is
 * at most 2^22 on Linux). */
#define DEVICE_TID_BASE 2000000000

typedef struct {
  FILE *out;
  int64_t trace_start_ns;
  size_t n_events;
  GHashTable *device_tracks;  /* "pid:tid" -> device (1 gpu, 2 npu) */
  GHashTable *named_pids;     /* pids whose process_name is written */
  int write_failed;
} Export;

/* "12.345" µs from ns, exactly: doubles would print 12.345000000000001. */
static json_object *
microseconds (int64_t ns)
{
  char text[48];
  int64_t abs_ns = ns < 0 ? -ns : ns;

  g_snprintf (text, sizeof text, "%s%" G_GINT64_FORMAT ".%03d",
              ns < 0 ? "-" : "", abs_ns / 1000, (int) (abs_ns % 1000));
  return json_object_new_double_s ((double) ns / 1e3, text);
}

static void
write_event (Export *export, json_object *event)
{
  char *text = mls_print_json_text (event, JSON_C_TO_STRING_PLAIN
                                           | JSON_C_TO_STRING_NOSLASHESCAPE);

  if (fprintf (export->out, "%s\n  %s", export->n_events ? "," : "",
               text) < 0)
    export->write_failed = 1;
  export->n_events++;
  g_free (text);
  json_object_put (event);
}

/* The span's own fields (a JSON object in the database) merged into args;
 * text that is not an object is kept as a string. */
static void
add_span_fields (json_object *args, const char *args_json)
{
  json_object *fields;

  if (args_json == NULL)
    return;
  fields = json_tokener_parse (args_json);
  if (fields && json_object_is_type (fields, json_type_object))
    {
      json_object_object_foreach (fields, key, value)
        if (!json_object_object_get_ex (args, key, NULL))
          json_object_object_add (args, key, json_object_get (value));
    }
  else
    json_object_object_add (args, "args", json_object_new_string (args_json));
  json_object_put (fields);
}

static json_object *
span_args (const MlsSpanInfo *span)
{
  json_object *args = json_object_new_object ();

  json_object_object_add (args, "span_id", json_object_new_int64 (span->id));
  if (span->model)
    json_object_object_add (args, "model",
                            json_object_new_string (span->model));
  if (span->unit)
    json_object_object_add (args, "unit", json_object_new_string (span->unit));
  if (span->parent_id)
    json_object_object_add (args, "parent_id",
                            json_object_new_int64 (span->parent_id));
  json_object_object_add (args, "complete",
                          json_object_new_boolean (span->complete));
  if (!span->complete)
    json_object_object_add (args, "incomplete_reason",
                            json_object_new_string (mls_cut_reason_name (
                              span->cut ? span->cut : MLS_CUT_UNKNOWN)));
  if (span->status)
    json_object_object_add (args, "status",
                            json_object_new_int (span->status));
  add_span_fields (args, span->args_json);
  return args;
}

static int64_t
track_tid (Export *export, const MlsSpanInfo *span)
{
  int device = g_strcmp0 (span->lane, "gpu") == 0 ? 1
               : g_strcmp0 (span->lane, "npu") == 0 ? 2 : 0;
  int64_t tid = DEVICE_TID_BASE + device;

  if (device == 0)
    return span->tid;
  g_hash_table_insert (export->device_tracks,
                       g_strdup_printf ("%" G_GINT64_FORMAT ":%"
                                        G_GINT64_FORMAT, span->pid, tid),
                       GINT_TO_POINTER (device));
  return tid;
}

static int
export_span (const MlsSpanInfo *span, void *user_data)
{
  Export *export = user_data;
  json_object *event = json_object_new_object ();
  char *name = span->complete ? g_strdup (span->label)
               : g_strdup_printf ("%s (incomplete)", span->label);

  /* Perfetto and chrome://tracing aggregate slices by name: a cut-off
   * span's duration is a lower bound and must not blend into the others. */
  json_object_object_add (event, "name", json_object_new_string (name));
  g_free (name);
  json_object_object_add (event, "cat", json_object_new_string (span->lane));
  json_object_object_add (event, "ph", json_object_new_string ("X"));
  json_object_object_add (event, "ts", microseconds (span->start_ns
                                                    - export->trace_start_ns));
  json_object_object_add (event, "dur", microseconds (span->dur_ns));
  json_object_object_add (event, "pid", json_object_new_int64 (span->pid));
  json_object_object_add (event, "tid", json_object_new_int64 (
    track_tid (export, span)));
  json_object_object_add (event, "args", span_args (span));
  write_event (export, event);
  return export->write_failed;
}

static void
write_name (Export *export, const char *what, int64_t pid, int64_t tid,
            const char *name)
{
  json_object *event = json_object_new_object ();
  json_object *args = json_object_new_object ();

  json_object_object_add (args, "name", json_object_new_string (name));
  json_object_object_add (event, "name", json_object_new_string (what));
  json_object_object_add (event, "ph", json_object_new_string ("M"));
  json_object_object_add (event, "pid", json_object_new_int64 (pid));
  if (tid)
    json_object_object_add (event, "tid", json_object_new_int64 (tid));
  json_object_object_add (event, "args", args);
  write_event (export, event);
}

static int
export_thread (const MlsThreadInfo *thread, void *user_data)
{
  Export *export = user_data;

  if (thread->process_name
      && !g_hash_table_contains (export->named_pids, &thread->pid))
    {
      write_name (export, "process_name", thread->pid, 0,
                  thread->process_name);
      g_hash_table_add (export->named_pids,
                        g_memdup2 (&thread->pid, sizeof thread->pid));
    }
  if (thread->tid && thread->thread_name)
    write_name (export, "thread_name", thread->pid, thread->tid,
                thread->thread_name);
  return export->write_failed;
}

static void
export_device_names (Export *export)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, export->device_tracks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 pid, tid;
      if (sscanf (key, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, &pid, &tid)
          == 2)
        write_name (export, "thread_name", pid, tid,
                    GPOINTER_TO_INT (value) == 1 ? "GPU (device)"
                                                 : "Neural Engine (device)");
    }
}

static void
write_header (Export *export, MlsStore *store, const char *path)
{
  json_object *other = json_object_new_object ();
  static const char *const keys[] = { "host", "command", "start_ns",
                                      "duration_ns", "lost_events" };
  char *text;

  json_object_object_add (other, "mlscope_file",
                          json_object_new_string (path));
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      char *value = mls_store_get_meta_text (store, keys[i]);
      if (value)
        json_object_object_add (other, keys[i],
                                json_object_new_string (value));
      free (value);
    }
  text = mls_print_json_text (other, JSON_C_TO_STRING_PLAIN
                                    | JSON_C_TO_STRING_NOSLASHESCAPE);
  fprintf (export->out, "{\"displayTimeUnit\":\"ns\",\"otherData\":%s,\n"
           "\"traceEvents\":[", text);
  g_free (text);
  json_object_put (other);
}

static int
export_store (MlsStore *store, const char *path, FILE *out, MlsError *error)
{
  Export export = {
    .out = out,
    .device_tracks = g_hash_table_new_full (g_str_hash, g_str_equal,
                                            g_free, NULL),
    .named_pids = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                         g_free, NULL),
  };
  int rc;

  mls_store_get_meta_int (store, "start_ns", &export.trace_start_ns);
  write_header (&export, store, path);
  rc = mls_store_foreach_span (store, export_span, &export, error);
  if (rc == 0)
    rc = mls_store_foreach_thread (store, export_thread, &export, error);
  if (rc == 0)
    export_device_names (&export);
  fprintf (out, "\n]}\n");
  g_hash_table_destroy (export.device_tracks);
  g_hash_table_destroy (export.named_pids);
  if (rc == 0 && (export.write_failed || fflush (out) != 0 || ferror (out)))
    return 1;
  return rc ? -1 : 0;
}

static int
parse_options (int argc, char **argv, char **path, char **output)
{
  char *format = NULL;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format,
      "chrome-json (the default and only format: Chrome trace event JSON, "
      "opened by Perfetto and chrome://tracing)", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, output,
      "Write to OUT instead of standard output", "OUT" },
    { NULL },
  };
  GOptionContext *context = g_option_context_new ("FILE.mlscope");
  GError *error = NULL;
  int ok;

  g_set_prgname ("mlscope export");
  g_option_context_set_summary (context, "Writes a recording as Chrome "
                                "trace event JSON.");
  g_option_context_add_main_entries (context, entries, NULL);
  mlscope_option_context_finish (context);
  ok = g_option_context_parse (context, &argc, &argv, &error);
  if (!ok)
    fprintf (stderr, "mlscope export: %s\n", error->message);
  else if (argc != 2)
    {
      fprintf (stderr, "mlscope export: %s\nUsage: mlscope export "
               "FILE.mlscope --format chrome-json [-o OUT]\n",
               argc < 2 ? "no FILE given" : "more than one FILE given");
      ok = 0;
    }
  else if (format && strcmp (format, "chrome-json") != 0)
    {
      fprintf (stderr, "mlscope export: unknown --format '%s' (use "
               "chrome-json)\n", format);
      ok = 0;
    }
  g_clear_error (&error);
  g_option_context_free (context);
  g_free (format);
  *path = ok ? g_strdup (argv[1]) : NULL;
  return ok ? 0 : -1;
}

/* Writes to OUT.partial and renames it, so a failed export leaves no
 * truncated OUT behind. */
static int
export_to_file (MlsStore *store, const char *path, const char *output)
{
  char *partial = g_strconcat (output, ".partial", NULL);
  FILE *out = fopen (partial, "w");
  MlsError error = { 0 };
  int rc;

  if (out == NULL)
    {
      fprintf (stderr, "mlscope export: %s: %s\n", partial,
               g_strerror (errno));
      g_free (partial);
      return 1;
    }
  rc = export_store (store, path, out, &error);
  if (fclose (out) != 0 && rc == 0)
    rc = 1;
  if (rc == 0 && rename (partial, output) != 0)
    {
      fprintf (stderr, "mlscope export: %s: %s\n", output,
               g_strerror (errno));
      rc = 1;
    }
  else if (rc < 0)
    fprintf (stderr, "mlscope export: %s\n", error.message);
  else if (rc > 0)
    fprintf (stderr, "mlscope export: %s: write failed: %s\n", partial,
             g_strerror (errno));
  if (rc != 0)
    unlink (partial);
  g_free (partial);
  return rc ? MLS_EXIT_FAILED : MLS_EXIT_OK;
}

int
mlscope_export (int argc, char **argv)
{
  char *path = NULL, *output = NULL;
  MlsError error = { 0 };
  MlsStore *store = NULL;
  int status;

  if (parse_options (argc, argv, &path, &output) != 0)
    status = MLS_EXIT_USAGE;
  else if ((store = mls_store_open (path, &error)) == NULL)
    {
      fprintf (stderr, "mlscope export: %s\n", error.message);
      status = MLS_EXIT_FAILED;
    }
  else if (output && strcmp (output, "-") != 0)
    status = export_to_file (store, path, output);
  else
    {
      int rc = export_store (store, path, stdout, &error);
      if (rc < 0)
        fprintf (stderr, "mlscope export: %s\n", error.message);
      else if (rc > 0)
        fprintf (stderr, "mlscope export: writing standard output failed\n");
      status = rc ? MLS_EXIT_FAILED : MLS_EXIT_OK;
    }
  mls_store_close (store);
  g_free (path);
  g_free (output);
  return status;
}
