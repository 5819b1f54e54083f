/*
 * test-trace.c: the runtime's tracepoints, recorded for real. The test
 * starts its own LTTng session (unique name, destroyed at the end), loads
 * and runs models in this process, then reads the trace back with
 * babeltrace2 and checks the spans: a float16 model fed Gray16Half data has
 * no input / output conversion (only the CPU's unit-boundary widening), an
 * 8-bit model fed Float16 frames has both, a second load hits the compile
 * cache, and every span is closed and parented as documented.
 */
#include <glib/gstdio.h>

#include "common.h"
#include "pkg-writer.h"
#include "trace-capture.h"

static char *tmp;

static char *
write_conv_model (const char *name, const char *io_type, const char *precision)
{
  TestWeights w;
  const float k[9] = { 0, -1, 0, -1, 5, -1, 0, -1, 0 };
  char *e, *json, *path;

  test_weights_init (&w);
  e = test_weights_f16 (&w, "[1, 1, 3, 3]", k, 9);
  json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"%s\","
    " \"metadata\": {\"compute_precision\": \"%s\"},"
    " \"inputs\": [{\"name\": \"image\", \"type\": \"%s\", \"shape\": [8, 8]}],"
    " \"outputs\": [{\"name\": \"sharp\", \"type\": \"%s\", \"shape\": [8, 8]}],"
    " \"layers\": ["
    "  {\"name\": \"conv\", \"op\": \"conv2d\", \"inputs\": [\"image\"], \"outputs\": [\"c\"],"
    "   \"params\": {\"out_channels\": 1, \"kernel\": [3, 3], \"padding\": [1, 1]},"
    "   \"weights\": {\"weight\": %s}},"
    "  {\"name\": \"pool\", \"op\": \"max_pool\", \"inputs\": [\"c\"], \"outputs\": [\"p\"],"
    "   \"params\": {\"kernel\": [3, 3], \"stride\": [1, 1], \"padding\": [1, 1]}},"
    "  {\"name\": \"relu\", \"op\": \"relu\", \"inputs\": [\"p\"], \"outputs\": [\"sharp\"]}]}",
    name, precision, io_type, io_type, e);
  path = test_write_package (tmp, name, json, &w);
  g_free (e); g_free (json);
  test_weights_clear (&w);
  return path;
}

static void
predict_half_frames (MlrtModel *model, MlrtFeatureType type)
{
  uint16_t frame[64];
  const int64_t shape[] = { 8, 8 };
  MlrtFeatures *in, *out = NULL;

  for (int i = 0; i < 64; i++)
    frame[i] = mlrt_float_to_half ((float) (i % 9) / 9.0f);
  in = test_one_input ("image", type, 2, shape, frame);
  g_assert_cmpint (mlrt_model_predict (model, in, NULL, &out, NULL), ==,
                   MLRT_OK);
  mlrt_features_free (out);
  mlrt_features_free (in);
}

/* Runs the traced workload: each model loaded twice (miss, then hit). */
static void
workload (void)
{
  char *p16 = write_conv_model ("sharpen16", "gray16_half", "float16");
  char *p8 = write_conv_model ("sharpen8", "gray8", "float32");
  char *cache = g_build_filename (tmp, "cache", NULL);

  for (int round = 0; round < 2; round++)
    {
      MlrtModel *m16 = test_load (p16, cache);
      MlrtModel *m8 = test_load (p8, cache);
      predict_half_frames (m16, MLRT_TYPE_GRAY16_HALF);
      predict_half_frames (m8, MLRT_TYPE_FLOAT16);
      mlrt_model_unload (m16);
      mlrt_model_unload (m8);
    }
  g_free (p16);
  g_free (p8);
  g_free (cache);
}

static const TraceEvent *
find_span (GPtrArray *events, const char *name, guint64 span)
{
  return trace_find (events, name, "span_id", span);
}

