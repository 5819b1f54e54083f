/*
 * bench-relay.c: recording throughput through LTTng's relay daemon on
 * loopback, several hosts at once, against recording to local files.
 *
 * Each "host" has its own host name and session daemon (unshare --uts
 * --mount and tests/tracer/fleet-host.sh, as test-live.c makes them; where
 * that is not
 * permitted, the hosts share this machine's session daemon). In each
 * round, interleaved: every host runs `mlscope record --layers` of
 * `mls-tp-emitter burst EVENTS` (as fast as it can emit) at the same time,
 * once to local files (--keep-ctf, no import) and once to one relay daemon
 * (--relay, no import). Timed: the wall time until every recording has
 * ended (LTTng's stop returns once the data is written, by the consumer
 * daemon or by the relay daemon), the CPU time of the recorders and apps,
 * and the relay daemon's own CPU time. Each trace is then imported to
 * count the events that arrived and those LTTng discarded. Printed: events
 * per second arrived in each mode, and per CPU second of the relay daemon
 * (what one of its cores absorbs: docs/live-and-fleet.md turns it into a
 * number of devices).
 *
 *   bench-relay [EVENTS_PER_HOST [HOSTS]]     (default 300000, 3)
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-common.h"

static double
children_cpu (void)
{
  struct rusage ru;

  getrusage (RUSAGE_CHILDREN, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec
         + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* A process's CPU time (user + system) from /proc. */
static double
process_cpu (int pid)
{
  char *path = g_strdup_printf ("/proc/%d/stat", pid), *text = NULL;
  double s = 0;

  if (g_file_get_contents (path, &text, NULL, NULL))
    {
      char **f = g_strsplit (strrchr (text, ')') + 2, " ", -1);
      if (g_strv_length (f) > 13)
        s = (g_ascii_strtod (f[11], NULL) + g_ascii_strtod (f[12], NULL))
            / sysconf (_SC_CLK_TCK);
      g_strfreev (f);
    }
  g_free (text);
  g_free (path);
  return s;
}

typedef struct {
  const char *mlscope, *emitter, *events;
  char *host_script;        /* tests/tracer/fleet-host.sh */
  char *dir;
  char *url;                /* the relay daemon's */
  int relay_pid;
  int hosts;
  gboolean own_hosts;       /* each host its own namespaces */
} Bench;

typedef struct {
  double wall_s, cpu_s, relay_cpu_s;
  gint64 events, lost;
} Round;

/* Every host's recording at once; to the relay daemon when `relay`. */
static Round
record_round (Bench *b, int round, gboolean relay)
{
  Round r = { 0 };
  GPid *pids = g_new (GPid, b->hosts);
  double cpu0 = children_cpu ();
  double relay0 = process_cpu (b->relay_pid);
  gint64 t0 = g_get_monotonic_time ();

  for (int h = 0; h < b->hosts; h++)
    {
      char *name = g_strdup_printf ("bench-%d-%d", (int) getpid (), h);
      char *session = g_strdup_printf ("bench-%d-%d-%s-%d", (int) getpid (),
                                       round, relay ? "relay" : "local", h);
      char *local = g_strdup_printf ("%s/%s", b->dir, session);
      GPtrArray *argv = g_ptr_array_new ();
      GError *error = NULL;

      if (b->own_hosts)
        {
          const char *ns[] = { "unshare", "--uts", "--mount", "--propagation",
                               "private", "sh", b->host_script };
          for (gsize i = 0; i < G_N_ELEMENTS (ns); i++)
            g_ptr_array_add (argv, (gpointer) ns[i]);
          g_ptr_array_add (argv, name);
        }
      g_ptr_array_add (argv, (gpointer) b->mlscope);
      g_ptr_array_add (argv, "record");
      g_ptr_array_add (argv, "-q");
      g_ptr_array_add (argv, "--layers");
      g_ptr_array_add (argv, "--session-name");
      g_ptr_array_add (argv, session);
      g_ptr_array_add (argv, relay ? "--relay" : "--keep-ctf");
      g_ptr_array_add (argv, relay ? b->url : local);
      g_ptr_array_add (argv, "--");
      g_ptr_array_add (argv, (gpointer) b->emitter);
      g_ptr_array_add (argv, "burst");
      g_ptr_array_add (argv, (gpointer) b->events);
      g_ptr_array_add (argv, NULL);
      if (!g_spawn_async (NULL, (char **) argv->pdata, NULL,
                          G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                          | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pids[h],
                          &error))
        g_error ("cannot run mlscope record: %s", error->message);
      g_ptr_array_free (argv, TRUE);
      g_free (local);
      g_free (session);
      g_free (name);
    }
  for (int h = 0; h < b->hosts; h++)
    {
      int ws;
      waitpid (pids[h], &ws, 0);
      if (!WIFEXITED (ws) || WEXITSTATUS (ws) != 0)
        g_error ("a recording failed (wait status %d)", ws);
    }
  r.wall_s = (g_get_monotonic_time () - t0) / 1e6;
  r.cpu_s = children_cpu () - cpu0;
  r.relay_cpu_s = relay ? process_cpu (b->relay_pid) - relay0 : 0;
  g_free (pids);
  return r;
}

/* Imports the directory of each of the round's traces: the events that
 * arrived and those LTTng discarded. */
