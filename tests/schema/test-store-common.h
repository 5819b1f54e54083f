/*
 * test-store-common.h: what the schema tests share: a scratch directory
 * per test run and a deterministic synthetic recording written through the
 * store's write API, with the spans kept in memory so the tests can compute
 * the expected aggregates themselves.
 */
#ifndef TEST_STORE_COMMON_H
#define TEST_STORE_COMMON_H

#include <glib.h>
#include <glib/gstdio.h>

#include "mls-store.h"
#include "test-tmpdir.h"

typedef struct {
  int kind_id;
  int model;                /* index into test_models + 1, 0 for none */
  int64_t start_ns;         /* relative to TEST_T0 */
  int64_t dur_ns;
} TestSpan;

#define TEST_T0 INT64_C (5000000000)
#define TEST_N_MODELS 2

static const char *const test_models[TEST_N_MODELS] = { "style-candy",
                                                        "detector" };

/* A fresh scratch directory, removed (with its files) by test_dir_free. */
static inline char *
test_dir_new (void)
{
  return test_tmpdir_new ("mls-schema");
}

static inline void
test_dir_free (char *dir)
{
  test_tmpdir_remove (dir);
  g_free (dir);
}

/* n random spans of a few kinds and both models (some without a model),
 * durations spread over 100 ns .. 40 ms so they land on many summary
 * levels, plus one long Model Load over the whole recording. */
static inline TestSpan *
test_spans_new (guint32 seed, int n)
{
  static const int kinds[] = { MLS_KIND_PREDICTION, MLS_KIND_INPUT_CONVERSION,
                               MLS_KIND_GPU_COMPUTE, MLS_KIND_LAYER };
  GRand *rand = g_rand_new_with_seed (seed);
  TestSpan *spans = g_new (TestSpan, n);

  spans[0] = (TestSpan) { MLS_KIND_MODEL_LOAD, 1, 0, 900000000 };
  for (int i = 1; i < n; i++)
    {
      int scale = g_rand_int_range (rand, 2, 8);
      spans[i].kind_id = kinds[g_rand_int_range (rand, 0, 4)];
      spans[i].model = g_rand_int_range (rand, 0, TEST_N_MODELS + 1);
      spans[i].start_ns = g_rand_int_range (rand, 1000, 800000000);
      spans[i].dur_ns = g_rand_int_range (rand, 1, 40);
      for (int s = 0; s < scale; s++)
        spans[i].dur_ns *= 10;
      spans[i].dur_ns /= 4;
    }
  g_rand_free (rand);
  return spans;
}

/* Opens a database the test wrote, failing the test if it cannot. */
static inline MlsStore *
test_open_store (const char *path)
{
  MlsError error = { 0 };
  MlsStore *store = mls_store_open (path, &error);

  if (store == NULL)
    g_error ("%s", error.message);
  return store;
}

/* Writes spans to path through the store API and finishes the file. */
static inline void
test_write_db (const char *path, const TestSpan *spans, int n)
{
  MlsError error = { 0 };
  MlsStore *store = mls_store_create (path, &error);
  int64_t models[TEST_N_MODELS + 1] = { 0 };

  g_assert_nonnull (store);
  g_assert_cmpint (mls_store_set_meta_text (store, "host", "test", &error),
                   ==, 0);
  for (int m = 0; m < TEST_N_MODELS; m++)
    {
      models[m + 1] = mls_store_intern_model (store, test_models[m], &error);
      g_assert_cmpint (models[m + 1], >, 0);
    }
  g_assert_cmpint (mls_store_intern_thread (store, 100, 101, "worker",
                                            &error), >, 0);
  for (int i = 0; i < n; i++)
    {
      MlsSpan span = {
        .kind_id = spans[i].kind_id, .model_id = models[spans[i].model],
        .pid = 100, .tid = 101 + i % 2, .start_ns = TEST_T0 + spans[i].start_ns,
        .end_ns = TEST_T0 + spans[i].start_ns + spans[i].dur_ns,
        .complete = 1, .args_json = i % 3 ? NULL : "{\"bytes\":4096}",
      };
      g_assert_cmpint (mls_store_add_span (store, &span, &error), ==, i + 1);
    }
  g_assert_cmpint (mls_store_add_lost_events (store, TEST_T0, TEST_T0 + 10,
                                              7, 0, "stream0", &error), ==, 0);
  if (mls_store_finish (store, &error) != 0)
    g_error ("finish: %s", error.message);
  mls_store_close (store);
}

#endif /* TEST_STORE_COMMON_H */
