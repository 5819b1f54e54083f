/*
 * mls-lane-draw.c: one lane's spans.
 *
 * The lane's spans at least a bucket wide (of each kind, of its thread or
 * of every visible thread) are read, sorted by start and placed first fit
 * in the rows of their depth's band: a row takes a span once the row's
 * last span has ended, and span_overlap gave the band as many rows as
 * spans of that depth ever overlap, so none covers another. Boxes are
 * labelled when wide enough (layers with their name and op, coloured by
 * unit); work done for a model load (calibration) is hatched; incomplete
 * spans fade out toward their unseen end. Spans narrower than a bucket
 * arrive as summary buckets, one read per lane of the row (the file keeps
 * a lane's buckets whole, each naming the kind busiest in it), summed
 * into a busy fraction per pixel column and drawn as one density strip
 * per lane, each column in the colour of the kind busiest there, each
 * lane in a slice of the row: one cairo operation per strip however many
 * spans the lane holds.
 */
#include "mls-lane-draw.h"

#include <math.h>
#include <string.h>
#include <pango/pangocairo.h>

/* A span as drawn: its box, and its label, which stops where the next
 * span of its row starts. Boxes are placed first, in start order, then
 * filled a colour at a time (one cairo fill for all the boxes of a kind:
 * a fill per span was most of a crowded frame), then labelled. */
typedef struct {
  const char *text;
  MlsColor color;
  double x0, x1, y, h;
  double alpha;
  double stop_x;
  const MlsTimelineSpan *span;
} Box;

typedef struct {
  cairo_t *cr;
  MlsSession *s;
  const MlsRow *row;
  const MlsDrawStyle *style;
  PangoLayout *layout;
  GArray *hits;
  double width;
  double ns_per_px;
  const char *lane;         /* of the read: every kind of it, or NULL */
  gint64 rows_read;
  GArray *spans;            /* MlsTimelineSpan of every kind */
  GStringChunk *labels;
  gint64 *row_end;          /* per row: where its last span ends */
  double *last_px;          /* per row: last thin column drawn */
  GArray *boxes;            /* Box, in start order */
  int *last_box;            /* per row: its last box, or -1 */
  double *busy;             /* per kind, per pixel column */
  gint64 *counts;
  int *lane_of;             /* per kind: the first kind of its lane */
  int n_px;
} LaneCtx;

static double
row_y (const LaneCtx *ctx, int subrow)
{
  return ctx->row->y + MLS_LANE_PADDING + subrow * MLS_SUBROW_HEIGHT;
}

static void
add_hit (LaneCtx *ctx, double x0, double x1, double y, gint64 id,
         int kind_id, gint64 start, gint64 end)
{
  MlsHit hit = { x0, x1, y, y + MLS_SUBROW_HEIGHT, id, kind_id, 0, start,
                 end };

  if (ctx->hits)
    g_array_append_val (ctx->hits, hit);
}

