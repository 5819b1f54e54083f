/*
 * mlscope-record.c: `mlscope record`: runs a command (or attaches to apps
 * already running) under an LTTng session, then imports the trace.
 *
 *   mlscope record -o FILE.mlscope [--layers] [--keep-ctf DIR]
 *                  [--all-processes | --no-follow] -- CMD [ARGS...]
 *   mlscope record -o FILE.mlscope --attach [--duration S]
 *                  (--pid PID... | --name PROCNAME | --all-processes)
 *   mlscope record --live -o FILE.mlscope [--relay URL] ... (or --attach)
 *   mlscope record --relay net://HOST[:C:D:L] ... (or --attach)
 *
 * --live streams the session through a relay daemon (one of its own on
 * free loopback ports unless --relay names one) and imports it while it
 * records (mls-import-live.c); --relay alone sends the trace to a relay
 * daemon, which keeps it.
 *
 * Only the processes asked for are recorded: CMD and every process it
 * starts (mls-record-follow.c), or the processes attached to, through the
 * session's process tracker. Other apps using libmlrt meanwhile are left
 * out, so every number mlscope prints belongs to what was asked for.
 *
 * The command's stdin / stdout / stderr are its own, and mlscope exits with
 * its exit status (128 + N when signal N ended it), like a shell would.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mls-import.h"
#include "mls-record.h"
#include "mlscope.h"

typedef struct {
  char *output;
  char *keep_ctf;
  char *session_name;
  gboolean layers;
  gboolean attach;
  gboolean all_processes;
  gboolean no_follow;
  char **pids;              /* --pid, as given */
  char *name;               /* --name */
  double duration;
  gint64 subbuf_size;
  gboolean quiet;
  gboolean live;            /* --live: imported while it records */
  gboolean view;            /* --view: the viewer follows it */
  char *relay;              /* --relay URL */
} RecordOptions;

/* The live session's timer: how often LTTng sends sub-buffers that are
 * not full to the relay daemon; and how often the live import commits. */
#define LIVE_TIMER_US 100000
#define LIVE_FLUSH_MS 250

/* What one recording tracks: the session's tracker (NULL with
 * --all-processes), the processes found by name so far, the facts. */
typedef struct {
  const RecordOptions *o;
  MlsLttngTracker *tracker;
  MlsRecordFacts *facts;
} Recording;

static gboolean
track (int pid, gpointer data, GError **error)
{
  Recording *r = data;

  return r->tracker == NULL || mls_lttng_tracker_add (r->tracker, pid, error);
}

static gboolean
track_attached (Recording *r, gint64 pid, GError **error)
{
  if (g_hash_table_contains (r->facts->processes, &pid))
    return TRUE;
  if (!track ((int) pid, r, error))
    return FALSE;
  mls_record_facts_process (r->facts, pid);
  return TRUE;
}

/* --pid: each must name a running process. */
static gboolean
track_pids (Recording *r, GError **error)
{
  for (int i = 0; r->o->pids && r->o->pids[i]; i++)
    {
      char *end;
      gint64 pid = g_ascii_strtoll (r->o->pids[i], &end, 10);
      if (*end != '\0' || pid <= 0 || kill ((pid_t) pid, 0) != 0)
        {
          g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED, "--pid %s: %s",
                       r->o->pids[i], *end != '\0' || pid <= 0
                       ? "not a process id" : g_strerror (errno));
          return FALSE;
        }
      if (!track_attached (r, pid, error))
        return FALSE;
    }
  return TRUE;
}

/* --name: every process whose name (comm) is NAME, now; called again while
 * attached, so a process started later is recorded from when it is seen. */
