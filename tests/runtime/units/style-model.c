/*
 * style-model.c: writes the units tests' style-transfer package
 * (style-model.h) with the core tests' package writer.
 */
#include <glib.h>
#include <math.h>

#include "pkg-writer.h"
#include "style-model.h"

typedef struct {
  TestWeights w;
  GString *layers;
  GRand *rand;
} Net;

/* Random weights scaled by 1 / sqrt(fan_in), so activations stay O(1). */
static char *
random_weights (Net *net, const char *dims, size_t n, size_t fan_in,
                float offset)
{
  float *v = g_new (float, n);
  float scale = 1.0f / sqrtf ((float) fan_in);
  char *e;

  for (size_t i = 0; i < n; i++)
    v[i] = offset + scale * (float) g_rand_double_range (net->rand, -1, 1);
  e = test_weights_f32 (&net->w, dims, v, n);
  g_free (v);
  return e;
}

static void
add_layer (Net *net, const char *json)
{
  if (net->layers->len)
    g_string_append (net->layers, ",\n");
  g_string_append (net->layers, json);
}

static void
conv (Net *net, const char *name, const char *in, int in_c, int out_c, int k,
      int stride, int pad)
{
  char *dims = g_strdup_printf ("[%d, %d, %d, %d]", out_c, in_c, k, k);
  char *bdims = g_strdup_printf ("[%d]", out_c);
  char *w = random_weights (net, dims, (size_t) out_c * in_c * k * k,
                            (size_t) in_c * k * k, 0);
  char *b = random_weights (net, bdims, out_c, 4, 0);
  char *json = g_strdup_printf (
    "{\"name\": \"%s\", \"op\": \"conv2d\", \"inputs\": [\"%s\"],"
    " \"outputs\": [\"%s\"], \"params\": {\"out_channels\": %d,"
    " \"kernel\": [%d, %d], \"stride\": [%d, %d], \"padding\": [%d, %d]},"
    " \"weights\": {\"weight\": %s, \"bias\": %s}}",
    name, in, name, out_c, k, k, stride, stride, pad, pad, w, b);

  add_layer (net, json);
  g_free (dims); g_free (bdims); g_free (w); g_free (b); g_free (json);
}

/* Instance norm then ReLU (which the compiler fuses into the norm). */
static void
norm_relu (Net *net, const char *name, const char *in, int c)
{
  char *dims = g_strdup_printf ("[%d]", c);
  char *g = random_weights (net, dims, c, 16, 1.0f);
  char *b = random_weights (net, dims, c, 16, 0.1f);
  char *json = g_strdup_printf (
    "{\"name\": \"%s_norm\", \"op\": \"instance_norm\", \"inputs\": [\"%s\"],"
    " \"outputs\": [\"%s_norm\"], \"params\": {\"epsilon\": 1e-5},"
    " \"weights\": {\"gamma\": %s, \"beta\": %s}},\n"
    "{\"name\": \"%s_relu\", \"op\": \"relu\", \"inputs\": [\"%s_norm\"],"
    " \"outputs\": [\"%s_relu\"]}", name, in, name, g, b, name, name, name);

  add_layer (net, json);
  g_free (dims); g_free (g); g_free (b); g_free (json);
}

char *
style_model_write (const char *dir, const char *name, const char *precision,
                   StyleDecoder decoder, guint32 seed)
{
  return style_model_write_io (dir, name, precision, "float32", decoder,
                               seed);
}

char *
style_model_write_io (const char *dir, const char *name,
                      const char *precision, const char *io_type,
                      StyleDecoder decoder, guint32 seed)
{
  Net net;
  char *json, *path;

  test_weights_init (&net.w);
  net.layers = g_string_new (NULL);
  net.rand = g_rand_new_with_seed (seed);

  conv (&net, "enc1", "image", 3, 8, 9, 1, 4);
  norm_relu (&net, "enc1", "enc1", 8);
  conv (&net, "enc2", "enc1_relu", 8, 16, 3, 2, 1);
  norm_relu (&net, "enc2", "enc2", 16);
  conv (&net, "res_a", "enc2_relu", 16, 16, 3, 1, 1);
  norm_relu (&net, "res_a", "res_a", 16);
  conv (&net, "res_b", "res_a_relu", 16, 16, 3, 1, 1);
  add_layer (&net, "{\"name\": \"res\", \"op\": \"add\","
             " \"inputs\": [\"res_b\", \"enc2_relu\"], \"outputs\": [\"res\"]}");
  if (decoder == STYLE_DECODER_TRANSPOSE)
    {
      char *w = random_weights (&net, "[16, 8, 3, 3]", 16 * 8 * 9, 16 * 9 / 4,
                                0);
      char *l = g_strdup_printf (
        "{\"name\": \"dec\", \"op\": \"conv_transpose2d\", \"inputs\": [\"res\"],"
        " \"outputs\": [\"dec\"], \"params\": {\"out_channels\": 8,"
        " \"kernel\": [3, 3], \"stride\": [2, 2], \"padding\": [1, 1],"
        " \"output_padding\": [1, 1]}, \"weights\": {\"weight\": %s}}", w);
      add_layer (&net, l);
      g_free (w);
      g_free (l);
    }
  else
    {
      add_layer (&net, "{\"name\": \"up\", \"op\": \"upsample\","
                 " \"inputs\": [\"res\"], \"outputs\": [\"up\"],"
                 " \"params\": {\"scale\": [2, 2], \"mode\": \"nearest\"}}");
      conv (&net, "dec", "up", 16, 8, 3, 1, 1);
    }
  norm_relu (&net, "dec", "dec", 8);
  conv (&net, "out", "dec_relu", 8, 3, 9, 1, 4);
  add_layer (&net, "{\"name\": \"stylized\", \"op\": \"sigmoid\","
             " \"inputs\": [\"out\"], \"outputs\": [\"stylized\"]}");

  json = g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"%s\","
    " \"metadata\": {\"compute_precision\": \"%s\"},"
    " \"inputs\": [{\"name\": \"image\", \"type\": \"%s\","
    " \"shape\": [3, %d, %d]}],"
    " \"outputs\": [{\"name\": \"stylized\", \"type\": \"%s\","
    " \"shape\": [3, %d, %d]}],"
    " \"layers\": [\n%s]}", name, precision, io_type, STYLE_SIZE,
    STYLE_SIZE, io_type, STYLE_SIZE, STYLE_SIZE, net.layers->str);
  path = test_write_package (dir, name, json, &net.w);
  g_free (json);
  g_string_free (net.layers, TRUE);
  g_rand_free (net.rand);
  test_weights_clear (&net.w);
  return path;
}
