/*
 * ocr-pipeline.h: ocr-demo's pipeline over one frame: the text detector
 * finds the lines, each line is cropped and resized for the direction
 * classifier, which tells upright from upside-down text, and cropped again,
 * turned upright, for the recogniser, which reads it; then the findings are
 * checked against what was drawn.
 */
#ifndef OCR_PIPELINE_H
#define OCR_PIPELINE_H

#include <mlrt/mlrt.h>

#include "ocr-frames.h"
#include "ocr-read.h"

/* Where the packages and the recogniser's character list are. */
typedef struct {
  char *det, *cls, *rec, *keys;
} OcrPaths;

/* PaddleOCR's text detector, direction classifier and recogniser,
 * converted with image inputs (ocr-demo --help says how), and their
 * features. */
typedef struct {
  MlrtModel *det, *cls, *rec;
  const char *det_in, *det_out, *cls_in, *cls_out, *rec_in, *rec_out;
  int width, height;            /* the detector's frames */
  int cls_w, cls_h;             /* the classifier's line images */
  int rec_w, rec_h;             /* the recogniser's line images */
  int rec_steps;                /* its output's time steps */
  const OcrKeys *keys;          /* what its classes are */
} OcrModels;

/* Loads the three packages for `units`, checking their features against
 * each other and the recogniser's against `keys`; prints the error and
 * returns -1 on failure. Adds the loads' time to *load_ms. */
int ocr_models_load (OcrModels *m, const char *prog, const OcrPaths *paths,
                     const OcrKeys *keys, MlrtComputeUnits units,
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
  int read;                     /* found lines read exactly as drawn */
  int chars;                    /* characters drawn in the found lines */
  int char_errors;              /* the readings' edit distance to them */
  int worst_line_errors;        /* the largest distance of one line */
  int det_predictions, cls_predictions, rec_predictions;
  double det_ms, cls_ms, rec_ms; /* time inside the predictions */
} OcrTally;

void ocr_tally_add (OcrTally *sum, const OcrTally *t);

/* Runs frame `index` through the models: one classifier and one
 * recogniser prediction per line, or with `batch` one batch prediction of
 * each for all a frame's lines.
 * Returns 0, or -1 with the error printed. */
int ocr_run_frame (const OcrModels *m, const char *prog, int index, int batch,
                   OcrTally *tally);

#endif /* OCR_PIPELINE_H */
