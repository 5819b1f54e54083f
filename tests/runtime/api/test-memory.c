/*
 * test-memory.c: model packages compiled and loaded from memory (a package
 * archive, mlrt_package_archive). Under every compute-unit setting, the
 * model loaded from memory predicts exactly what the one loaded from its
 * package directory does; the load writes nothing (the cache directory it
 * was given is never made); it is traced as a compile inside the load, a
 * decrypt callback as a Model Decryption span before the compile; bad
 * archives are refused naming the model and the part at fault.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "api-test.h"
#include "test-tmpdir.h"
#include "trace-capture.h"

static char *tmp;

static void
test_equals_file (void)
{
  char *package = api_style_package (tmp, "memory-style");
  char *file_cache = g_build_filename (tmp, "file-cache", NULL);
  char *memory_cache = g_build_filename (tmp, "memory-cache", NULL);
  size_t size;
  void *archive = api_archive (package, &size);

  for (guint u = 0; u < G_N_ELEMENTS (api_all_units); u++)
    {
      MlrtConfiguration file_config, memory_config;
      api_config (&file_config, api_all_units[u], file_cache);
      api_config (&memory_config, api_all_units[u], memory_cache);
      /* Estimated plans follow rates calibrated per cache directory, so
       * the two loads could pick different units on a busy machine and
       * differ by the NPU's fp16: the same plan is what is compared. */
      file_config.placement = MLRT_PLACEMENT_PRIORITY;
      memory_config.placement = MLRT_PLACEMENT_PRIORITY;
      MlrtModel *from_file = api_load (package, &file_config);
      MlrtModel *from_memory = api_load_memory ("memory-style", archive, size,
                                            NULL, NULL, &memory_config);
      char *what = g_strdup_printf ("%s, from memory against the package",
                                    mlrt_compute_units_name (api_all_units[u]));

      g_assert_cmpstr (mlrt_model_description (from_memory)->name, ==,
                       "memory-style");
      for (guint32 seed = 1; seed <= 3; seed++)
        {
          MlrtFeatures *in = api_input_new (seed);
          MlrtFeatures *want = api_predict (from_file, in);
          MlrtFeatures *got = api_predict (from_memory, in);
          api_assert_same (got, want, what);
          mlrt_features_free (got);
          mlrt_features_free (want);
          api_input_free (in);
        }
      g_free (what);
      mlrt_model_unload (from_memory);
      mlrt_model_unload (from_file);
    }
  /* The file loads compiled into their cache; the memory ones wrote
   * nothing, not even the cache directory they were given. */
  g_assert_true (g_file_test (file_cache, G_FILE_TEST_IS_DIR));
  g_assert_false (g_file_test (memory_cache, G_FILE_TEST_EXISTS));
  free (archive);
  g_free (memory_cache);
  g_free (file_cache);
  g_free (package);
}

/* Cuts, damages and mislabels an archive: each load fails with a message
 * that names the model and what is wrong. */
static void
test_bad_archives (void)
{
  char *package = api_style_package (tmp, "bad-archive");
  size_t size, json_size = 0;
  guint8 *archive = api_archive (package, &size);
  guint8 *copy = g_memdup2 (archive, size);
  static const struct {
    size_t cut;             /* bytes kept, 0 for the whole archive */
    const char *find, *replace;  /* a change to the spec, or NULL */
    const char *want;
  } cases[] = {
    { 12, NULL, NULL, "bad-archive: not an mlrt package archive (12 bytes, "
      "too short for the 16-byte header)" },
    { 40, NULL, NULL, "bad-archive: mlrt package archive is truncated: its "
      "header announces a" },
    { 0, "{", "[", "bad-archive/model.json" },
    { 0, "\"conv2d\"", "\"conv9d\"", "bad-archive/model.json: layer "
      "'enc1' (conv9d): unknown op 'conv9d'" },
  };

  for (int i = 0; i < 8; i++)
    json_size |= (size_t) archive[8 + i] << (8 * i);
  g_assert_cmpuint (json_size, >, 100);
  g_assert_cmpmem (archive, 8, "MLRTP001", 8);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      MlrtModel *model = NULL;
      MlrtError error = { 0 };

      memcpy (copy, archive, size);
      if (cases[c].find)
        {
          guint8 *at = memmem (copy + 16, json_size, cases[c].find,
                               strlen (cases[c].find));
          g_assert_nonnull (at);
          memcpy (at, cases[c].replace, strlen (cases[c].replace));
        }
      g_assert_cmpint (mlrt_model_load_from_memory ("bad-archive", copy,
                                                    cases[c].cut
                                                    ? cases[c].cut : size,
                                                    NULL, NULL, NULL, &model,
                                                    &error), ==,
                       MLRT_ERROR_FORMAT);
      g_assert_null (model);
      if (strstr (error.message, cases[c].want) == NULL)
        g_error ("case %u: expected a message with \"%s\", got \"%s\"", c,
                 cases[c].want, error.message);
    }
  /* Weights cut short: the spec points past the blob's end. */
  {
    MlrtModel *model = NULL;
    MlrtError error = { 0 };
    g_assert_cmpint (mlrt_model_load_from_memory ("bad-archive", archive,
                                                  16 + json_size + 64, NULL,
                                                  NULL, NULL, &model, &error),
                     ==, MLRT_ERROR_FORMAT);
    g_assert_nonnull (strstr (error.message, "bad-archive/weights.bin"));
  }
  g_free (copy);
  free (archive);
  g_free (package);
}

