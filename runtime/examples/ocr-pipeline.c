/*
 * ocr-pipeline.c: the pipeline of ocr-pipeline.h. The models take images
 * (mlrt-convert --image-input), so a cairo RGB24 surface, whose bytes are
 * B, G, R, x, goes in as a BGRA8 frame with no conversion of ours; the
 * packages normalise the pixels as PaddleOCR's preprocessing does.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "example-common.h"
#include "ocr-boxes.h"
#include "ocr-pipeline.h"

/* Boxes the detector may report per frame; more than the lines drawn. */
#define OCR_MAX_BOXES 16
/* A detected box that covers a drawn line this well (over their union)
 * found it. */
#define OCR_MIN_IOU 0.5

/* The model's only input must be a BGRA8 image and its first output hold
 * `n_out` floats (0: as many as the image has pixels); prints the error. */
static int
check_model (const char *prog, const char *what, MlrtModel *model,
             const char **in, const char **out, int *w, int *h, size_t n_out)
{
  const MlrtModelDescription *d = mlrt_model_description (model);
  if (d->n_inputs != 1 || d->inputs[0].type != MLRT_TYPE_BGRA8
      || d->inputs[0].rank != 2 || d->n_outputs < 1)
    {
      fprintf (stderr, "%s: the %s model %s must take one bgra8 image (convert "
               "it with --image-input, see --help)\n", prog, what, d->name);
      return -1;
    }
  *in = d->inputs[0].name;
  *out = d->outputs[0].name;
  *h = (int) d->inputs[0].shape[0];
  *w = (int) d->inputs[0].shape[1];
  size_t count = 1;
  for (int i = 0; i < d->outputs[0].rank; i++)
    count *= (size_t) d->outputs[0].shape[i];
  if (n_out == 0)
    n_out = (size_t) *w * *h;
  if (count != n_out)
    {
      fprintf (stderr, "%s: the %s model %s: output '%s' holds %zu values, "
               "not %zu\n", prog, what, d->name, *out, count, n_out);
      return -1;
    }
  return 0;
}

int
ocr_models_load (OcrModels *m, const char *prog, const char *det_path,
                 const char *cls_path, MlrtComputeUnits units,
                 double *load_ms)
{
  double det_ms = 0, cls_ms = 0;

  m->det = ex_load_model (prog, det_path, units, &det_ms);
  m->cls = m->det ? ex_load_model (prog, cls_path, units, &cls_ms) : NULL;
  *load_ms += det_ms + cls_ms;
  if (!m->cls
      || check_model (prog, "detector", m->det, &m->det_in, &m->det_out,
                      &m->width, &m->height, 0) != 0
      || check_model (prog, "classifier", m->cls, &m->cls_in, &m->cls_out,
                      &m->cls_w, &m->cls_h, 2) != 0)
    {
      ocr_models_unload (m);
      return -1;
    }
  return 0;
}

void
ocr_models_unload (OcrModels *m)
{
  mlrt_model_unload (m->det);
  mlrt_model_unload (m->cls);
  m->det = m->cls = NULL;
}

void
ocr_tally_add (OcrTally *sum, const OcrTally *t)
{
  sum->frames += t->frames;
  if (t->frames)
    {
      sum->width = t->width;
      sum->height = t->height;
    }
  sum->lines += t->lines;
  sum->found += t->found;
  sum->spurious += t->spurious;
  sum->oriented += t->oriented;
  sum->det_predictions += t->det_predictions;
  sum->cls_predictions += t->cls_predictions;
  sum->det_ms += t->det_ms;
  sum->cls_ms += t->cls_ms;
}

/* Inputs holding one BGRA8 image of `surface`. */
static MlrtFeatures *
image_features (const char *name, cairo_surface_t *surface, MlrtError *error)
{
  MlrtValue value = { MLRT_TYPE_BGRA8, 2,
                      { cairo_image_surface_get_height (surface),
                        cairo_image_surface_get_width (surface) },
                      cairo_image_surface_get_data (surface), NULL };
  MlrtFeatures *f = mlrt_features_new ();
  if (f && mlrt_features_set (f, name, &value, error) != MLRT_OK)
    {
      mlrt_features_free (f);
      return NULL;
    }
  return f;
}

/* The detector's boxes for the frame; returns how many (-1: error). */
static int
detect (const OcrModels *m, cairo_surface_t *frame, OcrBox *boxes,
        OcrTally *tally, MlrtError *error)
{
  MlrtFeatures *in = image_features (m->det_in, frame, error), *out = NULL;
  int n = -1;

  double start = ex_now_ms ();
  if (in && mlrt_model_predict (m->det, in, NULL, &out, error) == MLRT_OK)
    {
      tally->det_ms += ex_now_ms () - start;
      tally->det_predictions++;
      const MlrtValue *map = mlrt_features_get (out, m->det_out);
      n = ocr_find_boxes (map->data, m->width, m->height, boxes,
                          OCR_MAX_BOXES);
      if (n < 0)
        snprintf (error->message, sizeof error->message, "out of memory");
      n = n > OCR_MAX_BOXES ? OCR_MAX_BOXES : n;
    }
  mlrt_features_free (out);
  mlrt_features_free (in);
  return n;
}

