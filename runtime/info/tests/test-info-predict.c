/*
 * test-info-predict.c: mlrt-info --predict against the API. The same
 * pixels (a PNG drawn here) and values (a .npy written here) go through
 * mlrt-info and through mlrt_model_predict on the CPU, and the outputs
 * must agree: an image output's PNG byte for byte, a classifier's top
 * labels and probabilities, an array's summary. Then bad inputs.
 */
#include <cairo.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mlrt/mlrt.h"
#include "test-info.h"

static MlrtModel *
load_cpu (const char *path)
{
  MlrtConfiguration config;
  MlrtModel *model = NULL;
  MlrtError error = { 0 };

  mlrt_configuration_init (&config);
  config.compute_units = MLRT_COMPUTE_CPU_ONLY;
  if (mlrt_model_load (path, &config, &model, &error) != MLRT_OK)
    g_error ("%s", error.message);
  return model;
}

/* A PNG of `width` x `height`: a gradient with a disc, gray or coloured. */
static char *
draw_png (const char *name, int width, int height, int gray)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width,
                                                   height);
  cairo_t *cr = cairo_create (s);
  cairo_pattern_t *p = cairo_pattern_create_linear (0, 0, width, height);

  cairo_pattern_add_color_stop_rgb (p, 0, 0.9, gray ? 0.9 : 0.2, 0.1);
  cairo_pattern_add_color_stop_rgb (p, 1, 0.1, gray ? 0.1 : 0.5, 0.9);
  cairo_set_source (cr, p);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_arc (cr, width / 2.0, height / 2.0, width / 4.0, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_pattern_destroy (p);
  cairo_destroy (cr);
  if (gray)
    {
      /* gray: R = G = B, so any luma the command takes is this value */
      uint8_t *d = cairo_image_surface_get_data (s);
      int stride = cairo_image_surface_get_stride (s);
      cairo_surface_flush (s);
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          {
            uint32_t *px = (uint32_t *) (void *) (d + (size_t) y * stride) + x;
            uint32_t v = (*px >> 8) & 0xff;
            *px = v << 16 | v << 8 | v;
          }
      cairo_surface_mark_dirty (s);
    }
  g_assert_cmpint (cairo_surface_write_to_png (s, path), ==,
                   CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
  return path;
}

/* The PNG's pixels as `type` (bgra8, gray8 or gray16_half), allocated. */
static void *
png_pixels (const char *path, MlrtFeatureType type)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (path);
  int w = cairo_image_surface_get_width (s);
  int h = cairo_image_surface_get_height (s);
  const uint8_t *d = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  uint8_t *out = g_malloc ((size_t) w * h * 4);

  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        uint32_t px = ((const uint32_t *) (const void *) (d + (size_t) y
                                                             * stride))[x];
        size_t i = (size_t) y * w + x;
        if (type == MLRT_TYPE_BGRA8)
          {
            out[4 * i] = px & 0xff;
            out[4 * i + 1] = (px >> 8) & 0xff;
            out[4 * i + 2] = (px >> 16) & 0xff;
            out[4 * i + 3] = 0xff;
          }
        else if (type == MLRT_TYPE_GRAY8)
          out[i] = px & 0xff;
        else
          ((uint16_t *) (void *) out)[i] = mlrt_float_to_half ((px & 0xff) / 255.0f);
      }
  cairo_surface_destroy (s);
  return out;
}

/* One prediction through the API of the model's one input. */
static MlrtFeatures *
api_predict (MlrtModel *model, MlrtFeatureType type, void *data)
{
  const MlrtFeatureDescription *in = &mlrt_model_description (model)
                                         ->inputs[0];
  MlrtValue v = { type, in->rank, { 0 }, data, NULL };
  MlrtFeatures *inputs = mlrt_features_new ();
  MlrtFeatures *outputs = NULL;
  MlrtError error = { 0 };

  memcpy (v.shape, in->shape, sizeof v.shape);
  if (mlrt_features_set (inputs, in->name, &v, &error) != MLRT_OK
      || mlrt_model_predict (model, inputs, NULL, &outputs, &error)
         != MLRT_OK)
    g_error ("%s", error.message);
  mlrt_features_free (inputs);
  return outputs;
}