static gboolean
track_named (Recording *r, GError **error)
{
  GDir *proc;
  const char *entry;
  gboolean ok = TRUE;

  if (r->o->name == NULL || (proc = g_dir_open ("/proc", 0, NULL)) == NULL)
    return TRUE;
  while (ok && (entry = g_dir_read_name (proc)) != NULL)
    {
      char *end, *path, *comm = NULL;
      gint64 pid = g_ascii_strtoll (entry, &end, 10);

      if (*end != '\0' || pid <= 0)
        continue;
      path = g_strdup_printf ("/proc/%s/comm", entry);
      if (g_file_get_contents (path, &comm, NULL, NULL)
          && strcmp (g_strchomp (comm), r->o->name) == 0)
        ok = track_attached (r, pid, error);
      g_free (comm);
      g_free (path);
    }
  g_dir_close (proc);
  return ok;
}

/* Waits for the duration (forever when 0) or for SIGINT / SIGTERM, looking
 * for new processes of --name every tenth of a second. */
static void
wait_attached (Recording *r)
{
  double duration = r->o->duration;
  gint64 until = g_get_monotonic_time () + (gint64) (duration * 1e6);
  struct timespec tick = { 0, 100 * 1000 * 1000 };
  sigset_t set, old;

  sigemptyset (&set);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGTERM);
  sigprocmask (SIG_BLOCK, &set, &old);
  if (!r->o->quiet)
    {
      if (duration > 0)
        g_printerr ("mlscope record: tracing running apps for %g s "
                    "(Ctrl-C stops earlier)\n", duration);
      else
        g_printerr ("mlscope record: tracing running apps; press Ctrl-C to "
                    "stop\n");
    }
  while (duration <= 0 || g_get_monotonic_time () < until)
    {
      if (sigtimedwait (&set, NULL, &tick) >= 0)
        break;
      if (r->o->name)
        track_named (r, NULL);
    }
  sigprocmask (SIG_SETMASK, &old, NULL);
}

/* The directory LTTng writes to: --keep-ctf (new or empty) or a new
 * temporary directory. */
static char *
trace_output_dir (const RecordOptions *o, GError **error)
{
  if (o->keep_ctf == NULL)
    {
      GError *e = NULL;
      char *dir = g_dir_make_tmp ("mlscope-record-XXXXXX", &e);
      if (dir == NULL)
        {
          g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED,
                       "cannot create a temporary directory: %s", e->message);
          g_error_free (e);
        }
      return dir;
    }
  char *dir = g_canonicalize_filename (o->keep_ctf, NULL);
  GDir *d = g_dir_open (dir, 0, NULL);
  gboolean empty = d == NULL || g_dir_read_name (d) == NULL;
  if (d)
    g_dir_close (d);
  if (!empty || g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "--keep-ctf %s: %s", dir,
                   !empty ? "the directory exists and is not empty"
                          : g_strerror (errno));
      g_free (dir);
      return NULL;
    }
  return dir;
}

/* Fails early, before the app runs, when FILE.mlscope cannot be written. */
static gboolean
check_output (const char *output, GError **error)
{
  char *dir = g_path_get_dirname (output);
  gboolean ok = g_file_test (dir, G_FILE_TEST_IS_DIR) && access (dir, W_OK) == 0;
  if (!ok)
    g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s: cannot write there: %s",
                 output, g_file_test (dir, G_FILE_TEST_IS_DIR)
                 ? g_strerror (EACCES) : "no such directory");
  g_free (dir);
  return ok;
}

/* Runs the command (or waits, attached) while the session records;
 * returns the app's exit status, 1 when it could not run. */
static int
run (Recording *r, char **cmd, GError **error)
{
  MlsFollowOptions follow = { track, r, !r->o->no_follow
                                        && !r->o->all_processes };
  int ws;

  if (cmd == NULL)
    {
      wait_attached (r);
      return 0;
    }
  ws = mls_follow_run (cmd, &follow, r->facts, error);
  if (ws == -1)
    return 127;
  if (WIFSIGNALED (ws) && !r->o->quiet)
    g_printerr ("mlscope record: %s was killed by signal %d (%s); its "
                "open spans are kept as incomplete\n", cmd[0],
                WTERMSIG (ws), g_strsignal (WTERMSIG (ws)));
  return WIFSIGNALED (ws) ? 128 + WTERMSIG (ws) : WEXITSTATUS (ws);
}

