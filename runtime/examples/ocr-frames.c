/*
 * ocr-frames.c: the text frames of ocr-frames.h, drawn with cairo's toy
 * font API (fontconfig finds the DejaVu families). Each frame's choices
 * come from a small generator seeded by the frame's index, so a frame is
 * the same in every run and every thread.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "ocr-frames.h"

static const char *const phrases[] = {
  "Receipt 2024-05-17", "Total due: 42.50 EUR", "thank you for shopping",
  "The quick brown fox", "INVOICE No. 4521", "mlscope traces mlrt",
  "Platform 9 departs 14:05", "Hello world", "Fresh bread daily",
  "Exit via stairs B", "Order #88231 shipped", "Keep left",
};

typedef struct {
  const char *family;
  cairo_font_weight_t weight;
} Font;

static const Font fonts[] = {
  { "DejaVu Sans", CAIRO_FONT_WEIGHT_NORMAL },
  { "DejaVu Serif", CAIRO_FONT_WEIGHT_NORMAL },
  { "DejaVu Sans Mono", CAIRO_FONT_WEIGHT_BOLD },
  { "DejaVu Sans", CAIRO_FONT_WEIGHT_BOLD },
};

/* Angles in degrees, counter-clockwise: upright, slightly tilted, and
 * upside down (exactly or tilted). */
static const double angles[] = { 0, 180, 2, -2, 0, 182, 178, 0 };

#define N_OF(a) (sizeof (a) / sizeof (a)[0])

static uint32_t
next (uint32_t *state)
{
  /* xorshift32: plenty for picking fonts, never zero from a non-zero seed */
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

/* Draws `text` centred on (cx, cy) turned by `degrees` and records the
 * bounds of its ink in `line`. */
static void
draw_line (cairo_t *cr, const char *text, double size, double max_width,
           double cx, double cy, double degrees, OcrLine *line)
{
  static const double unit[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 },
                                     { -1, 1 } };
  cairo_text_extents_t ext;
  double a = -degrees * M_PI / 180.0;

  cairo_set_font_size (cr, size);
  cairo_text_extents (cr, text, &ext);
  if (ext.width > max_width)
    {
      cairo_set_font_size (cr, size * max_width / ext.width);
      cairo_text_extents (cr, text, &ext);
    }
  double hw = ext.width / 2, hh = ext.height / 2;
  cairo_save (cr);
  cairo_translate (cr, cx, cy);
  cairo_rotate (cr, a);
  cairo_move_to (cr, -ext.x_bearing - hw, -ext.y_bearing - hh);
  cairo_show_text (cr, text);
  cairo_restore (cr);

  line->text = text;
  line->upside_down = fabs (degrees) > 90;
  line->box = (OcrBox) { INFINITY, INFINITY, -INFINITY, -INFINITY };
  for (int k = 0; k < 4; k++)
    {
      double u = unit[k][0] * hw, v = unit[k][1] * hh;
      double x = cx + u * cos (a) - v * sin (a);
      double y = cy + u * sin (a) + v * cos (a);
      line->box.x0 = fmin (line->box.x0, x);
      line->box.y0 = fmin (line->box.y0, y);
      line->box.x1 = fmax (line->box.x1, x);
      line->box.y1 = fmax (line->box.y1, y);
    }
}

OcrFrame *
ocr_frame_render (int index, int width, int height)
{
  OcrFrame *frame = calloc (1, sizeof *frame);
  uint32_t state = 0x9e3779b9u ^ (uint32_t) (index + 1) * 2654435761u;

  if (!frame)
    return NULL;
  frame->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width,
                                               height);
  if (cairo_surface_status (frame->surface) != CAIRO_STATUS_SUCCESS)
    {
      ocr_frame_free (frame);
      return NULL;
    }
  cairo_t *cr = cairo_create (frame->surface);
  /* a light page, its shade changing from frame to frame */
  double paper = 0.88 + 0.12 * (next (&state) % 100) / 100.0;
  cairo_set_source_rgb (cr, paper, paper, paper * 0.97);
  cairo_paint (cr);

  frame->n_lines = 2 + (int) (next (&state) % 3);
  double band = (double) height / frame->n_lines;
  for (int i = 0; i < frame->n_lines; i++)
    {
      const Font *font = &fonts[next (&state) % N_OF (fonts)];
      const char *text = phrases[next (&state) % N_OF (phrases)];
      double size = fmin (band * 0.45, 20 + next (&state) % 17);
      double degrees = angles[next (&state) % N_OF (angles)];
      /* anywhere along the band, the line kept clear of the edges */
      double cx = width * (0.4 + 0.2 * (next (&state) % 100) / 100.0);
      double room = 2 * fmin (cx, width - cx) - 0.1 * width;

      cairo_select_font_face (cr, font->family, CAIRO_FONT_SLANT_NORMAL,
                              font->weight);
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.12);
      draw_line (cr, text, size, room, cx, band * (i + 0.5), degrees,
                 &frame->lines[i]);
    }
  cairo_destroy (cr);
  cairo_surface_flush (frame->surface);
  return frame;
}

void
ocr_frame_free (OcrFrame *frame)
{
  if (!frame)
    return;
  if (frame->surface)
    cairo_surface_destroy (frame->surface);
  free (frame);
}

double
ocr_box_iou (const OcrBox *a, const OcrBox *b)
{
  double w = fmin (a->x1, b->x1) - fmax (a->x0, b->x0);
  double h = fmin (a->y1, b->y1) - fmax (a->y0, b->y0);
  if (w <= 0 || h <= 0)
    return 0;
  double inter = w * h;
  double area_a = (a->x1 - a->x0) * (a->y1 - a->y0);
  double area_b = (b->x1 - b->x0) * (b->y1 - b->y0);
  return inter / (area_a + area_b - inter);
}
