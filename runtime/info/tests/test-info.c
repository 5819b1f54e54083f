/*
 * test-info.c: mlrt-info end to end, as a user runs it.
 *
 * Checks, field by field: the description of the style, sharpen and
 * detector packages against what their model.json and files hold (every
 * metadata field, each feature's type, scalar type, shape and byte size,
 * layers by op, weights by encoding, the size on disk) and against facts
 * the generator fixes (the style model stores float16 weights, the fp16
 * sharpen model takes Gray16Half); the text form shows the same; a
 * compiled model describes as its package does; PaddleOCR's classifier as
 * an .onnx file describes as the package mlrt-convert makes of it does.
 * --predict on a PNG (style, sharpen, detector) and on a .npy array (the
 * classifier) gives what the API gives for the same pixels and values.
 * Bad models, inputs and options fail with a message naming them.
 */
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <math.h>
#include <string.h>

#include "mlrt/mlrt.h"
#include "test-tmpdir.h"

#include "test-info.h"

static size_t
element_size (const char *type)
{
  return mlrt_feature_type_element_size (mlrt_feature_type_from_name (type));
}

/* A feature of mlrt-info's JSON against the model.json feature. */
static void
check_feature (json_object *got, json_object *spec)
{
  const char *type = get_str (spec, "type");
  json_object *shape = get (spec, "shape");
  int image = g_str_equal (type, "gray8") || g_str_equal (type, "bgra8")
              || g_str_equal (type, "gray16_half");
  int64_t count = 1;
  json_object *desc;

  g_assert_cmpstr (get_str (got, "name"), ==, get_str (spec, "name"));
  g_assert_cmpstr (get_str (got, "type"), ==, type);
  g_assert_cmpstr (get_str (got, "kind"), ==, image ? "image"
                                                    : "multiarray");
  g_assert_cmpint (json_object_array_length (get (got, "shape")), ==,
                   json_object_array_length (shape));
  for (size_t i = 0; i < json_object_array_length (shape); i++)
    {
      int64_t d = json_object_get_int64 (json_object_array_get_idx (shape,
                                                                    i));
      g_assert_cmpint (json_object_get_int64 (json_object_array_get_idx (
                           get (got, "shape"), i)), ==, d);
      count *= d;
    }
  g_assert_cmpint (get_int (got, "elements"), ==, count);
  g_assert_cmpint (get_int (got, "byte_size"), ==,
                   count * (int64_t) element_size (type));
  if (json_object_object_get_ex (spec, "description", &desc))
    g_assert_cmpstr (get_str (got, "description"), ==,
                     json_object_get_string (desc));
}

static void
check_features (json_object *got, json_object *spec)
{
  g_assert_cmpint (json_object_array_length (got), ==,
                   json_object_array_length (spec));
  for (size_t i = 0; i < json_object_array_length (spec); i++)
    check_feature (json_object_array_get_idx (got, i),
                   json_object_array_get_idx (spec, i));
}

/* Layers by op and weights by encoding, counted here from model.json. */
static void
check_layers_and_weights (json_object *got, json_object *spec)
{
  json_object *layers = get (spec, "layers");
  g_autoptr (GHashTable) ops = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) bytes = g_hash_table_new (g_str_hash, g_str_equal);
  json_object *by_op = get (get (got, "layers"), "by_op");
  json_object *encodings = get (get (got, "weights"), "encodings");
  int64_t total = 0;

  g_assert_cmpint (get_int (get (got, "layers"), "count"), ==,
                   json_object_array_length (layers));
  for (size_t i = 0; i < json_object_array_length (layers); i++)
    {
      json_object *l = json_object_array_get_idx (layers, i), *w;
      const char *op = get_str (l, "op");
      g_hash_table_insert (ops, (char *) op, GSIZE_TO_POINTER (
          GPOINTER_TO_SIZE (g_hash_table_lookup (ops, op)) + 1));
      if (!json_object_object_get_ex (l, "weights", &w))
        continue;
      json_object_object_foreach (w, name, weight)
        {
          const char *enc = get_str (weight, "encoding");
          int64_t size = get_int (weight, "size");
          (void) name;
          g_hash_table_insert (bytes, (char *) enc, GSIZE_TO_POINTER (
              GPOINTER_TO_SIZE (g_hash_table_lookup (bytes, enc)) + size));
          total += size;
        }
    }
  g_assert_cmpint (json_object_array_length (by_op), ==,
                   g_hash_table_size (ops));
  for (size_t i = 0; i < json_object_array_length (by_op); i++)
    {
      json_object *o = json_object_array_get_idx (by_op, i);
      g_assert_cmpuint (get_int (o, "count"), ==, GPOINTER_TO_SIZE (
          g_hash_table_lookup (ops, get_str (o, "op"))));
    }
  g_assert_cmpint (json_object_array_length (encodings), ==,
                   g_hash_table_size (bytes));
  for (size_t i = 0; i < json_object_array_length (encodings); i++)
    {
      json_object *e = json_object_array_get_idx (encodings, i);
      g_assert_cmpuint (get_int (e, "bytes"), ==, GPOINTER_TO_SIZE (
          g_hash_table_lookup (bytes, get_str (e, "encoding"))));
    }
  g_assert_cmpint (get_int (get (got, "weights"), "bytes"), ==, total);
}