/* Narrows the session to the processes asked for, before it starts. */
static gboolean
setup_tracking (Recording *r, const char *session, gboolean attach,
                GError **error)
{
  if (r->o->all_processes)
    return TRUE;
  r->tracker = mls_lttng_tracker_new (session, error);
  if (r->tracker == NULL)
    return FALSE;
  if (!attach)
    return TRUE;
  if (!track_pids (r, error) || !track_named (r, error))
    return FALSE;
  if (r->o->name && g_hash_table_size (r->facts->processes) == 0
      && !r->o->quiet)
    g_printerr ("mlscope record: no process named '%s' runs yet; waiting "
                "for one\n", r->o->name);
  return TRUE;
}

/* What the import gave: said, and the exit status raised when data was
 * left out. */
static void
report (const RecordOptions *o, MlsImportSummary *summary, int *status)
{
  if (!o->quiet)
    g_printerr ("mlscope record: wrote %s: %" G_GINT64_FORMAT " events, %"
                G_GINT64_FORMAT " spans (%" G_GINT64_FORMAT " incomplete)%s\n",
                o->output, summary->events, summary->spans,
                summary->incomplete,
                summary->events == 0 ? "; no mlrt events were recorded (does "
                "the app use libmlrt?)" : "");
  if (summary->read_error != NULL)
    {
      g_printerr ("mlscope record: %s; %s holds what was read before\n",
                  summary->read_error, o->output);
      g_free (summary->read_error);
    }
  if ((summary->read_error || summary->salvaged_packets
       || summary->impossible_events) && *status == 0)
    *status = MLS_EXIT_DATA_LOST;
}

static gboolean
import (const RecordOptions *o, const char *dir, MlsRecordFacts *facts,
        int *status, GError **error)
{
  MlsImportOptions io = { .command = facts->command, .quiet = o->quiet,
                          .allow_empty = TRUE, .facts = facts,
                          .trace_path = o->keep_ctf
                                        ? NULL : "(not kept: use --keep-ctf)" };
  MlsImportSummary summary;

  if (!mls_record_facts_save (facts, dir, error)
      || !mls_import_run (dir, o->output, &io, &summary, error))
    return FALSE;
  report (o, &summary, status);
  return TRUE;
}

/* Where the session goes: a directory (`dir`, made here) or a relay
 * daemon, --relay's or one started on loopback for --live (writing to
 * `dir`). */
typedef struct {
  char *dir;
  MlsRelay *relay;
  gboolean own_relay;
  char *url;                /* LTTng's session URL */
  MlsLiveImport *live;
  gboolean lost_relay;      /* the relay daemon failed while recording */
} Destination;

/* Stops and destroys the session. A relay daemon that died (or a network
 * that failed) makes both fail, but the session is gone and what reached
 * the daemon, or the live import, is kept: said, not fatal. */
static gboolean
end_session (Destination *d, const char *session, GError **error)
{
  GError *failed = NULL;

  if (mls_lttng_session_stop (session, &failed))
    mls_lttng_session_destroy (session, &failed);
  if (failed == NULL)
    return TRUE;
  if (d->relay == NULL)
    {
      g_propagate_error (error, failed);
      return FALSE;
    }
  g_printerr ("mlscope record: %s: the relay daemon at %s failed while "
              "recording; what reached it is kept\n", failed->message,
              d->url);
  g_error_free (failed);
  d->lost_relay = TRUE;
  mls_lttng_session_destroy (session, NULL);
  return TRUE;
}

static gboolean
destination_open (const RecordOptions *o, Destination *d, GError **error)
{
  static const int any_ports[3] = { 0, 0, 0 };

  if (o->relay != NULL)
    d->relay = mls_relay_parse_url (o->relay, error);
  else if ((d->dir = trace_output_dir (o, error)) != NULL && o->live)
    {
      d->relay = mls_relay_start (d->dir, any_ports, FALSE, error);
      d->own_relay = d->relay != NULL;
    }
  if (d->relay != NULL)
    d->url = mls_relay_session_url (d->relay);
  else if (d->dir != NULL && !o->live)
    d->url = g_strconcat ("file://", d->dir, NULL);
  return d->url != NULL;
}

