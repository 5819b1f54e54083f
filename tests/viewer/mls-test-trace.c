/*
 * mls-test-trace.c: test and demo trace databases (see mls-test-trace.h).
 */
#include "mls-test-trace.h"

#define MS G_GINT64_CONSTANT (1000000)
#define US G_GINT64_CONSTANT (1000)
#define TEST_ERROR (g_quark_from_static_string ("mls-test-trace"))

typedef struct {
  MlsStore *store;
  GRand *rand;
  gint64 models[3];
  MlsError err;
  gboolean failed;
} Demo;

gint64
mls_test_add_span (MlsStore *store, int kind_id, gint64 model_id,
                   gint64 parent_id, int depth, gint64 start_ns,
                   gint64 end_ns, gboolean complete)
{
  MlsSpan span = { 0 };
  MlsError err = { 0 };
  gint64 id;

  span.kind_id = kind_id;
  span.model_id = model_id;
  span.parent_id = parent_id;
  span.depth = depth;
  span.pid = 4242;
  span.tid = 4242 + (kind_id >= 30 ? 1 : 0);
  span.start_ns = start_ns;
  span.end_ns = end_ns;
  span.complete = complete;
  if (kind_id == 21 || kind_id == 30)
    span.unit = "gpu";
  else if (kind_id == 22 || kind_id == 31)
    span.unit = "npu";
  else if (kind_id == 20)
    span.unit = "cpu";
  if (kind_id == 11 || kind_id == 12)
    span.args_json = "{\"src\":\"bgra8\",\"dst\":\"float32\","
                     "\"bytes\":1228800}";
  id = mls_store_add_span (store, &span, &err);
  if (id < 0)
    g_error ("adding a span: %s", err.message);
  return id;
}

static gint64
jitter (Demo *d, gint64 ns)
{
  return ns + g_rand_int_range (d->rand, 0, (gint32) (ns / 4 + 1));
}

/* One prediction and everything it does; returns its end. */
static gint64
prediction (Demo *d, gint64 model, gint64 t, gboolean on_npu,
            gboolean complete)
{
  gint64 start = t, pred, compute;
  int request = on_npu ? MLS_KIND_NPU_COMPUTE : MLS_KIND_GPU_COMPUTE;
  int busy = on_npu ? MLS_KIND_NPU_BUSY : MLS_KIND_GPU_BUSY;
  gint64 len_validation = jitter (d, 60 * US);
  gint64 len_in = jitter (d, on_npu ? 300 * US : 900 * US);
  gint64 len_copy = jitter (d, 250 * US);
  gint64 len_compute = jitter (d, on_npu ? 3 * MS : 5 * MS);
  gint64 len_out = jitter (d, 700 * US);
  gint64 end = start + len_validation + len_in + 2 * len_copy + len_compute
               + len_out + 40 * US;

  pred = mls_test_add_span (d->store, MLS_KIND_PREDICTION, model, 0, 0,
                            start, complete ? end : end + 30 * MS, complete);
  if (!complete)
    return end;
  t += 10 * US;
  mls_test_add_span (d->store, MLS_KIND_INPUT_VALIDATION, model, pred, 1, t,
                     t + len_validation, TRUE);
  t += len_validation;
  mls_test_add_span (d->store, MLS_KIND_INPUT_CONVERSION, model, pred, 1, t,
                     t + len_in, TRUE);
  t += len_in;
  mls_test_add_span (d->store, MLS_KIND_COPY_TO_UNIT, model, pred, 1, t,
                     t + len_copy, TRUE);
  t += len_copy;
  compute = mls_test_add_span (d->store, request, model, pred, 1, t,
                               t + len_compute, TRUE);
  mls_test_add_span (d->store, busy, model, compute, 2, t + 80 * US,
                     t + len_compute - 60 * US, TRUE);
  t += len_compute;
  mls_test_add_span (d->store, MLS_KIND_COPY_FROM_UNIT, model, pred, 1, t,
                     t + len_copy, TRUE);
  t += len_copy;
  mls_test_add_span (d->store, MLS_KIND_OUTPUT_CONVERSION, model, pred, 1, t,
                     t + len_out, TRUE);
  return end;
}

static gint64
load_model (Demo *d, gint64 model, gint64 t, gint64 compile_ns,
            gint64 load_ns)
{
  gint64 load = mls_test_add_span (d->store, MLS_KIND_MODEL_LOAD, model, 0,
                                   0, t, t + compile_ns + load_ns, TRUE);

  mls_test_add_span (d->store, MLS_KIND_MODEL_COMPILE, model, load, 1,
                     t + 200 * US, t + 200 * US + compile_ns, TRUE);
  return t + compile_ns + load_ns;
}

