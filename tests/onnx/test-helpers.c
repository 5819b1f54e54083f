/*
 * test-helpers.c: the test helpers the other ONNX tests rely on, checked
 * against each other and against ONNX's data: .npy and TensorProto files
 * written and read back, for every element type the frontend holds, with
 * the data raw and in the typed fields; a node test's .pb through .npy;
 * the text renderer's boxes against the ink it drew.
 */
#include <string.h>

#include "npy.h"
#include "onnx-build.h"
#include "onnx-test.h"
#include "text-image.h"

static const MlrtOnnxType types[] = {
  MLRT_ONNX_FLOAT, MLRT_ONNX_DOUBLE, MLRT_ONNX_FLOAT16, MLRT_ONNX_BFLOAT16,
  MLRT_ONNX_INT64, MLRT_ONNX_INT32, MLRT_ONNX_INT16, MLRT_ONNX_INT8,
  MLRT_ONNX_UINT8, MLRT_ONNX_UINT16, MLRT_ONNX_UINT32, MLRT_ONNX_UINT64,
  MLRT_ONNX_BOOL,
};

/* A tensor of `type` with values that differ from element to element. */
static MlrtOnnxTensor *
sample (MlrtOnnxType type, int rank, const int64_t *dims)
{
  MlrtOnnxTensor *t = mlrt_onnx_tensor_new (type, rank, dims, NULL);

  for (size_t i = 0; i < t->count; i++)
    if (mlrt_onnx_type_is_float (type))
      mlrt_onnx_tensor_set_double (t, i, (double) i * 0.75 - 3.5);
    else if (type == MLRT_ONNX_BOOL)
      mlrt_onnx_tensor_set_int (t, i, i % 3 == 0);
    else
      mlrt_onnx_tensor_set_int (t, i, (int64_t) (i * 37 % 101));
  return t;
}

static void
assert_same_tensor (const MlrtOnnxTensor *a, const MlrtOnnxTensor *b)
{
  g_assert_cmpstr (mlrt_onnx_type_name (a->type), ==,
                   mlrt_onnx_type_name (b->type));
  g_assert_cmpint (a->rank, ==, b->rank);
  for (int d = 0; d < a->rank; d++)
    g_assert_cmpint (a->dims[d], ==, b->dims[d]);
  g_assert_cmpmem (a->data, a->count * mlrt_onnx_type_size (a->type),
                   b->data, b->count * mlrt_onnx_type_size (b->type));
}

static void
test_round_trip (void)
{
  static const int64_t shapes[][3] = { { 0 }, { 7 }, { 2, 3, 4 } };
  static const int ranks[] = { 0, 1, 3 };
  g_autofree char *npy = g_build_filename (onnx_test_tmpdir (), "t.npy",
                                           NULL);
  g_autofree char *pb = g_build_filename (onnx_test_tmpdir (), "t.pb", NULL);

  for (size_t k = 0; k < G_N_ELEMENTS (types); k++)
    for (size_t s = 0; s < G_N_ELEMENTS (ranks); s++)
      for (int raw = 0; raw < 2; raw++)
        {
          MlrtOnnxTensor *t = sample (types[k], ranks[s], shapes[s]);
          MlrtOnnxTensor *back;
          char *name = NULL;
          GError *gerror = NULL;
          MlrtError error = { 0 };

          g_test_message ("%s rank %d, %s", mlrt_onnx_type_name (types[k]),
                          ranks[s], raw ? "raw_data" : "typed field");
          if (types[k] != MLRT_ONNX_BFLOAT16)
            {
              g_assert_true (npy_write (npy, t, &gerror));
              back = npy_read (npy, &gerror);
              g_assert_no_error (gerror);
              assert_same_tensor (t, back);
              mlrt_onnx_tensor_free (back);
            }
          g_assert_true (onnx_write_tensor_pb (pb, "weights", t, raw,
                                               &gerror));
          if (mlrt_onnx_read_tensor_file (pb, &back, &name, &error)
              != MLRT_OK)
            g_error ("%s", error.message);
          g_assert_cmpstr (name, ==, "weights");
          assert_same_tensor (t, back);
          mlrt_onnx_tensor_free (back);
          mlrt_onnx_tensor_free (t);
          g_free (name);
        }
}

