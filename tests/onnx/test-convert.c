/*
 * test-convert.c: the importer and mlrt-convert on models the test
 * writes: the rewrites (batch norm and constant scales folded into the
 * convolution, hard-swish fused, MatMul's bias joined) leave fewer layers
 * and the same numbers as ONNX Runtime; metadata is carried over; image
 * inputs are normalised as asked; float16 compute stores float16 weights.
 * And the command's side: options, --version, and bad input (a truncated
 * file, a file that is not protobuf, unsupported ops, a cycle, an unknown
 * --input name), each a clear error naming the file and the node, a
 * non-zero exit status and no package, not even a partial one.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "convert-options.h"
#include "mlrt-run.h"
#include "onnx-build.h"
#include "onnx-test.h"
#include "text-image.h"

static MlrtOnnxTensor *
tensor (int rank, const int64_t *dims, float lo, float hi, guint32 seed)
{
  MlrtOnnxTensor *t = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, rank, dims,
                                            NULL);
  GRand *rng = g_rand_new_with_seed (seed);

  for (size_t i = 0; i < t->count; i++)
    ((float *) t->data)[i] = (float) g_rand_double_range (rng, lo, hi);
  g_rand_free (rng);
  return t;
}

static void
add_const (OnnxBuild *b, const char *name, int rank, const int64_t *dims,
           float lo, float hi, guint32 seed)
{
  MlrtOnnxTensor *t = tensor (rank, dims, lo, hi, seed);

  onnx_build_initializer (b, name, t);
  mlrt_onnx_tensor_free (t);
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (onnx_test_tmpdir (), name, NULL);
}

/* A small network with every pattern the rewrites look for: Conv, BN,
 * Mul by a scalar, Add per channel, the four-node hard-swish, a second
 * Conv + Relu, global pooling, MatMul + Add (bias), Softmax. */
static char *
write_patterns_model (void)
{
  OnnxBuild *b = onnx_build_new (13);
  OnnxBuildNode *n;
  g_autofree char *path = tmp_path ("patterns.onnx");
  GError *error = NULL;

  onnx_build_input (b, "x", MLRT_ONNX_FLOAT, 4, (int64_t[]) { 1, 3, 8, 8 });
  onnx_build_output (b, "y", MLRT_ONNX_FLOAT, 2, (int64_t[]) { 1, 5 });
  add_const (b, "w1", 4, (int64_t[]) { 4, 3, 3, 3 }, -0.5, 0.5, 1);
  add_const (b, "b1", 1, (int64_t[]) { 4 }, -0.2, 0.2, 2);
  add_const (b, "gamma", 1, (int64_t[]) { 4 }, 0.5, 1.5, 3);
  add_const (b, "beta", 1, (int64_t[]) { 4 }, -0.5, 0.5, 4);
  add_const (b, "mean", 1, (int64_t[]) { 4 }, -0.3, 0.3, 5);
  add_const (b, "var", 1, (int64_t[]) { 4 }, 0.5, 2, 6);
  add_const (b, "s", 0, NULL, 1.7, 1.7, 7);
  add_const (b, "shift", 4, (int64_t[]) { 1, 4, 1, 1 }, -1, 1, 8);
  add_const (b, "three", 0, NULL, 3, 3, 9);
  add_const (b, "zero", 0, NULL, 0, 0, 9);
  add_const (b, "six", 0, NULL, 6, 6, 9);
  add_const (b, "w2", 4, (int64_t[]) { 4, 4, 1, 1 }, -0.5, 0.5, 10);
  add_const (b, "fc", 2, (int64_t[]) { 4, 5 }, -1, 1, 11);
  add_const (b, "fc_b", 1, (int64_t[]) { 5 }, -1, 1, 12);
  add_const (b, "flat", 1, (int64_t[]) { 2 }, 0, 0, 13);
  n = onnx_build_node (b, "Conv", "conv1", "x,w1,b1", "c1");
  onnx_build_attr_ints (n, "pads", 4, (int64_t[]) { 1, 1, 1, 1 });
  n = onnx_build_node (b, "BatchNormalization", "bn", "c1,gamma,beta,mean,var",
                       "n1");
  onnx_build_attr_float (n, "epsilon", 1e-3f);
  onnx_build_node (b, "Mul", "scale", "s,n1", "m1");
  onnx_build_node (b, "Add", "shift", "m1,shift", "a1");
  onnx_build_node (b, "Add", "hs_add", "a1,three", "h1");
  onnx_build_node (b, "Clip", "hs_clip", "h1,zero,six", "h2");
  onnx_build_node (b, "Mul", "hs_mul", "a1,h2", "h3");
  onnx_build_node (b, "Div", "hs_div", "h3,six", "h4");
  onnx_build_node (b, "Conv", "conv2", "h4,w2", "c2");
  onnx_build_node (b, "Relu", "relu", "c2", "r2");
  onnx_build_node (b, "GlobalAveragePool", "gap", "r2", "g");
  onnx_build_node (b, "Flatten", "flatten", "g", "f");
  onnx_build_node (b, "MatMul", "fc", "f,fc", "mm");
  onnx_build_node (b, "Add", "fc_bias", "mm,fc_b", "logits");
  onnx_build_node (b, "Softmax", "softmax", "logits", "y");
  g_assert_true (onnx_build_write (b, path, &error));
  g_assert_no_error (error);
  onnx_build_free (b);
  return g_steal_pointer (&path);
}

