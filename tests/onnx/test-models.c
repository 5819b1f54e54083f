/*
 * test-models.c: PaddleOCR's classifier and detector converted with the
 * importer and run by mlrt on every unit (each unit given every layer it
 * can run), against ONNX Runtime on the same real inputs: text drawn by
 * cairo, in each model's own preprocessing. Per model, unit and input it
 * prints the largest absolute difference from ONNX Runtime and the cosine
 * similarity of the two outputs, and holds them to the tolerances below;
 * then it checks the models still do their job on mlrt: the classifier
 * tells upright text from text turned upside down, the detector finds the
 * drawn lines (as many, each box within a few pixels of cairo's), the
 * recogniser (attention layers: matmul, transpose, reductions, softmax)
 * reads the drawn text as ONNX Runtime does. And
 * mlrt-report reports on a converted model: per layer where it ran (every
 * convolution of the detector on the NPU, those with a fused output
 * affine too) and, for its transposed convolutions, why the NPU did not.
 *
 * Tolerances, from the units' arithmetic: the CPU and the GPU compute in
 * float32 like ONNX Runtime, in other orders of summation; the NPU stores
 * every activation as float16 (11 significant bits), through some 90
 * layers.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "det-boxes.h"
#include "mlrt-run.h"
#include "onnx-test.h"
#include "text-image.h"

typedef struct {
  double max_abs;               /* largest |mlrt - ort| */
  double cosine;                /* smallest cosine similarity */
} Tolerance;

/* [cpu, gpu, npu]: the classifier's probabilities, the detector's map */
static const Tolerance cls_tol[3] = { { 1e-4, 0.99999 }, { 1e-4, 0.99999 },
                                      { 2e-2, 0.999 } };
static const Tolerance det_tol[3] = { { 1e-3, 0.99999 }, { 1e-3, 0.99999 },
                                      { 0.15, 0.995 } };
/* the recogniser's per-step character probabilities */
static const Tolerance rec_tol[3] = { { 1e-3, 0.99999 }, { 1e-3, 0.99999 },
                                      { 0.1, 0.999 } };

static void
check_close (const char *model, const RunSetting *s, const char *input,
             const MlrtOnnxTensor *got, const MlrtOnnxTensor *want,
             const Tolerance *tol)
{
  double max_abs, cosine;

  mlrt_run_compare (got, want, &max_abs, &cosine);
  g_print ("# %-4s %-4s %-34s max |mlrt - ort| %.3g  cosine %.7f\n", model,
           s->name, input, max_abs, cosine);
  if (max_abs > tol[s->unit].max_abs || cosine < tol[s->unit].cosine)
    g_error ("%s on the %s, %s: max abs %.3g (at most %.3g), cosine %.7f "
             "(at least %.7f)", model, s->name, input, max_abs,
             tol[s->unit].max_abs, cosine, tol[s->unit].cosine);
}

/* Loads the package for the setting, printing how many layers its unit
 * took (it must take some). */
static MlrtModel *
load (const char *package, const RunSetting *s)
{
  MlrtError error = { 0 };
  MlrtModel *model = mlrt_run_load (package, s->units, onnx_test_tmpdir (),
                                    &error);
  const MlrtLayerPlan *plan;
  size_t n, on = 0;

  if (model == NULL)
    g_error ("%s", error.message);
  n = mlrt_model_plan (model, &plan);
  for (size_t i = 0; i < n; i++)
    on += plan[i].unit == s->unit;
  g_print ("# %s: %zu of %zu layers on the %s\n", package, on, n, s->name);
  g_assert_cmpuint (on, >, 0);
  return model;
}

static char *
convert (const char *model, const char *name, const char *input_shape)
{
  MlrtOnnxInputShape shape;
  MlrtOnnxConvertOptions options;
  MlrtError error = { 0 };
  char *path;

  g_assert_cmpint (mlrt_onnx_parse_input_shape (input_shape, &shape,
                                                &error), ==, MLRT_OK);
  mlrt_onnx_convert_options_init (&options);
  options.shapes = &shape;
  options.n_shapes = 1;
  path = mlrt_run_convert (model, onnx_test_tmpdir (), name, &options,
                           &error, NULL);
  if (path == NULL)
    g_error ("converting %s: %s", model, error.message);
  mlrt_onnx_input_shape_clear (&shape);
  return path;
}