/* An image model: mlrt-info's PNG holds the API's output. */
static void
check_image_model (const char *name, int gray, int max_diff)
{
  char *package = model_path (name);
  MlrtModel *model = load_cpu (package);
  const MlrtModelDescription *desc = mlrt_model_description (model);
  const MlrtFeatureDescription *in = &desc->inputs[0];
  const MlrtFeatureDescription *out = &desc->outputs[0];
  char *png = draw_png ("in.png", (int) in->shape[1], (int) in->shape[0],
                        gray);
  char *dir = g_build_filename (tmp_dir, name, NULL);
  const char *args[] = { package, "--predict", png, "-u", "cpu-only", "-o",
                         dir, NULL };
  void *pixels = png_pixels (png, in->type);
  MlrtFeatures *outputs = api_predict (model, in->type, pixels);
  char *file = g_strdup_printf ("%s/%s.png", dir, out->name);
  char *text;

  g_mkdir (dir, 0700);
  text = info_ok (args);
  g_assert_nonnull (strstr (text, file));
  {
    const MlrtValue *v = mlrt_features_get (outputs, out->name);
    uint8_t *got = png_pixels (file, MLRT_TYPE_BGRA8);
    size_t n = mlrt_value_element_count (v);
    int worst = 0;

    for (size_t i = 0; i < n; i++)
      for (int c = 0; c < (v->type == MLRT_TYPE_BGRA8 ? 3 : 1); c++)
        {
          int want = v->type == MLRT_TYPE_BGRA8
                     ? ((const uint8_t *) v->data)[4 * i + c]
                     : v->type == MLRT_TYPE_GRAY8
                     ? ((const uint8_t *) v->data)[i]
                     : (int) lrintf (fminf (fmaxf (mlrt_half_to_float (
                           ((const uint16_t *) v->data)[i]), 0), 1) * 255);
          int diff = abs (got[4 * i + c] - want);
          worst = diff > worst ? diff : worst;
        }
    if (worst > max_diff)
      g_error ("%s: mlrt-info's %s differs from the API's output by %d "
               "levels (at most %d expected)", name, file, worst, max_diff);
    g_free (got);
  }
  mlrt_features_free (outputs);
  mlrt_model_unload (model);
  g_free (text);
  g_free (file);
  g_free (pixels);
  g_free (dir);
  g_free (png);
  g_free (package);
}

static void
test_style (void)
{
  check_image_model ("style-candy.mlpackage", 0, 0);
}

static void
test_sharpen (void)
{
  check_image_model ("sharpen-gray8.mlpackage", 1, 0);
  /* float16 out, rounded to 8 bits by both sides the same way */
  check_image_model ("sharpen-fp16.mlpackage", 1, 0);
}

/* A classifier: the top labels in order, with the API's probabilities. */
static void
test_classifier (void)
{
  char *package = model_path ("detector.mlpackage");
  MlrtModel *model = load_cpu (package);
  const MlrtModelDescription *desc = mlrt_model_description (model);
  const MlrtFeatureDescription *in = &desc->inputs[0];
  char *png = draw_png ("detect.png", (int) in->shape[1],
                        (int) in->shape[0], 0);
  const char *args[] = { package, "-u", "cpu-only", "--format", "json",
                         "--top", "3", "--predict", png, NULL };
  void *pixels = png_pixels (png, in->type);
  MlrtFeatures *outputs = api_predict (model, in->type, pixels);
  const float *p = mlrt_features_get (outputs, "probabilities")->data;
  json_object *got = info_json (args);
  json_object *top = get (feature (got, "outputs", 0), "top");

  g_assert_cmpstr (get_str (got, "schema"), ==, "mlrt-info-predict");
  g_assert_cmpstr (get_str (got, "compute_units"), ==, "cpu-only");
  g_assert_cmpint (json_object_array_length (top), ==, 3);
  for (size_t i = 0; i < 3; i++)
    {
      json_object *t = json_object_array_get_idx (top, i);
      size_t index = (size_t) get_int (t, "index");
      double prob = json_object_get_double (get (t, "probability"));
      g_assert_cmpuint (index, <, desc->n_class_labels);
      g_assert_cmpstr (get_str (t, "label"), ==, desc->class_labels[index]);
      g_assert_cmpfloat (prob, ==, p[index]);
      for (size_t k = 0; k < desc->n_class_labels; k++)
        if (i == 0)
          g_assert_cmpfloat (p[k], <=, prob);
    }
  json_object_put (got);
  mlrt_features_free (outputs);
  mlrt_model_unload (model);
  g_free (pixels);
  g_free (png);
  g_free (package);
}

static char *
write_npy (const char *name, const float *values, size_t n)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  char header[118];
  FILE *f = fopen (path, "wb");
  uint16_t len = sizeof header;

  g_assert_nonnull (f);
  memset (header, ' ', sizeof header);
  memcpy (header, "{'descr': '<f4', 'fortran_order': False, "
          "'shape': (1, 3, 48, 192), }", 68);
  header[sizeof header - 1] = '\n';
  fwrite ("\x93NUMPY\x01\x00", 1, 8, f);
  fwrite (&len, 2, 1, f);
  fwrite (header, 1, sizeof header, f);
  fwrite (values, sizeof (float), n, f);
  fclose (f);
  return path;
}

