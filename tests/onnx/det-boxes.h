/*
 * det-boxes.h: reading text boxes out of PaddleOCR's DB detector's
 * probability map as its post-processing does (binarise, connected
 * regions, each grown back by the shrink the model was trained with), and
 * matching them with the lines cairo drew: what the model tests and the
 * compression benchmark call the detector doing its job.
 */
#ifndef ONNX_TEST_DET_BOXES_H
#define ONNX_TEST_DET_BOXES_H

#include "text-image.h"

typedef struct {
  size_t n_regions;             /* text regions found in the map */
  double (*found)[4];           /* per line drawn: the closest region, grown
                                 * back: x0, y0, x1, y1 */
  double *off;                  /* per line drawn: its largest distance
                                 * from that region, in pixels (G_MAXDOUBLE
                                 * when no region was found) */
} DetMatch;

/* The regions of a width x height map (the image's) matched with the
 * image's lines. */
DetMatch *det_boxes_match (const float *map, const TextImage *image);
void det_match_free (DetMatch *match);

#endif /* ONNX_TEST_DET_BOXES_H */
