/*
 * trace-capture.c: the LTTng session and babeltrace2 reading behind the
 * runtime tests that check what the runtime puts in a real trace.
 */
#include "trace-capture.h"

#include <string.h>
#include <unistd.h>

struct TraceCapture {
  char *session;
  char *dir;
};

/* The output of `cmd`, or NULL (with its output in *failure) when it
 * exits with an error. */
static char *
run_status (const char *cmd, char **failure)
{
  char *out = NULL, *err = NULL;
  int status = 0;
  GError *error = NULL;

  if (!g_spawn_command_line_sync (cmd, &out, &err, &status, &error))
    g_error ("%s: %s", cmd, error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      *failure = g_strconcat (out, err, NULL);
      g_free (out);
      out = NULL;
    }
  g_free (err);
  return out;
}

char *
trace_run (const char *cmd)
{
  char *failure = NULL;
  char *out = run_status (cmd, &failure);

  if (out == NULL)
    g_error ("%s failed: %s", cmd, failure);
  return out;
}

static void lttng (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
lttng (const char *format, ...)
{
  va_list ap;
  char *cmd;

  va_start (ap, format);
  cmd = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_free (trace_run (cmd));
  g_free (cmd);
}

gboolean
trace_capture_available (void)
{
  char *lttng_path = g_find_program_in_path ("lttng");
  char *bt_path = g_find_program_in_path ("babeltrace2");
  gboolean have = lttng_path && bt_path;

  g_free (lttng_path);
  g_free (bt_path);
  if (!have)
    g_test_skip ("lttng or babeltrace2 not installed");
  return have;
}

/* The session daemon learns of this process a moment after its first
 * tracepoint registration; events before that are lost. `lttng list -u`
 * fails now and then when another traced app exits while it lists (other
 * mlrt processes may run at the same time): that is one more poll. */
static void
wait_registered (void)
{
  char *pid = g_strdup_printf ("[pid: %d]", (int) getpid ());
  char *alt = g_strdup_printf ("PID: %d ", (int) getpid ());

  for (int i = 0; i < 100; i++)
    {
      char *failure = NULL;
      char *apps = run_status ("lttng list -u", &failure);
      gboolean found = apps && (strstr (apps, pid) || strstr (apps, alt));

      if (apps == NULL)
        g_test_message ("lttng list -u failed, polling again: %s", failure);
      g_free (failure);
      g_free (apps);
      if (found)
        break;
      g_usleep (50000);
    }
  g_free (pid);
  g_free (alt);
}

TraceCapture *
trace_capture_start (const char *prefix, const char *dir)
{
  TraceCapture *c = g_new0 (TraceCapture, 1);
  char *cmd;

  c->session = g_strdup_printf ("%s-%d", prefix, (int) getpid ());
  c->dir = g_strdup (dir);
  cmd = g_strdup_printf ("lttng create %s --output=%s", c->session, dir);
  g_free (trace_run (cmd));
  g_free (cmd);
  lttng ("lttng enable-event -u -s %s 'mlrt:*' --filter '$ctx.vpid == %d'",
         c->session, (int) getpid ());
  wait_registered ();
  lttng ("lttng start %s", c->session);
  return c;
}

static void
event_free (gpointer p)
{
  TraceEvent *e = p;

  g_free (e->name);
  g_free (e->line);
  g_free (e);
}

/* The timestamps in clock cycles of the 1 GHz trace clock: the raw
 * CLOCK_MONOTONIC ns the tracepoints' own ns fields are in. */
static GPtrArray *
read_trace (const char *dir)
{
  char *cmd = g_strdup_printf ("babeltrace2 --clock-cycles %s", dir);
  char *text = trace_run (cmd);
  char **lines = g_strsplit (text, "\n", -1);
  GPtrArray *events = g_ptr_array_new_with_free_func (event_free);

  for (char **l = lines; *l; l++)
    {
      const char *at = strstr (*l, " mlrt:");
      TraceEvent *e;

      if (!at || (*l)[0] != '[')
        continue;
      e = g_new0 (TraceEvent, 1);
      e->ts = g_ascii_strtoull (*l + 1, NULL, 10);
      at += 6;
      e->name = g_strndup (at, strcspn (at, ":"));
      e->line = g_strdup (*l);
      g_ptr_array_add (events, e);
    }
  g_strfreev (lines);
  g_free (text);
  g_free (cmd);
  return events;
}

GPtrArray *
trace_capture_stop (TraceCapture *c)
{
  GPtrArray *events;

  lttng ("lttng stop %s", c->session);
  lttng ("lttng destroy %s", c->session);
  events = read_trace (c->dir);
  g_free (c->session);
  g_free (c->dir);
  g_free (c);
  return events;
}

/* NULL when the event has no field `key`. */
static char *
lookup (const TraceEvent *e, const char *key)
{
  char *pat = g_strdup_printf (" %s = ", key);
  const char *at = strstr (e->line, pat), *end;

  if (!at)
    {
      g_free (pat);
      return NULL;
    }
  at += strlen (pat);
  g_free (pat);
  if (*at == '(')
    at = strchr (at, '"');
  if (*at == '"')
    end = strchr (++at, '"');
  else
    end = at + strspn (at, "0123456789");
  return g_strndup (at, (gsize) (end - at));
}

char *
trace_field (const TraceEvent *e, const char *key)
{
  char *v = lookup (e, key);

  if (!v)
    g_error ("no field %s in %s", key, e->line);
  return v;
}

guint64
trace_u64 (const TraceEvent *e, const char *key)
{
  char *v = trace_field (e, key);
  guint64 n = g_ascii_strtoull (v, NULL, 10);

  g_free (v);
  return n;
}

gboolean
trace_is (const TraceEvent *e, const char *key, const char *want)
{
  char *v = lookup (e, key);
  gboolean same = g_strcmp0 (v, want) == 0;

  g_free (v);
  return same;
}

const TraceEvent *
trace_find (GPtrArray *events, const char *name, const char *key,
            guint64 value)
{
  for (guint i = 0; i < events->len; i++)
    {
      const TraceEvent *e = events->pdata[i];

      if (strcmp (e->name, name) == 0 && trace_u64 (e, key) == value)
        return e;
    }
  return NULL;
}
