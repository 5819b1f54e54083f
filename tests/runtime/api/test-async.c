/*
 * test-async.c: asynchronous predictions (mlrt_model_predict_async).
 * Under every compute-unit setting they give exactly the outputs of
 * synchronous ones, through handles, callbacks and output backings; the
 * bound on predictions in flight holds; the rules for callbacks (no wait
 * for a place, no wait on a sibling) are errors, not deadlocks; a queued
 * prediction that is cancelled never runs, running ones stop or finish,
 * unloading cancels and waits for everything in flight; nothing leaks
 * (the sanitizer build runs this too).
 */
#include <string.h>

#include "api-test.h"
#include "test-tmpdir.h"

#define FRAMES 6

static char *tmp;
static char *package;

typedef struct {
  MlrtModel *model;
  MlrtFeatures *inputs[FRAMES];
  MlrtFeatures *want[FRAMES];   /* synchronous outputs */
} Fixture;

static void
fixture_init (Fixture *f, MlrtComputeUnits units, unsigned max_in_flight)
{
  char *cache = g_build_filename (tmp, "cache", NULL);
  MlrtConfiguration config;

  api_config (&config, units, cache);
  config.max_in_flight = max_in_flight;
  f->model = api_load (package, &config);
  for (int i = 0; i < FRAMES; i++)
    {
      f->inputs[i] = api_input_new ((guint32) i + 1);
      f->want[i] = api_predict (f->model, f->inputs[i]);
    }
  g_free (cache);
}

static void
fixture_clear (Fixture *f)
{
  mlrt_model_unload (f->model);
  for (int i = 0; i < FRAMES; i++)
    {
      api_input_free (f->inputs[i]);
      mlrt_features_free (f->want[i]);
    }
}

static MlrtPrediction *
submit (MlrtModel *model, const MlrtFeatures *inputs,
        const MlrtPredictOptions *options, MlrtPredictionDone done,
        void *user_data)
{
  MlrtPrediction *p = NULL;
  MlrtError error = { 0 };

  if (mlrt_model_predict_async (model, inputs, options, done, user_data, &p,
                                &error) != MLRT_OK)
    g_error ("submitting: %s", error.message);
  g_assert_nonnull (p);
  return p;
}

/* Waits for `p`, which must succeed with `want`, and frees it. */
static void
finish (MlrtPrediction *p, const MlrtFeatures *want, const char *what)
{
  MlrtFeatures *got = NULL, *again = (MlrtFeatures *) 1;
  MlrtError error = { 0 };

  if (mlrt_prediction_wait (p, &got, &error) != MLRT_OK)
    g_error ("%s: %s", what, error.message);
  g_assert_true (mlrt_prediction_is_done (p));
  api_assert_same (got, want, what);
  /* The outputs go to the first wait only. */
  g_assert_cmpint (mlrt_prediction_wait (p, &again, NULL), ==, MLRT_OK);
  g_assert_null (again);
  mlrt_features_free (got);
  mlrt_prediction_free (p);
}

typedef struct {
  GMutex lock;
  GCond cond;
  int calls;
  GThread *submitter;
  gboolean other_thread;    /* every call came from another thread */
} Calls;

static void
count_call (MlrtPrediction *p, void *data)
{
  Calls *c = data;

  g_assert_true (mlrt_prediction_is_done (p));
  g_mutex_lock (&c->lock);
  c->calls++;
  c->other_thread &= g_thread_self () != c->submitter;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
}

static void
calls_init (Calls *c)
{
  memset (c, 0, sizeof *c);
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
  c->submitter = g_thread_self ();
  c->other_thread = TRUE;
}

static void
calls_wait (Calls *c, int n)
{
  g_mutex_lock (&c->lock);
  while (c->calls < n)
    g_cond_wait (&c->cond, &c->lock);
  g_mutex_unlock (&c->lock);
}

static void
calls_clear (Calls *c)
{
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
}

/* Every frame in flight at once (up to the bound), some with a callback
 * too, one into an output backing. */
