/*
 * test-ort.c: ONNX Runtime, the reference, on PaddleOCR's models fed with
 * text drawn by cairo in the models' own preprocessing. It checks the
 * reference set-up the importer will be compared through: the classifier
 * gives a softmax over two classes that tells upright text from text
 * turned upside down, and the detector's probability map is high on the
 * drawn lines and low away from them.
 */
#include <math.h>
#include <string.h>

#include "onnx-test.h"
#include "text-image.h"

/* p(upright) of each crop, drawn at `angle` (0 or 180). */
static void
classify (const char *model, double angle, double *p_upright)
{
  const char *names[] = { "x" };

  for (size_t i = 0; i < N_TEXT_SAMPLES; i++)
    {
      const TextSample *c = &text_samples[i];
      TextImage *image = text_image_sample (c, angle);
      MlrtOnnxTensor *input = text_image_line_input (image, 48, 192);
      GError *error = NULL;
      GPtrArray *out = ort_run (model, names, &input, 1, &error);
      const MlrtOnnxTensor *p;

      g_assert_no_error (error);
      p = ((OrtOutput *) out->pdata[0])->tensor;
      g_assert_cmpint (p->rank, ==, 2);
      g_assert_cmpint (p->dims[0], ==, 1);
      g_assert_cmpint (p->dims[1], ==, 2);
      g_assert_cmpfloat_with_epsilon (mlrt_onnx_tensor_get_double (p, 0)
                                      + mlrt_onnx_tensor_get_double (p, 1),
                                      1.0, 1e-5);
      p_upright[i] = mlrt_onnx_tensor_get_double (p, 0);
      g_print ("# '%s' (%s %.0fpx) at %.0f degrees: p(upright) %.4f\n",
               c->text, c->font, c->size, angle, p_upright[i]);
      ort_outputs_free (out);
      mlrt_onnx_tensor_free (input);
      text_image_free (image);
    }
}

static void
test_cls (void)
{
  g_autofree char *model = onnx_test_paddle_model (PADDLE_CLS);
  double upright[N_TEXT_SAMPLES], turned[N_TEXT_SAMPLES];

  if (model == NULL || !onnx_test_have_ort ())
    return;
  classify (model, 0, upright);
  classify (model, 180, turned);
  for (size_t i = 0; i < N_TEXT_SAMPLES; i++)
    {
      g_assert_cmpfloat (upright[i], >, 0.9);
      g_assert_cmpfloat (turned[i], <, 0.1);
    }
}

static void
test_det (void)
{
  g_autofree char *model = onnx_test_paddle_model (PADDLE_DET);
  const TextLine lines[] = {
    { "Receipt 2024-05-17", "DejaVu Sans", 40, 320, 110, 0, TRUE },
    { "Total due: 42.50 EUR", "DejaVu Serif", 34, 320, 300, 0, FALSE },
    { "thank you for shopping", "DejaVu Sans Mono", 26, 320, 500, 0, FALSE },
  };
  const char *names[] = { "x" };
  TextImage *image;
  MlrtOnnxTensor *input;
  const MlrtOnnxTensor *map;
  GPtrArray *out;
  GError *error = NULL;
  double far = 0;
  size_t n_far = 0;

  if (model == NULL || !onnx_test_have_ort ())
    return;
  image = text_image_render (640, 640, lines, G_N_ELEMENTS (lines));
  input = text_image_det_input (image);
  out = ort_run (model, names, &input, 1, &error);
  g_assert_no_error (error);
  map = ((OrtOutput *) out->pdata[0])->tensor;
  g_assert_cmpint (map->dims[2], ==, 640);
  g_assert_cmpint (map->dims[3], ==, 640);
  for (size_t i = 0; i < image->n_boxes; i++)
    {
      const TextBox *b = &image->boxes[i];
      double sum = 0;
      size_t n = 0;

      /* the middle band of the line, where every detector fires */
      for (int y = (int) (b->y0 * 0.7 + b->y1 * 0.3);
           y < (int) (b->y0 * 0.3 + b->y1 * 0.7); y++)
        for (int x = (int) b->x0 + 4; x < (int) b->x1 - 4; x++, n++)
          sum += ((const float *) map->data)[y * 640 + x];
      g_print ("# line %zu: mean probability %.3f over its middle\n", i,
               sum / n);
      g_assert_cmpfloat (sum / n, >, 0.5);
    }
  for (int y = 0; y < 640; y++)
    for (int x = 0; x < 640; x++)
      {
        gboolean near = FALSE;

        for (size_t i = 0; i < image->n_boxes; i++)
          near |= x > image->boxes[i].x0 - 24 && x < image->boxes[i].x1 + 24
            && y > image->boxes[i].y0 - 24 && y < image->boxes[i].y1 + 24;
        if (!near)
          {
            far += ((const float *) map->data)[y * 640 + x];
            n_far++;
          }
      }
  g_print ("# away from the lines: mean probability %.4f\n", far / n_far);
  g_assert_cmpfloat (far / n_far, <, 0.02);
  ort_outputs_free (out);
  mlrt_onnx_tensor_free (input);
  text_image_free (image);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/onnx/ort/cls-upright-or-turned", test_cls);
  g_test_add_func ("/onnx/ort/det-finds-lines", test_det);
  return g_test_run ();
}