static MlrtOnnxConvertOptions
no_options (void)
{
  MlrtOnnxConvertOptions o;

  mlrt_onnx_convert_options_init (&o);
  return o;
}

static void
test_rewrites (void)
{
  g_autofree char *onnx = write_patterns_model ();
  MlrtOnnxConvertOptions o = no_options ();
  MlrtError error = { 0 };
  g_autofree char *package = mlrt_run_convert (onnx, onnx_test_tmpdir (),
                                               "patterns", &o, &error, NULL);
  g_autofree char *json = NULL;
  MlrtModel *model;
  const MlrtLayerPlan *plan;
  MlrtOnnxTensor *x;
  const char *names[] = { "x" };
  GPtrArray *got;
  size_t n;

  g_assert_nonnull (package);
  /* the package: conv1 took bn, scale and shift (no layer of theirs),
   * hard-swish is one layer, MatMul's bias a separate add until compile */
  {
    g_autofree char *path = g_build_filename (package, "model.json", NULL);
    g_assert_true (g_file_get_contents (path, &json, NULL, NULL));
  }
  g_assert_null (strstr (json, "\"bn\""));
  g_assert_null (strstr (json, "\"name\": \"scale\""));
  g_assert_null (strstr (json, "\"batch_norm\""));
  g_assert_nonnull (strstr (json, "\"op\": \"hard_swish\""));
  g_assert_null (strstr (json, "hs_clip"));
  /* compiled: conv1 + hard_swish, conv2 + relu, gap, flatten, matmul +
   * bias, softmax */
  model = mlrt_run_load (package, MLRT_COMPUTE_CPU_ONLY, onnx_test_tmpdir (),
                         &error);
  g_assert_nonnull (model);
  n = mlrt_model_plan (model, &plan);
  for (size_t i = 0; i < n; i++)
    g_test_message ("layer %s (%s), from node %s", plan[i].name, plan[i].op,
                    plan[i].origin);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpstr (plan[0].name, ==, "conv1");
  g_assert_cmpstr (plan[4].op, ==, "matmul");
  x = tensor (4, (int64_t[]) { 1, 3, 8, 8 }, -1, 1, 99);
  got = mlrt_run_predict (model, names, &x, 1, &error);
  g_assert_nonnull (got);
  if (onnx_test_have_ort ())
    {
      GError *gerror = NULL;
      GPtrArray *want = ort_run (onnx, names, &x, 1, &gerror);
      double max_abs, cosine;

      g_assert_no_error (gerror);
      mlrt_run_compare (got->pdata[0], ((OrtOutput *) want->pdata[0])->tensor,
                        &max_abs, &cosine);
      g_print ("# rewritten network against ONNX Runtime: max abs %.3g, "
               "cosine %.7f\n", max_abs, cosine);
      g_assert_cmpfloat (max_abs, <, 1e-5);
      ort_outputs_free (want);
    }
  mlrt_run_outputs_free (got);
  mlrt_onnx_tensor_free (x);
  mlrt_model_unload (model);
}

