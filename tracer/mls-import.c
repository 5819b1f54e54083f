/*
 * mls-import.c: the collector's driver: checks the trace files, reads them
 * into spans, writes the recording's metadata, and guards the whole read
 * with a watchdog, because a corrupt trace must end in an error, never in
 * a hang (babeltrace2 2.0.4 can spin forever on bad metadata).
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "mls-import.h"
#include "mls-version.h"

G_DEFINE_QUARK (mls-import-error-quark, mls_import_error)

#define DEFAULT_WATCHDOG_S 60

typedef struct {
  GMutex lock;
  GCond cond;
  gboolean done;
  int timeout_s;
  gboolean progress_line;   /* stderr is a terminal and the trace is large */
  char *trace_dir;
  char *partial_path;
} Watchdog;

static Watchdog watchdog;

/* Gives up on a read that made no progress for timeout_s seconds: there is
 * no way to cancel babeltrace2 from outside, so it exits the process after
 * removing what the import had written. */
static gpointer
watchdog_main (gpointer data)
{
  gint64 seen = mls_import_progress;
  gint64 still_since = g_get_monotonic_time ();
  gint64 started = still_since;
  g_mutex_lock (&watchdog.lock);
  while (!watchdog.done)
    {
      g_cond_wait_until (&watchdog.cond, &watchdog.lock,
                         g_get_monotonic_time () + G_TIME_SPAN_SECOND / 2);
      if (watchdog.done)
        break;
      gint64 now = g_get_monotonic_time ();
      gint64 progress = mls_import_progress;
      if (watchdog.progress_line && now - started > 2 * G_TIME_SPAN_SECOND)
        fprintf (stderr, "\rmlscope import: %" G_GINT64_FORMAT
                 " messages read, %.0f s", progress,
                 (now - started) / 1e6);
      if (progress != seen)
        {
          seen = progress;
          still_since = now;
          continue;
        }
      if (now - still_since > watchdog.timeout_s * G_TIME_SPAN_SECOND)
        {
          fprintf (stderr, "\nmlscope import: %s: reading the trace made no "
                   "progress for %d s (damaged metadata, or a file that "
                   "never ends?); giving up\n", watchdog.trace_dir,
                   watchdog.timeout_s);
          if (watchdog.partial_path)
            unlink (watchdog.partial_path);
          _exit (1);
        }
    }
  if (watchdog.progress_line && g_get_monotonic_time () - started
                                > 2 * G_TIME_SPAN_SECOND)
    fprintf (stderr, "\n");
  g_mutex_unlock (&watchdog.lock);
  return NULL;
}

static gint64
dir_size (const char *dir, int depth)
{
  gint64 total = 0;
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && depth < 8 && (name = g_dir_read_name (d)) != NULL)
    {
      char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;
      if (g_lstat (path, &st) == 0)
        total += S_ISDIR (st.st_mode) ? dir_size (path, depth + 1) : st.st_size;
      g_free (path);
    }
  if (d)
    g_dir_close (d);
  return total;
}

static GThread *
watchdog_start (const char *trace_dir, const char *out_path, gboolean quiet)
{
  const char *env = g_getenv ("MLSCOPE_IMPORT_WATCHDOG_S");
  watchdog.timeout_s = env ? atoi (env) : DEFAULT_WATCHDOG_S;
  if (watchdog.timeout_s <= 0)
    watchdog.timeout_s = DEFAULT_WATCHDOG_S;
  watchdog.done = FALSE;
  watchdog.trace_dir = g_strdup (trace_dir);
  watchdog.partial_path = g_strconcat (out_path, ".partial", NULL);
  watchdog.progress_line = !quiet && isatty (2)
                           && dir_size (trace_dir, 0) > 32 * 1024 * 1024;
  return g_thread_new ("mlscope-watchdog", watchdog_main, NULL);
}

static void
watchdog_stop (GThread *thread)
{
  g_mutex_lock (&watchdog.lock);
  watchdog.done = TRUE;
  g_cond_signal (&watchdog.cond);
  g_mutex_unlock (&watchdog.lock);
  g_thread_join (thread);
  g_clear_pointer (&watchdog.trace_dir, g_free);
  g_clear_pointer (&watchdog.partial_path, g_free);
}

