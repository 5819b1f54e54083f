/*
 * ocr-pipeline.c: the pipeline of ocr-pipeline.h. The models take images
 * (mlrt-convert --image-input), so a cairo RGB24 surface, whose bytes are
 * B, G, R, x, goes in as a BGRA8 frame with no conversion of ours; the
 * packages normalise the pixels as PaddleOCR's preprocessing does.
 */
#include <math.h>
#include <stdint.h>
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
 * `n_out` floats (0: as many as the image has pixels, SIZE_MAX: any
 * number); prints the error. */
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
  if (n_out != SIZE_MAX && count != n_out)
    {
      fprintf (stderr, "%s: the %s model %s: output '%s' holds %zu values, "
               "not %zu\n", prog, what, d->name, *out, count, n_out);
      return -1;
    }
  return 0;
}

/* The recogniser's output must be [1, steps, classes] with a class per
 * character of the list, a blank and a space; prints the error. */
static int
check_rec (const char *prog, OcrModels *m)
{
  const MlrtModelDescription *d = mlrt_model_description (m->rec);
  const MlrtFeatureDescription *o = &d->outputs[0];
  size_t classes = ocr_keys_classes (m->keys);

  if (o->rank != 3 || o->shape[0] != 1 || o->shape[2] != (int64_t) classes)
    {
      fprintf (stderr, "%s: the recogniser model %s: output '%s' must be "
               "[1, steps, %zu] (a class per character of the list, a blank "
               "and a space)\n", prog, d->name, o->name, classes);
      return -1;
    }
  m->rec_steps = (int) o->shape[1];
  return 0;
}