/* The line in `box` scaled to the classifier's height keeping its aspect
 * (at most its width), the rest grey, as PaddleOCR's resize_norm_img pads
 * with zeros after normalising. */
static cairo_surface_t *
crop_line (const OcrModels *m, cairo_surface_t *frame, const OcrBox *box)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                                   m->cls_w, m->cls_h);
  cairo_t *cr = cairo_create (s);
  double bw = box->x1 - box->x0, bh = box->y1 - box->y0;
  double w = fmin (ceil (m->cls_h * bw / bh), m->cls_w);

  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_paint (cr);
  cairo_rectangle (cr, 0, 0, w, m->cls_h);
  cairo_clip (cr);
  cairo_scale (cr, w / bw, m->cls_h / bh);
  cairo_set_source_surface (cr, frame, -box->x0, -box->y0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  return s;
}

/* Classifies the n crops: upside_down[i] set when the classifier finds
 * crop i turned by 180 degrees. Returns 0 or -1. */
static int
classify (const OcrModels *m, cairo_surface_t **crops, int n, int batch,
          int *upside_down, OcrTally *tally, MlrtError *error)
{
  MlrtFeatures *in[OCR_MAX_BOXES] = { NULL }, *out[OCR_MAX_BOXES] = { NULL };
  int ret = 0;

  for (int i = 0; i < n && ret == 0; i++)
    ret = (in[i] = image_features (m->cls_in, crops[i], error)) ? 0 : -1;
  double start = ex_now_ms ();
  if (ret == 0 && batch && n > 0)
    {
      ret = mlrt_model_predict_batch (m->cls, n,
                                      (const MlrtFeatures *const *) in, NULL,
                                      out, error) == MLRT_OK ? 0 : -1;
      tally->cls_predictions++;
    }
  for (int i = 0; ret == 0 && !batch && i < n; i++)
    {
      ret = mlrt_model_predict (m->cls, in[i], NULL, &out[i], error)
            == MLRT_OK ? 0 : -1;
      tally->cls_predictions++;
    }
  tally->cls_ms += ex_now_ms () - start;
  for (int i = 0; i < n; i++)
    {
      if (ret == 0)
        {
          const float *p = mlrt_features_get (out[i], m->cls_out)->data;
          upside_down[i] = p[1] > p[0];
        }
      mlrt_features_free (out[i]);
      mlrt_features_free (in[i]);
    }
  return ret;
}

/* Matches each drawn line to the unclaimed box covering it best and
 * counts what was right. */
static void
check (const OcrFrame *frame, const OcrBox *boxes, const int *upside_down,
       int n, OcrTally *tally)
{
  int claimed[OCR_MAX_BOXES] = { 0 }, found = 0;

  for (int l = 0; l < frame->n_lines; l++)
    {
      const OcrLine *line = &frame->lines[l];
      int best = -1;
      double best_iou = OCR_MIN_IOU;
      for (int b = 0; b < n; b++)
        {
          double iou = ocr_box_iou (&line->box, &boxes[b]);
          if (!claimed[b] && iou >= best_iou)
            {
              best = b;
              best_iou = iou;
            }
        }
      if (best < 0)
        continue;
      claimed[best] = 1;
      found++;
      tally->oriented += upside_down[best] == line->upside_down;
    }
  tally->lines += frame->n_lines;
  tally->found += found;
  tally->spurious += n - found;
  tally->frames++;
  tally->width = cairo_image_surface_get_width (frame->surface);
  tally->height = cairo_image_surface_get_height (frame->surface);
}

int
ocr_run_frame (const OcrModels *m, const char *prog, int index, int batch,
               OcrTally *tally)
{
  OcrFrame *frame = ocr_frame_render (index, m->width, m->height);
  cairo_surface_t *crops[OCR_MAX_BOXES] = { NULL };
  OcrBox boxes[OCR_MAX_BOXES];
  int upside_down[OCR_MAX_BOXES] = { 0 };
  MlrtError error = { 0 };
  int n = -1, ret = -1;

  if (!frame)
    snprintf (error.message, sizeof error.message, "cairo cannot draw a "
              "%dx%d frame", m->width, m->height);
  else if (cairo_image_surface_get_stride (frame->surface) != m->width * 4)
    snprintf (error.message, sizeof error.message, "cairo pads the frame's "
              "rows; the detector wants them dense");
  else
    n = detect (m, frame->surface, boxes, tally, &error);
  for (int i = 0; i < n; i++)
    crops[i] = crop_line (m, frame->surface, &boxes[i]);
  if (n >= 0
      && classify (m, crops, n, batch, upside_down, tally, &error) == 0)
    {
      check (frame, boxes, upside_down, n, tally);
      ret = 0;
    }
  if (ret != 0)
    fprintf (stderr, "%s: frame %d: %s\n", prog, index, error.message);
  for (int i = 0; i < n; i++)
    cairo_surface_destroy (crops[i]);
  ocr_frame_free (frame);
  return ret;
}
