/*
 * test-codegen-cli.c: mlrt-codegen's command line. The header carries the
 * model's metadata (description, author, version, license, precision,
 * each feature's description, type and shape) and its class labels; the
 * compiled model it writes loads; a second run replaces the files and
 * leaves no temporary file; bad models and options fail with a message
 * naming them.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "mlrt/mlrt.h"
#include "test-tmpdir.h"

static char *tmp_dir;

static int
codegen (const char *const *args, char **err)
{
  GPtrArray *argv = g_ptr_array_new ();
  int status = -1;
  GError *error = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("MLRT_CODEGEN"));
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (char *) *a);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                     NULL, NULL, NULL, err, &status, &error))
    g_error ("cannot run mlrt-codegen: %s", error->message);
  g_ptr_array_free (argv, TRUE);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128;
}

static char *
model (const char *name)
{
  return g_build_filename (g_getenv ("MLRT_MODELS_DIR"), name, NULL);
}

static void
test_documented (void)
{
  char *detector = model ("detector.mlpackage");
  char *dir = g_build_filename (tmp_dir, "doc", NULL);
  const char *args[] = { detector, "-o", dir, "--compile", "-q",
                         "--search-dir", "../share/app", NULL };
  char *header_path = g_build_filename (dir, "detector.h", NULL);
  char *compiled = g_build_filename (dir, "detector.mlmodelc", NULL);
  const char *want[] = {
    "Small convolutional classifier over 10 object labels",
    "Author            mlscope examples", "License           MIT",
    "Model             detector\n", "Generated from    detector.mlpackage\n",
    "Precision         float32 compute, float32 weights\n",
    "Type              neural network classifier, 14 layers\n",
    "detector_load() looks for the model file\n"
    " *   detector.mlmodelc (or detector.mlpackage)\n",
    "then in ../share/app from there",
    "/* frame to classify.\n   * \"image\": bgra8 image, 64 x 64 pixels",
    "\"probabilities\": float32 array [10]",
    "#define DETECTOR_N_CLASS_LABELS 10",
    "#define DETECTOR_IMAGE_BYTES 16384",
    "MlrtStatus detector_predict (detector *model, const detector_input "
    "*input,",
  };
  char *header, *err = NULL;
  MlrtModel *loaded = NULL;
  MlrtError error = { 0 };
  GDir *d;
  const char *entry;

  for (int run = 0; run < 2; run++)
    {
      if (codegen (args, &err) != 0)
        g_error ("mlrt-codegen: %s", err);
      g_free (err);
    }
  g_assert_true (g_file_get_contents (header_path, &header, NULL, NULL));
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++)
    if (strstr (header, want[i]) == NULL)
      g_error ("detector.h lacks \"%s\":\n%s", want[i], header);
  if (mlrt_model_load (compiled, NULL, &loaded, &error) != MLRT_OK)
    g_error ("the compiled model does not load: %s", error.message);
  g_assert_cmpstr (mlrt_model_description (loaded)->class_labels[0], ==,
                   "person");
  mlrt_model_unload (loaded);
  d = g_dir_open (dir, 0, NULL);
  while ((entry = g_dir_read_name (d)) != NULL)
    g_assert_false (g_str_has_suffix (entry, ".tmp"));
  g_dir_close (d);
  g_free (header);
  g_free (compiled);
  g_free (header_path);
  g_free (dir);
  g_free (detector);
}

static void
expect (const char *const *args, int status, const char *needle)
{
  char *err = NULL;
  int got = codegen (args, &err);

  if (got != status || strstr (err, needle) == NULL)
    g_error ("mlrt-codegen %s: expected exit %d and \"%s\", got %d: %s",
             args[0] ? args[0] : "", status, needle, got, err);
  g_free (err);
}

static void
test_refusals (void)
{
  char *style = model ("style-candy.mlpackage");
  char *missing = g_build_filename (tmp_dir, "missing.mlpackage", NULL);
  char *text = g_build_filename (tmp_dir, "notes.txt", NULL);
  char *out = g_build_filename (tmp_dir, "out", NULL);

  g_assert_true (g_file_set_contents (text, "not a model\n", -1, NULL));
  expect ((const char *[]) { missing, "-o", out, NULL }, 1, missing);
  expect ((const char *[]) { text, "-o", out, NULL }, 1,
          "not a model package");
  expect ((const char *[]) { style, NULL }, 2, "no --output given");
  expect ((const char *[]) { "-o", out, NULL }, 2, "no model given");
  expect ((const char *[]) { style, style, "-o", out, NULL }, 2,
          "one model at a time");
  expect ((const char *[]) { style, "-o", out, "-s", "/usr/share", NULL },
          2, "is absolute");
  expect ((const char *[]) { style, "-o", out, "--name", "a/b", NULL }, 2,
          "must be a file name");
  expect ((const char *[]) { style, "-o", text, NULL }, 1, text);
  g_free (out);
  g_free (text);
  g_free (missing);
  g_free (style);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = test_tmpdir_new ("mlrt-codegen");
  g_test_add_func ("/codegen/cli/documented", test_documented);
  g_test_add_func ("/codegen/cli/refusals", test_refusals);
  status = g_test_run ();
  test_tmpdir_remove (tmp_dir);
  g_free (tmp_dir);
  return status;
}