static void
test_metadata (void)
{
  OnnxBuild *b = onnx_build_new (13);
  g_autofree char *onnx = tmp_path ("meta.onnx");
  MlrtOnnxProp props[2] = { { (char *) "license", (char *) "MIT" },
                            { (char *) "task", (char *) "testing" } };
  MlrtOnnxConvertOptions o = no_options ();
  MlrtError error = { 0 };
  g_autofree char *package = NULL;
  const MlrtModelDescription *d;
  MlrtModel *model;
  GHashTable *user = g_hash_table_new (g_str_hash, g_str_equal);

  onnx_build_input (b, "x", MLRT_ONNX_FLOAT, 2, (int64_t[]) { 1, 4 });
  onnx_build_output (b, "y", MLRT_ONNX_FLOAT, 2, (int64_t[]) { 1, 4 });
  onnx_build_node (b, "Relu", "relu", "x", "y");
  onnx_build_doc (b, "A test model that rectifies");
  onnx_build_metadata (b, "author", "the test");
  onnx_build_metadata (b, "license", "Apache-2.0");
  onnx_build_metadata (b, "dataset", "none");
  g_assert_true (onnx_build_write (b, onnx, NULL));
  onnx_build_free (b);
  o.metadata = props;
  o.n_metadata = 2;
  package = mlrt_run_convert (onnx, onnx_test_tmpdir (), "meta", &o, &error,
                              NULL);
  g_assert_nonnull (package);
  model = mlrt_run_load (package, MLRT_COMPUTE_CPU_ONLY, onnx_test_tmpdir (),
                         &error);
  g_assert_nonnull (model);
  d = mlrt_model_description (model);
  g_assert_cmpstr (d->name, ==, "meta");
  g_assert_cmpstr (d->author, ==, "the test");
  g_assert_cmpstr (d->description, ==, "A test model that rectifies");
  g_assert_cmpstr (d->compute_precision, ==, "float32");
  for (size_t i = 0; i < d->n_user_metadata; i++)
    {
      g_test_message ("%s = %s", d->user_metadata_keys[i],
                      d->user_metadata_values[i]);
      g_hash_table_insert (user, (gpointer) d->user_metadata_keys[i],
                           (gpointer) d->user_metadata_values[i]);
    }
  g_assert_cmpstr (g_hash_table_lookup (user, "dataset"), ==, "none");
  g_assert_cmpstr (g_hash_table_lookup (user, "task"), ==, "testing");
  g_assert_cmpstr (g_hash_table_lookup (user, "onnx.producer"), ==,
                   "mlscope-tests 1.0");
  g_assert_cmpstr (g_hash_table_lookup (user, "onnx.opset"), ==, "13");
  g_assert_cmpstr (g_hash_table_lookup (user, "onnx.ir_version"), ==, "8");
  /* the option overrides the model's license; it is a field of its own */
  g_assert_null (g_hash_table_lookup (user, "license"));
  {
    g_autofree char *path = g_build_filename (package, "model.json", NULL);
    g_autofree char *json = NULL;

    g_assert_true (g_file_get_contents (path, &json, NULL, NULL));
    g_assert_nonnull (strstr (json, "\"license\": \"MIT\""));
  }
  g_hash_table_destroy (user);
  mlrt_model_unload (model);
}

