/*
 * mls-record-facts.c: the recorder's facts about processes (see
 * mls-record-facts.h), gathered from /proc while recording and kept in a
 * GKeyFile beside the trace:
 *
 *   [recording]
 *   command=style-demo --frames 5
 *   alive=4242;4250          (only when a scan was made)
 *
 *   [process 4242]
 *   name=style-demo
 *   cmdline=style-demo --frames 5
 *   state=exited             (exited, killed, ended or running)
 *   exit-status=0
 */
#include <stdlib.h>
#include <string.h>

#include "mls-record-facts.h"

static const char *const state_names[] = {
  [MLS_PROCESS_STATE_UNKNOWN] = "unknown", [MLS_PROCESS_EXITED] = "exited",
  [MLS_PROCESS_KILLED] = "killed", [MLS_PROCESS_ENDED] = "ended",
  [MLS_PROCESS_RUNNING] = "running",
};

static void
process_facts_free (gpointer data)
{
  MlsProcessFacts *p = data;

  g_free (p->name);
  g_free (p->cmdline);
  g_free (p);
}

MlsRecordFacts *
mls_record_facts_new (void)
{
  MlsRecordFacts *facts = g_new0 (MlsRecordFacts, 1);

  facts->processes = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                            NULL, process_facts_free);
  facts->alive = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        NULL);
  return facts;
}

void
mls_record_facts_free (MlsRecordFacts *facts)
{
  if (facts == NULL)
    return;
  g_free (facts->command);
  g_hash_table_destroy (facts->processes);
  g_hash_table_destroy (facts->alive);
  g_free (facts);
}

char *
mls_command_line (char *const *argv)
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

/* /proc/PID/cmdline: NUL-separated arguments; NULL for a kernel thread or
 * a process already gone. */
static char *
read_cmdline (gint64 pid)
{
  char *path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/cmdline", pid);
  char *data = NULL, *line = NULL;
  gsize len = 0;

  if (g_file_get_contents (path, &data, &len, NULL) && len > 0)
    {
      GPtrArray *argv = g_ptr_array_new ();

      for (gsize at = 0; at < len; at += strlen (data + at) + 1)
        g_ptr_array_add (argv, data + at);
      g_ptr_array_add (argv, NULL);
      line = mls_command_line ((char *const *) argv->pdata);
      g_ptr_array_free (argv, TRUE);
    }
  g_free (data);
  g_free (path);
  return line;
}

static char *
read_comm (gint64 pid)
{
  char *path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/comm", pid);
  char *comm = NULL;

  if (g_file_get_contents (path, &comm, NULL, NULL))
    g_strchomp (comm);
  g_free (path);
  return comm;
}

void
mls_record_facts_refresh (MlsProcessFacts *p)
{
  char *name = read_comm (p->pid);
  char *cmdline = read_cmdline (p->pid);

  if (name)
    {
      g_free (p->name);
      p->name = name;
    }
  if (cmdline)
    {
      g_free (p->cmdline);
      p->cmdline = cmdline;
    }
}

MlsProcessFacts *
mls_record_facts_process (MlsRecordFacts *facts, gint64 pid)
{
  MlsProcessFacts *p = g_hash_table_lookup (facts->processes, &pid);

  if (p == NULL)
    {
      p = g_new0 (MlsProcessFacts, 1);
      p->pid = pid;
      p->state = MLS_PROCESS_RUNNING;
      mls_record_facts_refresh (p);
      g_hash_table_insert (facts->processes, &p->pid, p);
    }
  return p;
}

void
mls_record_facts_scan (MlsRecordFacts *facts)
{
  GDir *proc = g_dir_open ("/proc", 0, NULL);
  GHashTableIter iter;
  gpointer value;
  const char *name;

  facts->scanned = TRUE;
  while (proc && (name = g_dir_read_name (proc)) != NULL)
    {
      char *end;
      gint64 pid = g_ascii_strtoll (name, &end, 10);

      if (*end == '\0' && pid > 0)
        g_hash_table_add (facts->alive, g_memdup2 (&pid, sizeof pid));
    }
  if (proc)
    g_dir_close (proc);
  g_hash_table_iter_init (&iter, facts->processes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      MlsProcessFacts *p = value;
      if (p->state == MLS_PROCESS_RUNNING
          && !g_hash_table_contains (facts->alive, &p->pid))
        p->state = MLS_PROCESS_ENDED;
    }
}

MlsProcessState
mls_record_facts_state (const MlsRecordFacts *facts, gint64 pid,
                        int *exit_status)
{
  const MlsProcessFacts *p = g_hash_table_lookup (facts->processes, &pid);

  *exit_status = 0;
  if (p != NULL)
    {
      *exit_status = p->exit_status;
      return p->state;
    }
  if (!facts->scanned)
    return MLS_PROCESS_STATE_UNKNOWN;
  return g_hash_table_contains (facts->alive, &pid) ? MLS_PROCESS_RUNNING
                                                    : MLS_PROCESS_ENDED;
}

