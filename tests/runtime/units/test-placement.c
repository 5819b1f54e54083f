/*
 * test-placement.c: the GPU and NPU units inside the runtime. A style
 * network (style-model.c) is loaded under every compute-unit setting:
 * the plans respect the allowed units (cpu-and-npu never uses the GPU),
 * a layer the NPU refuses says why and splits the network over more than
 * one unit under `all`, and every setting's outputs match cpu-only within the
 * precision of the units involved. Shared MlrtBuffers (input and output
 * backing) give the same results as plain memory, predictions from two
 * threads at once agree, and without an OpenCL driver the GPU is reported
 * unavailable and its layers run on the CPU.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "mlrt/mlrt.h"
#include "pkg-writer.h"
#include "style-model.h"
#include "units-test.h"

#define N_PIXELS (3 * STYLE_SIZE * STYLE_SIZE)
/* fp32 everywhere but in different summation orders. */
#define GPU_RTOL 1e-4
/* Float16 models store halves between segments and at the output: the
 * same fp32 result may round to neighbouring halves (2^-11 apart). */
#define HALF_RTOL 2e-3
/* fp16 activations through ten layers, renormalised by instance norms:
 * measured at about 6e-4 on these networks (one fp16 ulp, 4.9e-4). */
#define NPU_RTOL 5e-3

static char *tmp;
static float image[N_PIXELS];

static const MlrtComputeUnits settings[] = {
  MLRT_COMPUTE_CPU_ONLY, MLRT_COMPUTE_CPU_AND_GPU, MLRT_COMPUTE_CPU_AND_NPU,
  MLRT_COMPUTE_ALL,
};

/* The cost models' plan, known in advance, so that every unit gets work;
 * measured placement has its own tests (test-measure.c). */
static MlrtModel *
load (const char *path, MlrtComputeUnits units)
{
  return units_load (path, units, MLRT_PLACEMENT_PRIORITY, tmp);
}

/* Predicts on `image` (from `in_buffer` when given, into `out_buffer` when
 * given) and copies the output into `out`. */
static void
predict (MlrtModel *model, MlrtBuffer *in_buffer, MlrtBuffer *out_buffer,
         float *out)
{
  MlrtValue v = { MLRT_TYPE_FLOAT32, 3, { 3, STYLE_SIZE, STYLE_SIZE },
                  image, NULL };
  MlrtFeatures *in = mlrt_features_new (), *outputs = NULL, *backings = NULL;
  MlrtPredictOptions options = { NULL };
  MlrtError error = { 0 };
  const MlrtValue *y;

  if (in_buffer)
    {
      memcpy (mlrt_buffer_data (in_buffer), image, sizeof image);
      v.data = mlrt_buffer_data (in_buffer);
      v.buffer = in_buffer;
    }
  g_assert_cmpint (mlrt_features_set (in, "image", &v, NULL), ==, MLRT_OK);
  if (out_buffer)
    {
      MlrtValue b = v;
      b.data = mlrt_buffer_data (out_buffer);
      b.buffer = out_buffer;
      backings = mlrt_features_new ();
      g_assert_cmpint (mlrt_features_set (backings, "stylized", &b, NULL), ==,
                       MLRT_OK);
      options.output_backings = backings;
    }
  if (mlrt_model_predict (model, in, &options, &outputs, &error) != MLRT_OK)
    g_error ("predict: %s", error.message);
  y = mlrt_features_get (outputs, "stylized");
  g_assert_nonnull (y);
  g_assert_cmpuint (mlrt_value_element_count (y), ==, N_PIXELS);
  if (out_buffer)
    g_assert_true (y->data == mlrt_buffer_data (out_buffer));
  memcpy (out, y->data, sizeof (float) * N_PIXELS);
  mlrt_features_free (outputs);
  mlrt_features_free (backings);
  mlrt_features_free (in);
}

/* Counts layers per unit; checks segments group consecutive layers. */
static void
plan_units (MlrtModel *model, int count[MLRT_N_UNITS])
{
  const MlrtLayerPlan *plan;
  size_t n = mlrt_model_plan (model, &plan);

  memset (count, 0, sizeof (int) * MLRT_N_UNITS);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpint (plan[0].segment, ==, 0);
  for (size_t i = 0; i < n; i++)
    {
      count[plan[i].unit]++;
      g_assert_true (plan[i].supported[plan[i].unit]);
      if (i > 0)
        g_assert_cmpint (plan[i].segment, ==,
                         plan[i - 1].segment
                         + (plan[i].unit != plan[i - 1].unit));
    }
}

static const char *
plan_string (MlrtModel *model)
{
  static char s[512];
  const MlrtLayerPlan *plan;
  size_t n = mlrt_model_plan (model, &plan), o = 0;

  for (size_t i = 0; i < n && o < sizeof s - 32; i++)
    o += g_snprintf (s + o, sizeof s - o, "%s%s:%s", i ? " " : "",
                     plan[i].name, mlrt_unit_name (plan[i].unit));
  return s;
}