/* x [1, 3, 2, 2] -> Relu: the network's input is exactly what the image
 * option's scale and bias make of the pixels, in R, G, B order. */
static void
test_image_input (void)
{
  OnnxBuild *b = onnx_build_new (13);
  g_autofree char *onnx = tmp_path ("image.onnx");
  MlrtOnnxImageInput img;
  MlrtOnnxConvertOptions o = no_options ();
  MlrtError error = { 0 };
  g_autofree char *package = NULL;
  uint8_t bgra[2 * 2 * 4];
  MlrtValue v = { MLRT_TYPE_BGRA8, 2, { 2, 2 }, bgra, NULL };
  MlrtFeatures *in = mlrt_features_new (), *out = NULL;
  const MlrtValue *y;
  MlrtModel *model;

  onnx_build_input (b, "x", MLRT_ONNX_FLOAT, 4, (int64_t[]) { 1, 3, 2, 2 });
  onnx_build_output (b, "y", MLRT_ONNX_FLOAT, 4, (int64_t[]) { 1, 3, 2, 2 });
  onnx_build_node (b, "Relu", "relu", "x", "y");
  g_assert_true (onnx_build_write (b, onnx, NULL));
  onnx_build_free (b);
  g_assert_cmpint (mlrt_convert_parse_image
                   ("x:bgra8:scale=0.5,0.25,0.125:bias=-10,-20,-24", &img,
                    &error), ==, MLRT_OK);
  o.images = &img;
  o.n_images = 1;
  package = mlrt_run_convert (onnx, onnx_test_tmpdir (), "image", &o, &error,
                              NULL);
  g_assert_nonnull (package);
  model = mlrt_run_load (package, MLRT_COMPUTE_CPU_ONLY, onnx_test_tmpdir (),
                         &error);
  g_assert_nonnull (model);
  g_assert_cmpint (mlrt_model_description (model)->inputs[0].type, ==,
                   MLRT_TYPE_BGRA8);
  for (int p = 0; p < 4; p++)
    {
      bgra[p * 4 + 0] = (uint8_t) (40 + p);   /* B */
      bgra[p * 4 + 1] = (uint8_t) (120 + p);  /* G */
      bgra[p * 4 + 2] = (uint8_t) (200 + p);  /* R */
      bgra[p * 4 + 3] = 255;
    }
  g_assert_cmpint (mlrt_features_set (in, "x", &v, &error), ==, MLRT_OK);
  g_assert_cmpint (mlrt_model_predict (model, in, NULL, &out, &error), ==,
                   MLRT_OK);
  y = mlrt_features_get (out, "y");
  for (int p = 0; p < 4; p++)
    {
      const float *f = y->data;
      /* channel 0 is R: R * 0.125 - 24 */
      g_assert_cmpfloat_with_epsilon (f[0 * 4 + p], (200 + p) * 0.125 - 24,
                                      1e-4);
      g_assert_cmpfloat_with_epsilon (f[1 * 4 + p], (120 + p) * 0.25 - 20,
                                      1e-4);
      g_assert_cmpfloat_with_epsilon (f[2 * 4 + p], (40 + p) * 0.5 - 10,
                                      1e-4);
    }
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_model_unload (model);
  mlrt_convert_image_clear (&img);
}