static void
check_events (GPtrArray *events)
{
  int conv16 = 0, copies16 = 0, conv8_in = 0, conv8_out = 0, layers = 0;
  int hits = 0, misses = 0, compiles = 0;

  g_assert_cmpuint (events->len, >, 0);
  for (guint i = 0; i < events->len; i++)
    {
      const TraceEvent *e = events->pdata[i];
      gboolean is16 = trace_is (e, "model_name", "sharpen16");

      if (g_str_has_suffix (e->name, "_begin"))
        {
          /* Every begin has its end. */
          char *end = g_strdup_printf ("%.*s_end",
                                       (int) strlen (e->name) - 6, e->name);
          if (!find_span (events, end, trace_u64 (e, "span_id")))
            g_error ("no %s for %s", end, e->line);
          g_free (end);
        }
      if (strcmp (e->name, "data_begin") == 0)
        {
          gboolean conversion = trace_is (e, "op", "input_conversion")
                                || trace_is (e, "op", "output_conversion");
          const TraceEvent *parent = find_span (events, "activity_begin",
                                                trace_u64 (e, "parent_id"));
          g_assert_nonnull (parent);
          g_assert_true (trace_is (parent, "activity", "predict"));
          if (is16)
            {
              conv16 += conversion;
              if (trace_is (e, "op", "copy_to_unit"))
                {
                  g_assert_true (trace_is (e, "src_type", "float16"));
                  g_assert_true (trace_is (e, "dst_type", "float32"));
                  g_assert_true (trace_is (e, "unit", "cpu"));
                  copies16++;
                }
            }
          else if (trace_is (e, "op", "input_conversion"))
            {
              g_assert_true (trace_is (e, "src_type", "float16"));
              g_assert_true (trace_is (e, "dst_type", "gray8"));
              g_assert_true (trace_is (e, "feature", "image"));
              g_assert_cmpuint (trace_u64 (e, "bytes"), ==, 128);
              conv8_in++;
            }
          else if (trace_is (e, "op", "output_conversion"))
            {
              g_assert_true (trace_is (e, "src_type", "float32"));
              g_assert_true (trace_is (e, "dst_type", "gray8"));
              conv8_out++;
            }
        }
      if (strcmp (e->name, "compute_begin") == 0)
        {
          const TraceEvent *parent = find_span (events, "activity_begin",
                                                trace_u64 (e, "parent_id"));
          g_assert_nonnull (parent);
          g_assert_true (trace_is (e, "unit", "cpu"));
          g_assert_true (trace_is (e, "first_layer_name", "conv"));
        }
      if (strcmp (e->name, "layer_begin") == 0)
        {
          g_assert_nonnull (find_span (events, "compute_begin",
                                       trace_u64 (e, "parent_id")));
          layers++;
        }
      if (strcmp (e->name, "activity_begin") == 0
          && trace_is (e, "activity", "compile"))
        {
          const TraceEvent *parent = find_span (events, "activity_begin",
                                                trace_u64 (e, "parent_id"));
          g_assert_nonnull (parent);
          g_assert_true (trace_is (parent, "activity", "load"));
          compiles++;
        }
      if (strcmp (e->name, "activity_end") == 0)
        {
          const TraceEvent *b = find_span (events, "activity_begin",
                                           trace_u64 (e, "span_id"));
          if (b && trace_is (b, "activity", "load"))
            {
              hits += trace_is (e, "cache", "hit");
              misses += trace_is (e, "cache", "miss");
            }
        }
    }
  g_assert_cmpint (conv16, ==, 0);
  g_assert_cmpint (copies16, ==, 2);
  g_assert_cmpint (conv8_in, ==, 2);
  g_assert_cmpint (conv8_out, ==, 2);
  /* conv, pool, relu: nothing fuses (a pool takes no activation), so 3
   * layers per prediction, 4 predictions. */
  g_assert_cmpint (layers, ==, 4 * 3);
  g_assert_cmpint (compiles, ==, 4);
  g_assert_cmpint (misses, ==, 2);
  g_assert_cmpint (hits, ==, 2);
}

static void
test_spans (void)
{
  char *dir = g_build_filename (tmp, "trace", NULL);
  TraceCapture *capture;
  GPtrArray *events;

  if (!trace_capture_available ())
    {
      g_free (dir);
      return;
    }
  capture = trace_capture_start ("mlrt-core-test", dir);
  workload ();
  events = trace_capture_stop (capture);
  check_events (events);
  g_ptr_array_unref (events);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  g_test_add_func ("/core/trace/spans", test_spans);
  rc = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return rc;
}