static void
check_settings (const char *path, const char *label, int expect_npu_refusal,
                int half)
{
  float ref[N_PIXELS], got[N_PIXELS];

  for (size_t k = 0; k < G_N_ELEMENTS (settings); k++)
    {
      MlrtComputeUnits units = settings[k];
      MlrtModel *model = load (path, units);
      int count[MLRT_N_UNITS];
      char *what;

      plan_units (model, count);
      g_test_message ("%s %s: %s", label, mlrt_compute_units_name (units),
                      plan_string (model));
      switch (units)
        {
        case MLRT_COMPUTE_CPU_ONLY:
          g_assert_cmpint (count[MLRT_UNIT_GPU] + count[MLRT_UNIT_NPU], ==, 0);
          break;
        case MLRT_COMPUTE_CPU_AND_GPU:
          g_assert_cmpint (count[MLRT_UNIT_NPU], ==, 0);
          if (units_have_gpu ())
            g_assert_cmpint (count[MLRT_UNIT_GPU], >, 0);
          else
            units_assert_unit_absent (model, MLRT_UNIT_GPU);
          break;
        case MLRT_COMPUTE_CPU_AND_NPU:
          g_assert_cmpint (count[MLRT_UNIT_GPU], ==, 0);
          g_assert_cmpint (count[MLRT_UNIT_NPU], >, 0);
          break;
        case MLRT_COMPUTE_ALL:
          /* a layer the NPU refuses splits the network across units */
          if (expect_npu_refusal)
            g_assert_cmpint ((count[0] > 0) + (count[1] > 0)
                             + (count[2] > 0), >, 1);
          break;
        default:
          break;
        }
      predict (model, NULL, NULL, units == MLRT_COMPUTE_CPU_ONLY ? ref : got);
      what = g_strdup_printf ("%s %s vs cpu-only", label,
                              mlrt_compute_units_name (units));
      if (units != MLRT_COMPUTE_CPU_ONLY)
        units_check (what, got, ref, N_PIXELS,
                     count[MLRT_UNIT_NPU] ? NPU_RTOL
                     : half ? HALF_RTOL : GPU_RTOL);
      g_free (what);
      if (expect_npu_refusal)
        {
          const MlrtLayerPlan *plan;
          size_t n = mlrt_model_plan (model, &plan);
          int refused = 0;
          for (size_t i = 0; i < n; i++)
            if (strcmp (plan[i].op, "conv_transpose2d") == 0)
              {
                g_assert_false (plan[i].supported[MLRT_UNIT_NPU]);
                g_assert_nonnull (strstr (plan[i].unsupported_reason[MLRT_UNIT_NPU],
                                          "conv_transpose2d"));
                g_assert_cmpint (plan[i].unit, !=, MLRT_UNIT_NPU);
                refused++;
              }
          g_assert_cmpint (refused, ==, 1);
        }
      mlrt_model_unload (model);
    }
}

static void
test_style_transpose_decoder (void)
{
  char *path = style_model_write (tmp, "units-style-t", "float32",
                                  STYLE_DECODER_TRANSPOSE, 11);
  check_settings (path, "style-t", 1, 0);
  g_free (path);
}

static void
test_style_upsample_decoder (void)
{
  char *path = style_model_write (tmp, "units-style-u", "float32",
                                  STYLE_DECODER_UPSAMPLE, 12);
  check_settings (path, "style-u", 0, 0);
  g_free (path);
}

static void
test_style_float16 (void)
{
  char *path = style_model_write (tmp, "units-style-h", "float16",
                                  STYLE_DECODER_TRANSPOSE, 13);
  check_settings (path, "style-h", 1, 1);
  g_free (path);
}

/* Inputs and outputs in MlrtBuffers: the units work on them in place and
 * the results are those of plain memory. */
static void
test_shared_buffers (void)
{
  char *path = style_model_write (tmp, "units-style-s", "float32",
                                  STYLE_DECODER_UPSAMPLE, 14);
  float plain[N_PIXELS], shared[N_PIXELS];

  for (size_t k = 1; k < G_N_ELEMENTS (settings); k++)
    {
      MlrtModel *model = load (path, settings[k]);
      MlrtBuffer *in = mlrt_buffer_new (sizeof image, NULL);
      MlrtBuffer *out = mlrt_buffer_new (sizeof image, NULL);

      g_assert_nonnull (in);
      g_assert_cmpuint ((guintptr) mlrt_buffer_data (in) % 4096, ==, 0);
      predict (model, NULL, NULL, plain);
      predict (model, in, out, shared);
      units_check ("shared buffers vs plain memory", shared, plain, N_PIXELS,
                   0);
      mlrt_buffer_unref (in);
      mlrt_buffer_unref (out);
      mlrt_model_unload (model);
    }
  g_free (path);
}