/* --view: mlscope-viewer --follow on the growing file, left running. The
 * viewer installed beside mlscope, else the build tree's, else PATH's. */
static void
start_viewer (const RecordOptions *o)
{
  char *self = g_file_read_link ("/proc/self/exe", NULL);
  char *dir = self ? g_path_get_dirname (self) : g_strdup (".");
  char *beside = g_build_filename (dir, "mlscope-viewer", NULL);
  char *built = g_build_filename (dir, "..", "viewer", "mlscope-viewer",
                                  NULL);
  char *viewer = g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE)
                 ? g_strdup (beside)
                 : g_file_test (built, G_FILE_TEST_IS_EXECUTABLE)
                 ? g_strdup (built) : g_find_program_in_path ("mlscope-viewer");
  char *argv[] = { viewer, "--follow", o->output, NULL };
  GError *error = NULL;

  if (viewer == NULL
      || !g_spawn_async (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                         NULL, NULL, &error))
    g_printerr ("mlscope record: cannot start mlscope-viewer%s%s; the "
                "recording goes on\n", error ? ": " : " (not found)",
                error ? error->message : "");
  g_clear_error (&error);
  g_free (viewer);
  g_free (built);
  g_free (beside);
  g_free (dir);
  g_free (self);
}

static gboolean
live_start (const RecordOptions *o, Destination *d, const char *session,
            MlsRecordFacts *facts, GError **error)
{
  struct utsname un;
  char *url;
  MlsImportOptions io = { .command = facts->command, .quiet = o->quiet,
                          .allow_empty = TRUE,
                          .trace_path = o->keep_ctf ? d->dir
                                        : "(not kept: use --keep-ctf)" };

  if (!o->live)
    return TRUE;
  /* The relay daemon files sessions under the session daemon's host
   * name, which is this machine's. */
  url = mls_relay_live_url (d->relay, uname (&un) == 0 ? un.nodename
                                                       : "localhost",
                            session);
  d->live = mls_live_import_start (url, o->output, &io, LIVE_FLUSH_MS,
                                   error);
  g_free (url);
  if (d->live != NULL && o->view)
    start_viewer (o);
  return d->live != NULL;
}

/* After the session ended: the import finished (live) or run (to a
 * directory); nothing to do here for a relay daemon's recording. */
static gboolean
destination_import (const RecordOptions *o, Destination *d,
                    MlsRecordFacts *facts, int *status, GError **error)
{
  MlsImportSummary summary;
  MlsLiveImport *live = d->live;

  d->live = NULL;
  if (o->keep_ctf && d->own_relay
      && !mls_record_facts_save (facts, d->dir, error))
    return FALSE;
  if (live != NULL)
    {
      if (!mls_live_import_finish (live, facts, &summary, error))
        return FALSE;
      report (o, &summary, status);
      return TRUE;
    }
  if (d->relay == NULL && o->output == NULL)
    {
      if (!o->quiet)
        g_printerr ("mlscope record: kept the trace in %s; `mlscope import "
                    "%s -o FILE.mlscope` reads it\n", d->dir, d->dir);
      return mls_record_facts_save (facts, d->dir, error);
    }
  if (d->relay == NULL)
    return import (o, d->dir, facts, status, error);
  if (!o->quiet)
    g_printerr ("mlscope record: sent to the relay daemon at %s; `mlscope "
                "import` its output directory\n", d->url);
  return TRUE;
}

static void
destination_close (const RecordOptions *o, Destination *d)
{
  MlsImportSummary summary;
  GError *error = NULL;

  if (d->live != NULL && !mls_live_import_finish (d->live, NULL, &summary,
                                                  &error))
    g_clear_error (&error);
  else if (d->live != NULL)
    g_free (summary.read_error);
  if (d->own_relay && !mls_relay_stop (d->relay, &error))
    {
      g_printerr ("mlscope record: %s\n", error->message);
      g_clear_error (&error);
    }
  mls_relay_free (d->relay);
  if (d->dir != NULL && o->keep_ctf == NULL)
    mls_import_remove_tree (d->dir);
  g_free (d->dir);
  g_free (d->url);
}