static void
test_equals_sync (void)
{
  for (guint u = 0; u < G_N_ELEMENTS (api_all_units); u++)
    {
      const char *units = mlrt_compute_units_name (api_all_units[u]);
      MlrtPrediction *p[FRAMES];
      Fixture f;
      Calls calls;

      calls_init (&calls);
      fixture_init (&f, api_all_units[u], 3);
      for (int i = 0; i < FRAMES; i++)
        p[i] = submit (f.model, f.inputs[i], NULL, i % 2 ? count_call : NULL,
                       &calls);
      for (int i = 0; i < FRAMES; i++)
        {
          char *what = g_strdup_printf ("%s, frame %d, async against sync",
                                        units, i);
          finish (p[i], f.want[i], what);
          g_free (what);
        }
      calls_wait (&calls, FRAMES / 2);
      g_assert_true (calls.other_thread);

      /* Into a caller's buffer. */
      const MlrtValue *w = mlrt_features_get (f.want[0], "stylized");
      MlrtValue backing = *w;
      MlrtFeatures *backings = mlrt_features_new ();
      MlrtFeatures *out = NULL;
      backing.data = g_malloc0 (mlrt_value_byte_size (w));
      mlrt_features_set (backings, "stylized", &backing, NULL);
      MlrtPredictOptions options = { backings };
      MlrtPrediction *bp = submit (f.model, f.inputs[0], &options, NULL, NULL);
      g_assert_cmpint (mlrt_prediction_wait (bp, &out, NULL), ==, MLRT_OK);
      g_assert_true (mlrt_features_get (out, "stylized")->data
                     == backing.data);
      g_assert_cmpmem (backing.data, mlrt_value_byte_size (w), w->data,
                       mlrt_value_byte_size (w));
      mlrt_features_free (out);
      mlrt_prediction_free (bp);
      mlrt_features_free (backings);
      g_free (backing.data);
      fixture_clear (&f);
      calls_clear (&calls);
    }
}

/* When a submit returns, at most max_in_flight predictions are not done. */
static void
test_bound (void)
{
  MlrtPrediction *p[3 * FRAMES];
  Fixture f;

  fixture_init (&f, MLRT_COMPUTE_CPU_AND_NPU, 2);
  for (int i = 0; i < 3 * FRAMES; i++)
    {
      int busy = 0;
      p[i] = submit (f.model, f.inputs[i % FRAMES], NULL, NULL, NULL);
      for (int j = 0; j <= i; j++)
        busy += !mlrt_prediction_is_done (p[j]);
      g_assert_cmpint (busy, <=, 2);
    }
  for (int i = 0; i < 3 * FRAMES; i++)
    finish (p[i], f.want[i % FRAMES], "bounded");
  fixture_clear (&f);
}

/* Fire and forget: no handle, the callback takes the outputs. */
typedef struct {
  Calls calls;
  const Fixture *f;
  int frame[FRAMES];
  int right;
} Forget;

static void
take_outputs (MlrtPrediction *p, void *data)
{
  Forget *fg = data;
  MlrtFeatures *out = NULL;

  /* Frames complete in any order: find this one by its outputs. */
  g_assert_cmpint (mlrt_prediction_wait (p, &out, NULL), ==, MLRT_OK);
  for (int j = 0; j < FRAMES; j++)
    if (memcmp (mlrt_features_get (out, "stylized")->data,
                mlrt_features_get (fg->f->want[j], "stylized")->data,
                mlrt_value_byte_size (mlrt_features_get (out, "stylized")))
        == 0)
      {
        g_mutex_lock (&fg->calls.lock);
        fg->frame[j]++;
        fg->right++;
        g_mutex_unlock (&fg->calls.lock);
      }
  mlrt_features_free (out);
  count_call (p, &fg->calls);
}

static void
test_fire_and_forget (void)
{
  Fixture f;
  Forget fg = { .f = &f };
  MlrtError error = { 0 };

  calls_init (&fg.calls);
  fixture_init (&f, MLRT_COMPUTE_ALL, 3);
  for (int i = 0; i < FRAMES; i++)
    g_assert_cmpint (mlrt_model_predict_async (f.model, f.inputs[i], NULL,
                                               take_outputs, &fg, NULL,
                                               &error), ==, MLRT_OK);
  calls_wait (&fg.calls, FRAMES);
  g_assert_cmpint (fg.right, ==, FRAMES);
  for (int j = 0; j < FRAMES; j++)
    g_assert_cmpint (fg.frame[j], ==, 1);
  fixture_clear (&f);
  calls_clear (&fg.calls);
}

/* From a callback, with one place: a submit takes the free place, the
 * next one fails instead of waiting, waiting on the sibling fails. */
typedef struct {
  Fixture *f;
  MlrtPrediction *sibling;
  MlrtStatus second, wait_sibling, wait_self;
  char second_message[MLRT_ERROR_MESSAGE_MAX];
  char wait_message[MLRT_ERROR_MESSAGE_MAX];
  Calls calls;
} Rules;