gboolean
mls_test_trace_write_demo (const char *path, gint64 n_frames,
                           gboolean damaged, GError **error)
{
  static const char *const names[] = {
    "style-candy", "style-mosaic", "detector-ssd"
  };
  Demo d = { 0 };
  gint64 t = 1000 * MS, period = 16 * MS;

  d.store = mls_store_create (path, &d.err);
  if (!d.store)
    {
      g_set_error (error, TEST_ERROR, 1, "%s", d.err.message);
      return FALSE;
    }
  d.rand = g_rand_new_with_seed (42);
  for (int i = 0; i < 3; i++)
    d.models[i] = mls_store_intern_model (d.store, names[i], &d.err);

  t = load_model (&d, d.models[0], t, 18 * MS, 9 * MS) + 2 * MS;
  t = load_model (&d, d.models[1], t, 16 * MS, 8 * MS) + 2 * MS;
  load_model (&d, d.models[2], t - 20 * MS, 9 * MS, 5 * MS);
  for (gint64 f = 0; f < n_frames; f++)
    {
      gint64 frame = t + f * period;
      gboolean last = f == n_frames - 1;

      prediction (&d, d.models[f % 2], frame, FALSE, TRUE);
      prediction (&d, d.models[2], frame + 9500 * US, TRUE,
                  !(damaged && last));
      if (damaged && f == n_frames / 2)
        mls_store_add_lost_events (d.store, frame + 12 * MS, frame + 14 * MS,
                                   37, 0, "channel0_1", &d.err);
    }
  t += n_frames * period;
  mls_test_add_span (d.store, MLS_KIND_MODEL_UNLOAD, d.models[0], 0, 0, t,
                     t + 2 * MS, TRUE);
  g_rand_free (d.rand);
  if (mls_store_finish (d.store, &d.err) < 0)
    {
      g_set_error (error, TEST_ERROR, 1, "%s", d.err.message);
      mls_store_close (d.store);
      return FALSE;
    }
  mls_store_close (d.store);
  return TRUE;
}

#define KNOWN_T0 G_GINT64_CONSTANT (1000000000)

void
mls_test_trace_write_known (const char *path)
{
  MlsError err = { 0 };
  MlsStore *store = mls_store_create (path, &err);
  gint64 a, b, pred, compute;

  g_assert_nonnull (store);
  a = mls_store_intern_model (store, "model-a", &err);
  b = mls_store_intern_model (store, "model-b", &err);
  mls_test_add_span (store, MLS_KIND_MODEL_LOAD, a, 0, 0, KNOWN_T0, KNOWN_T0 + 5 * MS,
                     TRUE);
  pred = mls_test_add_span (store, MLS_KIND_PREDICTION, a, 0, 0, KNOWN_T0 + 10 * MS,
                            KNOWN_T0 + 20 * MS, TRUE);
  mls_test_add_span (store, MLS_KIND_INPUT_CONVERSION, a, pred, 1,
                     KNOWN_T0 + 11 * MS, KNOWN_T0 + 13 * MS, TRUE);
  compute = mls_test_add_span (store, MLS_KIND_GPU_COMPUTE, a, pred, 1,
                               KNOWN_T0 + 13 * MS, KNOWN_T0 + 19 * MS, TRUE);
  mls_test_add_span (store, MLS_KIND_GPU_BUSY, a, compute, 2, KNOWN_T0 + 14 * MS,
                     KNOWN_T0 + 18 * MS, TRUE);
  mls_test_add_span (store, MLS_KIND_PREDICTION, b, 0, 0, KNOWN_T0 + 50 * MS,
                     KNOWN_T0 + 60 * MS, TRUE);
  mls_test_add_span (store, MLS_KIND_PREDICTION, b, 0, 0, KNOWN_T0 + 75 * MS,
                     KNOWN_T0 + 95 * MS, FALSE);
  mls_test_add_span (store, MLS_KIND_MODEL_UNLOAD, a, 0, 0, KNOWN_T0 + 98 * MS,
                     KNOWN_T0 + 100 * MS, TRUE);
  g_assert_cmpint (mls_store_add_lost_events (store, KNOWN_T0 + 70 * MS,
                                              KNOWN_T0 + 71 * MS, 12, 0, "ch0",
                                              &err), ==, 0);
  g_assert_cmpint (mls_store_finish (store, &err), ==, 0);
  mls_store_close (store);
}