static MlrtOnnxTensor *
ort_one (const char *model, MlrtOnnxTensor *input)
{
  const char *names[] = { "x" };
  GError *error = NULL;
  GPtrArray *out = ort_run (model, names, &input, 1, &error);
  OrtOutput *o;
  MlrtOnnxTensor *t;

  g_assert_no_error (error);
  o = out->pdata[0];
  t = o->tensor;
  o->tensor = NULL;
  ort_outputs_free (out);
  return t;
}

/* A text sample in the line models' preprocessing, w pixels wide. */
static MlrtOnnxTensor *
sample_input (const TextSample *c, double angle, int w)
{
  TextImage *image = text_image_sample (c, angle);
  MlrtOnnxTensor *input = text_image_line_input (image, 48, w);

  text_image_free (image);
  return input;
}

/* Inputs the classifier is unsure of (p away from 0 and 1), where its
 * outputs are no saturated softmax: a grey field and noise. */
static MlrtOnnxTensor *
unsure_input (int which)
{
  int64_t dims[4] = { 1, 3, 48, 192 };
  MlrtOnnxTensor *t = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, 4, dims, NULL);
  GRand *rng = g_rand_new_with_seed (7);

  for (size_t i = 0; which && i < t->count; i++)
    ((float *) t->data)[i] = (float) g_rand_double_range (rng, -1, 1);
  g_rand_free (rng);
  return t;
}

#define N_CLS (2 * N_TEXT_SAMPLES + 2)

static void
test_cls (void)
{
  g_autofree char *onnx = onnx_test_paddle_model (PADDLE_CLS);
  g_autofree char *package = NULL;
  MlrtOnnxTensor *inputs[N_CLS], *ort[N_CLS];

  if (onnx == NULL || !onnx_test_have_ort ())
    return;
  package = convert (onnx, "cls", "x:1,3,48,192");
  for (size_t i = 0; i < N_CLS; i++)
    {
      inputs[i] = i < 2 * N_TEXT_SAMPLES
                  ? sample_input (&text_samples[i / 2], i % 2 ? 180 : 0, 192)
                  : unsure_input ((int) (i - 2 * N_TEXT_SAMPLES));
      ort[i] = ort_one (onnx, inputs[i]);
    }
  for (size_t u = 0; u < G_N_ELEMENTS (run_settings); u++)
    {
      const RunSetting *s = &run_settings[u];
      MlrtModel *model;

      if (!run_setting_available (s))
        continue;
      model = load (package, s);
      for (size_t i = 0; i < N_CLS; i++)
        {
          MlrtOnnxTensor *got = mlrt_run_one (model, "x", inputs[i]);
          int text = i < 2 * N_TEXT_SAMPLES;
          g_autofree char *what = text
            ? g_strdup_printf ("'%s' %s", text_samples[i / 2].text,
                               i % 2 ? "upside down" : "upright")
            : g_strdup (i == N_CLS - 2 ? "grey field" : "noise");
          double p = mlrt_onnx_tensor_get_double (got, 0);

          g_assert_cmpint (got->rank, ==, 2);
          check_close ("cls", s, what, got, ort[i], cls_tol);
          g_print ("#           p(upright) mlrt %.4f, ort %.4f\n", p,
                   mlrt_onnx_tensor_get_double (ort[i], 0));
          /* the classifier's job, on mlrt */
          if (text && i % 2)
            g_assert_cmpfloat (p, <, 0.1);
          else if (text)
            g_assert_cmpfloat (p, >, 0.9);
          mlrt_onnx_tensor_free (got);
        }
      mlrt_model_unload (model);
    }
  for (size_t i = 0; i < N_CLS; i++)
    {
      mlrt_onnx_tensor_free (inputs[i]);
      mlrt_onnx_tensor_free (ort[i]);
    }
}

/* ---- the detector's boxes ---- */

/* Every drawn line matches one detected box within `tol` pixels on each
 * side, and no box is left over. */
static void
check_boxes (const char *unit, const float *map, const TextImage *image,
             double tol)
{
  DetMatch *match = det_boxes_match (map, image);

  g_print ("# det  %-4s %zu text regions for %zu lines drawn\n", unit,
           match->n_regions, image->n_boxes);
  g_assert_cmpuint (match->n_regions, ==, image->n_boxes);
  for (size_t i = 0; i < image->n_boxes; i++)
    {
      const TextBox *t = &image->boxes[i];
      const double *bx = match->found[i];

      g_print ("#           line %zu drawn at [%.0f, %.0f, %.0f, %.0f], "
               "found [%.0f, %.0f, %.0f, %.0f]: %.1f px off\n", i, t->x0,
               t->y0, t->x1, t->y1, bx[0], bx[1], bx[2], bx[3],
               match->off[i]);
      g_assert_cmpfloat (match->off[i], <=, tol);
    }
  det_match_free (match);
}