/* An array model from .npy and raw files: the summary is the API's. */
static void
test_arrays (void)
{
  char *onnx = paddle_cls (), *package, *npy, *raw;
  size_t n = 3 * 48 * 192;
  float *x;
  MlrtModel *model;
  const float *want;
  MlrtFeatures *outputs;

  if (onnx == NULL)
    return;
  package = convert_cls (onnx);
  x = g_new (float, n);
  for (size_t i = 0; i < n; i++)
    x[i] = (float) sin ((double) i * 0.37) * 0.8f;
  npy = write_npy ("x.npy", x, n);
  raw = g_build_filename (tmp_dir, "x.raw", NULL);
  g_assert_true (g_file_set_contents (raw, (const char *) x,
                                      (gssize) (n * sizeof *x), NULL));
  model = load_cpu (package);
  outputs = api_predict (model, MLRT_TYPE_FLOAT32, x);
  want = mlrt_features_get (outputs, mlrt_model_description (model)
                                         ->outputs[0].name)->data;
  for (int i = 0; i < 3; i++)
    {
      const char *file = i == 2 ? raw : npy;
      const char *args[] = { i == 0 ? onnx : package, "--input",
                             "x:1,3,48,192", "-u", "cpu-only", "-f", "json",
                             "-p", file, NULL };
      json_object *got = info_json (args);
      json_object *s = get (feature (got, "outputs", 0), "summary");
      json_object *first = get (s, "first");

      g_assert_cmpint (json_object_array_length (first), ==, 2);
      for (int k = 0; k < 2; k++)
        g_assert_cmpfloat_with_epsilon (json_object_get_double (
            json_object_array_get_idx (first, k)), want[k], 1e-6);
      g_assert_cmpint (get_int (s, "argmax"), ==, want[1] > want[0]);
      json_object_put (got);
    }
  mlrt_features_free (outputs);
  mlrt_model_unload (model);
  g_free (x);
  g_free (raw);
  g_free (npy);
  g_free (package);
  g_free (onnx);
}

static void
expect_failure (const char *const *args, int status, const char *needle)
{
  char *out, *err;
  int got = run ("MLRT_INFO", args, &out, &err);

  if (got != status || strstr (err, needle) == NULL)
    g_error ("mlrt-info %s %s: expected exit %d and \"%s\", got %d: %s",
             args[0], args[1] ? args[1] : "", status, needle, got, err);
  g_free (out);
  g_free (err);
}

static void
test_bad_input (void)
{
  char *style = model_path ("style-candy.mlpackage");
  char *missing = g_build_filename (tmp_dir, "missing.mlpackage", NULL);
  char *text = g_build_filename (tmp_dir, "notes.txt", NULL);
  char *png = draw_png ("small.png", 8, 8, 0);
  char *onnx;

  g_assert_true (g_file_set_contents (text, "not a model\n", -1, NULL));
  expect_failure ((const char *[]) { missing, NULL }, 1, missing);
  expect_failure ((const char *[]) { text, NULL }, 1, "not a model package");
  expect_failure ((const char *[]) { style, "-f", "xml", NULL }, 2,
                  "--format is text or json");
  expect_failure ((const char *[]) { NULL }, 2, "no model given");
  expect_failure ((const char *[]) { style, style, NULL }, 2,
                  "one model at a time");
  expect_failure ((const char *[]) { style, "--predict", NULL }, 2,
                  "--predict needs input files");
  expect_failure ((const char *[]) { style, "-p", png, png, NULL }, 1,
                  "the model takes 1 input, 2 files given");
  expect_failure ((const char *[]) { style, "-p", text, NULL }, 1,
                  "neither a .npy file nor the 65536 raw bytes");
  expect_failure ((const char *[]) { style, "-p", "image=nowhere.png", NULL },
                  1, "nowhere.png: cannot read as PNG");
  expect_failure ((const char *[]) { style, "-k", "0", "-p", png, NULL }, 2,
                  "--top takes a whole number");
  onnx = paddle_cls ();
  if (onnx)
    {
      char *package = convert_cls (onnx);
      expect_failure ((const char *[]) { package, "-p", png, NULL }, 1,
                      "input 'x' is a float32 multi-array, not an image");
      expect_failure ((const char *[]) { onnx, NULL }, 1,
                      "give the input's shape with --input");
      g_free (package);
    }
  g_free (onnx);
  g_free (png);
  g_free (text);
  g_free (missing);
  g_free (style);
}

void
info_predict_tests_add (void)
{
  g_test_add_func ("/info/predict/style-png", test_style);
  g_test_add_func ("/info/predict/sharpen-png", test_sharpen);
  g_test_add_func ("/info/predict/classifier-png", test_classifier);
  g_test_add_func ("/info/predict/arrays-npy-raw", test_arrays);
  g_test_add_func ("/info/predict/bad-input", test_bad_input);
}