/* Everything mlrt-info says of a package against its files. */
static json_object *
check_package (const char *name)
{
  char *package = model_path (name);
  char *json_file = g_build_filename (package, "model.json", NULL);
  char *weights_file = g_build_filename (package, "weights.bin", NULL);
  const char *args[] = { package, "--format", "json", NULL };
  json_object *got = info_json (args);
  json_object *spec = read_model_json (package);
  json_object *meta = get (spec, "metadata");
  const char *fields[] = { "author", "description", "version", "license",
                           "compute_precision", "storage_precision" };

  g_assert_cmpstr (get_str (got, "schema"), ==, "mlrt-info");
  g_assert_cmpint (get_int (got, "schema_version"), ==, 1);
  g_assert_cmpstr (get_str (got, "file_kind"), ==, "package");
  g_assert_cmpstr (get_str (got, "path"), ==, package);
  g_assert_cmpint (get_int (got, "size_on_disk"), ==,
                   file_size (json_file) + file_size (weights_file));
  g_assert_cmpint (get_int (got, "format_version"), ==, 1);
  g_assert_cmpstr (get_str (got, "needs_mlrt"), ==, "0.1.0");
  g_assert_cmpstr (get_str (got, "name"), ==, get_str (spec, "name"));
  for (size_t i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_cmpstr (get_str (got, fields[i]), ==,
                     get_str (meta, fields[i]));
  g_assert_cmpstr (json_object_to_json_string (get (got, "class_labels")),
                   ==, json_object_to_json_string (get (meta,
                                                        "class_labels")));
  g_assert_cmpstr (get_str (got, "type"), ==,
                   json_object_array_length (get (meta, "class_labels"))
                   ? "neural network classifier" : "neural network");
  check_features (get (got, "inputs"), get (spec, "inputs"));
  check_features (get (got, "outputs"), get (spec, "outputs"));
  check_layers_and_weights (got, spec);
  json_object_put (spec);
  g_free (json_file);
  g_free (weights_file);
  g_free (package);
  return got;
}

json_object *
feature (json_object *info, const char *list, size_t i)
{
  return json_object_array_get_idx (get (info, list), i);
}

static void
test_style (void)
{
  json_object *got = check_package ("style-candy.mlpackage");
  json_object *in = feature (got, "inputs", 0);

  g_assert_cmpstr (get_str (got, "author"), ==, "mlscope examples");
  g_assert_cmpstr (get_str (got, "storage_precision"), ==, "float16");
  g_assert_cmpstr (get_str (in, "type"), ==, "bgra8");
  g_assert_cmpstr (get_str (in, "scalar_type"), ==, "uint8");
  g_assert_cmpint (get_int (in, "byte_size"), ==, 128 * 128 * 4);
  g_assert_cmpstr (get_str (json_object_array_get_idx (
      get (get (got, "weights"), "encodings"), 0), "encoding"), ==,
      "float16");
  json_object_put (got);
}

static void
test_sharpen (void)
{
  json_object *gray8 = check_package ("sharpen-gray8.mlpackage");
  json_object *fp16 = check_package ("sharpen-fp16.mlpackage");
  json_object *in8 = feature (gray8, "inputs", 0);
  json_object *in16 = feature (fp16, "inputs", 0);

  g_assert_cmpstr (get_str (in8, "scalar_type"), ==, "uint8");
  g_assert_cmpstr (get_str (in16, "type"), ==, "gray16_half");
  g_assert_cmpstr (get_str (in16, "scalar_type"), ==, "float16");
  g_assert_cmpint (get_int (in16, "byte_size"), ==,
                   2 * get_int (in8, "byte_size"));
  g_assert_cmpstr (get_str (feature (fp16, "outputs", 0), "scalar_type"),
                   ==, "float16");
  json_object_put (gray8);
  json_object_put (fp16);
}

static void
test_detector (void)
{
  json_object *got = check_package ("detector.mlpackage");

  g_assert_cmpstr (get_str (got, "type"), ==, "neural network classifier");
  g_assert_cmpint (json_object_array_length (get (got, "class_labels")), ==,
                   10);
  json_object_put (got);
}

/* The text form shows what the JSON holds. */
static void
test_text (void)
{
  char *package = model_path ("style-candy.mlpackage");
  const char *args[] = { package, NULL };
  char *out = info_ok (args);
  const char *lines[] = {
    "style-candy\n", "  Type                 neural network\n",
    "  Needs                mlrt 0.1.0 or later (model format 1)\n",
    "  Author               mlscope examples\n",
    "  Description          Fast style transfer, candy style\n",
    "  Version              1.0\n", "  License              MIT\n",
    "  Compute precision    float32\n", "  Storage precision    float16\n",
    "\nInputs\n  image\n    Description        frame to stylise\n"
    "    Type               Image (bgra8, 128 x 128 pixels)\n"
    "    Scalar type        uint8\n    Shape              [128, 128]\n"
    "    Size               64.0 KB (65536 bytes)\n",
    "\nOutputs\n  stylized\n",
  };

  for (size_t i = 0; i < G_N_ELEMENTS (lines); i++)
    if (strstr (out, lines[i]) == NULL)
      g_error ("mlrt-info's text lacks \"%s\":\n%s", lines[i], out);
  g_free (out);
  g_free (package);
}

/* A compiled model describes as its package: same metadata, features. */
static void
test_compiled (void)
{
  char *package = model_path ("style-candy.mlpackage");
  char *cache = g_build_filename (tmp_dir, "cache", NULL);
  char *compiled = NULL;
  MlrtError error = { 0 };
  const char *pargs[] = { package, "-f", "json", NULL };
  json_object *from_package = info_json (pargs), *from_compiled;
  const char *keep[] = { "name", "author", "description", "version",
                         "license", "compute_precision", "storage_precision",
                         "class_labels", "inputs", "outputs", "metadata" };

  if (mlrt_compile (package, cache, &compiled, NULL, &error) != MLRT_OK)
    g_error ("%s", error.message);
  const char *cargs[] = { compiled, "-f", "json", NULL };
  from_compiled = info_json (cargs);
  g_assert_cmpstr (get_str (from_compiled, "file_kind"), ==, "compiled");
  g_assert_cmpint (get_int (from_compiled, "size_on_disk"), ==,
                   file_size (compiled));
  for (size_t i = 0; i < G_N_ELEMENTS (keep); i++)
    g_assert_cmpstr (json_object_to_json_string (get (from_compiled,
                                                      keep[i])), ==,
                     json_object_to_json_string (get (from_package,
                                                      keep[i])));
  g_assert_cmpint (get_int (get (from_compiled, "layers"), "count"), >, 0);
  json_object_put (from_package);
  json_object_put (from_compiled);
  free (compiled);
  g_free (cache);
  g_free (package);
}

/* The .onnx file describes as the package mlrt-convert makes of it. */
static void
test_onnx (void)
{
  char *onnx = paddle_cls (), *package;
  json_object *from_onnx, *from_package, *in, *out;

  if (onnx == NULL)
    return;
  package = convert_cls (onnx);
  const char *oargs[] = { onnx, "--input", "x:1,3,48,192", "-f", "json",
                          NULL };
  const char *pargs[] = { package, "-f", "json", NULL };
  from_onnx = info_json (oargs);
  from_package = info_json (pargs);
  g_assert_cmpstr (get_str (from_onnx, "file_kind"), ==, "onnx");
  g_assert_cmpint (get_int (from_onnx, "size_on_disk"), ==,
                   file_size (onnx));
  g_assert_cmpstr (get_str (get (from_onnx, "metadata"), "onnx.opset"), ==,
                   "9");
  in = feature (from_onnx, "inputs", 0);
  out = feature (from_onnx, "outputs", 0);
  g_assert_cmpstr (get_str (in, "name"), ==, "x");
  g_assert_cmpstr (get_str (in, "kind"), ==, "multiarray");
  g_assert_cmpstr (get_str (in, "scalar_type"), ==, "float32");
  g_assert_cmpint (get_int (in, "byte_size"), ==, 3 * 48 * 192 * 4);
  g_assert_cmpint (get_int (out, "elements"), ==, 2);
  g_assert_cmpstr (json_object_to_json_string (get (from_onnx, "layers")),
                   ==, json_object_to_json_string (get (from_package,
                                                        "layers")));
  g_assert_cmpstr (json_object_to_json_string (get (from_onnx, "weights")),
                   ==, json_object_to_json_string (get (from_package,
                                                        "weights")));
  json_object_put (from_onnx);
  json_object_put (from_package);
  g_free (package);
  g_free (onnx);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = test_tmpdir_new ("mlrt-info");
  g_test_add_func ("/info/describe/style", test_style);
  g_test_add_func ("/info/describe/sharpen", test_sharpen);
  g_test_add_func ("/info/describe/detector", test_detector);
  g_test_add_func ("/info/describe/text", test_text);
  g_test_add_func ("/info/describe/compiled", test_compiled);
  g_test_add_func ("/info/describe/onnx", test_onnx);
  info_predict_tests_add ();
  status = g_test_run ();
  test_tmpdir_remove (tmp_dir);
  g_free (tmp_dir);
  return status;
}
