/*
 * ocr-boxes.c: the post-processing of ocr-boxes.h. DB's detector marks a
 * text line shrunk by d = A r / L (area A, perimeter L, r = 0.4 in
 * training); the post-processing binarises the map at 0.3, drops specks,
 * and grows each region back by A' 1.5 / L' (unclip ratio 1.5).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ocr-boxes.h"

#define OCR_THRESHOLD 0.3f
#define OCR_MIN_AREA 30       /* pixels: smaller regions are noise */
#define OCR_UNCLIP 1.5

typedef struct {
  int x0, y0, x1, y1;         /* inclusive pixel bounds */
  int area;
} Region;

/* Grows the 4-connected region of `start` over map > threshold, marking
 * `seen`; `stack` has room for every pixel. */
static Region
flood (const float *map, int w, int h, uint8_t *seen, int *stack, int start)
{
  Region r = { w, h, -1, -1, 0 };
  int top = 0;

  seen[start] = 1;
  stack[top++] = start;
  while (top > 0)
    {
      int p = stack[--top], x = p % w, y = p / w;
      int near[4] = { x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1,
                      y > 0 ? p - w : -1, y + 1 < h ? p + w : -1 };

      r.x0 = x < r.x0 ? x : r.x0;
      r.y0 = y < r.y0 ? y : r.y0;
      r.x1 = x > r.x1 ? x : r.x1;
      r.y1 = y > r.y1 ? y : r.y1;
      r.area++;
      for (int k = 0; k < 4; k++)
        if (near[k] >= 0 && !seen[near[k]] && map[near[k]] > OCR_THRESHOLD)
          {
            seen[near[k]] = 1;
            stack[top++] = near[k];
          }
    }
  return r;
}

static OcrBox
unclip (const Region *r, int w, int h)
{
  double bw = r->x1 - r->x0 + 1, bh = r->y1 - r->y0 + 1;
  double d = bw * bh * OCR_UNCLIP / (2 * (bw + bh));
  OcrBox b = { r->x0 - d, r->y0 - d, r->x1 + 1 + d, r->y1 + 1 + d };

  b.x0 = b.x0 < 0 ? 0 : b.x0;
  b.y0 = b.y0 < 0 ? 0 : b.y0;
  b.x1 = b.x1 > w ? w : b.x1;
  b.y1 = b.y1 > h ? h : b.y1;
  return b;
}

/* Inserts `box` of `area` into boxes[0..*n), kept largest first, at most
 * `max` of them. */
static void
keep (OcrBox *boxes, int *areas, int *n, int max, OcrBox box, int area)
{
  int i = *n < max ? (*n)++ : max;
  while (i > 0 && areas[i - 1] < area)
    {
      if (i < max)
        {
          boxes[i] = boxes[i - 1];
          areas[i] = areas[i - 1];
        }
      i--;
    }
  if (i < max)
    {
      boxes[i] = box;
      areas[i] = area;
    }
}

int
ocr_find_boxes (const float *map, int width, int height, OcrBox *boxes,
                int max)
{
  size_t n = (size_t) width * height;
  uint8_t *seen = calloc (n, 1);
  int *stack = malloc (n * sizeof *stack);
  int *areas = malloc ((size_t) (max > 0 ? max : 1) * sizeof *areas);
  int found = 0, kept = 0;

  if (!seen || !stack || !areas)
    found = -1;
  for (size_t p = 0; found >= 0 && p < n; p++)
    {
      if (seen[p] || map[p] <= OCR_THRESHOLD)
        continue;
      Region r = flood (map, width, height, seen, stack, (int) p);
      if (r.area < OCR_MIN_AREA)
        continue;
      found++;
      keep (boxes, areas, &kept, max, unclip (&r, width, height), r.area);
    }
  free (areas);
  free (stack);
  free (seen);
  return found;
}
