/*
 * ocr-frames.h: the frames ocr-demo reads: lines of text drawn with cairo
 * in several fonts, sizes and small tilts, some upside down, and where
 * each line was drawn, which is what the demo checks its findings against.
 */
#ifndef OCR_FRAMES_H
#define OCR_FRAMES_H

#include <cairo.h>

#define OCR_MAX_LINES 8

/* An axis-aligned box in frame pixels, [x0, x1) x [y0, y1). */
typedef struct {
  double x0, y0, x1, y1;
} OcrBox;

typedef struct {
  const char *text;
  OcrBox box;               /* the bounds of the line's ink */
  int upside_down;          /* drawn turned by about 180 degrees */
} OcrLine;

typedef struct {
  cairo_surface_t *surface; /* CAIRO_FORMAT_RGB24: B, G, R, x bytes */
  int n_lines;
  OcrLine lines[OCR_MAX_LINES];
} OcrFrame;

/* Draws frame `index` of the stream (the same frame for the same index and
 * size) into a new surface: 2 to 4 lines of dark text on a light page, one
 * per band of the frame. NULL when cairo cannot make the surface. */
OcrFrame *ocr_frame_render (int index, int width, int height);
void ocr_frame_free (OcrFrame *frame);

/* The overlap of two boxes over their union (0 when apart). */
double ocr_box_iou (const OcrBox *a, const OcrBox *b);

#endif /* OCR_FRAMES_H */