gboolean
mls_import_write_meta (MlsStore *store, const char *trace_dir,
            const MlsImportOptions *options, MlsSpanBuilder *builder,
            const MlsReadResult *read, GError **error)
{
  MlsError err = { 0 };
  int64_t start, end;
  mls_span_builder_time_range (builder, &start, &end);
  char *abs_dir = g_canonicalize_filename (trace_dir, NULL);
  char *names = mls_span_builder_process_names (builder);
  struct utsname un;
  const char *host = read->hostname;
  gboolean local = uname (&un) == 0;
  if (host == NULL && local)
    host = un.nodename;
  GDateTime *now = g_date_time_new_now_utc ();
  char *recorded_at = g_date_time_format_iso8601 (now);
  g_date_time_unref (now);

  gboolean ok =
    mls_store_set_meta_text (store, "host", host ? host : "", &err) == 0
    && mls_store_set_meta_text (store, "command",
                                options->command ? options->command : names,
                                &err) == 0
    && mls_store_set_meta_int (store, "start_ns", start, &err) == 0
    && mls_store_set_meta_int (store, "end_ns", end, &err) == 0
    && mls_store_set_meta_int (store, "duration_ns", end - start, &err) == 0
    && mls_store_set_meta_int (store, "clock_offset_ns",
                               read->clock_offset_ns, &err) == 0
    && mls_store_set_meta_int (store, "lost_events", read->lost_events,
                               &err) == 0
    && mls_store_set_meta_int (store, "lost_packets", read->lost_packets,
                               &err) == 0
    && mls_store_set_meta_text (store, "trace_path", options->trace_path
                                ? options->trace_path : abs_dir, &err) == 0
    && mls_store_set_meta_text (store, "mlscope_version", MLS_VERSION,
                                &err) == 0
    && mls_store_set_meta_text (store, "recorded_at", read->created
                                ? read->created : recorded_at, &err) == 0;
  /* The kernel is only known when the trace was recorded here. */
  if (ok && local && options->command != NULL)
    ok = mls_store_set_meta_text (store, "kernel", un.release, &err) == 0;
  if (!ok)
    g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s", err.message);
  g_free (recorded_at);
  g_free (abs_dir);
  g_free (names);
  return ok;
}

void
mls_import_warn_losses (const char *trace_dir, const MlsReadResult *read,
             const MlsImportSummary *summary)
{
  gint64 discarded = read->lost_packets - summary->salvaged_packets
                     - summary->cut_packets;

  if (read->lost_events > 0 || discarded > 0)
    g_printerr ("mlscope import: warning: %s: LTTng discarded %"
                G_GINT64_FORMAT " events and %" G_GINT64_FORMAT " packets "
                "(its sub-buffers were full); spans around them may be "
                "incomplete\n", trace_dir, read->lost_events, discarded);
  if (summary->salvaged_packets > 0)
    g_printerr ("mlscope import: warning: %s: %" G_GINT64_FORMAT " damaged "
                "packets: %" G_GSIZE_FORMAT " bytes left out, kept as lost "
                "packets with their time ranges\n", trace_dir,
                summary->salvaged_packets, summary->salvaged_bytes);
  if (summary->impossible_events > 0)
    g_printerr ("mlscope import: warning: %s: %" G_GINT64_FORMAT " events "
                "named a negative process or thread id (damaged data read "
                "as events): left out\n", trace_dir,
                summary->impossible_events);
  if (summary->unmatched_ends > 0)
    g_printerr ("mlscope import: warning: %" G_GINT64_FORMAT " end events "
                "had no begin in the trace (tracing started mid-span?)\n",
                summary->unmatched_ends);
}

/* What the salvage left out of damaged packets, as lost packets with
 * their time ranges: babeltrace2 never sees it, so nobody else would
 * count it. */