int
ocr_models_load (OcrModels *m, const char *prog, const OcrPaths *paths,
                 const OcrKeys *keys, MlrtComputeUnits units,
                 double *load_ms)
{
  double det_ms = 0, cls_ms = 0, rec_ms = 0;

  m->keys = keys;
  m->det = ex_load_model (prog, paths->det, units, &det_ms);
  m->cls = m->det ? ex_load_model (prog, paths->cls, units, &cls_ms) : NULL;
  m->rec = m->cls ? ex_load_model (prog, paths->rec, units, &rec_ms) : NULL;
  *load_ms += det_ms + cls_ms + rec_ms;
  if (!m->rec
      || check_model (prog, "detector", m->det, &m->det_in, &m->det_out,
                      &m->width, &m->height, 0) != 0
      || check_model (prog, "classifier", m->cls, &m->cls_in, &m->cls_out,
                      &m->cls_w, &m->cls_h, 2) != 0
      || check_model (prog, "recogniser", m->rec, &m->rec_in, &m->rec_out,
                      &m->rec_w, &m->rec_h, SIZE_MAX) != 0
      || check_rec (prog, m) != 0)
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
  mlrt_model_unload (m->rec);
  m->det = m->cls = m->rec = NULL;
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
  sum->read += t->read;
  sum->chars += t->chars;
  sum->char_errors += t->char_errors;
  if (t->worst_line_errors > sum->worst_line_errors)
    sum->worst_line_errors = t->worst_line_errors;
  sum->det_predictions += t->det_predictions;
  sum->cls_predictions += t->cls_predictions;
  sum->rec_predictions += t->rec_predictions;
  sum->det_ms += t->det_ms;
  sum->cls_ms += t->cls_ms;
  sum->rec_ms += t->rec_ms;
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

/* The line in `box` scaled to a w x h line image keeping its aspect (at
 * most w wide), the rest grey, as PaddleOCR's resize_norm_img pads with
 * zeros after normalising; turned by 180 degrees when `turn`. */
static cairo_surface_t *
crop_line (cairo_surface_t *frame, const OcrBox *box, int w, int h, int turn)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (s);
  double bw = box->x1 - box->x0, bh = box->y1 - box->y0;
  double used = fmin (ceil (h * bw / bh), w);

  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_paint (cr);
  cairo_rectangle (cr, 0, 0, used, h);
  cairo_clip (cr);
  if (turn)
    {
      cairo_translate (cr, used, h);
      cairo_rotate (cr, M_PI);
    }
  cairo_scale (cr, used / bw, h / bh);
  cairo_set_source_surface (cr, frame, -box->x0, -box->y0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  return s;
}

/* Runs `model` on the n crops, one prediction each or, with `batch`, one
 * batch prediction, counting them and their time; out[i] gets crop i's
 * outputs (free them). Returns 0 or -1. */
static int
predict_crops (MlrtModel *model, const char *in_name,
               cairo_surface_t **crops, int n, int batch, MlrtFeatures **out,
               int *predictions, double *ms, MlrtError *error)
{
  MlrtFeatures *in[OCR_MAX_BOXES] = { NULL };
  int ret = 0;

  for (int i = 0; i < n && ret == 0; i++)
    ret = (in[i] = image_features (in_name, crops[i], error)) ? 0 : -1;
  double start = ex_now_ms ();
  if (ret == 0 && batch && n > 0)
    {
      ret = mlrt_model_predict_batch (model, n,
                                      (const MlrtFeatures *const *) in, NULL,
                                      out, error) == MLRT_OK ? 0 : -1;
      (*predictions)++;
    }
  for (int i = 0; ret == 0 && !batch && i < n; i++)
    {
      ret = mlrt_model_predict (model, in[i], NULL, &out[i], error)
            == MLRT_OK ? 0 : -1;
      (*predictions)++;
    }
  *ms += ex_now_ms () - start;
  for (int i = 0; i < n; i++)
    mlrt_features_free (in[i]);
  return ret;
}

/* Classifies the frame's n lines: upside_down[i] set when the classifier
 * finds line i turned by 180 degrees. Returns 0 or -1. */
static int
classify (const OcrModels *m, cairo_surface_t *frame, const OcrBox *boxes,
          int n, int batch, int *upside_down, OcrTally *tally,
          MlrtError *error)
{
  cairo_surface_t *crops[OCR_MAX_BOXES] = { NULL };
  MlrtFeatures *out[OCR_MAX_BOXES] = { NULL };

  for (int i = 0; i < n; i++)
    crops[i] = crop_line (frame, &boxes[i], m->cls_w, m->cls_h, 0);
  int ret = predict_crops (m->cls, m->cls_in, crops, n, batch, out,
                           &tally->cls_predictions, &tally->cls_ms, error);
  for (int i = 0; i < n; i++)
    {
      if (ret == 0)
        {
          const float *p = mlrt_features_get (out[i], m->cls_out)->data;
          upside_down[i] = p[1] > p[0];
        }
      mlrt_features_free (out[i]);
      cairo_surface_destroy (crops[i]);
    }
  return ret;
}

/* Reads the frame's n lines, each turned upright as the classifier says:
 * texts[i] gets line i's text (free them). Returns 0 or -1. */
static int
recognise (const OcrModels *m, cairo_surface_t *frame, const OcrBox *boxes,
           int n, int batch, const int *upside_down, char **texts,
           OcrTally *tally, MlrtError *error)
{
  cairo_surface_t *crops[OCR_MAX_BOXES] = { NULL };
  MlrtFeatures *out[OCR_MAX_BOXES] = { NULL };

  for (int i = 0; i < n; i++)
    crops[i] = crop_line (frame, &boxes[i], m->rec_w, m->rec_h,
                          upside_down[i]);
  int ret = predict_crops (m->rec, m->rec_in, crops, n, batch, out,
                           &tally->rec_predictions, &tally->rec_ms, error);
  for (int i = 0; i < n; i++)
    {
      if (ret == 0)
        {
          texts[i] = ocr_ctc_decode (m->keys, mlrt_features_get (
                                       out[i], m->rec_out)->data,
                                     m->rec_steps);
          if (!texts[i])
            {
              snprintf (error->message, sizeof error->message,
                        "out of memory");
              ret = -1;
            }
        }
      mlrt_features_free (out[i]);
      cairo_surface_destroy (crops[i]);
    }
  return ret;
}

/* Matches each drawn line to the unclaimed box covering it best and
 * counts what was right, printing each line read wrong. */
static void
check (const OcrFrame *frame, const OcrBox *boxes, const int *upside_down,
       char *const *texts, int n, int index, OcrTally *tally)
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
      int errors = ocr_text_distance (texts[best], line->text);
      tally->read += errors == 0;
      tally->chars += ocr_text_length (line->text);
      tally->char_errors += errors;
      if (errors > tally->worst_line_errors)
        tally->worst_line_errors = errors;
      if (errors)
        printf ("frame %d: '%s' read as '%s'%s\n", index, line->text,
                texts[best], upside_down[best] == line->upside_down ? ""
                : " (classified the wrong way up)");
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
  OcrBox boxes[OCR_MAX_BOXES];
  int upside_down[OCR_MAX_BOXES] = { 0 };
  char *texts[OCR_MAX_BOXES] = { NULL };
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
  if (n >= 0
      && classify (m, frame->surface, boxes, n, batch, upside_down, tally,
                   &error) == 0
      && recognise (m, frame->surface, boxes, n, batch, upside_down, texts,
                    tally, &error) == 0)
    {
      check (frame, boxes, upside_down, texts, n, index, tally);
      ret = 0;
    }
  if (ret != 0)
    fprintf (stderr, "%s: frame %d: %s\n", prog, index, error.message);
  for (int i = 0; i < n; i++)
    free (texts[i]);
  ocr_frame_free (frame);
  return ret;
}
