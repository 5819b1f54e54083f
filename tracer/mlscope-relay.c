/*
 * mlscope-relay.c: `mlscope relay start|stop|status`: a relay daemon
 * (lttng-relayd) on this machine's loopback to collect recordings into,
 * from `mlscope record --relay net://...` on this or (through an SSH
 * tunnel or an address of its own) other machines.
 *
 *   mlscope relay start [--output DIR] [--ports C,D,L]
 *   mlscope relay status [--output DIR]
 *   mlscope relay stop [--output DIR]
 *
 * The daemon writes under DIR (one directory per host, then per session;
 * `mlscope import DIR` reads them all); its pid and ports are kept in
 * DIR/mlscope-relay.ini, which status and stop read: each DIR has its own
 * daemon, and stop ends only the one its file names.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mls-record.h"
#include "mlscope.h"

static char *
default_output (void)
{
  return g_build_filename (g_get_user_data_dir (), "mlscope", "relay", NULL);
}

static gboolean
parse_ports (const char *text, int ports[3])
{
  char **parts = g_strsplit (text, ",", -1);
  gboolean ok = g_strv_length (parts) == 3;

  for (int i = 0; ok && i < 3; i++)
    {
      char *end;
      guint64 port = g_ascii_strtoull (parts[i], &end, 10);
      ok = *end == '\0' && port > 0 && port <= 65535;
      ports[i] = (int) port;
    }
  g_strfreev (parts);
  return ok;
}

static void
print_relay (const char *what, const MlsRelay *relay)
{
  printf ("%s: lttng-relayd, process %d, on %s ports %d (control), %d "
          "(data), %d (live), writing to %s\n"
          "record to it with: mlscope record --relay net://%s:%d:%d:%d ...\n",
          what, relay->pid, relay->host, relay->ports[0], relay->ports[1],
          relay->ports[2], relay->output, relay->host, relay->ports[0],
          relay->ports[1], relay->ports[2]);
}

static int
relay_start (const char *output, const int ports[3])
{
  GError *error = NULL;
  MlsRelay *old = mls_relay_load (output, NULL);
  MlsRelay *relay;

  if (old != NULL && mls_relay_alive (old))
    {
      g_printerr ("mlscope relay: %s already has a relay daemon (process "
                  "%d); `mlscope relay stop --output %s` first\n", output,
                  old->pid, output);
      mls_relay_free (old);
      return MLS_EXIT_FAILED;
    }
  mls_relay_free (old);
  relay = mls_relay_start (output, ports, TRUE, &error);
  if (relay == NULL || !mls_relay_save (relay, &error))
    {
      g_printerr ("mlscope relay: %s\n", error->message);
      g_error_free (error);
      if (relay)
        mls_relay_stop (relay, NULL);
      mls_relay_free (relay);
      return MLS_EXIT_FAILED;
    }
  print_relay ("started", relay);
  mls_relay_free (relay);
  return MLS_EXIT_OK;
}

static int
relay_find (const char *output, gboolean stop)
{
  GError *error = NULL;
  MlsRelay *relay = mls_relay_load (output, &error);
  int status = MLS_EXIT_OK;

  if (relay == NULL)
    {
      g_printerr ("mlscope relay: no relay daemon was started for %s (%s)\n",
                  output, error->message);
      g_error_free (error);
      return MLS_EXIT_FAILED;
    }
  if (!mls_relay_alive (relay))
    {
      printf ("stopped: the relay daemon of %s (process %d) no longer "
              "runs\n", output, relay->pid);
      if (stop)
        g_printerr ("mlscope relay: warning: it died without being stopped: "
                    "the recording it was receiving then is cut short, "
                    "which `mlscope import %s` can no longer tell with its "
                    "state file gone\n", output);
      status = stop ? MLS_EXIT_OK : MLS_EXIT_FAILED;
    }
  else if (!stop)
    print_relay ("running", relay);
  else if (mls_relay_stop (relay, &error))
    printf ("stopped: lttng-relayd, process %d; its traces stay in %s\n",
            relay->pid, relay->output);
  else
    {
      g_printerr ("mlscope relay: %s\n", error->message);
      g_error_free (error);
      status = MLS_EXIT_FAILED;
    }
  if (stop && status == MLS_EXIT_OK)
    {
      char *path = g_build_filename (output, MLS_RELAY_STATE, NULL);
      unlink (path);
      g_free (path);
    }
  mls_relay_free (relay);
  return status;
}

int
mlscope_relay (int argc, char **argv)
{
  char *output = NULL, *ports_text = NULL;
  int ports[3] = { 0, 0, 0 };
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "the directory the daemon writes traces to, and its state file "
      "(default ~/.local/share/mlscope/relay)", "DIR" },
    { "ports", 0, 0, G_OPTION_ARG_STRING, &ports_text,
      "with start: the control, data and live ports on 127.0.0.1 "
      "(default: free ones)", "C,D,L" },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("start|stop|status");
  GError *error = NULL;
  int status = MLS_EXIT_USAGE;
  char *dir;

  g_set_prgname ("mlscope relay");
  g_option_context_set_summary (ctx,
    "Starts, stops or shows a relay daemon (lttng-relayd) on 127.0.0.1\n"
    "that `mlscope record --relay` sends recordings to; `mlscope import\n"
    "DIR` reads what it collected, every host's.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  mlscope_option_context_finish (ctx);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("mlscope relay: %s\n", error->message);
      g_clear_error (&error);
      goto out;
    }
  if (argc != 2 || (strcmp (argv[1], "start") != 0
                    && strcmp (argv[1], "stop") != 0
                    && strcmp (argv[1], "status") != 0))
    {
      g_printerr ("Usage: mlscope relay start|stop|status [--output DIR] "
                  "[--ports C,D,L]\n");
      goto out;
    }
  if (ports_text && (strcmp (argv[1], "start") != 0
                     || !parse_ports (ports_text, ports)))
    {
      g_printerr ("mlscope relay: --ports takes three port numbers, "
                  "CONTROL,DATA,LIVE, with start\n");
      goto out;
    }
  dir = output ? g_canonicalize_filename (output, NULL) : default_output ();
  if (strcmp (argv[1], "start") == 0)
    status = relay_start (dir, ports);
  else
    status = relay_find (dir, strcmp (argv[1], "stop") == 0);
  g_free (dir);

out:
  g_option_context_free (ctx);
  g_free (output);
  g_free (ports_text);
  return status;
}