static void
test_options (void)
{
  MlrtOnnxImageInput img;
  MlrtOnnxProp prop;
  MlrtError error = { 0 };
  int half = 0;

  g_assert_cmpint (mlrt_convert_parse_image ("x:gray8:scale=0.00392:bias=-1",
                                             &img, &error), ==, MLRT_OK);
  g_assert_cmpstr (img.name, ==, "x");
  g_assert_cmpint (img.type, ==, MLRT_TYPE_GRAY8);
  g_assert_cmpfloat_with_epsilon (img.scale[0], 0.00392, 1e-7);
  g_assert_cmpfloat (img.bias[0], ==, -1);
  mlrt_convert_image_clear (&img);
  g_assert_cmpint (mlrt_convert_parse_image ("x:bgra8:bgr", &img, &error), ==,
                   MLRT_OK);
  g_assert_true (img.bgr);
  g_assert_cmpfloat (img.scale[2], ==, 1);
  mlrt_convert_image_clear (&img);
  static const char *const bad[] = {
    "x", ":bgra8", "x:rgb8", "x:bgra8:scale=", "x:bgra8:bias=1,2",
    "x:bgra8:gamma=2", "x:bgra8:scale=nan",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_cmpint (mlrt_convert_parse_image (bad[i], &img, &error), ==,
                       MLRT_ERROR_INVALID_ARGUMENT);
      onnx_test_assert_error (&error, MLRT_ERROR_INVALID_ARGUMENT,
                              "--image-input", bad[i], NULL);
    }
  g_assert_cmpint (mlrt_convert_parse_metadata ("author=Me=You", &prop,
                                                &error), ==, MLRT_OK);
  g_assert_cmpstr (prop.key, ==, "author");
  g_assert_cmpstr (prop.value, ==, "Me=You");
  g_free (prop.key);
  g_free (prop.value);
  g_assert_cmpint (mlrt_convert_parse_metadata ("=x", &prop, &error), ==,
                   MLRT_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (mlrt_convert_parse_precision ("float16", &half, &error),
                   ==, MLRT_OK);
  g_assert_true (half);
  g_assert_cmpint (mlrt_convert_parse_precision ("fp16", &half, &error), ==,
                   MLRT_ERROR_INVALID_ARGUMENT);
}

/* ---- the command ---- */

typedef struct {
  int status;
  char *out, *err;
} Cmd;

static Cmd
run_convert (const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new ();
  Cmd c = { 0 };
  GError *error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("MLRT_CONVERT"));
  for (size_t i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL,
                               NULL, &c.out, &c.err, &c.status, &error));
  g_assert_no_error (error);
  g_ptr_array_free (argv, TRUE);
  g_test_message ("stdout: %s\nstderr: %s", c.out, c.err);
  c.status = WIFEXITED (c.status) ? WEXITSTATUS (c.status) : -1;
  return c;
}

static void
cmd_clear (Cmd *c)
{
  g_free (c->out);
  g_free (c->err);
}

/* Nothing named after the package is left in its directory. */
static void
assert_no_package (const char *package)
{
  g_autofree char *dir = g_path_get_dirname (package);
  g_autofree char *base = g_path_get_basename (package);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_false (g_file_test (package, G_FILE_TEST_EXISTS));
  while ((name = g_dir_read_name (d)))
    g_assert_false (g_str_has_prefix (name, base));
  g_dir_close (d);
}

/* Runs mlrt-convert on `model` into a fresh package; it must fail with
 * exit status 1, say each of the NULL-ended strings, write nothing. */
static void
assert_refused (const char *model, const char *extra, ...)
{
  static int count;
  g_autofree char *name = g_strdup_printf ("refused-%d.mlpackage", ++count);
  g_autofree char *package = tmp_path (name);
  const char *args[] = { model, "-o", package, extra, NULL };
  Cmd c = run_convert (args);
  va_list ap;
  const char *want;

  g_assert_cmpint (c.status, ==, 1);
  va_start (ap, extra);
  while ((want = va_arg (ap, const char *)))
    if (strstr (c.err, want) == NULL)
      g_error ("'%s' not in mlrt-convert's error: %s", want, c.err);
  va_end (ap);
  g_assert_nonnull (strstr (c.err, "no package written"));
  assert_no_package (package);
  cmd_clear (&c);
}