static void
test_det (void)
{
  g_autofree char *onnx = onnx_test_paddle_model (PADDLE_DET);
  g_autofree char *package = NULL;
  const TextLine lines[] = {
    { "Receipt 2024-05-17", "DejaVu Sans", 40, 320, 110, 0, TRUE },
    { "Total due: 42.50 EUR", "DejaVu Serif", 34, 320, 300, 0, FALSE },
    { "thank you for shopping", "DejaVu Sans Mono", 26, 320, 500, 0, FALSE },
  };
  TextImage *image;
  MlrtOnnxTensor *input, *ort;

  if (onnx == NULL || !onnx_test_have_ort ())
    return;
  package = convert (onnx, "det", "x:1,3,640,640");
  image = text_image_render (640, 640, lines, G_N_ELEMENTS (lines));
  input = text_image_det_input (image);
  ort = ort_one (onnx, input);
  check_boxes ("ort", ort->data, image, 8);
  for (size_t u = 0; u < G_N_ELEMENTS (run_settings); u++)
    {
      const RunSetting *s = &run_settings[u];
      MlrtModel *model;
      MlrtOnnxTensor *got;

      if (!run_setting_available (s))
        continue;
      model = load (package, s);
      got = mlrt_run_one (model, "x", input);
      g_assert_cmpint (got->rank, ==, 4);
      check_close ("det", s, "three lines, 640x640", got, ort, det_tol);
      check_boxes (s->name, got->data, image, 8);
      mlrt_onnx_tensor_free (got);
      mlrt_model_unload (model);
    }
  mlrt_onnx_tensor_free (ort);
  mlrt_onnx_tensor_free (input);
  text_image_free (image);
}

/* PaddleOCR's CTC decoding: the likeliest class per step, repeats merged,
 * blanks (class 0) dropped; class i is line i of the key file, the last
 * one a space. */
static char *
ctc_decode (const MlrtOnnxTensor *probs, char **keys, size_t n_keys)
{
  GString *text = g_string_new (NULL);
  int64_t steps = probs->dims[1], classes = probs->dims[2];
  int64_t last = 0;

  g_assert_cmpint (classes, ==, (int64_t) n_keys + 2);
  for (int64_t t = 0; t < steps; t++)
    {
      const float *p = (const float *) probs->data + t * classes;
      int64_t best = 0;

      for (int64_t c = 1; c < classes; c++)
        if (p[c] > p[best])
          best = c;
      if (best != 0 && best != last)
        g_string_append (text, best == classes - 1 ? " " : keys[best - 1]);
      last = best;
    }
  return g_string_free (text, FALSE);
}

static void
test_rec (void)
{
  g_autofree char *onnx = onnx_test_paddle_model (PADDLE_REC);
  g_autofree char *keys_path = NULL, *keys_text = NULL, *package = NULL;
  g_autofree char *dir = NULL;
  g_auto (GStrv) keys = NULL;
  MlrtOnnxTensor *inputs[N_TEXT_SAMPLES], *ort[N_TEXT_SAMPLES];
  char *ort_text[N_TEXT_SAMPLES];
  size_t n_keys;

  if (onnx == NULL || !onnx_test_have_ort ())
    return;
  dir = g_path_get_dirname (onnx);
  keys_path = g_build_filename (dir, "ppocr_keys_v1.txt", NULL);
  g_assert_true (g_file_get_contents (keys_path, &keys_text, NULL, NULL));
  keys = g_strsplit (keys_text, "\n", -1);
  n_keys = g_strv_length (keys);
  if (n_keys > 0 && keys[n_keys - 1][0] == '\0')
    n_keys--;
  package = convert (onnx, "rec", "x:1,3,48,320");
  for (size_t i = 0; i < N_TEXT_SAMPLES; i++)
    {
      inputs[i] = sample_input (&text_samples[i], 0, 320);
      ort[i] = ort_one (onnx, inputs[i]);
      ort_text[i] = ctc_decode (ort[i], keys, n_keys);
      g_print ("# rec  ort  '%s' read as '%s'\n", text_samples[i].text,
               ort_text[i]);
    }
  for (size_t u = 0; u < G_N_ELEMENTS (run_settings); u++)
    {
      const RunSetting *s = &run_settings[u];
      MlrtModel *model;

      if (!run_setting_available (s))
        continue;
      model = load (package, s);
      for (size_t i = 0; i < N_TEXT_SAMPLES; i++)
        {
          MlrtOnnxTensor *got = mlrt_run_one (model, "x", inputs[i]);
          g_autofree char *text = ctc_decode (got, keys, n_keys);
          g_autofree char *what = g_strdup_printf ("'%s'",
                                                   text_samples[i].text);

          check_close ("rec", s, what, got, ort[i], rec_tol);
          g_print ("#           read as '%s'\n", text);
          /* the recogniser's job, on mlrt: what ONNX Runtime reads */
          g_assert_cmpstr (text, ==, ort_text[i]);
          mlrt_onnx_tensor_free (got);
        }
      mlrt_model_unload (model);
    }
  for (size_t i = 0; i < N_TEXT_SAMPLES; i++)
    {
      mlrt_onnx_tensor_free (inputs[i]);
      mlrt_onnx_tensor_free (ort[i]);
      g_free (ort_text[i]);
    }
}