typedef struct {
  MlrtModel *model;
  float out[N_PIXELS];
} Job;

static void *
predict_thread (void *data)
{
  Job *job = data;

  for (int i = 0; i < 3; i++)
    predict (job->model, NULL, NULL, job->out);
  return NULL;
}

/* One model under `all`, used from two threads at once. */
static void
test_concurrent_predictions (void)
{
  char *path = style_model_write (tmp, "units-style-c", "float32",
                                  STYLE_DECODER_TRANSPOSE, 15);
  MlrtModel *model = load (path, MLRT_COMPUTE_ALL);
  float ref[N_PIXELS];
  Job jobs[2] = { { model }, { model } };
  pthread_t threads[2];

  predict (model, NULL, NULL, ref);
  for (int i = 0; i < 2; i++)
    pthread_create (&threads[i], NULL, predict_thread, &jobs[i]);
  for (int i = 0; i < 2; i++)
    {
      pthread_join (threads[i], NULL);
      units_check ("concurrent predictions", jobs[i].out, ref, N_PIXELS, 0);
    }
  mlrt_model_unload (model);
  g_free (path);
}

static int
npu_refuses_a_layer (MlrtModel *model)
{
  const MlrtLayerPlan *plan;
  size_t n = mlrt_model_plan (model, &plan);

  for (size_t i = 0; i < n; i++)
    if (!plan[i].supported[MLRT_UNIT_NPU])
      return 1;
  return 0;
}

/* The example apps' style models, when they have been generated: those
 * with a layer the NPU refuses (the transposed-convolution decoders) run
 * on more than one unit under `all`. */
static void
test_example_style_models (void)
{
  const char *root = g_getenv ("MLSCOPE_BUILD_ROOT");
  const char *names[] = { "style-candy", "style-mosaic" };
  int found = 0;

  for (size_t i = 0; root && i < G_N_ELEMENTS (names); i++)
    {
      char *dir = g_strdup_printf ("%s.mlpackage", names[i]);
      char *path = g_build_filename (root, "runtime", "tools", dir, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          MlrtModel *model = load (path, MLRT_COMPUTE_ALL);
          int count[MLRT_N_UNITS];

          plan_units (model, count);
          g_test_message ("%s all: %s", names[i], plan_string (model));
          if (npu_refuses_a_layer (model))
            g_assert_cmpint ((count[0] > 0) + (count[1] > 0)
                             + (count[2] > 0), >, 1);
          mlrt_model_unload (model);
          found++;
        }
      g_free (dir);
      g_free (path);
    }
  if (!found)
    g_test_skip ("the example style models are not generated in this build");
}

/* Without an OpenCL platform the GPU is unavailable, and says so in the
 * plan; cpu-and-gpu then runs on the CPU. Run in a child process whose
 * ICD loader looks for drivers in an empty directory. */
static void
test_no_gpu (void)
{
  if (g_test_subprocess ())
    {
      char *path = style_model_write (tmp, "units-style-n", "float32",
                                      STYLE_DECODER_UPSAMPLE, 16);
      MlrtModel *model = load (path, MLRT_COMPUTE_CPU_AND_GPU);
      const MlrtLayerPlan *plan;
      size_t n = mlrt_model_plan (model, &plan);
      float out[N_PIXELS];

      g_assert_false (mlrt_unit_available (MLRT_UNIT_GPU));
      g_assert_true (mlrt_unit_available (MLRT_UNIT_NPU));
      for (size_t i = 0; i < n; i++)
        {
          g_assert_cmpint (plan[i].unit, ==, MLRT_UNIT_CPU);
          g_assert_false (plan[i].supported[MLRT_UNIT_GPU]);
          g_assert_nonnull (plan[i].unsupported_reason[MLRT_UNIT_GPU]);
        }
      predict (model, NULL, NULL, out);
      mlrt_model_unload (model);
      g_free (path);
      return;
    }
  g_setenv ("OCL_ICD_VENDORS", tmp, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("OCL_ICD_VENDORS");
  g_test_trap_assert_passed ();
}

static void
test_figures (void)
{
  units_print_figures ();
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  for (size_t i = 0; i < N_PIXELS; i++)
    image[i] = (float) ((i * 7919) % 256) / 255.0f;
  g_test_add_func ("/placement/style-transpose-decoder",
                   test_style_transpose_decoder);
  g_test_add_func ("/placement/style-upsample-decoder",
                   test_style_upsample_decoder);
  g_test_add_func ("/placement/style-float16", test_style_float16);
  g_test_add_func ("/placement/shared-buffers", test_shared_buffers);
  g_test_add_func ("/placement/concurrent-predictions",
                   test_concurrent_predictions);
  g_test_add_func ("/placement/example-style-models",
                   test_example_style_models);
  g_test_add_func ("/placement/no-gpu", test_no_gpu);
  g_test_add_func ("/placement/figures", test_figures);
  status = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return status;
}
