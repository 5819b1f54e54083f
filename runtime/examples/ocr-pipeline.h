/*
 * ocr-pipeline.h: ocr-demo's two-model pipeline over one frame: the text
 * detector finds the lines, each line is cropped and resized for the
 * direction classifier, which tells upright from upside-down text; then
 * the findings are checked against what was drawn.
 */
#ifndef OCR_PIPELINE_H
#define OCR_PIPELINE_H

#include <mlrt/mlrt.h>

#include "ocr-frames.h"

/* PaddleOCR's text detector and direction classifier, converted with image
 * inputs (ocr-demo --help says how), and their features. */
typedef struct {
  MlrtModel *det, *cls;
  const char *det_in, *det_out, *cls_in, *cls_out;
  int width, height;            /* the detector's frames */
  int cls_w, cls_h;             /* the classifier's line images */
} OcrModels;

/* Loads both packages for `units`, checking their features; prints the
 * error and returns -1 on failure. Adds the loads' time to *load_ms. */
int ocr_models_load (OcrModels *m, const char *prog, const char *det_path,
                     const char *cls_path, MlrtComputeUnits units,
                     double *load_ms);
void ocr_models_unload (OcrModels *m);

/* What the pipeline found, and how much of it was right. */
typedef struct {
  int frames;
  int width, height;            /* of the frames */
  int lines;                    /* drawn */
  int found;                    /* drawn lines a detected box matched */
  int spurious;                 /* detected boxes matching no drawn line */
  int oriented;                 /* found lines classified the right way up */
  int det_predictions, cls_predictions;
  double det_ms, cls_ms;        /* time inside the predictions */
} OcrTally;

void ocr_tally_add (OcrTally *sum, const OcrTally *t);

/* Runs frame `index` through the models: one classifier prediction per
 * line, or with `batch` one batch prediction of all a frame's lines.
 * Returns 0, or -1 with the error printed. */
int ocr_run_frame (const OcrModels *m, const char *prog, int index, int batch,
                   OcrTally *tally);

#endif /* OCR_PIPELINE_H */
