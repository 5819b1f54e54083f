/*
 * mls-relay.c: LTTng's relay daemon (lttng-relayd), started, found and
 * stopped by mlscope: for `mlscope relay` (a collector for a fleet) and
 * for `mlscope record --live` (its own daemon on loopback, for the length
 * of the recording). mlscope writes no transport of its own: sessions
 * stream to the daemon, which writes CTF under its output directory and
 * serves live readers.
 *
 * Free ports are found by binding loopback sockets to port 0; the daemon
 * may lose one of them to another program before it binds it, so a start
 * on chosen ports is tried again with new ones. A daemon is only ever
 * ended by its pid, after checking the pid is still an lttng-relayd.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mls-record.h"

#define START_TRIES 3
#define READY_WAIT_MS 10000
#define STOP_WAIT_MS 15000
static const int default_ports[3] = { 5342, 5343, 5344 };

void
mls_relay_free (MlsRelay *relay)
{
  if (relay == NULL)
    return;
  g_free (relay->host);
  g_free (relay->output);
  g_free (relay);
}

/* Three free loopback ports, held open together so they differ. */
static gboolean
free_ports (int ports[3], GError **error)
{
  int fds[3] = { -1, -1, -1 };
  gboolean ok = TRUE;

  for (int i = 0; i < 3 && ok; i++)
    {
      struct sockaddr_in a = { .sin_family = AF_INET,
                               .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
      socklen_t len = sizeof a;

      fds[i] = socket (AF_INET, SOCK_STREAM, 0);
      ok = fds[i] >= 0 && bind (fds[i], (struct sockaddr *) &a, sizeof a) == 0
           && getsockname (fds[i], (struct sockaddr *) &a, &len) == 0;
      if (ok && ports[i] == 0)
        ports[i] = ntohs (a.sin_port);
    }
  if (!ok)
    g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED,
                 "cannot find free loopback ports: %s", g_strerror (errno));
  for (int i = 0; i < 3; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  return ok;
}

static gboolean
port_answers (int port)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons (port),
                           .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  gboolean ok = fd >= 0 && connect (fd, (struct sockaddr *) &a, sizeof a) == 0;

  if (fd >= 0)
    close (fd);
  return ok;
}

static void
own_session (gpointer data)
{
  setsid ();
}

static char *
log_tail (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  g_strstrip (text);
  if (strlen (text) > 400)
    memmove (text, text + strlen (text) - 400, 401);
  return text;
}

/* Waits until the daemon takes connections on its three ports, or has
 * exited (then FALSE). */
static gboolean
wait_ready (MlsRelay *relay)
{
  for (int waited = 0; waited < READY_WAIT_MS; waited += 50)
    {
      int status;

      if (waitpid (relay->pid, &status, WNOHANG) == relay->pid)
        {
          relay->child = FALSE;
          return FALSE;
        }
      if (port_answers (relay->ports[0]) && port_answers (relay->ports[1])
          && port_answers (relay->ports[2]))
        return TRUE;
      g_usleep (50 * 1000);
    }
  return FALSE;
}

static gboolean
spawn (MlsRelay *relay, gboolean detach, const char *log, GError **error)
{
  char *urls[3];
  const char *flags[3] = { "-C", "-D", "-L" };
  char *argv[10];
  int fd = open (log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  GPid pid;
  gboolean ok;

  for (int i = 0; i < 3; i++)
    urls[i] = g_strdup_printf ("tcp://127.0.0.1:%d", relay->ports[i]);
  argv[0] = "lttng-relayd";
  argv[1] = "-o";
  argv[2] = relay->output;
  for (int i = 0; i < 3; i++)
    {
      argv[3 + 2 * i] = (char *) flags[i];
      argv[4 + 2 * i] = urls[i];
    }
  argv[9] = NULL;
  ok = g_spawn_async_with_fds (NULL, argv, NULL, G_SPAWN_SEARCH_PATH
                               | G_SPAWN_DO_NOT_REAP_CHILD,
                               detach ? own_session : NULL, NULL, &pid, -1,
                               fd, fd, error);
  if (fd >= 0)
    close (fd);
  for (int i = 0; i < 3; i++)
    g_free (urls[i]);
  if (ok)
    {
      relay->pid = pid;
      relay->child = TRUE;
    }
  return ok;
}

MlsRelay *
mls_relay_start (const char *output, const int ports[3], gboolean detach,
                 GError **error)
{
  MlsRelay *relay = g_new0 (MlsRelay, 1);
  gboolean chosen = ports[0] == 0 || ports[1] == 0 || ports[2] == 0;
  char *log;

  relay->host = g_strdup ("127.0.0.1");
  relay->output = g_canonicalize_filename (output, NULL);
  if (g_mkdir_with_parents (relay->output, 0755) != 0)
    {
      g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED,
                   "%s: cannot create the relay daemon's directory: %s",
                   relay->output, g_strerror (errno));
      mls_relay_free (relay);
      return NULL;
    }
  log = g_build_filename (relay->output, "lttng-relayd.log", NULL);
  for (int attempt = 0; attempt < (chosen ? START_TRIES : 1); attempt++)
    {
      memcpy (relay->ports, ports, sizeof relay->ports);
      if (!free_ports (relay->ports, error)
          || !spawn (relay, detach, log, error))
        break;
      if (wait_ready (relay))
        {
          g_free (log);
          return relay;
        }
      if (relay->child)
        mls_relay_stop (relay, NULL);
    }
  if (error && *error == NULL)
    {
      char *tail = log_tail (log);
      g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED,
                   "lttng-relayd did not start on 127.0.0.1 ports %d, %d, "
                   "%d%s%s (see %s)", relay->ports[0], relay->ports[1],
                   relay->ports[2], *tail ? ": " : "", tail, log);
      g_free (tail);
    }
  g_free (log);
  mls_relay_free (relay);
  return NULL;
}