static void
test_command (void)
{
  g_autofree char *onnx = write_patterns_model ();
  g_autofree char *package = tmp_path ("cli.mlpackage");
  g_autofree char *json = g_build_filename (package, "model.json", NULL);
  const char *version[] = { "--version", NULL };
  const char *convert[] = { onnx, "-o", package, "-p", "float16",
                            "-m", "author=cli", NULL };
  const char *usage[][5] = {
    { onnx, NULL }, { "-o", package, NULL }, { onnx, "-o", package, "-x" },
    { onnx, "-o", package, "--compute-precision=half" },
  };
  g_autofree char *text = NULL;
  Cmd c = run_convert (version);

  g_assert_cmpint (c.status, ==, 0);
  g_assert_true (g_str_has_prefix (c.out, "mlrt-convert "));
  cmd_clear (&c);
  for (size_t i = 0; i < G_N_ELEMENTS (usage); i++)
    {
      c = run_convert (usage[i]);
      g_assert_cmpint (c.status, ==, 2);
      g_assert_cmpstr (c.err, !=, "");
      cmd_clear (&c);
    }
  c = run_convert (convert);
  g_assert_cmpint (c.status, ==, 0);
  g_assert_nonnull (strstr (c.out, "layers"));
  cmd_clear (&c);
  g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"compute_precision\": \"float16\""));
  g_assert_nonnull (strstr (text, "\"encoding\": \"float16\""));
  g_assert_nonnull (strstr (text, "\"author\": \"cli\""));
  /* converting again replaces the package, whole */
  c = run_convert (convert);
  g_assert_cmpint (c.status, ==, 0);
  cmd_clear (&c);
  g_assert_true (g_file_test (json, G_FILE_TEST_IS_REGULAR));
}

/* Of the weights of at least MLRT_ONNX_COMPRESS_MIN values, how many
 * have the encoding, and their fraction of zeros after decoding. */
static size_t
large_weights (const MlrtModel *model, MlrtEncoding enc, double *zeros)
{
  size_t n = 0, values = 0, zero = 0;

  for (size_t i = 0; i < model->spec.n_layers; i++)
    for (int j = 0; j < model->spec.layers[i].n_weights; j++)
      {
        const MlrtWeight *w = &model->spec.layers[i].weights[j];
        size_t count = mlrt_weight_count (w);

        if (count < MLRT_ONNX_COMPRESS_MIN)
          continue;
        g_assert_cmpint (w->encoding, ==, enc);
        n++;
        values += count;
        for (size_t k = 0; k < count; k++)
          zero += w->data[k] == 0.0f;
      }
  *zeros = values ? (double) zero / (double) values : 0;
  return n;
}

/* The classifier on a text sample drawn upright: p(upright). */
static double
classify (MlrtModel *model, double angle, MlrtOnnxTensor **out)
{
  TextImage *image = text_image_sample (&text_samples[0], angle);
  MlrtOnnxTensor *input = text_image_line_input (image, 48, 192);
  double p;

  *out = mlrt_run_one (model, "x", input);
  p = mlrt_onnx_tensor_get_double (*out, 0);
  mlrt_onnx_tensor_free (input);
  text_image_free (image);
  return p;
}

/* --weights: the classifier's large weights stored as asked, the package
 * smaller, the model still telling upright from upside down; bad values
 * refused. */