static gboolean
account_dropped (MlsTraceSet *set, MlsSpanBuilder *builder,
                 MlsReadResult *read, MlsImportSummary *summary,
                 GError **error)
{
  for (guint i = 0; set && i < set->traces->len; i++)
    {
      MlsTraceDir *t = g_ptr_array_index (set->traces, i);

      for (guint j = 0; j < t->dropped->len; j++)
        {
          const MlsDropped *d = &g_array_index (t->dropped, MlsDropped, j);
          char *where = g_strdup_printf ("%s/%s (damaged, %s)", t->source_dir,
                                         d->stream, d->whole
                                         ? "packet left out"
                                         : "events after the damage left out");
          gboolean ok = mls_span_builder_add_lost (builder, d->start_ns,
                                                   d->end_ns, 1, TRUE, where,
                                                   error);
          g_free (where);
          if (!ok)
            return FALSE;
          read->lost_packets++;
          summary->salvaged_packets++;
          summary->salvaged_bytes += d->bytes;
        }
    }
  return TRUE;
}

/* A recording known to be cut short (its relay daemon died) ends at its
 * last event: what the app did after never reached the trace. Kept as
 * lost data there, as a live read that stops early keeps it, so the
 * database says so to everyone who opens it, not only this import. */
static gboolean
account_cut (MlsSpanBuilder *builder, const MlsImportOptions *options,
             MlsReadResult *read, MlsImportSummary *summary, GError **error)
{
  int64_t start, end;

  if (options->cut_short == NULL)
    return TRUE;
  mls_span_builder_time_range (builder, &start, &end);
  if (!mls_span_builder_add_lost (builder, end, end, 1, TRUE,
                                  options->cut_short, error))
    return FALSE;
  read->lost_packets++;
  summary->cut_packets++;
  return TRUE;
}

/* A trace that holds events but none of mlrt's is not a recording of an
 * mlrt app: said, not imported as an empty one. */
static gboolean
check_has_mlrt_events (const char *trace_dir, const MlsReadResult *read,
                       const MlsImportOptions *options, GError **error)
{
  if (read->events > 0 || options->allow_empty)
    return TRUE;
  g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_NO_TRACE,
               "%s: no mlrt events in the trace (%" G_GINT64_FORMAT " events "
               "of other providers): not a recording of an app that uses "
               "libmlrt, or its metadata does not match its streams",
               trace_dir, read->other_events);
  return FALSE;
}

static void
discard_store (MlsStore *store, const char *out_path)
{
  /* Never leave a half-written database behind. */
  char *partial = g_strconcat (out_path, ".partial", NULL);
  mls_store_close (store);
  unlink (partial);
  g_free (partial);
}

static void
read_result_clear (MlsReadResult *read)
{
  g_free (read->hostname);
  g_free (read->created);
  g_free (read->failure);
  memset (read, 0, sizeof *read);
}

/* One pass: reads `set` (NULL: nothing to read) into a new store. Returns
 * the store, unfinished, or NULL with `error`. */
static MlsStore *
import_pass (MlsTraceSet *set, const char *out_path,
             const MlsImportOptions *options, MlsSpanBuilder **builder,
             MlsReadResult *read, GError **error)
{
  MlsError err = { 0 };
  MlsStore *store = mls_store_create (out_path, &err);
  if (store == NULL)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s", err.message);
      return NULL;
    }
  *builder = mls_span_builder_new (store, options->facts);
  if (set != NULL
      && !mls_read_traces (set, *builder, read, options->quiet, error))
    {
      mls_span_builder_free (*builder);
      *builder = NULL;
      discard_store (store, out_path);
      return NULL;
    }
  return store;
}

#define MAX_SALVAGE_PASSES 4

/* The process's CPU time, for --timings: on a shared machine the wall
 * clock says as much about the neighbours as about the import. */
static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The recorder's facts kept beside a trace (mls-record-facts.h), when the
 * caller has none: a trace kept with --keep-ctf imports as it did. */
