/*
 * test-spans.c: what the GPU and NPU units put in a real trace. The test
 * records its own process with LTTng (a session of its own, filtered on
 * its pid, destroyed at the end), runs the style network under `all` and
 * under cpu-and-gpu with and without shared MlrtBuffers, reads the trace
 * back with babeltrace2 and checks: one compute request per segment, on
 * the planned unit, in order; Float32 data headed for the NPU converted to
 * Float16 in a copy_to_unit span (and back in copy_from_unit); device_busy
 * events for the GPU and the NPU, each inside its compute request on the
 * trace clock (which checks the GPU's clock conversion); the NPU's layer
 * spans, one per layer inside its request; and no copy spans at all for
 * inputs and outputs in MlrtBuffers, float32 on the GPU and float16 on
 * the NPU (whose plain float16 data is copied but never converted).
 */
#include <glib/gstdio.h>
#include <string.h>

#include "mlrt/mlrt.h"
#include "pkg-writer.h"
#include "style-model.h"
#include "trace-capture.h"
#include "units-test.h"

#define N_PIXELS (3 * STYLE_SIZE * STYLE_SIZE)

static char *tmp;

/* The predict spans of model `name`, in order. */
static GArray *
predictions (GPtrArray *events, const char *name)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint i = 0; i < events->len; i++)
    {
      const TraceEvent *e = events->pdata[i];
      if (strcmp (e->name, "activity_begin") == 0
          && trace_is (e, "activity", "predict")
          && trace_is (e, "model_name", name))
        {
          guint64 id = trace_u64 (e, "span_id");
          g_array_append_val (ids, id);
        }
    }
  return ids;
}

static int
count_data (GPtrArray *events, guint64 predict, const char *op,
            const char *unit, const char *src, const char *dst)
{
  int n = 0;

  for (guint i = 0; i < events->len; i++)
    {
      const TraceEvent *e = events->pdata[i];
      if (strcmp (e->name, "data_begin") == 0
          && trace_u64 (e, "parent_id") == predict && trace_is (e, "op", op)
          && (!unit || trace_is (e, "unit", unit))
          && (!src || trace_is (e, "src_type", src))
          && (!dst || trace_is (e, "dst_type", dst)))
        n++;
    }
  return n;
}

/* The NPU's layer spans, emitted by its device thread: one per layer of
 * the request, each closed, inside the request. */
static void
check_npu_layers (GPtrArray *events, const TraceEvent *b,
                  const TraceEvent *end)
{
  guint64 span = trace_u64 (b, "span_id");
  guint64 n = trace_u64 (b, "last_layer") - trace_u64 (b, "first_layer") + 1;
  guint64 seen = 0;

  for (guint i = 0; i < events->len; i++)
    {
      const TraceEvent *l = events->pdata[i], *le;
      if (strcmp (l->name, "layer_begin") != 0
          || trace_u64 (l, "parent_id") != span)
        continue;
      g_assert_true (trace_is (l, "unit", "npu"));
      le = trace_find (events, "layer_end", "span_id",
                       trace_u64 (l, "span_id"));
      g_assert_nonnull (le);
      g_assert_cmpuint (l->ts, >=, b->ts);
      g_assert_cmpuint (le->ts, <=, end->ts);
      seen++;
    }
  g_assert_cmpuint (seen, ==, n);
}

/* Checks the compute requests of one prediction against the planned
 * segment units; each device request has device_busy events inside it. */
static void
check_compute (GPtrArray *events, guint64 predict, const char *units)
{
  GString *seen = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    {
      const TraceEvent *b = events->pdata[i], *end;
      char *unit;
      guint64 span;
      int busy = 0;

      if (strcmp (b->name, "compute_begin") != 0
          || trace_u64 (b, "parent_id") != predict)
        continue;
      span = trace_u64 (b, "span_id");
      unit = trace_field (b, "unit");
      g_string_append_printf (seen, "%s%s", seen->len ? " " : "", unit);
      end = trace_find (events, "compute_end", "span_id", span);
      g_assert_nonnull (end);
      for (guint j = 0; j < events->len; j++)
        {
          const TraceEvent *d = events->pdata[j];
          if (strcmp (d->name, "device_busy") != 0
              || trace_u64 (d, "parent_id") != span)
            continue;
          g_assert_true (trace_is (d, "unit", unit));
          g_assert_cmpuint (trace_u64 (d, "start_ns"), <=,
                            trace_u64 (d, "end_ns"));
          g_assert_cmpuint (trace_u64 (d, "start_ns"), >=, b->ts);
          g_assert_cmpuint (trace_u64 (d, "end_ns"), <=, end->ts);
          busy++;
        }
      if (strcmp (unit, "cpu") == 0)
        g_assert_cmpint (busy, ==, 0);
      else
        g_assert_cmpint (busy, >, 0);
      if (strcmp (unit, "npu") == 0)
        check_npu_layers (events, b, end);
      g_free (unit);
    }
  g_assert_cmpstr (seen->str, ==, units);
  g_string_free (seen, TRUE);
}