static void
test_weights (void)
{
  static const struct {
    const char *arg;
    MlrtEncoding enc;
    double min_cosine;
  } cases[] = {
    { "fp16", MLRT_ENC_FLOAT16, 0.99999 },
    { "int8", MLRT_ENC_INT8, 0.9999 },
    { "palette:6", MLRT_ENC_PALETTE, 0.9999 },
    { "sparse:0.5", MLRT_ENC_SPARSE, 0.5 },
  };
  static const char *const bad[] = { "palette:0", "palette:9", "palette:x",
                                     "sparse:0", "sparse:1", "sparse:",
                                     "int4", "" };
  g_autofree char *onnx = onnx_test_paddle_model (PADDLE_CLS);
  g_autofree char *ref_pkg = tmp_path ("cls-float32.mlpackage");
  g_autofree char *ref_bin = g_build_filename (ref_pkg, "weights.bin", NULL);
  MlrtOnnxTensor *ref_up = NULL, *ref_down = NULL;
  MlrtModel *ref;
  GStatBuf ref_st;
  MlrtError error = { 0 };

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *package = tmp_path ("bad-weights.mlpackage");
      const char *args[] = { "model.onnx", "-o", package, "--weights",
                             bad[i], NULL };
      Cmd c = run_convert (args);

      g_assert_cmpint (c.status, ==, 2);
      g_assert_nonnull (strstr (c.err, "--weights"));
      cmd_clear (&c);
    }
  if (onnx == NULL)
    return;
  {
    const char *args[] = { onnx, "-o", ref_pkg, "-i", "x:1,3,48,192", "-q",
                           NULL };
    Cmd c = run_convert (args);
    g_assert_cmpint (c.status, ==, 0);
    cmd_clear (&c);
  }
  g_assert_cmpint (g_stat (ref_bin, &ref_st), ==, 0);
  ref = mlrt_run_load (ref_pkg, MLRT_COMPUTE_CPU_ONLY, onnx_test_tmpdir (),
                       &error);
  g_assert_nonnull (ref);
  classify (ref, 0, &ref_up);
  classify (ref, 180, &ref_down);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("cls-%zu.mlpackage", i);
      g_autofree char *package = tmp_path (name);
      g_autofree char *bin = g_build_filename (package, "weights.bin", NULL);
      const char *args[] = { onnx, "-o", package, "-i", "x:1,3,48,192",
                             "--weights", cases[i].arg, "-q", NULL };
      Cmd c = run_convert (args);
      MlrtOnnxTensor *up, *down;
      double zeros, max_abs, cosine, p_up, p_down;
      GStatBuf st;
      MlrtModel *model;

      g_assert_cmpint (c.status, ==, 0);
      cmd_clear (&c);
      g_assert_cmpint (g_stat (bin, &st), ==, 0);
      g_assert_cmpint (st.st_size, <, ref_st.st_size * 0.7);
      model = mlrt_run_load (package, MLRT_COMPUTE_CPU_ONLY,
                             onnx_test_tmpdir (), &error);
      g_assert_nonnull (model);
      g_assert_cmpuint (large_weights (model, cases[i].enc, &zeros), >, 0);
      if (cases[i].enc == MLRT_ENC_SPARSE)
        g_assert_cmpfloat (zeros, >=, 0.5);
      p_up = classify (model, 0, &up);
      p_down = classify (model, 180, &down);
      mlrt_run_compare (up, ref_up, &max_abs, &cosine);
      g_test_message ("--weights %s: %ld bytes of weights (float32 %ld), "
                      "p(upright) %.4f upright, %.4f upside down, cosine "
                      "%.6f", cases[i].arg, (long) st.st_size,
                      (long) ref_st.st_size, p_up, p_down, cosine);
      g_assert_cmpfloat (cosine, >=, cases[i].min_cosine);
      g_assert_cmpfloat (p_up, >, 0.5);
      g_assert_cmpfloat (p_down, <, 0.5);
      mlrt_onnx_tensor_free (up);
      mlrt_onnx_tensor_free (down);
      mlrt_model_unload (model);
    }
  mlrt_onnx_tensor_free (ref_up);
  mlrt_onnx_tensor_free (ref_down);
  mlrt_model_unload (ref);
}

/* A copy of `len` bytes of a real model. */
static char *
truncated (const char *model, size_t len)
{
  g_autofree char *data = NULL;
  char *path = tmp_path ("truncated.onnx");
  gsize size;

  g_assert_true (g_file_get_contents (model, &data, &size, NULL));
  g_assert_cmpuint (len, <, size);
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  return path;
}