static MlsRecordFacts *
load_facts (const char *trace_dir, const MlsImportOptions *options,
            MlsImportOptions *with_facts)
{
  MlsRecordFacts *facts = NULL;
  GError *error = NULL;

  *with_facts = *options;
  if (options->facts == NULL)
    {
      facts = mls_record_facts_load (trace_dir, &error);
      if (error != NULL && !options->quiet)
        g_printerr ("mlscope import: warning: %s; processes are named from "
                    "the trace alone and why a span is incomplete is "
                    "unknown\n", error->message);
      g_clear_error (&error);
      with_facts->facts = facts;
    }
  if (with_facts->command == NULL && with_facts->facts != NULL)
    with_facts->command = with_facts->facts->command;
  return facts;
}

gboolean
mls_import_run (const char *trace_dir, const char *out_path,
                const MlsImportOptions *given, MlsImportSummary *summary,
                GError **error)
{
  MlsImportOptions with_facts;
  MlsRecordFacts *facts = load_facts (trace_dir, given, &with_facts);
  const MlsImportOptions *options = &with_facts;
  MlsReadResult read = { 0 };
  MlsStore *store = NULL;
  MlsSpanBuilder *builder = NULL;
  MlsError err = { 0 };
  gboolean ok = FALSE;
  memset (summary, 0, sizeof *summary);
  gint64 t0 = g_get_monotonic_time ();
  double cpu0 = cpu_seconds ();

  GThread *dog = watchdog_start (trace_dir, out_path, options->quiet);
  GError *scan_error = NULL;
  MlsTraceSet *set = mls_trace_set_scan (trace_dir, options->quiet,
                                         &scan_error);
  if (set == NULL && !(options->allow_empty
                       && g_error_matches (scan_error, MLS_IMPORT_ERROR,
                                           MLS_IMPORT_ERROR_NO_TRACE)))
    {
      g_propagate_error (error, scan_error);
      goto out;
    }
  g_clear_error (&scan_error);

  /* A read that fails inside a packet is redone without the bad packets. */
  for (int pass = 0;; pass++)
    {
      store = import_pass (set, out_path, options, &builder, &read, error);
      if (store == NULL)
        goto out;
      if (read.failure == NULL || pass == MAX_SALVAGE_PASSES
          || !mls_trace_set_cut_corrupt (set, options->quiet, NULL))
        break;
      mls_span_builder_free (builder);
      builder = NULL;
      discard_store (store, out_path);
      store = NULL;
      read_result_clear (&read);
    }
  /* Only babeltrace2 can hang; the store's own work may take long. */
  watchdog_stop (dog);
  dog = NULL;
  if (read.failure != NULL && read.events == 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "cannot read %s: %s",
                   trace_dir, read.failure);
      goto out;
    }
  if (!account_dropped (set, builder, &read, summary, error)
      || !account_cut (builder, options, &read, summary, error)
      || !check_has_mlrt_events (trace_dir, &read, options, error)
      || !mls_span_builder_finish (builder, summary, error)
      || !mls_import_write_meta (store, trace_dir, options, builder, &read,
                                 error))
    goto out;
  gint64 t1 = g_get_monotonic_time ();
  double cpu1 = cpu_seconds ();
  if (mls_store_finish (store, &err) != 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s", err.message);
      goto out;
    }
  summary->read_s = (t1 - t0) / 1e6;
  summary->finish_s = (g_get_monotonic_time () - t1) / 1e6;
  summary->read_cpu_s = cpu1 - cpu0;
  summary->finish_cpu_s = cpu_seconds () - cpu1;
  summary->events = read.events;
  summary->lost_events = read.lost_events;
  summary->lost_packets = read.lost_packets;
  summary->partial = read.partial || summary->salvaged_packets > 0;
  if (read.failure != NULL)
    summary->read_error = g_strdup_printf ("%s: reading stopped after %"
                                           G_GINT64_FORMAT " events: %s",
                                           trace_dir, read.events,
                                           read.failure);
  if (!options->quiet)
    mls_import_warn_losses (trace_dir, &read, summary);
  ok = TRUE;

out:
  if (dog != NULL)
    watchdog_stop (dog);
  mls_span_builder_free (builder);
  if (store != NULL && !ok)
    discard_store (store, out_path);
  else
    mls_store_close (store);
  mls_trace_set_free (set);
  read_result_clear (&read);
  mls_record_facts_free (facts);
  return ok;
}