void
mls_draw_hatch (cairo_t *cr, MlsColor c, double x, double y, double w,
                double h)
{
  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  mls_draw_set_color (cr, mls_draw_mix (c, (MlsColor) { 1, 1, 1 }, 0.55),
                      0.9);
  cairo_set_line_width (cr, 2);
  for (double sx = x - h; sx < x + w; sx += 6)
    {
      cairo_move_to (cr, sx, y + h);
      cairo_line_to (cr, sx + h, y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_open_end (LaneCtx *ctx, MlsColor c, double alpha, double x0, double x1,
               double y, double h)
{
  cairo_t *cr = ctx->cr;
  double fade = MIN (32, (x1 - x0) / 2);
  cairo_pattern_t *pattern;

  /* Solid up to the last 32 px, then hatched and fading: the end was
   * never seen, so the box must not look like it knows where it ends. */
  mls_draw_set_color (cr, c, alpha);
  cairo_rectangle (cr, x0, y, x1 - x0 - fade, h);
  cairo_fill (cr);
  pattern = cairo_pattern_create_linear (x1 - fade, 0, x1, 0);
  cairo_pattern_add_color_stop_rgba (pattern, 0, c.r, c.g, c.b, alpha);
  cairo_pattern_add_color_stop_rgba (pattern, 1, c.r, c.g, c.b, 0.1);
  cairo_set_source (cr, pattern);
  cairo_rectangle (cr, x1 - fade, y, fade, h);
  cairo_fill (cr);
  cairo_pattern_destroy (pattern);

  cairo_save (cr);
  cairo_rectangle (cr, x1 - fade, y, fade, h);
  cairo_clip (cr);
  mls_draw_set_color (cr, mls_draw_mix (c, ctx->style->fg, 0.6), 0.5);
  cairo_set_line_width (cr, 1.5);
  for (double x = x1 - fade - h; x < x1; x += 5)
    {
      cairo_move_to (cr, x, y + h);
      cairo_line_to (cr, x + h, y);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_label (LaneCtx *ctx, const Box *l)
{
  double lum = 0.299 * l->color.r + 0.587 * l->color.g + 0.114 * l->color.b;
  double x0 = MAX (l->x0, MLS_LABEL_WIDTH);
  double x1 = MIN (MIN (l->x1, l->stop_x), ctx->width);
  const char *text = l->text;

  if (!text || x1 - x0 < 40)
    return;
  cairo_save (ctx->cr);
  cairo_rectangle (ctx->cr, x0, l->y, x1 - x0, l->h);
  cairo_clip (ctx->cr);
  if (lum > 0.55)
    cairo_set_source_rgba (ctx->cr, 0, 0, 0, 0.85 * l->alpha);
  else
    cairo_set_source_rgba (ctx->cr, 1, 1, 1, 0.95 * l->alpha);
  mls_draw_text (ctx->cr, ctx->layout, text, x0 + 4, l->y, x1 - x0 - 8,
                 l->h, FALSE);
  cairo_restore (ctx->cr);
}

/* Layers read as their name and op; in a lane of one kind over every
 * model, the kind is the lane's label: name the model. */
static const char *
span_text (LaneCtx *ctx, const MlsTimelineSpan *span)
{
  const MlsTimelineKind *kind = mls_timeline_find_kind (ctx->s->timeline,
                                                        span->kind_id);

  if (span->label)
    return span->label;
  if (ctx->row->n_kinds == 1 && ctx->row->model_id < 0 && span->model_id)
    return mls_timeline_model_name (ctx->s->timeline, span->model_id);
  return kind ? kind->label : "";
}

/* Layers take their unit's compute request colour. */
static MlsColor
span_color (const MlsTimelineSpan *span)
{
  if (span->kind_id == MLS_KIND_LAYER)
    return mls_palette_kind (strcmp (span->unit, "gpu") == 0
                             ? MLS_KIND_GPU_COMPUTE
                             : strcmp (span->unit, "npu") == 0
                             ? MLS_KIND_NPU_COMPUTE : MLS_KIND_CPU_COMPUTE);
  return mls_palette_kind (span->kind_id);
}

static double
span_alpha (LaneCtx *ctx, const MlsTimelineSpan *span)
{
  MlsSession *s = ctx->s;

  if (s->highlight_kind && (span->kind_id != s->highlight_kind
                            || (s->highlight_model >= 0
                                && span->model_id != s->highlight_model)))
    return 0.22;
  return 1.0;
}

static gboolean
is_calibration (const MlsTimelineSpan *span)
{
  return span->depth > 0 && (span->root_kind == MLS_KIND_MODEL_LOAD
                             || span->root_kind == MLS_KIND_MODEL_COMPILE);
}

/* The first row of the span's band free at its start. */
static int
place (LaneCtx *ctx, const MlsTimelineSpan *span)
{
  const MlsBand *band = mls_row_band (ctx->row, span->depth);
  int best;

  if (!band)
    return 0;
  best = band->first_row;
  for (int r = band->first_row; r < band->first_row + band->n_rows
       && r < ctx->row->n_subrows; r++)
    {
      if (ctx->row_end[r] <= span->start_ns)
        return r;
      if (ctx->row_end[r] < ctx->row_end[best])
        best = r;
    }
  return best;
}

static void
draw_outline (LaneCtx *ctx, MlsColor c, double x0, double x1, double y,
              double h)
{
  mls_draw_set_color (ctx->cr, c, 1);
  cairo_set_line_width (ctx->cr, 2);
  cairo_rectangle (ctx->cr, x0 + 1, y + 1, MAX (x1 - x0 - 2, 1), h - 2);
  cairo_stroke (ctx->cr);
}

/* Places the span in its row and keeps its box (unless a box already
 * covers its pixel column there). */
static void
place_span (LaneCtx *ctx, const MlsTimelineSpan *span)
{
  int subrow = place (ctx, span);
  double x0 = mls_session_x_for (ctx->s, span->start_ns, ctx->width);
  double x1 = mls_session_x_for (ctx->s, span->end_ns, ctx->width);
  double y = row_y (ctx, subrow) + 1;
  Box box;

  ctx->row_end[subrow] = MAX (span->end_ns, span->start_ns + 1);
  x0 = MAX (x0, MLS_LABEL_WIDTH - 2);
  x1 = MIN (x1, ctx->width + 2);
  if (x1 - x0 < 1.0)
    {
      /* Many thin spans share a pixel column: draw it once. */
      if (floor (x0) == ctx->last_px[subrow])
        return;
      ctx->last_px[subrow] = floor (x0);
      x0 = floor (x0);
      x1 = x0 + 1;
    }
  add_hit (ctx, x0, x1, y - 1, span->id, span->kind_id, span->start_ns,
           span->end_ns);
  if (ctx->last_box[subrow] >= 0)
    g_array_index (ctx->boxes, Box, ctx->last_box[subrow]).stop_x = x0;
  ctx->last_box[subrow] = ctx->boxes->len;
  box = (Box) { span_text (ctx, span), span_color (span), x0, x1, y,
                MLS_SUBROW_HEIGHT - 2, span_alpha (ctx, span), ctx->width,
                span };
  g_array_append_val (ctx->boxes, box);
}

static gboolean
same_paint (const Box *a, const Box *b)
{
  return a->color.r == b->color.r && a->color.g == b->color.g
         && a->color.b == b->color.b && a->alpha == b->alpha;
}

static gboolean
has_open_end (const Box *b)
{
  return !b->span->complete && b->x1 - b->x0 >= 4;
}

static MlsColor
edge_color (const Box *b)
{
  return mls_draw_mix (b->color, (MlsColor) { 0, 0, 0 }, 0.3);
}

/* The solid boxes painted like the one at `first` that are not done yet,
 * then their darker left edges (which keep back-to-back spans apart): two
 * fills in all. Each is marked done. */
static void
fill_boxes_like (LaneCtx *ctx, guint first, gboolean *done)
{
  const Box *like = &g_array_index (ctx->boxes, Box, first);
  cairo_t *cr = ctx->cr;

  for (int pass = 0; pass < 2; pass++)
    {
      for (guint i = first; i < ctx->boxes->len; i++)
        {
          const Box *b = &g_array_index (ctx->boxes, Box, i);
          double w = b->x1 - b->x0;

          if (done[i] || has_open_end (b) || !same_paint (b, like))
            continue;
          if (pass == 0)
            cairo_rectangle (cr, b->x0, b->y, w > 3 ? w - 1 : w, b->h);
          else if (w >= 4)
            cairo_rectangle (cr, b->x0, b->y, 1, b->h);
        }
      mls_draw_set_color (cr, pass == 0 ? like->color : edge_color (like),
                          like->alpha);
      cairo_fill (cr);
    }
  for (guint i = first; i < ctx->boxes->len; i++)
    if (!has_open_end (&g_array_index (ctx->boxes, Box, i))
        && same_paint (&g_array_index (ctx->boxes, Box, i), like))
      done[i] = TRUE;
}

/* What a box has besides its solid fill: an open end, calibration's
 * hatching, the selection's or a relation's outline. */
static void
draw_box_marks (LaneCtx *ctx, const Box *b)
{
  const MlsTimelineSpan *span = b->span;

  if (has_open_end (b))
    {
      draw_open_end (ctx, b->color, b->alpha, b->x0, b->x1, b->y, b->h);
      mls_draw_set_color (ctx->cr, edge_color (b), b->alpha);
      cairo_rectangle (ctx->cr, b->x0, b->y, 1, b->h);
      cairo_fill (ctx->cr);
    }
  if (is_calibration (span) && b->x1 - b->x0 >= 3)
    mls_draw_hatch (ctx->cr, b->color, b->x0, b->y, b->x1 - b->x0 - 1, b->h);
  if (span->id == ctx->s->selected_span)
    draw_outline (ctx, ctx->style->fg, b->x0, b->x1, b->y, b->h);
  else if (mls_session_is_related (ctx->s, span->id))
    draw_outline (ctx, ctx->style->accent, b->x0, b->x1, b->y, b->h);
}

/* The lane's boxes a colour at a time, their marks over them, then their
 * labels (each clipped to its box: the order between them is free). */
static void
draw_boxes (LaneCtx *ctx)
{
  guint n = ctx->boxes->len;
  gboolean *done = g_new0 (gboolean, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    if (!done[i] && !has_open_end (&g_array_index (ctx->boxes, Box, i)))
      fill_boxes_like (ctx, i, done);
  for (guint i = 0; i < n; i++)
    draw_box_marks (ctx, &g_array_index (ctx->boxes, Box, i));
  for (guint i = 0; i < n; i++)
    draw_label (ctx, &g_array_index (ctx->boxes, Box, i));
  g_free (done);
}

static void
on_span (const MlsTimelineSpan *span, void *data)
{
  LaneCtx *ctx = data;
  MlsTimelineSpan copy = *span;

  if (span->label)
    copy.label = g_string_chunk_insert_const (ctx->labels, span->label);
  g_array_append_val (ctx->spans, copy);
}

/* Start order; a parent before its children at the same start. */
static int
compare_start (gconstpointer a, gconstpointer b)
{
  const MlsTimelineSpan *x = a, *y = b;

  if (x->start_ns != y->start_ns)
    return x->start_ns < y->start_ns ? -1 : 1;
  if (x->depth != y->depth)
    return x->depth - y->depth;
  return x->id < y->id ? -1 : x->id > y->id;
}

static int
kind_slot (LaneCtx *ctx, int kind_id)
{
  for (int k = 0; k < ctx->row->n_kinds; k++)
    if (ctx->row->kinds[k] == kind_id)
      return k;
  return -1;
}

static void
on_bucket (const MlsTimelineBucket *bucket, void *data)
{
  LaneCtx *ctx = data;
  int k = kind_slot (ctx, bucket->kind_id);
  double *busy = ctx->busy + (gsize) MAX (k, 0) * ctx->n_px;
  gint64 *counts = ctx->counts + (gsize) MAX (k, 0) * ctx->n_px;
  double xs = mls_session_x_for (ctx->s, bucket->start_ns, ctx->width)
              - MLS_LABEL_WIDTH;
  double xe = xs + bucket->width_ns / ctx->ns_per_px;
  int px = (int) floor (xs);

  if (k < 0)
    return;
  /* Spread the bucket's busy time over the columns it overlaps, so
   * buckets that do not line up with pixels draw no stripes. */
  if (px >= 0 && px < ctx->n_px)
    counts[px] += bucket->count;
  for (; px < xe && px < ctx->n_px; px++)
    if (px >= 0)
      busy[px] += bucket->busy_ns * (MIN (xe, px + 1) - MAX (xs, px))
                  / (xe - xs);
}

static const char *
kind_lane (LaneCtx *ctx, int k)
{
  const MlsTimelineKind *kind = mls_timeline_find_kind (ctx->s->timeline,
                                                        ctx->row->kinds[k]);

  return kind ? kind->lane : "";
}

/* Whether the lane of kind k has buckets, seen first at kind k. */
static gboolean
lane_has_buckets (LaneCtx *ctx, int k)
{
  if (ctx->lane_of[k] != k)
    return FALSE;
  for (int j = k; j < ctx->row->n_kinds; j++)
    {
      if (ctx->lane_of[j] != k)
        continue;
      for (int px = 0; px < ctx->n_px; px++)
        if (ctx->counts[(gsize) j * ctx->n_px + px]
            || ctx->busy[(gsize) j * ctx->n_px + px])
          return TRUE;
    }
  return FALSE;
}

static double
strip_alpha (LaneCtx *ctx, int kind_id)
{
  MlsSession *s = ctx->s;

  return s->highlight_kind && (s->highlight_kind != kind_id
                               || (s->highlight_model >= 0
                                   && ctx->row->model_id
                                      != s->highlight_model))
         ? 0.22 : 1.0;
}

/* The lane of kind k's density strip, in slice `slice` of n_slices of its
 * row: each column in the colour of the lane's kind busiest there. */
static void
draw_buckets (LaneCtx *ctx, int k, int slice, int n_slices)
{
  const MlsTimelineKind *kind = mls_timeline_find_kind (
    ctx->s->timeline, ctx->row->kinds[k]);
  const MlsBand *band = mls_row_band (ctx->row, kind->min_depth);
  double h = (MLS_SUBROW_HEIGHT - 2) / n_slices;
  double y = row_y (ctx, band ? band->first_row : 0) + 1 + slice * h;
  int top_y = (int) round (y), rows = MAX ((int) round (y + h) - top_y, 1);
  cairo_surface_t *strip;
  guint32 *argb;
  int stride, n_same = 0;
  int *same = g_newa (int, ctx->row->n_kinds);

  for (int j = k; j < ctx->row->n_kinds; j++)
    if (ctx->lane_of[j] == ctx->lane_of[k])
      same[n_same++] = j;

  /* The strip as an image of its size, placed on whole pixels: one copy
   * of memory whatever the width, instead of a rectangle per column (or a
   * scaled image, which pixman samples pixel by pixel). */
  strip = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, ctx->n_px, rows);
  argb = (guint32 *) (void *) cairo_image_surface_get_data (strip);
  stride = cairo_image_surface_get_stride (strip);
  for (int px = 0; px < ctx->n_px; px++)
    {
      double busy = 0, best = -1, alpha;
      gint64 count = 0;
      int top = k;
      MlsColor c;

      for (int i = 0; i < n_same; i++)
        {
          int j = same[i];
          double b = ctx->busy[(gsize) j * ctx->n_px + px];

          busy += b;
          count += ctx->counts[(gsize) j * ctx->n_px + px];
          if (b > best)
            {
              best = b;
              top = j;
            }
        }
      if (count == 0 && busy <= 0)
        continue;
      /* Even a column with one tiny span stays visible; a busy one is
       * solid. */
      c = mls_palette_kind (ctx->row->kinds[top]);
      alpha = strip_alpha (ctx, ctx->row->kinds[top])
              * (0.4 + 0.6 * MIN (1.0, busy / ctx->ns_per_px));
      argb[px] = (guint32) (255 * alpha) << 24
                 | (guint32) (255 * alpha * c.r) << 16
                 | (guint32) (255 * alpha * c.g) << 8
                 | (guint32) (255 * alpha * c.b);
      add_hit (ctx, MLS_LABEL_WIDTH + px, MLS_LABEL_WIDTH + px + 1, y - 1,
               0, ctx->row->kinds[top],
               mls_session_time_at (ctx->s, MLS_LABEL_WIDTH + px, ctx->width),
               mls_session_time_at (ctx->s, MLS_LABEL_WIDTH + px + 1,
                                    ctx->width));
    }
  for (int r = 1; r < rows; r++)
    memcpy ((char *) argb + (gsize) r * stride, argb, (gsize) ctx->n_px * 4);
  cairo_surface_mark_dirty (strip);
  cairo_set_source_surface (ctx->cr, strip, MLS_LABEL_WIDTH, top_y);
  cairo_rectangle (ctx->cr, MLS_LABEL_WIDTH, top_y, ctx->n_px, rows);
  cairo_fill (ctx->cr);
  cairo_surface_destroy (strip);
}

/* A query of the row's, for one kind or, when ctx->lane is set, for
 * every kind of that lane. */
static void
read_query (const MlsLaneQuery *q, gpointer data)
{
  LaneCtx *ctx = data;
  MlsLaneQuery lane_q = *q;
  gint64 rows;

  if (ctx->lane)
    {
      lane_q.kind_id = 0;
      lane_q.lane = ctx->lane;
    }
  rows = mls_timeline_read_lane (ctx->s->timeline, &lane_q, on_span,
                                 on_bucket, ctx, NULL);
  ctx->rows_read += MAX (rows, 0);
}

/* Whether the row draws every kind of the lane of its kind k (a grouped
 * lane does: read as one). */
static gboolean
row_has_whole_lane (LaneCtx *ctx, int k)
{
  MlsTimeline *tl = ctx->s->timeline;
  const char *lane = kind_lane (ctx, k);

  for (size_t i = 0; i < mls_timeline_n_kinds (tl); i++)
    if (strcmp (mls_timeline_kind (tl, i)->lane, lane) == 0
        && kind_slot (ctx, mls_timeline_kind (tl, i)->kind_id) < 0)
      return FALSE;
  return ctx->row->n_kinds > 1;
}

/* The row's spans and buckets: a read per lane when it draws lanes whole,
 * else per kind. */
static void
read_row (LaneCtx *ctx)
{
  const MlsRow *row = ctx->row;
  MlsSession *s = ctx->s;

  for (int k = 0; k < row->n_kinds; k++)
    {
      gboolean whole = row_has_whole_lane (ctx, k);

      if (whole && ctx->lane_of[k] != k)
        continue;
      ctx->lane = whole ? kind_lane (ctx, k) : NULL;
      mls_row_queries (s, row, row->kinds[k], s->view_start, s->view_end,
                       ctx->ns_per_px, read_query, ctx);
    }
  ctx->lane = NULL;
}

gint64
mls_draw_lane (cairo_t *cr, MlsSession *s, const MlsRow *row,
               const MlsDrawStyle *style, PangoLayout *layout, double width,
               GArray *hits)
{
  LaneCtx ctx = { cr, s, row, style, layout, hits, width };
  int n = row->n_subrows, slices = 0, slice = 0;

  ctx.ns_per_px = mls_session_ns_per_px (s, width);
  ctx.n_px = (int) MAX (width - MLS_LABEL_WIDTH, 0) + 1;
  ctx.busy = g_new0 (double, (gsize) ctx.n_px * MAX (row->n_kinds, 1));
  ctx.counts = g_new0 (gint64, (gsize) ctx.n_px * MAX (row->n_kinds, 1));
  ctx.spans = g_array_new (FALSE, FALSE, sizeof (MlsTimelineSpan));
  ctx.labels = g_string_chunk_new (256);
  ctx.row_end = g_new (gint64, n);
  ctx.last_px = g_new (double, n);
  ctx.boxes = g_array_new (FALSE, FALSE, sizeof (Box));
  ctx.last_box = g_new (int, n);
  ctx.lane_of = g_new (int, MAX (row->n_kinds, 1));
  for (int k = 0; k < row->n_kinds; k++)
    for (ctx.lane_of[k] = 0; ctx.lane_of[k] < k; ctx.lane_of[k]++)
      if (strcmp (kind_lane (&ctx, ctx.lane_of[k]), kind_lane (&ctx, k)) == 0)
        break;
  for (int r = 0; r < n; r++)
    {
      ctx.row_end[r] = G_MININT64;
      ctx.last_px[r] = -1;
      ctx.last_box[r] = -1;
    }
  cairo_save (cr);
  cairo_rectangle (cr, MLS_LABEL_WIDTH, row->y, width - MLS_LABEL_WIDTH,
                   row->height);
  cairo_clip (cr);
  read_row (&ctx);
  g_array_sort (ctx.spans, compare_start);
  for (guint i = 0; i < ctx.spans->len; i++)
    place_span (&ctx, &g_array_index (ctx.spans, MlsTimelineSpan, i));
  draw_boxes (&ctx);
  for (int k = 0; k < row->n_kinds; k++)
    slices += lane_has_buckets (&ctx, k);
  for (int k = 0; k < row->n_kinds; k++)
    if (lane_has_buckets (&ctx, k))
      draw_buckets (&ctx, k, slice++, slices);
  cairo_restore (cr);
  g_free (ctx.busy);
  g_free (ctx.counts);
  g_free (ctx.row_end);
  g_free (ctx.last_px);
  g_free (ctx.last_box);
  g_array_unref (ctx.boxes);
  g_free (ctx.lane_of);
  g_string_chunk_free (ctx.labels);
  g_array_unref (ctx.spans);
  return ctx.rows_read;
}
