/*
 * text-image.h: images of text drawn with cairo, the real inputs the OCR
 * models are checked on, with where each line was drawn, and their
 * conversion into the tensors PaddleOCR's models take.
 */
#ifndef ONNX_TEST_TEXT_IMAGE_H
#define ONNX_TEST_TEXT_IMAGE_H

#include <glib.h>

#include "onnx-graph.h"

typedef struct {
  const char *text;
  const char *font;             /* a fontconfig family: "DejaVu Serif" */
  double size;                  /* pixels */
  double x, y;                  /* where the centre of the line's ink goes */
  double angle;                 /* degrees counter-clockwise; 180 upside down */
  gboolean bold;
} TextLine;

typedef struct {
  double corners[4][2];         /* the ink box, clockwise from the text's
                                 * top-left, in image pixels */
  double x0, y0, x1, y1;        /* its axis-aligned bounds */
} TextBox;

typedef struct {
  int width, height;
  guint8 *rgb;                  /* height * width * 3, black text on white */
  TextBox *boxes;               /* one per line, in the order given */
  size_t n_boxes;
} TextImage;

TextImage *text_image_render (int width, int height, const TextLine *lines,
                              size_t n_lines);

/* Lines of text in various fonts, what the line models are checked on. */
typedef struct {
  const char *text, *font;
  double size;
  gboolean bold;
} TextSample;

extern const TextSample text_samples[4];
#define N_TEXT_SAMPLES 4

/* A sample drawn at `angle` (0 or 180) and cropped around its ink, as a
 * detector's crop reaches the classifier and the recogniser. */
TextImage *text_image_sample (const TextSample *sample, double angle);
void text_image_free (TextImage *image);
/* The part of an image within a line's box and `margin` pixels around it,
 * as a detector's crop hands it to the classifier. */
TextImage *text_image_crop (const TextImage *image, const TextBox *box,
                            int margin);
/* The detector's input: [1,3,H,W] float, RGB, normalised with ImageNet's
 * per-channel mean and std, as PaddleOCR's det preprocessing does. */
MlrtOnnxTensor *text_image_det_input (const TextImage *image);
/* The classifier's and recogniser's input: [1,3,h,w] float, the image
 * scaled to height h keeping its aspect (at most w wide), (x/255 - 0.5) /
 * 0.5, and zeros to the right, as PaddleOCR's resize_norm_img does. */
MlrtOnnxTensor *text_image_line_input (const TextImage *image, int h, int w);

#endif /* ONNX_TEST_TEXT_IMAGE_H */
