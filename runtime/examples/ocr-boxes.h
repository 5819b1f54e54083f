/*
 * ocr-boxes.h: DB text detection's post-processing, from the detector's
 * probability map to text boxes, as PaddleOCR's DBPostProcess does it for
 * axis-aligned boxes.
 */
#ifndef OCR_BOXES_H
#define OCR_BOXES_H

#include "ocr-frames.h"

/* The text boxes of a `width` x `height` probability map: each connected
 * region above the threshold, grown back by the margin the detector was
 * trained to shrink text by. Stores up to `max` boxes, largest first, and
 * returns how many regions there were (-1: out of memory). */
int ocr_find_boxes (const float *map, int width, int height, OcrBox *boxes,
                    int max);

#endif /* OCR_BOXES_H */