static void
break_rules (MlrtPrediction *p, void *data)
{
  Rules *r = data;
  MlrtPrediction *extra = NULL;
  MlrtFeatures *out = NULL;
  MlrtError error = { 0 };

  r->wait_self = mlrt_prediction_wait (p, &out, NULL);
  mlrt_features_free (out);
  if (mlrt_model_predict_async (r->f->model, r->f->inputs[1], NULL, NULL,
                                NULL, &r->sibling, &error) != MLRT_OK)
    g_error ("a callback's first submit: %s", error.message);
  r->second = mlrt_model_predict_async (r->f->model, r->f->inputs[2], NULL,
                                        NULL, NULL, &extra, &error);
  g_strlcpy (r->second_message, error.message, sizeof r->second_message);
  g_assert_null (extra);
  /* The sibling cannot start: its only worker is this one. */
  r->wait_sibling = mlrt_prediction_wait (r->sibling, NULL, &error);
  g_strlcpy (r->wait_message, error.message, sizeof r->wait_message);
  count_call (p, &r->calls);
}

static void
test_callback_rules (void)
{
  Fixture f;
  Rules r = { .f = &f };

  calls_init (&r.calls);
  fixture_init (&f, MLRT_COMPUTE_CPU_ONLY, 1);
  mlrt_prediction_free (submit (f.model, f.inputs[0], NULL, break_rules, &r));
  calls_wait (&r.calls, 1);
  g_assert_cmpint (r.wait_self, ==, MLRT_OK);
  g_assert_cmpint (r.second, ==, MLRT_ERROR_BUSY);
  g_assert_nonnull (strstr (r.second_message, "all 1 places for "
                            "predictions in flight are taken, and a "
                            "completion callback must not wait for one"));
  g_assert_cmpint (r.wait_sibling, ==, MLRT_ERROR_BUSY);
  g_assert_nonnull (strstr (r.wait_message, "must not wait on another "
                            "prediction of its model"));
  finish (r.sibling, f.want[1], "submitted from a callback");
  fixture_clear (&f);
  calls_clear (&r.calls);
}

/* A callback that holds the model's only worker until released. */
typedef struct {
  GMutex lock;
  GCond cond;
  gboolean entered, released;
} Gate;

static void
hold (MlrtPrediction *p, void *data)
{
  Gate *g = data;

  g_mutex_lock (&g->lock);
  g->entered = TRUE;
  g_cond_broadcast (&g->cond);
  while (!g->released)
    g_cond_wait (&g->cond, &g->lock);
  g_mutex_unlock (&g->lock);
}

static void
test_cancel_queued (void)
{
  Fixture f;
  Gate g = { 0 };
  MlrtFeatures *out = (MlrtFeatures *) 1;
  MlrtError error = { 0 };

  g_mutex_init (&g.lock);
  g_cond_init (&g.cond);
  fixture_init (&f, MLRT_COMPUTE_CPU_AND_NPU, 1);
  MlrtPrediction *first = submit (f.model, f.inputs[0], NULL, hold, &g);
  g_mutex_lock (&g.lock);
  while (!g.entered)
    g_cond_wait (&g.cond, &g.lock);
  g_mutex_unlock (&g.lock);
  /* The only worker is held: this one waits in the queue. */
  MlrtPrediction *queued = submit (f.model, f.inputs[1], NULL, NULL, NULL);
  g_assert_false (mlrt_prediction_is_done (queued));
  mlrt_prediction_cancel (queued);
  g_mutex_lock (&g.lock);
  g.released = TRUE;
  g_cond_broadcast (&g.cond);
  g_mutex_unlock (&g.lock);
  g_assert_cmpint (mlrt_prediction_wait (queued, &out, &error), ==,
                   MLRT_ERROR_CANCELLED);
  g_assert_null (out);
  g_assert_cmpstr (error.message, ==, "units-async: cancelled before it "
                   "started");
  g_assert_cmpstr (mlrt_status_name (MLRT_ERROR_CANCELLED), ==, "cancelled");
  finish (first, f.want[0], "the held prediction");
  mlrt_prediction_free (queued);
  fixture_clear (&f);
  g_mutex_clear (&g.lock);
  g_cond_clear (&g.cond);
}

/* Cancelled as soon as submitted, on a plan of several compute requests:
 * each stops (between requests) or finishes, and a finished one is
 * right. */
static void
test_cancel_running (void)
{
  MlrtPrediction *p[4 * FRAMES];
  int cancelled = 0;
  Fixture f;

  fixture_init (&f, MLRT_COMPUTE_ALL, 4);
  for (int i = 0; i < 4 * FRAMES; i++)
    {
      p[i] = submit (f.model, f.inputs[i % FRAMES], NULL, NULL, NULL);
      if (i % 3 != 2)
        mlrt_prediction_cancel (p[i]);
    }
  for (int i = 0; i < 4 * FRAMES; i++)
    {
      MlrtFeatures *out = NULL;
      MlrtError error = { 0 };
      MlrtStatus st = mlrt_prediction_wait (p[i], &out, &error);

      if (i % 3 == 2)
        g_assert_cmpint (st, ==, MLRT_OK);
      if (st == MLRT_ERROR_CANCELLED)
        {
          g_assert_null (out);
          g_assert_true (g_str_has_prefix (error.message,
                                           "units-async: cancelled before "));
          cancelled++;
        }
      else
        {
          g_assert_cmpint (st, ==, MLRT_OK);
          api_assert_same (out, f.want[i % FRAMES], "not cancelled in time");
        }
      mlrt_features_free (out);
      mlrt_prediction_free (p[i]);
    }
  g_test_message ("%d of %d predictions cancelled in flight", cancelled,
                  4 * FRAMES);
  fixture_clear (&f);
}

