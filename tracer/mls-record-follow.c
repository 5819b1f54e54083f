/*
 * mls-record-follow.c: runs the command `mlscope record` records, and
 * every process it starts, each one tracked by the LTTng session before it
 * runs a single instruction of its own.
 *
 * LTTng's process tracker records only the processes it is given, and an
 * app registers with the session daemon as it starts: a process added to
 * the tracker after that loses its first events. So the command is forked
 * stopped, tracked, and only then let exec; its descendants are followed
 * with ptrace as `strace -f` does (PTRACE_O_TRACEFORK / VFORK / CLONE):
 * the kernel stops each new task before it runs, the new process is
 * tracked, and it is resumed. Signals reach the traced processes as they
 * would without us (re-injected at their delivery stop), and stop signals
 * keep their meaning (PTRACE_LISTEN).
 *
 * Where ptrace is refused (Yama's ptrace_scope, a command that is itself a
 * debugger), only the launched process is recorded, and the user is told.
 * When the launched process ends, the others are let go (detached) and
 * the recording stops, as it always did.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mls-record.h"

#define FOLLOW_OPTIONS (PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK \
                        | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC)
/* How long letting go of the other processes may take before mlscope
 * leaves it to the kernel (which detaches them when mlscope exits). */
#define DETACH_WAIT_MS 2000

typedef struct {
  const MlsFollowOptions *options;
  MlsRecordFacts *facts;
  pid_t main;
  GHashTable *tasks;        /* tid -> tgid, of every task seen */
  GError *error;            /* the first tracking failure */
} Follower;

static volatile pid_t forward_to;

static void
forward_signal (int sig)
{
  if (forward_to > 0)
    kill (forward_to, sig);
}

/* Tgid of a task from /proc, or 0 when it is gone. */
static pid_t
tgid_of (pid_t tid)
{
  char *path = g_strdup_printf ("/proc/%d/status", (int) tid);
  char *status = NULL, *line;
  pid_t tgid = 0;

  if (g_file_get_contents (path, &status, NULL, NULL)
      && (line = strstr (status, "\nTgid:")) != NULL)
    tgid = (pid_t) atoi (line + 6);
  g_free (status);
  g_free (path);
  return tgid;
}

/* A task seen for the first time, still stopped: a new process is tracked
 * before it resumes; a thread needs nothing. */
static void
new_task (Follower *f, pid_t tid)
{
  pid_t tgid;

  if (g_hash_table_contains (f->tasks, GINT_TO_POINTER (tid)))
    return;
  tgid = tgid_of (tid);
  g_hash_table_insert (f->tasks, GINT_TO_POINTER (tid),
                       GINT_TO_POINTER (tgid));
  if (tgid != tid)
    return;
  mls_record_facts_process (f->facts, tid);
  if (!f->options->track (tid, f->options->data,
                          f->error ? NULL : &f->error))
    g_debug ("process %d could not be tracked", (int) tid);
}

static void
task_ended (Follower *f, pid_t tid, int status)
{
  MlsProcessFacts *p = g_hash_table_lookup (f->facts->processes,
                                            &(gint64) { tid });

  g_hash_table_remove (f->tasks, GINT_TO_POINTER (tid));
  if (p == NULL)
    return;
  p->state = WIFSIGNALED (status) ? MLS_PROCESS_KILLED : MLS_PROCESS_EXITED;
  p->exit_status = WIFSIGNALED (status) ? WTERMSIG (status)
                                        : WEXITSTATUS (status);
}

static gboolean
is_stop_signal (int sig)
{
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN
         || sig == SIGTTOU;
}

/* Handles one ptrace stop of `tid`; `leaving` detaches instead of
 * resuming (once the launched process has ended). */
static void
handle_stop (Follower *f, pid_t tid, int status, gboolean leaving)
{
  int sig = WSTOPSIG (status), event = status >> 16;
  unsigned long msg = 0;
  int inject = 0;

  new_task (f, tid);
  switch (event)
    {
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE:
      if (ptrace (PTRACE_GETEVENTMSG, tid, NULL, &msg) == 0)
        new_task (f, (pid_t) msg);
      break;
    case PTRACE_EVENT_EXEC:
      if (ptrace (PTRACE_GETEVENTMSG, tid, NULL, &msg) == 0
          && (pid_t) msg != tid)
        g_hash_table_remove (f->tasks, GINT_TO_POINTER ((pid_t) msg));
      mls_record_facts_refresh (mls_record_facts_process (f->facts, tid));
      break;
    case PTRACE_EVENT_STOP:
      if (is_stop_signal (sig) && !leaving)
        {
          ptrace (PTRACE_LISTEN, tid, NULL, NULL);
          return;
        }
      break;
    case 0:
      inject = sig;
      break;
    default:
      break;
    }
  ptrace (leaving ? PTRACE_DETACH : PTRACE_CONT, tid, NULL,
          (void *) (long) inject);
}

/* The launched process has ended: lets every other task go. Each is
 * interrupted and detached at its next stop; new tasks appear stopped. */