/* The cost models' plan, known in advance, so that every unit gets work;
 * measured placement has its own tests (test-measure.c). */
static MlrtModel *
load (const char *path, MlrtComputeUnits units)
{
  return units_load (path, units, MLRT_PLACEMENT_PRIORITY, tmp);
}

/* The units of the model's segments, space separated. */
static char *
segment_units (MlrtModel *model)
{
  const MlrtLayerPlan *plan;
  size_t n = mlrt_model_plan (model, &plan);
  GString *s = g_string_new (NULL);

  for (size_t i = 0; i < n; i++)
    if (i == 0 || plan[i].segment != plan[i - 1].segment)
      g_string_append_printf (s, "%s%s", i ? " " : "",
                              mlrt_unit_name (plan[i].unit));
  return g_string_free (s, FALSE);
}

static void
predict (MlrtModel *model, MlrtBuffer *in_buf, MlrtBuffer *out_buf)
{
  static float image[N_PIXELS];
  MlrtValue v = { MLRT_TYPE_FLOAT32, 3, { 3, STYLE_SIZE, STYLE_SIZE },
                  image, NULL };
  MlrtFeatures *in = mlrt_features_new (), *out = NULL, *backings = NULL;
  MlrtPredictOptions options = { NULL };
  MlrtError error = { 0 };

  for (int i = 0; i < N_PIXELS; i++)
    image[i] = (float) (i % 97) / 97.0f;
  if (in_buf)
    {
      memcpy (mlrt_buffer_data (in_buf), image, sizeof image);
      v.data = mlrt_buffer_data (in_buf);
      v.buffer = in_buf;
    }
  mlrt_features_set (in, "image", &v, NULL);
  if (out_buf)
    {
      MlrtValue b = v;
      b.data = mlrt_buffer_data (out_buf);
      b.buffer = out_buf;
      backings = mlrt_features_new ();
      mlrt_features_set (backings, "stylized", &b, NULL);
      options.output_backings = backings;
    }
  if (mlrt_model_predict (model, in, &options, &out, &error) != MLRT_OK)
    g_error ("%s", error.message);
  mlrt_features_free (out);
  mlrt_features_free (backings);
  mlrt_features_free (in);
}

/* A Float16 prediction from an MlrtBuffer into an MlrtBuffer backing, or
 * from and into plain memory. */
static void
predict_half (MlrtModel *model, gboolean shared)
{
  MlrtBuffer *in_buf = mlrt_buffer_new (N_PIXELS * 2, NULL);
  MlrtBuffer *out_buf = mlrt_buffer_new (N_PIXELS * 2, NULL);
  uint16_t *in_plain = g_new (uint16_t, N_PIXELS);
  uint16_t *x = shared ? mlrt_buffer_data (in_buf) : in_plain;
  MlrtValue v = { MLRT_TYPE_FLOAT16, 3, { 3, STYLE_SIZE, STYLE_SIZE }, x,
                  shared ? in_buf : NULL };
  MlrtValue b = v;
  MlrtFeatures *in = mlrt_features_new (), *out = NULL;
  MlrtFeatures *backings = mlrt_features_new ();
  MlrtPredictOptions options = { shared ? backings : NULL };
  MlrtError error = { 0 };

  for (int i = 0; i < N_PIXELS; i++)
    x[i] = mlrt_float_to_half ((float) (i % 89) / 89.0f);
  mlrt_features_set (in, "image", &v, NULL);
  b.data = mlrt_buffer_data (out_buf);
  b.buffer = out_buf;
  mlrt_features_set (backings, "stylized", &b, NULL);
  if (mlrt_model_predict (model, in, &options, &out, &error) != MLRT_OK)
    g_error ("%s", error.message);
  mlrt_features_free (out);
  mlrt_features_free (backings);
  mlrt_features_free (in);
  mlrt_buffer_unref (in_buf);
  mlrt_buffer_unref (out_buf);
  g_free (in_plain);
}

