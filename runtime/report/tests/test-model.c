/*
 * test-model.c: the report tests' model package (see test-model.h).
 */
#include <glib.h>
#include <glib/gstdio.h>

#include "test-model.h"

typedef struct {
  GByteArray *blob;
  GString *json;
  guint32 seed;
} Writer;

/* Appends n random float32 values in -0.5..0.5, 64-byte aligned, and
 * returns its spec entry. */
static char *
add_weight (Writer *w, const char *name, const char *shape, size_t n)
{
  static const guint8 zero[64] = { 0 };
  size_t offset;

  g_byte_array_append (w->blob, zero, (64 - w->blob->len % 64) % 64);
  offset = w->blob->len;
  for (size_t i = 0; i < n; i++)
    {
      float v;

      w->seed = w->seed * 1664525u + 1013904223u;
      v = (w->seed >> 8) / 16777216.0f - 0.5f;
      g_byte_array_append (w->blob, (const guint8 *) &v, sizeof v);
    }
  return g_strdup_printf ("\"%s\": { \"shape\": %s, \"encoding\": "
                          "\"float32\", \"offset\": %zu, \"size\": %zu }",
                          name, shape, offset, n * sizeof (float));
}

static void
add_conv (Writer *w, const char *name, const char *in, int in_c, int out_c)
{
  char *shape = g_strdup_printf ("[%d, %d, 3, 3]", out_c, in_c);
  char *bias_shape = g_strdup_printf ("[%d]", out_c);
  char *weight = add_weight (w, "weight", shape, (size_t) out_c * in_c * 9);
  char *bias = add_weight (w, "bias", bias_shape, out_c);

  g_string_append_printf (w->json,
    "{ \"name\": \"%s\", \"op\": \"conv2d\", \"inputs\": [\"%s\"],"
    " \"outputs\": [\"%s\"], \"params\": { \"out_channels\": %d,"
    " \"kernel\": [3, 3], \"stride\": [1, 1], \"padding\": [1, 1],"
    " \"dilation\": [1, 1], \"groups\": 1 }, \"weights\": { %s, %s } },\n",
    name, in, name, out_c, weight, bias);
  g_free (shape);
  g_free (bias_shape);
  g_free (weight);
  g_free (bias);
}

static void
add_simple (Writer *w, const char *name, const char *op, const char *in)
{
  g_string_append_printf (w->json, "{ \"name\": \"%s\", \"op\": \"%s\","
                          " \"inputs\": [\"%s\"], \"outputs\": [\"%s\"] },\n",
                          name, op, in, name);
}

void
mlrt_report_test_write_package (const char *path)
{
  Writer w = { g_byte_array_new (), g_string_new (NULL), 12345 };
  char *file;
  char *fc_w, *fc_b;

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  g_string_append (w.json,
    "{ \"format_version\": 1, \"name\": \"report-test\",\n"
    "  \"metadata\": { \"author\": \"test-report-run\", \"description\":"
    " \"a small network for mlrt-report\", \"version\": \"1.0\","
    " \"license\": \"MIT\", \"class_labels\": [], \"compute_precision\":"
    " \"float32\", \"storage_precision\": \"float32\" },\n"
    "  \"inputs\": [ { \"name\": \"x\", \"type\": \"float32\","
    " \"shape\": [16, 64, 64] } ],\n"
    "  \"outputs\": [ { \"name\": \"probs\", \"type\": \"float32\","
    " \"shape\": [4] } ],\n  \"layers\": [\n");
  add_conv (&w, "conv1", "x", 16, 16);
  add_simple (&w, "relu1", "relu", "conv1");
  add_conv (&w, "conv2", "relu1", 16, 16);
  add_simple (&w, "sig2", "sigmoid", "conv2");
  add_simple (&w, "pool", "global_avg_pool", "sig2");
  fc_w = add_weight (&w, "weight", "[4, 16]", 64);
  fc_b = add_weight (&w, "bias", "[4]", 4);
  g_string_append_printf (w.json,
    "{ \"name\": \"fc\", \"op\": \"inner_product\", \"inputs\": [\"pool\"],"
    " \"outputs\": [\"fc\"], \"params\": { \"out_features\": 4 },"
    " \"weights\": { %s, %s } },\n"
    "{ \"name\": \"probs\", \"op\": \"softmax\", \"inputs\": [\"fc\"],"
    " \"outputs\": [\"probs\"] }\n  ]\n}\n", fc_w, fc_b);
  file = g_build_filename (path, "model.json", NULL);
  g_assert_true (g_file_set_contents (file, w.json->str, -1, NULL));
  g_free (file);
  file = g_build_filename (path, "weights.bin", NULL);
  g_assert_true (g_file_set_contents (file, (const char *) w.blob->data,
                                      w.blob->len, NULL));
  g_free (file);
  g_free (fc_w);
  g_free (fc_b);
  g_byte_array_unref (w.blob);
  g_string_free (w.json, TRUE);
}