static void
let_go (Follower *f)
{
  GHashTableIter iter;
  gpointer key;
  int waited = 0, status;
  pid_t tid;

  g_hash_table_iter_init (&iter, f->tasks);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    ptrace (PTRACE_INTERRUPT, GPOINTER_TO_INT (key), NULL, NULL);
  while (waited < DETACH_WAIT_MS)
    {
      tid = waitpid (-1, &status, __WALL | WNOHANG);
      if (tid < 0 && errno != EINTR)
        break;
      if (tid <= 0)
        {
          g_usleep (1000);
          waited++;
          continue;
        }
      if (WIFSTOPPED (status))
        {
          handle_stop (f, tid, status, TRUE);
          g_hash_table_remove (f->tasks, GINT_TO_POINTER (tid));
        }
      else
        task_ended (f, tid, status);
    }
}

/* Services ptrace stops until the launched process ends; returns its wait
 * status. */
static int
follow (Follower *f)
{
  int status, main_status = -1;
  pid_t tid;

  while (main_status == -1)
    {
      tid = waitpid (-1, &status, __WALL);
      if (tid < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (WIFSTOPPED (status))
        handle_stop (f, tid, status, FALSE);
      else
        {
          task_ended (f, tid, status);
          if (tid == f->main)
            main_status = status;
        }
    }
  let_go (f);
  return main_status;
}

static int
wait_main (Follower *f)
{
  int status = -1;

  while (waitpid (f->main, &status, 0) < 0 && errno == EINTR)
    ;
  task_ended (f, f->main, status);
  return status;
}

/* In the child: waits for the go-ahead (the process tracked), then runs
 * argv; an exec failure goes back through `report`. */
static void G_GNUC_NORETURN
child (char **argv, const int *go, const int *report)
{
  char byte = 0;

  close (go[1]);
  close (report[0]);
  signal (SIGINT, SIG_DFL);
  signal (SIGQUIT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  signal (SIGHUP, SIG_DFL);
  if (read (go[0], &byte, 1) != 1 || byte != 'g')
    _exit (127);
  execvp (argv[0], argv);
  int e = errno;
  if (write (report[1], &e, sizeof e) < 0)
    _exit (127);
  _exit (127);
}

/* Tracks the child and starts following it; FALSE when it must not run. */
static gboolean
start (Follower *f, gboolean *following, GError **error)
{
  if (!f->options->track (f->main, f->options->data, error))
    return FALSE;
  mls_record_facts_process (f->facts, f->main);
  g_hash_table_insert (f->tasks, GINT_TO_POINTER (f->main),
                       GINT_TO_POINTER (f->main));
  *following = f->options->follow
               && ptrace (PTRACE_SEIZE, f->main, NULL,
                          (void *) (long) FOLLOW_OPTIONS) == 0;
  if (f->options->follow && !*following)
    g_printerr ("mlscope record: cannot follow the processes the command "
                "starts (ptrace: %s%s): recording the launched process "
                "only; --all-processes records every mlrt app\n",
                g_strerror (errno), errno == EPERM
                ? "; see /proc/sys/kernel/yama/ptrace_scope" : "");
  return TRUE;
}

int
mls_follow_run (char **argv, const MlsFollowOptions *options,
                MlsRecordFacts *facts, GError **error)
{
  Follower f = { options, facts, 0, NULL, NULL };
  struct sigaction ign = { .sa_handler = SIG_IGN };
  struct sigaction fwd = { .sa_handler = forward_signal };
  struct sigaction old_int, old_quit, old_term, old_hup;
  int go[2], report[2], status = -1, e = 0;
  gboolean following = FALSE;

  if (pipe2 (go, O_CLOEXEC) != 0 || pipe2 (report, O_CLOEXEC) != 0)
    {
      g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED, "pipe: %s", g_strerror (errno));
      return -1;
    }
  sigaction (SIGINT, &ign, &old_int);
  sigaction (SIGQUIT, &ign, &old_quit);
  sigaction (SIGTERM, &fwd, &old_term);
  sigaction (SIGHUP, &fwd, &old_hup);
  f.tasks = g_hash_table_new (g_direct_hash, g_direct_equal);
  f.main = fork ();
  if (f.main == 0)
    child (argv, go, report);
  close (go[0]);
  close (report[1]);
  if (f.main < 0)
    g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED, "fork: %s", g_strerror (errno));
  else if (!start (&f, &following, error))
    {
      close (go[1]);
      go[1] = -1;
      wait_main (&f);
    }
  else
    {
      forward_to = f.main;
      if (write (go[1], "g", 1) != 1 || read (report[0], &e, sizeof e) > 0)
        g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED, "cannot run '%s': %s",
                     argv[0], g_strerror (e ? e : errno));
      status = following ? follow (&f) : wait_main (&f);
      forward_to = 0;
      if ((error == NULL || *error == NULL) && f.error != NULL)
        g_printerr ("mlscope record: warning: %s\n", f.error->message);
      if (e != 0)
        status = -1;
    }
  if (go[1] >= 0)
    close (go[1]);
  close (report[0]);
  g_clear_error (&f.error);
  g_hash_table_destroy (f.tasks);
  sigaction (SIGINT, &old_int, NULL);
  sigaction (SIGQUIT, &old_quit, NULL);
  sigaction (SIGTERM, &old_term, NULL);
  sigaction (SIGHUP, &old_hup, NULL);
  return status;
}
