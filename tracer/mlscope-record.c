/*
 * mlscope-record.c: `mlscope record`: runs a command (or attaches to apps
 * already running) under an LTTng session, then imports the trace.
 *
 *   mlscope record -o FILE.mlscope [--layers] [--keep-ctf DIR]
 *                  [--session-name N] [--subbuf-size BYTES] -- CMD [ARGS...]
 *   mlscope record --attach [--duration S] -o FILE.mlscope
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
  double duration;
  gint64 subbuf_size;
  gboolean quiet;
} RecordOptions;

static volatile pid_t child_pid;

static void
forward_signal (int sig)
{
  if (child_pid > 0)
    kill (child_pid, sig);
}

/* Runs argv as a child and returns its wait status, or -1 with `error`
 * when it could not be started. Ctrl-C reaches the child from the terminal;
 * mlscope itself ignores it so it can stop the session and import. */
static int
run_command (char **argv, GError **error)
{
  int fds[2];
  if (pipe2 (fds, O_CLOEXEC) != 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, 1, "pipe: %s", g_strerror (errno));
      return -1;
    }
  struct sigaction ign = { .sa_handler = SIG_IGN }, fwd = { .sa_handler = forward_signal };
  struct sigaction old_int, old_quit, old_term, old_hup;
  sigaction (SIGINT, &ign, &old_int);
  sigaction (SIGQUIT, &ign, &old_quit);
  sigaction (SIGTERM, &fwd, &old_term);
  sigaction (SIGHUP, &fwd, &old_hup);

  pid_t pid = fork ();
  if (pid == 0)
    {
      signal (SIGINT, SIG_DFL);
      signal (SIGQUIT, SIG_DFL);
      signal (SIGTERM, SIG_DFL);
      signal (SIGHUP, SIG_DFL);
      close (fds[0]);
      execvp (argv[0], argv);
      int e = errno;
      if (write (fds[1], &e, sizeof e) < 0)
        _exit (127);
      _exit (127);
    }
  close (fds[1]);
  int status = -1;
  if (pid < 0)
    g_set_error (error, MLS_IMPORT_ERROR, 1, "fork: %s", g_strerror (errno));
  else
    {
      child_pid = pid;
      int e;
      gssize n = read (fds[0], &e, sizeof e);
      while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
        ;
      child_pid = 0;
      if (n == sizeof e)
        {
          g_set_error (error, MLS_IMPORT_ERROR, 1, "cannot run '%s': %s",
                       argv[0], g_strerror (e));
          status = -1;
        }
    }
  close (fds[0]);
  sigaction (SIGINT, &old_int, NULL);
  sigaction (SIGQUIT, &old_quit, NULL);
  sigaction (SIGTERM, &old_term, NULL);
  sigaction (SIGHUP, &old_hup, NULL);
  return status;
}

/* Waits for the duration (forever when 0) or for SIGINT / SIGTERM. */
static void
wait_attached (double duration, gboolean quiet)
{
  sigset_t set, old;
  sigemptyset (&set);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGTERM);
  sigprocmask (SIG_BLOCK, &set, &old);
  if (!quiet)
    {
      if (duration > 0)
        g_printerr ("mlscope record: tracing running apps for %g s "
                    "(Ctrl-C stops earlier)\n", duration);
      else
        g_printerr ("mlscope record: tracing running apps; press Ctrl-C to "
                    "stop\n");
    }
  if (duration > 0)
    {
      struct timespec ts = { (time_t) duration,
                             (long) ((duration - (time_t) duration) * 1e9) };
      while (sigtimedwait (&set, NULL, &ts) < 0 && errno == EINTR)
        ;
    }
  else
    {
      int sig;
      sigwait (&set, &sig);
    }
  sigprocmask (SIG_SETMASK, &old, NULL);
}

