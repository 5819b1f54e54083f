/*
 * mls-model-tool.c: running mlrt-info and mlrt-report for the model window
 * (see mls-model-tool.h).
 */
#include "mls-model-tool.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

/* Where the tool sits in the build tree, from the viewer's directory. */
static const struct {
  const char *name, *built;
} tools[] = {
  { "mlrt-info", "../runtime/info/mlrt-info" },
  { "mlrt-report", "../runtime/report/mlrt-report" },
};

char *
mls_model_tool_find (const char *name, GError **error)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self ? g_path_get_dirname (self) : g_strdup (".");
  g_autofree char *beside = g_build_filename (dir, name, NULL);
  char *found;

  if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&beside);
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    if (g_str_equal (tools[i].name, name))
      {
        g_autofree char *built = g_build_filename (dir, tools[i].built,
                                                   NULL);

        if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
          return g_steal_pointer (&built);
      }
  found = g_find_program_in_path (name);
  if (!found)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 "%s is not installed: it was looked for in %s and in "
                 "PATH", name, dir);
  return found;
}

GSubprocess *
mls_model_tool_run (const char *const *argv, const char *tmpdir,
                    GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer data, GError **error)
{
  g_autofree char *program = mls_model_tool_find (argv[0], error);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  GSubprocess *process;

  if (!program)
    return NULL;
  g_ptr_array_add (args, program);
  for (int i = 1; argv[i]; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);
  if (tmpdir)
    g_subprocess_launcher_setenv (launcher, "TMPDIR", tmpdir, TRUE);
  process = g_subprocess_launcher_spawnv (launcher,
    (const char *const *) args->pdata, error);
  if (process)
    g_subprocess_communicate_utf8_async (process, NULL, cancellable,
                                         callback, data);
  return process;
}

void
mls_model_tool_remove_tree (const char *path)
{
  GDir *dir = path ? g_dir_open (path, 0, NULL) : NULL;
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR)
          && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        mls_model_tool_remove_tree (child);
      else
        g_remove (child);
    }
  if (dir)
    g_dir_close (dir);
  if (path)
    g_rmdir (path);
}

json_object *
mls_model_json_parse (const char *text, const char *schema,
                      const char *what, GError **error)
{
  enum json_tokener_error jerr;
  json_object *o = json_tokener_parse_verbose (text, &jerr);
  const char *got;

  if (!o || !json_object_is_type (o, json_type_object))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: not JSON (%s)", what,
                   o ? "not an object" : json_tokener_error_desc (jerr));
      json_object_put (o);
      return NULL;
    }
  got = mls_json_str (o, "schema");
  if (!got || !g_str_equal (got, schema))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: not %s's JSON (its schema is %s)", what, schema,
                   got ? got : "missing");
      json_object_put (o);
      return NULL;
    }
  if (mls_json_int (o, "schema_version") != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: %s schema version %" G_GINT64_FORMAT " is newer "
                   "than this viewer reads (1)", what, schema,
                   mls_json_int (o, "schema_version"));
      json_object_put (o);
      return NULL;
    }
  return o;
}

char *
mls_model_tool_finish_text (GSubprocess *process, GAsyncResult *res,
                            GError **error)
{
  g_autofree char *out = NULL, *err = NULL;

  if (!g_subprocess_communicate_utf8_finish (process, res, &out, &err,
                                             error))
    return NULL;
  if (!g_subprocess_get_if_exited (process)
      || g_subprocess_get_exit_status (process) != 0)
    {
      if (err)
        g_strstrip (err);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                   err && err[0] ? err
                   : g_subprocess_get_if_signaled (process)
                   ? "it was ended before it finished"
                   : "it failed without a message");
      return NULL;
    }
  return g_steal_pointer (&out);
}

json_object *
mls_model_tool_finish (GSubprocess *process, GAsyncResult *res,
                       const char *schema, char **text, GError **error)
{
  g_autofree char *out = mls_model_tool_finish_text (process, res, error);
  json_object *o;

  if (!out)
    return NULL;
  o = mls_model_json_parse (out, schema, schema, error);
  if (o && text)
    *text = g_steal_pointer (&out);
  return o;
}

json_object *
mls_json_get (json_object *o, const char *key)
{
  json_object *v = NULL;

  if (!o || !json_object_object_get_ex (o, key, &v)
      || json_object_is_type (v, json_type_null))
    return NULL;
  return v;
}

const char *
mls_json_str (json_object *o, const char *key)
{
  json_object *v = mls_json_get (o, key);

  return v && json_object_is_type (v, json_type_string)
         ? json_object_get_string (v) : NULL;
}

gint64
mls_json_int (json_object *o, const char *key)
{
  json_object *v = mls_json_get (o, key);

  return v ? json_object_get_int64 (v) : 0;
}

double
mls_json_double (json_object *o, const char *key, double fallback)
{
  json_object *v = mls_json_get (o, key);

  return v ? json_object_get_double (v) : fallback;
}

char *
mls_format_us (double us)
{
  if (us < 1000.0)
    return g_strdup_printf ("%.1f µs", us);
  if (us < 1e6)
    return g_strdup_printf ("%.2f ms", us / 1e3);
  return g_strdup_printf ("%.2f s", us / 1e6);
}

gboolean
mls_model_file_is_model (const char *path)
{
  char magic[8] = { 0 };
  FILE *f;
  gboolean model;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) || g_str_has_suffix (path,
                                                                  ".onnx"))
    return TRUE;
  f = fopen (path, "rb");
  if (!f)
    return FALSE;
  model = fread (magic, 1, sizeof magic, f) == sizeof magic
          && (memcmp (magic, "MLRTC001", 8) == 0
              || memcmp (magic, "MLRTP001", 8) == 0);
  fclose (f);
  return model;
}