static void
test_unit_spans (void)
{
  char *dir, *all_units, *gpu_units;
  char *pt = style_model_write (tmp, "spans-all", "float32",
                                STYLE_DECODER_TRANSPOSE, 21);
  char *pg = style_model_write (tmp, "spans-gpu", "float32",
                                STYLE_DECODER_UPSAMPLE, 22);
  char *ph = style_model_write_io (tmp, "spans-npu16", "float16", "float16",
                                   STYLE_DECODER_UPSAMPLE, 23);
  MlrtModel *mall = load (pt, MLRT_COMPUTE_ALL);
  MlrtModel *mgpu = load (pg, MLRT_COMPUTE_CPU_AND_GPU);
  MlrtModel *mnpu = load (ph, MLRT_COMPUTE_CPU_AND_NPU);
  MlrtBuffer *in_buf = mlrt_buffer_new (N_PIXELS * sizeof (float), NULL);
  MlrtBuffer *out_buf = mlrt_buffer_new (N_PIXELS * sizeof (float), NULL);
  TraceCapture *capture;
  GPtrArray *events;
  GArray *ids;
  gboolean have_gpu = units_have_gpu ();
  int gpu_copies;

  if (!trace_capture_available ())
    return;
  all_units = segment_units (mall);
  gpu_units = segment_units (mgpu);
  g_test_message ("all: %s; cpu-and-gpu: %s", all_units, gpu_units);
  g_assert_nonnull (strstr (all_units, "npu"));
  if (have_gpu)
    {
      g_assert_nonnull (strstr (all_units, "gpu"));
      g_assert_cmpstr (gpu_units, ==, "gpu");
    }
  else
    {
      units_assert_unit_absent (mgpu, MLRT_UNIT_GPU);
      g_assert_cmpstr (gpu_units, ==, "cpu");
    }

  dir = g_build_filename (tmp, "trace", NULL);
  capture = trace_capture_start ("mlrt-units-test", dir);

  predict (mall, NULL, NULL);
  predict (mgpu, NULL, NULL);
  predict (mgpu, in_buf, out_buf);
  predict_half (mnpu, FALSE);
  predict_half (mnpu, TRUE);

  events = trace_capture_stop (capture);
  g_assert_cmpuint (events->len, >, 0);

  /* all: NPU, GPU and back, with fp32 -> fp16 conversions at the NPU */
  ids = predictions (events, "spans-all");
  g_assert_cmpuint (ids->len, ==, 1);
  check_compute (events, g_array_index (ids, guint64, 0), all_units);
  g_assert_cmpint (count_data (events, g_array_index (ids, guint64, 0),
                               "copy_to_unit", "npu", "float32", "float16"),
                   >, 0);
  g_assert_cmpint (count_data (events, g_array_index (ids, guint64, 0),
                               "copy_from_unit", "npu", "float16", "float32"),
                   >, 0);
  gpu_copies = count_data (events, g_array_index (ids, guint64, 0),
                           "copy_to_unit", "gpu", "float32", "float32");
  if (have_gpu)
    g_assert_cmpint (gpu_copies, >, 0);
  else
    g_assert_cmpint (gpu_copies, ==, 0);
  g_array_free (ids, TRUE);

  /* cpu-and-gpu: plain memory is copied both ways, MlrtBuffers are not
   * (and without a GPU unit, the CPU copies nothing) */
  ids = predictions (events, "spans-gpu");
  g_assert_cmpuint (ids->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      guint64 p = g_array_index (ids, guint64, i);
      int in = count_data (events, p, "copy_to_unit", NULL, NULL, NULL);
      int out = count_data (events, p, "copy_from_unit", NULL, NULL, NULL);

      check_compute (events, p, have_gpu ? "gpu" : "cpu");
      g_assert_cmpint (in, ==, have_gpu && i == 0 ? 1 : 0);
      g_assert_cmpint (out, ==, have_gpu && i == 0 ? 1 : 0);
    }
  g_array_free (ids, TRUE);

  /* a Float16 model on the NPU: plain halves are copied in and out as
   * they are (no conversion), halves in MlrtBuffers not even copied */
  ids = predictions (events, "spans-npu16");
  g_assert_cmpuint (ids->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      guint64 p = g_array_index (ids, guint64, i);

      check_compute (events, p, "npu");
      g_assert_cmpint (count_data (events, p, "input_conversion", NULL, NULL,
                                   NULL), ==, 0);
      g_assert_cmpint (count_data (events, p, "output_conversion", NULL, NULL,
                                   NULL), ==, 0);
      g_assert_cmpint (count_data (events, p, "copy_to_unit", "npu",
                                   "float16", "float16"), ==, i == 0);
      g_assert_cmpint (count_data (events, p, "copy_from_unit", "npu",
                                   "float16", "float16"), ==, i == 0);
      g_assert_cmpint (count_data (events, p, "copy_to_unit", NULL, NULL,
                                   NULL), ==, i == 0);
    }
  g_array_free (ids, TRUE);

  g_ptr_array_unref (events);
  mlrt_buffer_unref (in_buf);
  mlrt_buffer_unref (out_buf);
  mlrt_model_unload (mall);
  mlrt_model_unload (mgpu);
  mlrt_model_unload (mnpu);
  g_free (ph);
  g_free (all_units);
  g_free (gpu_units);
  g_free (dir);
  g_free (pt);
  g_free (pg);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  g_test_add_func ("/spans/units", test_unit_spans);
  status = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return status;
}