/* Whether process `pid` has ended but is not yet reaped: a daemon killed
 * whose parent does not wait for it stays a zombie, with its name. */
static gboolean
is_zombie (int pid)
{
  char *path = g_strdup_printf ("/proc/%d/stat", pid);
  char *stat = NULL;
  gboolean zombie = FALSE;

  if (g_file_get_contents (path, &stat, NULL, NULL))
    {
      /* "pid (comm) S ...": the state follows the last ')' */
      const char *end = strrchr (stat, ')');
      zombie = end && (end[1] == ' ') && (end[2] == 'Z' || end[2] == 'X');
    }
  g_free (stat);
  g_free (path);
  return zombie;
}

gboolean
mls_relay_alive (const MlsRelay *relay)
{
  char *path = g_strdup_printf ("/proc/%d/comm", relay->pid);
  char *comm = NULL;
  gboolean alive = relay->pid > 0
                   && g_file_get_contents (path, &comm, NULL, NULL)
                   && strcmp (g_strchomp (comm), "lttng-relayd") == 0;

  g_free (comm);
  g_free (path);
  return alive;
}

/* The newest modification time of the files under `path` (0: none). */
static gint64
newest_mtime (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  GStatBuf st;
  gint64 newest = 0;
  const char *name;

  if (dir == NULL)
    return g_stat (path, &st) == 0 ? (gint64) st.st_mtime : 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      char *child = g_build_filename (path, name, NULL);
      gint64 t = newest_mtime (child);

      newest = t > newest ? t : newest;
      g_free (child);
    }
  g_dir_close (dir);
  return newest;
}

/* The session directory (OUTPUT/HOST/SESSION) written to last: the one
 * the daemon was receiving when it died, unless it was idle; *when its
 * last write. */
static char *
newest_session (const char *output, gint64 *when)
{
  GDir *hosts = g_dir_open (output, 0, NULL);
  char *newest = NULL;
  gint64 newest_t = 0;
  const char *host;

  while (hosts && (host = g_dir_read_name (hosts)) != NULL)
    {
      char *host_dir = g_build_filename (output, host, NULL);
      GDir *sessions = g_dir_open (host_dir, 0, NULL);
      const char *name;

      while (sessions && (name = g_dir_read_name (sessions)) != NULL)
        {
          char *session = g_build_filename (host_dir, name, NULL);
          gint64 t = newest_mtime (session);

          if (t > newest_t && g_file_test (session, G_FILE_TEST_IS_DIR))
            {
              g_free (newest);
              newest = g_steal_pointer (&session);
              newest_t = t;
            }
          g_free (session);
        }
      if (sessions)
        g_dir_close (sessions);
      g_free (host_dir);
    }
  if (hosts)
    g_dir_close (hosts);
  *when = newest_t;
  return newest;
}

char *
mls_relay_died (const char *dir)
{
  char *path = g_canonicalize_filename (dir, NULL);
  char *said = NULL;

  /* the daemon's output, or a host or session directory under it */
  for (int up = 0; up < 8; up++)
    {
      char *state = g_build_filename (path, MLS_RELAY_STATE, NULL);
      MlsRelay *relay = g_file_test (state, G_FILE_TEST_IS_REGULAR)
                        ? mls_relay_load (path, NULL) : NULL;

      if (relay != NULL
          && (!mls_relay_alive (relay) || is_zombie (relay->pid)))
        {
          gint64 when = 0;
          char *session = newest_session (path, &when);
          GDateTime *t = g_date_time_new_from_unix_local (when);
          char *at = t ? g_date_time_format (t, "%F %T") : NULL;
          said = g_strdup_printf (
            "%s: the relay daemon that wrote it (lttng-relayd, process %d, "
            "in %s) is gone without `mlscope relay stop`: the recording it "
            "was receiving when it died%s%s stops there (its last data "
            "written %s), and what the app did after never reached the "
            "directory", dir, relay->pid, state, session ? ", " : "",
            session ? session : "", at ? at : "at an unknown time");
          g_free (at);
          if (t)
            g_date_time_unref (t);
          g_free (session);
        }
      gboolean found = relay != NULL;
      mls_relay_free (relay);
      g_free (state);
      char *parent = g_path_get_dirname (path);
      gboolean top = strcmp (parent, path) == 0;
      g_free (path);
      path = parent;
      if (top || found)
        break;
    }
  g_free (path);
  return said;
}