static void
count_round (Bench *b, Round *r, int round, gboolean relay)
{
  char *prefix = g_strdup_printf ("bench-%d-%d-%s-", (int) getpid (), round,
                                  relay ? "relay" : "local");
  char *find = g_strdup_printf ("find %s -maxdepth 3 -type d -name '%s*'",
                                b->dir, prefix);
  char *out = NULL, **dirs;

  g_spawn_command_line_sync (find, &out, NULL, NULL, NULL);
  dirs = g_strsplit (g_strstrip (out), "\n", -1);
  for (char **d = dirs; *d && **d; d++)
    {
      char *db = g_strdup_printf ("%s/count.mlscope", b->dir);
      const char *argv[] = { b->mlscope, "import", *d, "-o", db, NULL };
      char *err = NULL;
      const char *wrote;
      gint64 lost;

      /* "mlscope import: wrote DB: N events, ..." */
      bench_run (argv, &err);
      wrote = strstr (err, "count.mlscope: ");
      if (wrote == NULL)
        g_error ("mlscope import %s said: %s", *d, err);
      r->events += g_ascii_strtoll (wrote + strlen ("count.mlscope: "), NULL,
                                    10);
      lost = bench_meta_int (db, "lost_events");
      r->lost += lost > 0 ? lost : 0;
      g_unlink (db);
      g_free (db);
      g_free (err);
    }
  g_strfreev (dirs);
  g_free (out);
  g_free (find);
  g_free (prefix);
}

static gboolean
can_make_hosts (void)
{
  int status = -1;
  const char *argv[] = { "unshare", "--uts", "--mount", "true", NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH
                | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, NULL);
  return status == 0;
}

static void
start_relay (Bench *b)
{
  char *out = g_build_filename (b->dir, "relay", NULL), *text = NULL;
  const char *argv[] = { b->mlscope, "relay", "start", "--output", out,
                         NULL };
  const char *p, *u;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &text, NULL,
                     NULL, NULL)
      || (p = strstr (text, "process ")) == NULL
      || (u = strstr (text, "--relay ")) == NULL)
    g_error ("mlscope relay start failed: %s", text ? text : "");
  b->relay_pid = atoi (p + strlen ("process "));
  b->url = g_strndup (u + strlen ("--relay "),
                      strcspn (u + strlen ("--relay "), " \n"));
  g_free (text);
  g_free (out);
}

static void
stop_relay (Bench *b)
{
  char *out = g_build_filename (b->dir, "relay", NULL);
  const char *argv[] = { b->mlscope, "relay", "stop", "--output", out,
                         NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
  g_free (out);
}

static void
print_mode (const char *name, Round *rounds, int n)
{
  double wall[8], cpu[8], relay[8], rate[8];
  gint64 events = 0, lost = 0;

  for (int i = 0; i < n; i++)
    {
      wall[i] = rounds[i].wall_s;
      cpu[i] = rounds[i].cpu_s;
      relay[i] = rounds[i].relay_cpu_s;
      rate[i] = rounds[i].events / rounds[i].wall_s;
      events += rounds[i].events;
      lost += rounds[i].lost;
    }
  printf ("%-6s median %6.2f s wall, %6.2f s CPU (recorders and apps), "
          "%5.2f s relay daemon CPU; %9.0f events/s arrived; %"
          G_GINT64_FORMAT " events arrived, %" G_GINT64_FORMAT
          " discarded over the rounds\n", name, bench_median (wall, n),
          bench_median (cpu, n), bench_median (relay, n),
          bench_median (rate, n), events, lost);
}

int
main (int argc, char **argv)
{
  Bench b = { 0 };
  int n = bench_runs (3);
  Round local[8], relay[8];
  double per_relay_cpu[8], ratio[8];
  char *mlscope = bench_build_path ("tracer/mlscope");
  char *emitter = bench_build_path ("tests/tracer/mls-tp-emitter");

  n = n > 8 ? 8 : n;
  b.mlscope = mlscope;
  b.emitter = emitter;
  b.events = argc > 1 ? argv[1] : "300000";
  b.hosts = argc > 2 ? atoi (argv[2]) : 3;
  b.own_hosts = can_make_hosts ();
  b.host_script = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "tracer",
                                    "fleet-host.sh", NULL);
  b.dir = g_dir_make_tmp ("mlscope-bench-relay-XXXXXX", NULL);
  start_relay (&b);
  printf ("%d hosts (%s), each `mlscope record --layers` of %s events as "
          "fast as it emits; %d interleaved rounds\n", b.hosts,
          b.own_hosts ? "own host names and session daemons"
                      : "sharing this machine's session daemon: unshare is "
                        "not permitted here", b.events, n);
  for (int i = 0; i < n; i++)
    {
      local[i] = record_round (&b, i, FALSE);
      relay[i] = record_round (&b, i, TRUE);
    }
  stop_relay (&b);
  for (int i = 0; i < n; i++)
    {
      count_round (&b, &local[i], i, FALSE);
      count_round (&b, &relay[i], i, TRUE);
      per_relay_cpu[i] = relay[i].relay_cpu_s > 0
                         ? relay[i].events / relay[i].relay_cpu_s : 0;
      ratio[i] = relay[i].wall_s / local[i].wall_s;
    }
  print_mode ("local", local, n);
  print_mode ("relay", relay, n);
  printf ("relay / local: %.2fx the wall time; the relay daemon took %.0f "
          "events per CPU second (median)\n",
          bench_median (ratio, n), bench_median (per_relay_cpu, n));
  {
    char *rm = g_strdup_printf ("rm -rf %s", b.dir);
    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
    g_free (rm);
  }
  g_free (b.url);
  g_free (b.host_script);
  g_free (b.dir);
  g_free (emitter);
  g_free (mlscope);
  return 0;
}
