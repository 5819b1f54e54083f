/*
 * det-boxes.c: the detector's text boxes, found and matched with the drawn
 * lines (det-boxes.h).
 */
#include <math.h>

#include "det-boxes.h"

typedef struct {
  int x0, y0, x1, y1;           /* inclusive pixel bounds */
  int area;
} Blob;

/* The 4-connected regions of map > thresh (as DB's post-processing
 * binarises), largest first; regions under `min_area` pixels dropped. */
static GArray *
regions (const float *map, int w, int h, double thresh, int min_area)
{
  guint8 *seen = g_new0 (guint8, (size_t) w * h);
  int *stack = g_new (int, (size_t) w * h);
  GArray *blobs = g_array_new (FALSE, FALSE, sizeof (Blob));

  for (int start = 0; start < w * h; start++)
    {
      Blob b = { w, h, -1, -1, 0 };
      int top = 0;

      if (seen[start] || map[start] <= thresh)
        continue;
      seen[start] = 1;
      stack[top++] = start;
      while (top > 0)
        {
          int p = stack[--top], x = p % w, y = p / w;
          int next[4] = { x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1,
                          y > 0 ? p - w : -1, y + 1 < h ? p + w : -1 };

          b.x0 = MIN (b.x0, x);
          b.y0 = MIN (b.y0, y);
          b.x1 = MAX (b.x1, x);
          b.y1 = MAX (b.y1, y);
          b.area++;
          for (int k = 0; k < 4; k++)
            if (next[k] >= 0 && !seen[next[k]] && map[next[k]] > thresh)
              {
                seen[next[k]] = 1;
                stack[top++] = next[k];
              }
        }
      if (b.area >= min_area)
        g_array_append_val (blobs, b);
    }
  g_free (seen);
  g_free (stack);
  return blobs;
}

/* DB's detector marks a text line shrunk by d = A r / L (area A,
 * perimeter L, r = 0.4 at training); its post-processing grows each
 * region back by A' 1.5 / L'. Returns the region so grown. */
static void
unclip (const Blob *b, double *x0, double *y0, double *x1, double *y1)
{
  double w = b->x1 - b->x0 + 1, h = b->y1 - b->y0 + 1;
  double d = w * h * 1.5 / (2 * (w + h));

  *x0 = b->x0 - d;
  *y0 = b->y0 - d;
  *x1 = b->x1 + 1 + d;
  *y1 = b->y1 + 1 + d;
}

DetMatch *
det_boxes_match (const float *map, const TextImage *image)
{
  GArray *blobs = regions (map, image->width, image->height, 0.3, 30);
  DetMatch *match = g_new0 (DetMatch, 1);

  match->n_regions = blobs->len;
  match->found = g_malloc0_n (image->n_boxes ? image->n_boxes : 1,
                              sizeof *match->found);
  match->off = g_new (double, image->n_boxes ? image->n_boxes : 1);
  for (size_t i = 0; i < image->n_boxes; i++)
    {
      const TextBox *t = &image->boxes[i];

      match->off[i] = G_MAXDOUBLE;
      for (guint k = 0; k < blobs->len; k++)
        {
          double x0, y0, x1, y1, worst;

          unclip (&g_array_index (blobs, Blob, k), &x0, &y0, &x1, &y1);
          worst = fmax (fmax (fabs (x0 - t->x0), fabs (x1 - t->x1)),
                        fmax (fabs (y0 - t->y0), fabs (y1 - t->y1)));
          if (worst < match->off[i])
            {
              match->off[i] = worst;
              match->found[i][0] = x0;
              match->found[i][1] = y0;
              match->found[i][2] = x1;
              match->found[i][3] = y1;
            }
        }
    }
  g_array_free (blobs, TRUE);
  return match;
}

void
det_match_free (DetMatch *match)
{
  g_free (match->found);
  g_free (match->off);
  g_free (match);
}