static void
test_bad_input (void)
{
  g_autofree char *onnx = write_patterns_model ();
  g_autofree char *text = tmp_path ("notes.onnx");
  g_autofree char *cut = NULL, *unsupported = tmp_path ("unsupported.onnx");
  g_autofree char *cycle = tmp_path ("cycle.onnx");
  g_autofree char *missing = tmp_path ("missing.onnx");
  OnnxBuild *b;
  OnnxBuildNode *n;
  GStatBuf st;

  g_assert_cmpint (g_stat (onnx, &st), ==, 0);
  cut = truncated (onnx, (size_t) st.st_size * 2 / 3);
  assert_refused (cut, NULL, cut, NULL);
  g_assert_true (g_file_set_contents (text, "these are not weights\n", -1,
                                      NULL));
  assert_refused (text, NULL, text, NULL);
  assert_refused (missing, NULL, missing, NULL);
  /* every unsupported node at once: two ops mlrt does not have, one node
   * asking what mlrt's conv cannot do, and an output of a type it has not */
  b = onnx_build_new (13);
  onnx_build_input (b, "x", MLRT_ONNX_FLOAT, 4, (int64_t[]) { 1, 2, 6, 6 });
  onnx_build_output (b, "y", MLRT_ONNX_FLOAT, -1, NULL);
  add_const (b, "w", 4, (int64_t[]) { 2, 2, 3, 3 }, -1, 1, 1);
  onnx_build_node (b, "Relu", "fine", "x", "a");
  onnx_build_node (b, "Det", "determinant", "a", "d");
  n = onnx_build_node (b, "Conv", "lopsided", "a,w", "c");
  onnx_build_attr_ints (n, "pads", 4, (int64_t[]) { 0, 0, 1, 1 });
  onnx_build_node (b, "Hardmax", "hardmax", "c", "h");
  onnx_build_node (b, "Add", "sum", "h,d", "y");
  g_assert_true (onnx_build_write (b, unsupported, NULL));
  onnx_build_free (b);
  assert_refused (unsupported, NULL, unsupported, "3 parts",
                  "node 'determinant' (Det, opset 13)",
                  "node 'lopsided' (Conv, opset 13)", "pads both sides alike",
                  "node 'hardmax' (Hardmax, opset 13)", NULL);
  /* a cycle */
  b = onnx_build_cycle ();
  g_assert_true (onnx_build_write (b, cycle, NULL));
  onnx_build_free (b);
  assert_refused (cycle, NULL, cycle, "cycle", "mix", "loop_relu", NULL);
  /* an input the model does not have */
  assert_refused (onnx, "--input=image:1,3,8,8", onnx, "'image'", "'x'",
                  NULL);
  /* a refused conversion leaves an existing package as it was */
  {
    g_autofree char *package = tmp_path ("kept.mlpackage");
    g_autofree char *json = g_build_filename (package, "model.json", NULL);
    g_autofree char *before = NULL, *after = NULL;
    const char *good[] = { onnx, "-o", package, NULL };
    const char *bad[] = { unsupported, "-o", package, NULL };
    Cmd c = run_convert (good);

    g_assert_cmpint (c.status, ==, 0);
    cmd_clear (&c);
    g_assert_true (g_file_get_contents (json, &before, NULL, NULL));
    c = run_convert (bad);
    g_assert_cmpint (c.status, ==, 1);
    cmd_clear (&c);
    g_assert_true (g_file_get_contents (json, &after, NULL, NULL));
    g_assert_cmpstr (before, ==, after);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/onnx/convert/rewrites", test_rewrites);
  g_test_add_func ("/onnx/convert/metadata", test_metadata);
  g_test_add_func ("/onnx/convert/image-input", test_image_input);
  g_test_add_func ("/onnx/convert/options", test_options);
  g_test_add_func ("/onnx/convert/command", test_command);
  g_test_add_func ("/onnx/convert/weights", test_weights);
  g_test_add_func ("/onnx/convert/bad-input", test_bad_input);
  return g_test_run ();
}
