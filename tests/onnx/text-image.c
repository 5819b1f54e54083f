/*
 * text-image.c: text drawn with cairo's toy font API (fontconfig finds the
 * DejaVu families) and the PaddleOCR preprocessing of text-image.h. Scaling
 * for the line models is cairo's bilinear filter, not a resampler of ours.
 */
#include <math.h>
#include <string.h>

#include <cairo.h>

#include "text-image.h"

static void
draw_line (cairo_t *cr, const TextLine *line, TextBox *box)
{
  cairo_text_extents_t ext;
  double a = -line->angle * G_PI / 180.0, hw, hh;
  /* corners of the ink box around its centre, in text space */
  static const double unit[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 },
                                     { -1, 1 } };

  cairo_save (cr);
  cairo_select_font_face (cr, line->font, CAIRO_FONT_SLANT_NORMAL,
                          line->bold ? CAIRO_FONT_WEIGHT_BOLD
                          : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, line->size);
  cairo_text_extents (cr, line->text, &ext);
  hw = ext.width / 2;
  hh = ext.height / 2;
  cairo_translate (cr, line->x, line->y);
  cairo_rotate (cr, a);
  cairo_move_to (cr, -ext.x_bearing - hw, -ext.y_bearing - hh);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  cairo_show_text (cr, line->text);
  cairo_restore (cr);
  box->x0 = box->y0 = G_MAXDOUBLE;
  box->x1 = box->y1 = -G_MAXDOUBLE;
  for (int k = 0; k < 4; k++)
    {
      double u = unit[k][0] * hw, v = unit[k][1] * hh;
      double x = line->x + u * cos (a) - v * sin (a);
      double y = line->y + u * sin (a) + v * cos (a);

      box->corners[k][0] = x;
      box->corners[k][1] = y;
      box->x0 = MIN (box->x0, x);
      box->y0 = MIN (box->y0, y);
      box->x1 = MAX (box->x1, x);
      box->y1 = MAX (box->y1, y);
    }
}

TextImage *
text_image_render (int width, int height, const TextLine *lines,
                   size_t n_lines)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                                         width, height);
  cairo_t *cr = cairo_create (surface);
  TextImage *image = g_new0 (TextImage, 1);
  const guint8 *px;
  int stride;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  image->boxes = g_new0 (TextBox, n_lines + 1);
  image->n_boxes = n_lines;
  for (size_t i = 0; i < n_lines; i++)
    draw_line (cr, &lines[i], &image->boxes[i]);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  image->width = width;
  image->height = height;
  image->rgb = g_malloc ((gsize) width * height * 3);
  px = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 p;

        memcpy (&p, px + y * stride + x * 4, 4);
        image->rgb[(y * width + x) * 3 + 0] = (p >> 16) & 0xff;
        image->rgb[(y * width + x) * 3 + 1] = (p >> 8) & 0xff;
        image->rgb[(y * width + x) * 3 + 2] = p & 0xff;
      }
  cairo_surface_destroy (surface);
  return image;
}

void
text_image_free (TextImage *image)
{
  if (image == NULL)
    return;
  g_free (image->rgb);
  g_free (image->boxes);
  g_free (image);
}

TextImage *
text_image_crop (const TextImage *image, const TextBox *box, int margin)
{
  int x0 = CLAMP ((int) floor (box->x0) - margin, 0, image->width - 1);
  int y0 = CLAMP ((int) floor (box->y0) - margin, 0, image->height - 1);
  int x1 = CLAMP ((int) ceil (box->x1) + margin, x0 + 1, image->width);
  int y1 = CLAMP ((int) ceil (box->y1) + margin, y0 + 1, image->height);
  TextImage *crop = g_new0 (TextImage, 1);

  crop->width = x1 - x0;
  crop->height = y1 - y0;
  crop->rgb = g_malloc ((gsize) crop->width * crop->height * 3);
  for (int y = 0; y < crop->height; y++)
    memcpy (crop->rgb + (gsize) y * crop->width * 3,
            image->rgb + ((gsize) (y0 + y) * image->width + x0) * 3,
            (gsize) crop->width * 3);
  crop->boxes = g_new0 (TextBox, 1);
  return crop;
}

MlrtOnnxTensor *
text_image_det_input (const TextImage *image)
{
  static const double mean[3] = { 0.485, 0.456, 0.406 };
  static const double std[3] = { 0.229, 0.224, 0.225 };
  int64_t dims[4] = { 1, 3, image->height, image->width };
  MlrtOnnxTensor *t = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, 4, dims, NULL);
  size_t plane = (size_t) image->width * image->height;
  float *out = t->data;

  for (int c = 0; c < 3; c++)
    for (size_t i = 0; i < plane; i++)
      out[c * plane + i] =
        (float) ((image->rgb[i * 3 + c] / 255.0 - mean[c]) / std[c]);
  return t;
}

/* The image scaled to (w, h) with cairo's bilinear filter, as RGB24. */
static cairo_surface_t *
scaled (const TextImage *image, int w, int h)
{
  cairo_surface_t *src = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                                     image->width,
                                                     image->height);
  cairo_surface_t *dst = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  guint8 *px = cairo_image_surface_get_data (src);
  int stride = cairo_image_surface_get_stride (src);
  cairo_t *cr;

  cairo_surface_flush (src);
  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        const guint8 *rgb = image->rgb + (y * image->width + x) * 3;
        guint32 p = 0xff000000u | rgb[0] << 16 | rgb[1] << 8 | rgb[2];

        memcpy (px + y * stride + x * 4, &p, 4);
      }
  cairo_surface_mark_dirty (src);
  cr = cairo_create (dst);
  cairo_scale (cr, (double) w / image->width, (double) h / image->height);
  cairo_set_source_surface (cr, src, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (src);
  cairo_surface_flush (dst);
  return dst;
}

MlrtOnnxTensor *
text_image_line_input (const TextImage *image, int h, int w)
{
  int64_t dims[4] = { 1, 3, h, w };
  MlrtOnnxTensor *t = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, 4, dims, NULL);
  int rw = (int) ceil ((double) h * image->width / image->height);
  cairo_surface_t *s;
  const guint8 *px;
  int stride;
  float *out = t->data;

  rw = CLAMP (rw, 1, w);
  s = scaled (image, rw, h);
  px = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < rw; x++)
      {
        guint32 p;

        memcpy (&p, px + y * stride + x * 4, 4);
        for (int c = 0; c < 3; c++)
          out[((size_t) c * h + y) * w + x] =
            (float) (((p >> (16 - 8 * c)) & 0xff) / 255.0 - 0.5) / 0.5f;
      }
  cairo_surface_destroy (s);
  return t;
}

const TextSample text_samples[N_TEXT_SAMPLES] = {
  { "Hello world 2024", "DejaVu Sans", 30, FALSE },
  { "The quick brown fox", "DejaVu Serif", 28, FALSE },
  { "INVOICE No. 4521", "DejaVu Sans Mono", 26, TRUE },
  { "mlscope traces mlrt", "DejaVu Sans", 34, TRUE },
};

TextImage *
text_image_sample (const TextSample *sample, double angle)
{
  TextLine line = { sample->text, sample->font, sample->size, 300, 40,
                    angle, sample->bold };
  TextImage *page = text_image_render (600, 80, &line, 1);
  TextImage *crop = text_image_crop (page, &page->boxes[0], 4);

  text_image_free (page);
  return crop;
}