static char *
command_line (char **argv)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; argv[i] != NULL; i++)
    {
      gboolean plain = argv[i][0] != '\0'
                       && strpbrk (argv[i], " \t\n'\"\\$`*?;&|<>()") == NULL;
      char *quoted = plain ? g_strdup (argv[i]) : g_shell_quote (argv[i]);
      g_string_append_printf (s, "%s%s", i ? " " : "", quoted);
      g_free (quoted);
    }
  return g_string_free (s, FALSE);
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
          g_set_error (error, MLS_IMPORT_ERROR, 1,
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
      g_set_error (error, MLS_IMPORT_ERROR, 1, "--keep-ctf %s: %s", dir,
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
    g_set_error (error, MLS_IMPORT_ERROR, 1, "%s: cannot write there: %s",
                 output, g_file_test (dir, G_FILE_TEST_IS_DIR)
                 ? g_strerror (EACCES) : "no such directory");
  g_free (dir);
  return ok;
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
  char *dir = NULL;
  char *command = cmd ? command_line (cmd) : g_strdup ("(attached)");
  int app_status = 0, status = 1;
  gboolean created = FALSE, stopped = FALSE;

  if (!check_output (o->output, &error)
      || !mls_lttng_ensure_sessiond (&error)
      || (dir = trace_output_dir (o, &error)) == NULL
      || !(created = mls_lttng_session_setup (session, dir, o->layers,
                                                   o->subbuf_size, &error))
      || !mls_lttng_session_start (session, &error))
    goto out;

  if (cmd != NULL)
    {
      int ws = run_command (cmd, &error);
      if (ws == -1)
        {
          app_status = 127;
          goto out;
        }
      app_status = WIFSIGNALED (ws) ? 128 + WTERMSIG (ws) : WEXITSTATUS (ws);
      if (WIFSIGNALED (ws) && !o->quiet)
        g_printerr ("mlscope record: %s was killed by signal %d (%s); its "
                    "open spans are kept as incomplete\n", cmd[0],
                    WTERMSIG (ws), g_strsignal (WTERMSIG (ws)));
    }
  else
    wait_attached (o->duration, o->quiet);

  if (!mls_lttng_session_stop (session, &error))
    goto out;
  stopped = TRUE;
  if (!mls_lttng_session_destroy (session, &error))
    goto out;
  created = FALSE;

  MlsImportOptions io = { .command = command, .quiet = o->quiet,
                          .allow_empty = TRUE,
                          .trace_path = o->keep_ctf
                                        ? NULL : "(not kept: use --keep-ctf)" };
  MlsImportSummary summary;
  if (!mls_import_run (dir, o->output, &io, &summary, &error))
    goto out;
  if (!o->quiet)
    g_printerr ("mlscope record: wrote %s: %" G_GINT64_FORMAT " events, %"
                G_GINT64_FORMAT " spans (%" G_GINT64_FORMAT " incomplete)%s\n",
                o->output, summary.events, summary.spans, summary.incomplete,
                summary.events == 0 ? "; no mlrt events were recorded (does "
                "the app use libmlrt?)" : "");
  status = app_status;
  if (summary.read_error != NULL)
    {
      g_printerr ("mlscope record: %s; %s holds what was read before\n",
                  summary.read_error, o->output);
      g_free (summary.read_error);
      status = app_status != 0 ? app_status : 1;
    }

out:
  if (error != NULL)
    {
      g_printerr ("mlscope record: %s\n", error->message);
      status = app_status != 0 ? app_status : 1;
      g_clear_error (&error);
    }
  if (created)
    {
      if (!stopped)
        mls_lttng_session_stop (session, NULL);
      mls_lttng_session_destroy (session, NULL);
    }
  if (dir != NULL && o->keep_ctf == NULL)
    mls_import_remove_tree (dir);
  g_free (dir);
  g_free (session);
  g_free (command);
  return status;
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
    { "keep-ctf", 0, 0, G_OPTION_ARG_FILENAME, &o.keep_ctf,
      "keep the LTTng trace in DIR (new or empty) instead of a temporary "
      "directory", "DIR" },
    { "session-name", 0, 0, G_OPTION_ARG_STRING, &o.session_name,
      "name of the LTTng session (default: mlscope-PID-TIME)", "N" },
    { "attach", 0, 0, G_OPTION_ARG_NONE, &o.attach,
      "trace the apps already running instead of running a command", NULL },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &o.duration,
      "with --attach: stop after S seconds (default: at Ctrl-C)", "S" },
    { "subbuf-size", 0, 0, G_OPTION_ARG_INT64, &o.subbuf_size,
      "per-CPU sub-buffer size, a power of two (default 4194304); smaller "
      "buffers lose events in bursts", "BYTES" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
      "print errors only", NULL },
    { NULL },
  };
  o.subbuf_size = MLS_RECORD_SUBBUF_SIZE;
  g_set_prgname ("mlscope record");
  GOptionContext *ctx = g_option_context_new ("-- CMD [ARGS...]");
  g_option_context_set_summary (ctx,
    "Runs CMD under an LTTng session recording the mlrt events and imports\n"
    "the trace into FILE.mlscope; with --attach, traces the apps already\n"
    "running. Exits with CMD's exit status. Like LTTng, it records every\n"
    "app of the user that uses libmlrt while the session runs (CMD's\n"
    "children too); the database tells them apart by pid.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  /* Options after the command belong to the command. */
  g_option_context_set_strict_posix (ctx, TRUE);
  GError *error = NULL;
  int status = 2;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("mlscope record: %s\n", error->message);
      goto out;
    }
  char **cmd = argv + 1;
  if (cmd[0] != NULL && strcmp (cmd[0], "--") == 0)
    cmd++;
  const char *problem = NULL;
  if (o.output == NULL)
    problem = "-o FILE.mlscope is required";
  else if (o.attach && cmd[0] != NULL)
    problem = "--attach traces running apps: give no command";
  else if (!o.attach && cmd[0] == NULL)
    problem = "no command given (or use --attach)";
  else if (o.subbuf_size < 4096 || (o.subbuf_size & (o.subbuf_size - 1)))
    problem = "--subbuf-size must be a power of two of at least 4096";
  else if (o.duration < 0 || (o.duration > 0 && !o.attach))
    problem = "--duration takes a positive number of seconds, with --attach";
  if (problem != NULL)
    {
      g_printerr ("mlscope record: %s\nUsage: mlscope record -o FILE.mlscope "
                  "[--layers] [--keep-ctf DIR] -- CMD [ARGS...]\n"
                  "       mlscope record --attach [--duration S] -o "
                  "FILE.mlscope\n", problem);
      goto out;
    }
  status = record (&o, o.attach ? NULL : cmd);

out:
  g_clear_error (&error);
  g_option_context_free (ctx);
  g_free (o.output);
  g_free (o.keep_ctf);
  g_free (o.session_name);
  return status;
}