static void
test_archive_errors (void)
{
  char *missing = g_build_filename (tmp, "absent.mlpackage", NULL);
  void *data = (void *) 1;
  size_t size = 0;
  MlrtError error = { 0 };

  g_assert_cmpint (mlrt_package_archive (missing, &data, &size, &error), ==,
                   MLRT_ERROR_IO);
  g_assert_nonnull (strstr (error.message, "absent.mlpackage/model.json"));
  g_assert_nonnull (strstr (error.message, "cannot open"));
  g_assert_cmpint (mlrt_package_archive (NULL, &data, &size, &error), ==,
                   MLRT_ERROR_INVALID_ARGUMENT);
  g_free (missing);
}

/* A stand-in cipher: the trace is the point here, not the cryptography
 * (test-encrypt.c has the real one). */
static int
copy_decrypt (const void *data, size_t size, void **plain, size_t *plain_size,
              void *user_data)
{
  *plain = g_memdup2 (data, size);
  *plain_size = size;
  (*(int *) user_data)++;
  return 0;
}

static const TraceEvent *
find_span (GPtrArray *events, const char *name, guint64 span)
{
  const TraceEvent *e = trace_find (events, name, "span_id", span);
  if (e == NULL)
    g_error ("no %s for span %" G_GUINT64_FORMAT, name, span);
  return e;
}

static void
test_traced (void)
{
  char *package = api_style_package (tmp, "traced-style");
  char *dir = g_build_filename (tmp, "trace", NULL);
  size_t size;
  void *archive = api_archive (package, &size);
  int calls = 0;
  MlrtConfiguration config;

  if (!trace_capture_available ())
    {
      free (archive);
      g_free (dir);
      g_free (package);
      return;
    }
  api_config (&config, MLRT_COMPUTE_CPU_ONLY, NULL);
  TraceCapture *capture = trace_capture_start ("mlrt-api-memory", dir);
  mlrt_model_unload (api_load_memory ("traced-style", archive, size,
                                  copy_decrypt, &calls, &config));
  GPtrArray *events = trace_capture_stop (capture);
  g_assert_cmpint (calls, ==, 1);

  const TraceEvent *load = NULL, *decrypt = NULL, *compile = NULL;
  for (guint i = 0; i < events->len; i++)
    {
      const TraceEvent *e = events->pdata[i];
      if (strcmp (e->name, "activity_begin") == 0
          && trace_is (e, "activity", "load"))
        load = e;
      else if (strcmp (e->name, "activity_begin") == 0
               && trace_is (e, "activity", "compile"))
        compile = e;
      else if (strcmp (e->name, "data_begin") == 0
               && trace_is (e, "op", "decryption"))
        decrypt = e;
    }
  g_assert_nonnull (load);
  g_assert_nonnull (decrypt);
  g_assert_nonnull (compile);
  g_assert_true (trace_is (load, "model_name", "traced-style"));
  g_assert_true (trace_is (compile, "model_name", "traced-style"));
  g_assert_cmpuint (trace_u64 (decrypt, "bytes"), ==, size);
  guint64 load_id = trace_u64 (load, "span_id");
  g_assert_cmpuint (trace_u64 (decrypt, "parent_id"), ==, load_id);
  g_assert_cmpuint (trace_u64 (compile, "parent_id"), ==, load_id);
  /* load begins, decryption, then compile, then the load ends; the
   * compile found no cache (none is used). */
  const TraceEvent *decrypt_end = find_span (events, "data_end",
                                             trace_u64 (decrypt, "span_id"));
  const TraceEvent *compile_end = find_span (events, "activity_end",
                                             trace_u64 (compile, "span_id"));
  const TraceEvent *load_end = find_span (events, "activity_end", load_id);
  g_assert_cmpuint (load->ts, <=, decrypt->ts);
  g_assert_cmpuint (decrypt_end->ts, <=, compile->ts);
  g_assert_cmpuint (compile_end->ts, <=, load_end->ts);
  g_assert_true (trace_is (compile_end, "cache", "none"));
  g_assert_true (trace_is (load_end, "cache", "none"));
  g_assert_cmpuint (trace_u64 (decrypt_end, "status"), ==, 0);
  g_ptr_array_unref (events);
  free (archive);
  g_free (dir);
  g_free (package);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-api-test");
  g_test_add_func ("/api/memory/equals-file", test_equals_file);
  g_test_add_func ("/api/memory/bad-archives", test_bad_archives);
  g_test_add_func ("/api/memory/archive-errors", test_archive_errors);
  g_test_add_func ("/api/memory/traced", test_traced);
  rc = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return rc;
}