/* A node test's input, through .npy and back, holds ONNX's values. */
static void
test_node_data_through_npy (void)
{
  g_autofree char *pb = g_build_filename (ONNX_NODE_TESTS,
                                          "test_conv_with_strides_padding",
                                          "test_data_set_0", "input_0.pb",
                                          NULL);
  g_autofree char *npy = g_build_filename (onnx_test_tmpdir (), "conv.npy",
                                           NULL);
  MlrtOnnxTensor *t, *back;
  MlrtError error = { 0 };
  GError *gerror = NULL;

  if (mlrt_onnx_read_tensor_file (pb, &t, NULL, &error) != MLRT_OK)
    g_error ("%s", error.message);
  g_assert_cmpint (t->rank, ==, 4);
  g_assert_cmpint (t->dims[2], ==, 7);
  /* the test's input is 0, 1, 2, ... */
  g_assert_cmpfloat (mlrt_onnx_tensor_get_double (t, 34), ==, 34.0);
  g_assert_true (npy_write (npy, t, &gerror));
  back = npy_read (npy, &gerror);
  g_assert_no_error (gerror);
  assert_same_tensor (t, back);
  mlrt_onnx_tensor_free (t);
  mlrt_onnx_tensor_free (back);
}

static void
test_bad_files (void)
{
  g_autofree char *path = g_build_filename (onnx_test_tmpdir (), "bad.npy",
                                            NULL);
  MlrtOnnxTensor *t;
  MlrtError error = { 0 };
  GError *gerror = NULL;

  g_assert_true (g_file_set_contents (path, "\x93NUMPY\x01\x00\x05\x00{}xx",
                                      -1, NULL));
  g_assert_null (npy_read (path, &gerror));
  g_assert_nonnull (strstr (gerror->message, path));
  g_clear_error (&gerror);
  g_assert_cmpint (mlrt_onnx_read_tensor_file (path, &t, NULL, &error), ==,
                   MLRT_ERROR_FORMAT);
  onnx_test_assert_error (&error, MLRT_ERROR_FORMAT, path, "TensorProto",
                          NULL);
}

/* Every box holds dark ink and the image far from the boxes is white. */
static void
test_text_boxes (void)
{
  const TextLine lines[] = {
    { "Upright text 123", "DejaVu Sans", 40, 320, 120, 0, FALSE },
    { "Serif at an angle", "DejaVu Serif", 32, 320, 320, 15, TRUE },
    { "UPSIDE DOWN", "DejaVu Sans Mono", 36, 320, 520, 180, FALSE },
  };
  TextImage *image = text_image_render (640, 640, lines, G_N_ELEMENTS (lines));
  size_t dark_outside = 0;

  for (size_t i = 0; i < image->n_boxes; i++)
    {
      const TextBox *b = &image->boxes[i];
      size_t dark = 0;

      g_test_message ("line %zu: [%.0f,%.0f]-[%.0f,%.0f]", i, b->x0, b->y0,
                      b->x1, b->y1);
      for (int y = (int) b->y0; y < (int) b->y1; y++)
        for (int x = (int) b->x0; x < (int) b->x1; x++)
          dark += image->rgb[(y * 640 + x) * 3] < 128;
      g_assert_cmpuint (dark, >, 200);
    }
  g_assert_cmpfloat (image->boxes[1].y1 - image->boxes[1].y0, >, 60);
  for (int y = 0; y < 640; y++)
    for (int x = 0; x < 640; x++)
      {
        gboolean near = FALSE;

        for (size_t i = 0; i < image->n_boxes; i++)
          near |= x >= image->boxes[i].x0 - 3 && x <= image->boxes[i].x1 + 3
            && y >= image->boxes[i].y0 - 3 && y <= image->boxes[i].y1 + 3;
        dark_outside += !near && image->rgb[(y * 640 + x) * 3] < 250;
      }
  g_assert_cmpuint (dark_outside, ==, 0);
  text_image_free (image);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/onnx/helpers/round-trip", test_round_trip);
  g_test_add_func ("/onnx/helpers/node-data-through-npy",
                   test_node_data_through_npy);
  g_test_add_func ("/onnx/helpers/bad-files", test_bad_files);
  g_test_add_func ("/onnx/helpers/text-boxes", test_text_boxes);
  return g_test_run ();
}