static json_object *
member (json_object *o, const char *key)
{
  json_object *v = NULL;

  g_assert_true (json_object_object_get_ex (o, key, &v));
  return v;
}

static void
test_report (void)
{
  g_autofree char *onnx = onnx_test_paddle_model (PADDLE_DET);
  g_autofree char *package = NULL, *out = NULL, *err = NULL;
  g_autofree char *json_path = NULL;
  const char *report = g_getenv ("MLRT_REPORT");
  json_object *root, *layers;
  GError *error = NULL;
  int status, refused = 0, convs = 0;

  if (onnx == NULL)
    return;
  if (report == NULL || !*report)
    {
      g_test_skip ("mlrt-report is not built");
      return;
    }
  package = convert (onnx, "det-report", "x:1,3,320,320");
  json_path = g_build_filename (onnx_test_tmpdir (), "det-report.json", NULL);
  {
    const char *argv[] = { report, package, "-u", "all", "-n", "1", "-w", "0",
                           "-f", "json", "-o", json_path, NULL };
    /* priority placement: every unit gets what it can run, fast */
    g_auto (GStrv) env = g_environ_setenv (g_get_environ (), "MLRT_PLACEMENT",
                                           "priority", TRUE);

    g_assert_true (g_spawn_sync (NULL, (char **) argv, env, 0, NULL, NULL,
                                 &out, &err, &status, &error));
  }
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  root = json_object_from_file (json_path);
  g_assert_nonnull (root);
  g_assert_cmpint (json_object_get_int (member (member (root, "model"),
                                                "layer_count")), >, 100);
  g_assert_nonnull (member (member (root, "timings"), "load_uncached"));
  g_assert_nonnull (member (member (root, "timings"), "load_cached"));
  layers = member (root, "layers");
  for (size_t i = 0; i < json_object_array_length (layers); i++)
    {
      json_object *l = json_object_array_get_idx (layers, i);
      json_object *npu = member (member (l, "units"), "npu");
      const char *op = json_object_get_string (member (l, "op"));
      const char *reason = json_object_get_string (member (npu, "reason"));

      /* every convolution, the backbone's with a fused output affine
       * too, runs on the NPU: the first unit of priority placement */
      if (strcmp (op, "conv2d") == 0)
        {
          g_assert_cmpstr (json_object_get_string (member (l, "unit")), ==,
                           "npu");
          convs++;
        }
      if (strcmp (op, "conv_transpose2d") != 0)
        continue;
      g_print ("# report: layer %s (%s) on the %s; npu: %s\n",
               json_object_get_string (member (l, "name")), op,
               json_object_get_string (member (l, "unit")), reason);
      g_assert_cmpstr (json_object_get_string (member (l, "unit")), !=,
                       "npu");
      g_assert_nonnull (strstr (reason, "transposed-convolution"));
      refused++;
    }
  g_assert_cmpint (refused, ==, 2);
  g_print ("# report: %d conv2d layers on the npu\n", convs);
  g_assert_cmpint (convs, >, 50);
  json_object_put (root);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/onnx/models/cls", test_cls);
  g_test_add_func ("/onnx/models/det", test_det);
  g_test_add_func ("/onnx/models/rec", test_rec);
  g_test_add_func ("/onnx/models/report", test_report);
  return g_test_run ();
}
