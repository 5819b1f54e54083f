/*
 * test-lazy-gpu.c: a load whose compute units exclude the GPU never
 * starts OpenCL. The ICD loader (libOpenCL) is linked into libmlrt, but
 * the drivers it finds (the libraries named by the .icd files in
 * /etc/OpenCL/vendors, PoCL's with its compiler) are only opened when a
 * platform is asked for, and that costs a first load tens of
 * milliseconds. So after cpu-only and
 * cpu-and-npu loads and predictions, no driver may be mapped into this
 * process; after a cpu-and-gpu load on a machine with an OpenCL device,
 * one must be (the check can fail). Its own process: the GPU unit's state
 * is process-wide.
 */
#include <glib.h>
#include <string.h>

#include "mlrt/mlrt.h"
#include "pkg-writer.h"
#include "style-model.h"
#include "units-test.h"

#define N_PIXELS (3 * STYLE_SIZE * STYLE_SIZE)

static char *tmp;

/* LeakSanitizer's check at exit stops every thread to scan it; with the
 * PoCL device threads the cpu-and-gpu load has just started, that stop
 * itself crashes now and then ("Tracer caught signal 11"). This test
 * checks which libraries are mapped, not leaks: the GPU unit's own tests
 * check those on the same code. Only a LeakSanitizer build calls it. */
int __lsan_is_turned_off (void);

int
__lsan_is_turned_off (void)
{
  return 1;
}

/* The base names of the OpenCL drivers the ICD loader would open. */
static GPtrArray *
icd_libraries (void)
{
  const char *env = g_getenv ("OCL_ICD_VENDORS");
  const char *dir = env && g_file_test (env, G_FILE_TEST_IS_DIR)
                    ? env : "/etc/OpenCL/vendors";
  GPtrArray *libs = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      char *path = g_build_filename (dir, name, NULL), *text = NULL;

      if (g_str_has_suffix (name, ".icd")
          && g_file_get_contents (path, &text, NULL, NULL))
        g_ptr_array_add (libs, g_path_get_basename (g_strstrip (text)));
      g_free (text);
      g_free (path);
    }
  if (d)
    g_dir_close (d);
  return libs;
}

/* The first driver mapped into this process, or NULL. */
static char *
driver_mapped (GPtrArray *libs)
{
  char *maps = NULL, *found = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  for (guint i = 0; i < libs->len && !found; i++)
    if (strstr (maps, libs->pdata[i]))
      found = g_strdup (libs->pdata[i]);
  g_free (maps);
  return found;
}

static void
load_and_predict (const char *path, MlrtComputeUnits units)
{
  static float image[N_PIXELS];
  MlrtValue v = { MLRT_TYPE_FLOAT32, 3, { 3, STYLE_SIZE, STYLE_SIZE },
                  image, NULL };
  MlrtModel *model = units_load (path, units, MLRT_PLACEMENT_MEASURED, tmp);
  MlrtFeatures *in = mlrt_features_new (), *out = NULL;
  MlrtError error = { 0 };

  g_assert_cmpint (mlrt_features_set (in, "image", &v, NULL), ==, MLRT_OK);
  if (mlrt_model_predict (model, in, NULL, &out, &error) != MLRT_OK)
    g_error ("predict: %s", error.message);
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_model_unload (model);
}

static void
test_lazy (void)
{
  char *path = style_model_write (tmp, "lazy-gpu", "float32",
                                  STYLE_DECODER_UPSAMPLE, 51);
  GPtrArray *libs = icd_libraries ();
  char *mapped;

  g_test_message ("%u OpenCL driver(s) installed", libs->len);
  load_and_predict (path, MLRT_COMPUTE_CPU_ONLY);
  load_and_predict (path, MLRT_COMPUTE_CPU_AND_NPU);
  mapped = driver_mapped (libs);
  if (mapped)
    g_error ("%s was loaded by cpu-only and cpu-and-npu loads", mapped);

  /* Asked only now: asking earlier would have opened the drivers. */
  load_and_predict (path, MLRT_COMPUTE_CPU_AND_GPU);
  if (mlrt_unit_available (MLRT_UNIT_GPU) && libs->len > 0)
    {
      mapped = driver_mapped (libs);
      g_assert_nonnull (mapped);
      g_test_message ("cpu-and-gpu loaded %s", mapped);
      g_free (mapped);
    }
  g_ptr_array_unref (libs);
  g_free (path);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  g_test_add_func ("/lazy-gpu/cpu-only-never-starts-opencl", test_lazy);
  status = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return status;
}