/* Records, imports, and returns the exit status. */
static int
record (const RecordOptions *o, char **cmd)
{
  GError *error = NULL;
  char *session = o->session_name
                  ? g_strdup (o->session_name)
                  : g_strdup_printf ("mlscope-%d-%" G_GINT64_FORMAT,
                                     (int) getpid (), g_get_real_time ());
  Recording r = { o, NULL, mls_record_facts_new () };
  Destination d = { 0 };
  int app_status = 0, status = MLS_EXIT_FAILED;
  gboolean created = FALSE;

  r.facts->command = cmd ? mls_command_line (cmd) : NULL;
  if ((o->output != NULL && !check_output (o->output, &error))
      || !mls_lttng_ensure_sessiond (&error)
      || !destination_open (o, &d, &error)
      || !(created = mls_lttng_session_setup_url (session, d.url,
                                                  o->live ? LIVE_TIMER_US : 0,
                                                  o->layers, o->subbuf_size,
                                                  &error))
      || !setup_tracking (&r, session, cmd == NULL, &error)
      || !mls_lttng_session_start (session, &error)
      || !live_start (o, &d, session, r.facts, &error))
    goto out;
  app_status = run (&r, cmd, &error);
  if (error != NULL)
    goto out;
  mls_record_facts_scan (r.facts);
  if (!end_session (&d, session, &error))
    goto out;
  created = FALSE;
  status = app_status;
  if (d.lost_relay && status == 0)
    status = MLS_EXIT_DATA_LOST;
  if (!destination_import (o, &d, r.facts, &status, &error))
    status = app_status != 0 ? app_status : MLS_EXIT_FAILED;

out:
  if (error != NULL)
    {
      g_printerr ("mlscope record: %s\n", error->message);
      status = app_status != 0 ? app_status : MLS_EXIT_FAILED;
      g_clear_error (&error);
    }
  if (created)
    {
      mls_lttng_session_stop (session, NULL);
      mls_lttng_session_destroy (session, NULL);
    }
  destination_close (o, &d);
  mls_lttng_tracker_free (r.tracker);
  mls_record_facts_free (r.facts);
  g_free (session);
  return status;
}

static const char *
check_options (const RecordOptions *o, char **cmd)
{
  gboolean chosen = o->pids || o->name;

  if (o->output == NULL && (o->live || (o->relay == NULL
                                         && o->keep_ctf == NULL)))
    return "-o FILE.mlscope is required (but for --relay, or --keep-ctf, "
           "without --live: recording only)";
  if (o->output != NULL && o->relay != NULL && !o->live)
    return "--relay without --live sends the trace to the relay daemon: "
           "give no -o (import the daemon's directory there)";
  if (o->view && !o->live)
    return "--view goes with --live";
  if (o->relay != NULL && o->keep_ctf != NULL)
    return "--keep-ctf keeps a local trace: the relay daemon keeps this one";
  if (o->attach && cmd[0] != NULL)
    return "--attach traces running apps: give no command";
  if (!o->attach && cmd[0] == NULL)
    return "no command given (or use --attach)";
  if (o->attach && !chosen && !o->all_processes)
    return "--attach needs --pid PID, --name PROCNAME or --all-processes";
  if (chosen && (!o->attach || o->all_processes))
    return "--pid and --name go with --attach, without --all-processes";
  if (o->no_follow && (o->attach || o->all_processes))
    return "--no-follow goes with a command, without --all-processes";
  if (o->subbuf_size < 4096 || (o->subbuf_size & (o->subbuf_size - 1)))
    return "--subbuf-size must be a power of two of at least 4096";
  if (o->duration < 0 || (o->duration > 0 && !o->attach))
    return "--duration takes a positive number of seconds, with --attach";
  return NULL;
}