/* Whether the daemon is gone (reaping it when it is ours). */
static gboolean
gone (MlsRelay *relay)
{
  int status;

  if (relay->child)
    {
      if (waitpid (relay->pid, &status, WNOHANG) != relay->pid)
        return FALSE;
      relay->child = FALSE;
      return TRUE;
    }
  return !mls_relay_alive (relay);
}

gboolean
mls_relay_stop (MlsRelay *relay, GError **error)
{
  if (!relay->child && !mls_relay_alive (relay))
    {
      g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED,
                   "no lttng-relayd runs as process %d", relay->pid);
      return FALSE;
    }
  kill (relay->pid, SIGTERM);
  for (int waited = 0; waited < STOP_WAIT_MS; waited += 50)
    {
      if (gone (relay))
        return TRUE;
      g_usleep (50 * 1000);
    }
  kill (relay->pid, SIGKILL);
  for (int waited = 0; waited < 2000 && !gone (relay); waited += 50)
    g_usleep (50 * 1000);
  return TRUE;
}

gboolean
mls_relay_save (const MlsRelay *relay, GError **error)
{
  GKeyFile *kf = g_key_file_new ();
  char *path = g_build_filename (relay->output, MLS_RELAY_STATE, NULL);
  gboolean ok;

  g_key_file_set_integer (kf, "relay", "pid", relay->pid);
  g_key_file_set_string (kf, "relay", "host", relay->host);
  g_key_file_set_integer_list (kf, "relay", "ports", (int *) relay->ports, 3);
  g_key_file_set_string (kf, "relay", "output", relay->output);
  ok = g_key_file_save_to_file (kf, path, error);
  g_key_file_unref (kf);
  g_free (path);
  return ok;
}

MlsRelay *
mls_relay_load (const char *output, GError **error)
{
  GKeyFile *kf = g_key_file_new ();
  char *path = g_build_filename (output, MLS_RELAY_STATE, NULL);
  MlsRelay *relay = NULL;
  gsize n = 0;
  int *ports = NULL;

  if (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, error))
    {
      relay = g_new0 (MlsRelay, 1);
      relay->pid = g_key_file_get_integer (kf, "relay", "pid", NULL);
      relay->host = g_key_file_get_string (kf, "relay", "host", NULL);
      relay->output = g_key_file_get_string (kf, "relay", "output", NULL);
      ports = g_key_file_get_integer_list (kf, "relay", "ports", &n, NULL);
      if (relay->pid <= 0 || relay->host == NULL || relay->output == NULL
          || n != 3)
        {
          g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED,
                       "%s: not a relay state file mlscope wrote", path);
          mls_relay_free (relay);
          relay = NULL;
        }
      else
        memcpy (relay->ports, ports, sizeof relay->ports);
    }
  g_free (ports);
  g_key_file_unref (kf);
  g_free (path);
  return relay;
}

MlsRelay *
mls_relay_parse_url (const char *url, GError **error)
{
  char **parts = NULL;
  MlsRelay *relay = NULL;
  guint n;

  if (g_str_has_prefix (url, "net://"))
    parts = g_strsplit (url + 6, ":", 5);
  n = parts ? g_strv_length (parts) : 0;
  if (n >= 1 && n <= 4 && parts[0][0] != '\0')
    {
      relay = g_new0 (MlsRelay, 1);
      relay->host = g_strdup (parts[0]);
      memcpy (relay->ports, default_ports, sizeof relay->ports);
      for (guint i = 1; i < n && relay; i++)
        {
          char *end;
          guint64 port = g_ascii_strtoull (parts[i], &end, 10);
          if (*end != '\0' || port == 0 || port > 65535)
            {
              mls_relay_free (relay);
              relay = NULL;
            }
          else
            relay->ports[i - 1] = (int) port;
        }
    }
  if (relay == NULL)
    g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED,
                 "--relay %s: expected net://HOST[:CONTROL[:DATA[:LIVE]]] "
                 "(ports default to 5342, 5343, 5344)", url);
  g_strfreev (parts);
  return relay;
}

char *
mls_relay_session_url (const MlsRelay *relay)
{
  return g_strdup_printf ("net://%s:%d:%d", relay->host, relay->ports[0],
                          relay->ports[1]);
}

char *
mls_relay_live_url (const MlsRelay *relay, const char *hostname,
                    const char *session)
{
  return g_strdup_printf ("net://%s:%d/host/%s/%s", relay->host,
                          relay->ports[2], hostname, session);
}