/* ---- the file ---- */

static void
save_process (GKeyFile *kf, const MlsProcessFacts *p)
{
  char *group = g_strdup_printf ("process %" G_GINT64_FORMAT, p->pid);

  if (p->name)
    g_key_file_set_string (kf, group, "name", p->name);
  if (p->cmdline)
    g_key_file_set_string (kf, group, "cmdline", p->cmdline);
  g_key_file_set_string (kf, group, "state", state_names[p->state]);
  if (p->state == MLS_PROCESS_EXITED || p->state == MLS_PROCESS_KILLED)
    g_key_file_set_integer (kf, group, "exit-status", p->exit_status);
  g_free (group);
}

gboolean
mls_record_facts_save (const MlsRecordFacts *facts, const char *dir,
                       GError **error)
{
  GKeyFile *kf = g_key_file_new ();
  char *path = g_build_filename (dir, MLS_RECORD_FACTS_FILE, NULL);
  GHashTableIter iter;
  gpointer value;
  gboolean ok;

  g_key_file_set_string (kf, "recording", "command",
                         facts->command ? facts->command : "");
  if (facts->scanned)
    {
      GArray *alive = g_array_new (FALSE, FALSE, sizeof (gint));

      g_hash_table_iter_init (&iter, facts->alive);
      while (g_hash_table_iter_next (&iter, &value, NULL))
        {
          gint pid = (gint) *(gint64 *) value;
          g_array_append_val (alive, pid);
        }
      g_key_file_set_integer_list (kf, "recording", "alive",
                                   (gint *) (void *) alive->data, alive->len);
      g_array_free (alive, TRUE);
    }
  g_hash_table_iter_init (&iter, facts->processes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    save_process (kf, value);
  ok = g_key_file_save_to_file (kf, path, error);
  g_key_file_free (kf);
  g_free (path);
  return ok;
}

static gboolean
load_process (MlsRecordFacts *facts, GKeyFile *kf, const char *group,
              GError **error)
{
  char *end;
  gint64 pid = g_ascii_strtoll (group + strlen ("process "), &end, 10);
  char *state = g_key_file_get_string (kf, group, "state", NULL);
  MlsProcessFacts *p;

  if (*end != '\0' || pid <= 0)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
                   "bad group [%s]: not a pid", group);
      g_free (state);
      return FALSE;
    }
  p = g_new0 (MlsProcessFacts, 1);
  p->pid = pid;
  p->name = g_key_file_get_string (kf, group, "name", NULL);
  p->cmdline = g_key_file_get_string (kf, group, "cmdline", NULL);
  p->exit_status = g_key_file_get_integer (kf, group, "exit-status", NULL);
  for (gsize s = 0; state && s < G_N_ELEMENTS (state_names); s++)
    if (strcmp (state, state_names[s]) == 0)
      p->state = (MlsProcessState) s;
  g_hash_table_replace (facts->processes, &p->pid, p);
  g_free (state);
  return TRUE;
}

MlsRecordFacts *
mls_record_facts_load (const char *dir, GError **error)
{
  char *path = g_build_filename (dir, MLS_RECORD_FACTS_FILE, NULL);
  GKeyFile *kf = g_key_file_new ();
  MlsRecordFacts *facts = NULL;
  GError *e = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    goto out;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &e))
    goto out;
  facts = mls_record_facts_new ();
  facts->command = g_key_file_get_string (kf, "recording", "command", NULL);
  if (facts->command && facts->command[0] == '\0')
    g_clear_pointer (&facts->command, g_free);
  if (g_key_file_has_key (kf, "recording", "alive", NULL))
    {
      gsize n = 0;
      gint *pids = g_key_file_get_integer_list (kf, "recording", "alive", &n,
                                                NULL);
      facts->scanned = TRUE;
      for (gsize i = 0; i < n; i++)
        {
          gint64 pid = pids[i];
          g_hash_table_add (facts->alive, g_memdup2 (&pid, sizeof pid));
        }
      g_free (pids);
    }
  char **groups = g_key_file_get_groups (kf, NULL);
  for (int i = 0; e == NULL && groups[i]; i++)
    if (g_str_has_prefix (groups[i], "process "))
      load_process (facts, kf, groups[i], &e);
  g_strfreev (groups);

out:
  if (e != NULL)
    {
      g_set_error (error, e->domain, e->code, "%s: %s", path, e->message);
      g_error_free (e);
      g_clear_pointer (&facts, mls_record_facts_free);
    }
  g_key_file_free (kf);
  g_free (path);
  return facts;
}