int
mlscope_record (int argc, char **argv)
{
  RecordOptions o = { 0 };
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
      "the database to write (required)", "FILE.mlscope" },
    { "layers", 0, 0, G_OPTION_ARG_NONE, &o.layers,
      "also record per-layer events (debug level; many events)", NULL },
    { "all-processes", 0, 0, G_OPTION_ARG_NONE, &o.all_processes,
      "record every app of the user that uses libmlrt, not only CMD and "
      "the processes it starts", NULL },
    { "no-follow", 0, 0, G_OPTION_ARG_NONE, &o.no_follow,
      "record CMD's own process only, not the processes it starts (no "
      "ptrace: for a CMD that is itself a debugger)", NULL },
    { "attach", 0, 0, G_OPTION_ARG_NONE, &o.attach,
      "trace apps already running (with --pid, --name or --all-processes) "
      "instead of running a command", NULL },
    { "pid", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &o.pids,
      "with --attach: the process to record (repeat for more)", "PID" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &o.name,
      "with --attach: record every process of that name (as ps -o comm "
      "shows it), also those started while recording", "PROCNAME" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &o.duration,
      "with --attach: stop after S seconds (default: at Ctrl-C)", "S" },
    { "keep-ctf", 0, 0, G_OPTION_ARG_FILENAME, &o.keep_ctf,
      "keep the LTTng trace in DIR (new or empty) instead of a temporary "
      "directory; without -o, record only", "DIR" },
    { "session-name", 0, 0, G_OPTION_ARG_STRING, &o.session_name,
      "name of the LTTng session (default: mlscope-PID-TIME)", "N" },
    { "subbuf-size", 0, 0, G_OPTION_ARG_INT64, &o.subbuf_size,
      "per-CPU sub-buffer size, a power of two (default 4194304); smaller "
      "buffers lose events in bursts", "BYTES" },
    { "live", 0, 0, G_OPTION_ARG_NONE, &o.live,
      "import while recording, through a relay daemon (--relay's, or one "
      "started on free loopback ports): FILE.mlscope grows as the app runs",
      NULL },
    { "view", 0, 0, G_OPTION_ARG_NONE, &o.view,
      "with --live: open mlscope-viewer on the recording, following it as "
      "it grows", NULL },
    { "relay", 0, 0, G_OPTION_ARG_STRING, &o.relay,
      "send the recording to the relay daemon at URL (`mlscope relay "
      "start` prints it) instead of local files",
      "net://HOST[:C:D:L]" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
      "print errors only", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("-- CMD [ARGS...]");
  GError *error = NULL;
  const char *problem;
  char **cmd;
  int status = MLS_EXIT_USAGE;

  o.subbuf_size = MLS_RECORD_SUBBUF_SIZE;
  g_set_prgname ("mlscope record");
  g_option_context_set_summary (ctx,
    "Runs CMD under an LTTng session recording the mlrt events of CMD and\n"
    "of every process it starts (followed with ptrace, each tracked before\n"
    "it runs), and imports the trace into FILE.mlscope. With --attach,\n"
    "records apps already running. Exits with CMD's exit status.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  mlscope_option_context_finish (ctx);
  /* Options after the command belong to the command. */
  g_option_context_set_strict_posix (ctx, TRUE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("mlscope record: %s\n", error->message);
      goto out;
    }
  cmd = argv + 1;
  if (cmd[0] != NULL && strcmp (cmd[0], "--") == 0)
    cmd++;
  problem = check_options (&o, cmd);
  if (problem != NULL)
    {
      g_printerr ("mlscope record: %s\nUsage: mlscope record -o FILE.mlscope "
                  "[--layers] [--all-processes] [--keep-ctf DIR] -- CMD "
                  "[ARGS...]\n"
                  "       mlscope record -o FILE.mlscope --attach (--pid PID..."
                  " | --name PROCNAME | --all-processes) [--duration S]\n",
                  problem);
      goto out;
    }
  status = record (&o, o.attach ? NULL : cmd);

out:
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_free (o.output);
  g_free (o.keep_ctf);
  g_free (o.session_name);
  g_free (o.relay);
  g_free (o.name);
  g_strfreev (o.pids);
  return status;
}