/* Unloading with predictions in flight: when it returns, every one has
 * completed and called back; the handles are still the caller's. */
static void
test_unload_in_flight (void)
{
  MlrtPrediction *p[FRAMES];
  Fixture f;
  Calls calls;

  calls_init (&calls);
  fixture_init (&f, MLRT_COMPUTE_ALL, 4);
  for (int i = 0; i < FRAMES; i++)
    p[i] = submit (f.model, f.inputs[i], NULL, count_call, &calls);
  mlrt_model_unload (f.model);
  f.model = NULL;
  g_mutex_lock (&calls.lock);
  g_assert_cmpint (calls.calls, ==, FRAMES);
  g_mutex_unlock (&calls.lock);
  for (int i = 0; i < FRAMES; i++)
    {
      MlrtFeatures *out = NULL;
      MlrtStatus st;

      g_assert_true (mlrt_prediction_is_done (p[i]));
      st = mlrt_prediction_wait (p[i], &out, NULL);
      g_assert_true (st == MLRT_OK || st == MLRT_ERROR_CANCELLED);
      if (st == MLRT_OK)
        api_assert_same (out, f.want[i], "completed before the unload");
      mlrt_features_free (out);
      mlrt_prediction_free (p[i]);
    }
  fixture_clear (&f);
  calls_clear (&calls);
}

static void
test_errors (void)
{
  char *cache = g_build_filename (tmp, "cache", NULL);
  MlrtConfiguration config;
  MlrtModel *model = NULL;
  MlrtPrediction *p = (MlrtPrediction *) 1;
  MlrtFeatures *empty = mlrt_features_new ();
  MlrtFeatures *out = NULL;
  MlrtError error = { 0 };
  Fixture f;

  api_config (&config, MLRT_COMPUTE_CPU_ONLY, cache);
  config.max_in_flight = 65;
  g_assert_cmpint (mlrt_model_load (package, &config, &model, &error), ==,
                   MLRT_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error.message, "max_in_flight is 65, at most "
                            "64"));
  g_assert_null (model);

  fixture_init (&f, MLRT_COMPUTE_CPU_ONLY, 0);
  g_assert_cmpint (mlrt_model_predict_async (NULL, empty, NULL, NULL, NULL,
                                             &p, &error), ==,
                   MLRT_ERROR_INVALID_ARGUMENT);
  g_assert_null (p);
  g_assert_cmpint (mlrt_model_predict_async (f.model, empty, NULL, NULL,
                                             NULL, NULL, &error), ==,
                   MLRT_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error.message, "neither a callback nor a "
                            "handle"));
  /* Bad inputs are the prediction's error, delivered at completion. */
  p = submit (f.model, empty, NULL, NULL, NULL);
  g_assert_cmpint (mlrt_prediction_wait (p, &out, &error), ==,
                   MLRT_ERROR_INVALID_INPUT);
  g_assert_null (out);
  g_assert_cmpstr (error.message, ==, "units-async: input 'image' "
                   "(float32) is missing");
  mlrt_prediction_free (p);
  mlrt_prediction_free (NULL);
  mlrt_prediction_cancel (NULL);
  g_assert_false (mlrt_prediction_is_done (NULL));
  g_assert_cmpint (mlrt_prediction_wait (NULL, &out, &error), ==,
                   MLRT_ERROR_INVALID_ARGUMENT);
  fixture_clear (&f);
  mlrt_features_free (empty);
  g_free (cache);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-api-test");
  package = api_style_package (tmp, "units-async");
  g_test_add_func ("/api/async/equals-sync", test_equals_sync);
  g_test_add_func ("/api/async/bound", test_bound);
  g_test_add_func ("/api/async/fire-and-forget", test_fire_and_forget);
  g_test_add_func ("/api/async/callback-rules", test_callback_rules);
  g_test_add_func ("/api/async/cancel-queued", test_cancel_queued);
  g_test_add_func ("/api/async/cancel-running", test_cancel_running);
  g_test_add_func ("/api/async/unload-in-flight", test_unload_in_flight);
  g_test_add_func ("/api/async/errors", test_errors);
  rc = g_test_run ();
  g_free (package);
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return rc;
}
