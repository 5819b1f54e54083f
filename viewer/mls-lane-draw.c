/*
 * mls-lane-draw.c: one lane's spans.
 *
 * Spans at least a pixel wide arrive one by one and are drawn as boxes,
 * nested ones (depth) in rows below their parents, labelled when wide
 * enough; incomplete spans fade out and are hatched toward their unseen
 * end. Spans narrower than a pixel arrive as summary buckets, summed into
 * one busy fraction per pixel column and drawn as a density strip, so a
 * lane costs O(width) cairo calls however many spans it holds.
 */
#include "mls-lane-draw.h"

#include <math.h>
#include <string.h>
#include <pango/pangocairo.h>

/* A span's label waits for the next span of its row: spans arrive by
 * start time, so the next one's start is where this label must stop. */
typedef struct {
  const char *text;
  MlsColor color;
  double x0, x1, y, h;
  double alpha;
} Label;

typedef struct {
  cairo_t *cr;
  MlsViewModel *vm;
  const MlsRow *row;
  const MlsDrawStyle *style;
  PangoLayout *layout;
  GArray *hits;
  double width;
  double ns_per_px;
  const MlsTimelineKind *kind;
  double alpha;
  double last_px[MLS_MAX_SUBROWS];
  Label pending[MLS_MAX_SUBROWS];
  GArray *spans;            /* MlsTimelineSpan, of the current kind */
  double *busy;             /* per pixel column, for buckets */
  gint64 *counts;
  int n_px;
} LaneCtx;

static int
subrow_of (const LaneCtx *ctx, int depth)
{
  return CLAMP (depth - ctx->row->base_depth, 0, ctx->row->n_subrows - 1);
}

static double
subrow_y (const LaneCtx *ctx, int subrow)
{
  return ctx->row->y + MLS_LANE_PADDING + subrow * MLS_SUBROW_HEIGHT;
}

static void
add_hit (LaneCtx *ctx, double x0, double x1, double y, gint64 id,
         gint64 count, gint64 start, gint64 end)
{
  MlsHit hit = { x0, x1, y, y + MLS_SUBROW_HEIGHT, id,
                 ctx->kind->kind_id, count, start, end };

  if (ctx->hits)
    g_array_append_val (ctx->hits, hit);
}

static void
draw_open_end (LaneCtx *ctx, MlsColor c, double x0, double x1, double y,
               double h)
{
  cairo_t *cr = ctx->cr;
  double fade = MIN (32, (x1 - x0) / 2);
  cairo_pattern_t *pattern;

  /* Solid up to the last 32 px, then hatched and fading: the end was
   * never seen, so the box must not look like it knows where it ends. */
  mls_draw_set_color (cr, c, ctx->alpha);
  cairo_rectangle (cr, x0, y, x1 - x0 - fade, h);
  cairo_fill (cr);
  pattern = cairo_pattern_create_linear (x1 - fade, 0, x1, 0);
  cairo_pattern_add_color_stop_rgba (pattern, 0, c.r, c.g, c.b, ctx->alpha);
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
flush_label (LaneCtx *ctx, int subrow, double stop_x)
{
  Label *l = &ctx->pending[subrow];
  double lum = 0.299 * l->color.r + 0.587 * l->color.g + 0.114 * l->color.b;
  double x0 = MAX (l->x0, MLS_LABEL_WIDTH);
  double x1 = MIN (MIN (l->x1, stop_x), ctx->width);
  const char *text = l->text;

  l->text = NULL;
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

static void
queue_label (LaneCtx *ctx, int subrow, const MlsTimelineSpan *span,
             MlsColor c, double x0, double x1, double y, double h)
{
  const char *text = ctx->kind->label;
  Label *l = &ctx->pending[subrow];

  /* In a lane of one kind the kind is the lane's label: name the model. */
  if (ctx->row->n_kinds == 1 && ctx->row->model_id < 0 && span->model_id)
    text = mls_timeline_model_name (ctx->vm->timeline, span->model_id);
  l->text = text;
  l->color = c;
  l->x0 = x0;
  l->x1 = x1;
  l->y = y;
  l->h = h;
  l->alpha = ctx->alpha;
}

static void
draw_span (LaneCtx *ctx, const MlsTimelineSpan *span)
{
  int subrow = subrow_of (ctx, span->depth);
  double x0 = mls_view_model_x_for (ctx->vm, span->start_ns, ctx->width);
  double x1 = mls_view_model_x_for (ctx->vm, span->end_ns, ctx->width);
  double y = subrow_y (ctx, subrow) + 1, h = MLS_SUBROW_HEIGHT - 2;
  MlsColor c = mls_palette_kind (span->kind_id);

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
  add_hit (ctx, x0, x1, y - 1, span->id, 1, span->start_ns, span->end_ns);
  flush_label (ctx, subrow, x0);
  if (!span->complete && x1 - x0 >= 4)
    draw_open_end (ctx, c, x0, x1, y, h);
  else
    {
      mls_draw_set_color (ctx->cr, c, ctx->alpha);
      cairo_rectangle (ctx->cr, x0, y, x1 - x0 > 3 ? x1 - x0 - 1 : x1 - x0,
                       h);
      cairo_fill (ctx->cr);
    }
  if (span->id == ctx->vm->selected_span)
    {
      mls_draw_set_color (ctx->cr, ctx->style->fg, 1);
      cairo_set_line_width (ctx->cr, 2);
      cairo_rectangle (ctx->cr, x0 + 1, y + 1, MAX (x1 - x0 - 2, 1), h - 2);
      cairo_stroke (ctx->cr);
    }
  /* A darker left edge keeps overlapping spans (other threads) apart. */
  if (x1 - x0 >= 4)
    {
      mls_draw_set_color (ctx->cr, mls_draw_mix (c, (MlsColor) { 0, 0, 0 },
                                                 0.3), ctx->alpha);
      cairo_rectangle (ctx->cr, x0, y, 1, h);
      cairo_fill (ctx->cr);
    }
  queue_label (ctx, subrow, span, c, x0, x1, y, h);
}

/* Spans come from up to two queries (by start time, and the kind's few
 * longest by duration); they are drawn in start order so each label stops
 * where the next span of its row begins. */
static void
on_span (const MlsTimelineSpan *span, void *data)
{
  LaneCtx *ctx = data;

  g_array_append_val (ctx->spans, *span);
}

static int
compare_start (gconstpointer a, gconstpointer b)
{
  const MlsTimelineSpan *x = a, *y = b;

  return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

static void
on_bucket (const MlsTimelineBucket *bucket, void *data)
{
  LaneCtx *ctx = data;
  double xs = mls_view_model_x_for (ctx->vm, bucket->start_ns, ctx->width)
              - MLS_LABEL_WIDTH;
  double xe = xs + bucket->width_ns / ctx->ns_per_px;
  int px = (int) floor (xs);

  /* Spread the bucket's busy time over the columns it overlaps, so
   * buckets that do not line up with pixels draw no stripes. */
  if (px >= 0 && px < ctx->n_px)
    ctx->counts[px] += bucket->count;
  for (; px < xe && px < ctx->n_px; px++)
    if (px >= 0)
      ctx->busy[px] += bucket->busy_ns * (MIN (xe, px + 1) - MAX (xs, px))
                       / (xe - xs);
}

static void
draw_buckets (LaneCtx *ctx)
{
  int subrow = subrow_of (ctx, ctx->kind->min_depth);
  double y = subrow_y (ctx, subrow) + 1, h = MLS_SUBROW_HEIGHT - 2;
  MlsColor c = mls_palette_kind (ctx->kind->kind_id);
  cairo_surface_t *mask;
  cairo_pattern_t *pattern;
  cairo_matrix_t matrix;
  unsigned char *alpha;
  gboolean any = FALSE;

  /* One alpha mask row for the whole strip: a single cairo operation
   * whatever the width, instead of a rectangle per column. */
  mask = cairo_image_surface_create (CAIRO_FORMAT_A8, ctx->n_px, 1);
  alpha = cairo_image_surface_get_data (mask);
  for (int px = 0; px < ctx->n_px; px++)
    {
      double fraction, x = MLS_LABEL_WIDTH + px;

      if (ctx->counts[px] == 0 && ctx->busy[px] <= 0)
        continue;
      /* Even a column with one tiny span stays visible; a busy one is
       * solid. */
      fraction = MIN (1.0, ctx->busy[px] / ctx->ns_per_px);
      alpha[px] = (unsigned char) (255 * ctx->alpha * (0.4 + 0.6 * fraction));
      any = TRUE;
      add_hit (ctx, x, x + 1, y - 1, 0, ctx->counts[px],
               mls_view_model_time_at (ctx->vm, x, ctx->width),
               mls_view_model_time_at (ctx->vm, x + 1, ctx->width));
    }
  cairo_surface_mark_dirty (mask);
  if (any)
    {
      pattern = cairo_pattern_create_for_surface (mask);
      cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
      cairo_matrix_init_scale (&matrix, 1, 1 / h);
      cairo_matrix_translate (&matrix, -MLS_LABEL_WIDTH, -y);
      cairo_pattern_set_matrix (pattern, &matrix);
      mls_draw_set_color (ctx->cr, c, 1);
      cairo_mask (ctx->cr, pattern);
      cairo_pattern_destroy (pattern);
    }
  cairo_surface_destroy (mask);
}

gint64
mls_draw_lane (cairo_t *cr, MlsViewModel *vm, const MlsRow *row,
               const MlsDrawStyle *style, PangoLayout *layout, double width,
               GArray *hits)
{
  LaneCtx ctx = { cr, vm, row, style, layout, hits, width };
  gint64 rows = 0;

  ctx.ns_per_px = mls_view_model_ns_per_px (vm, width);
  ctx.n_px = (int) MAX (width - MLS_LABEL_WIDTH, 0) + 1;
  ctx.busy = g_new (double, ctx.n_px);
  ctx.counts = g_new (gint64, ctx.n_px);
  ctx.spans = g_array_new (FALSE, FALSE, sizeof (MlsTimelineSpan));
  cairo_save (cr);
  cairo_rectangle (cr, MLS_LABEL_WIDTH, row->y, width - MLS_LABEL_WIDTH,
                   row->height);
  cairo_clip (cr);
  for (int k = 0; k < row->n_kinds; k++)
    {
      MlsLaneQuery q = { row->kinds[k], row->model_id, vm->view_start,
                         vm->view_end, ctx.ns_per_px };
      gint64 n;

      ctx.kind = mls_timeline_find_kind (vm->timeline, row->kinds[k]);
      ctx.alpha = vm->highlight_kind && vm->highlight_kind != row->kinds[k]
                  ? 0.22 : 1.0;
      for (int s = 0; s < MLS_MAX_SUBROWS; s++)
        {
          ctx.last_px[s] = -1;
          ctx.pending[s].text = NULL;
        }
      memset (ctx.busy, 0, ctx.n_px * sizeof *ctx.busy);
      memset (ctx.counts, 0, ctx.n_px * sizeof *ctx.counts);
      g_array_set_size (ctx.spans, 0);
      n = mls_timeline_read_lane (vm->timeline, &q, on_span, on_bucket,
                                  &ctx, NULL);
      g_array_sort (ctx.spans, compare_start);
      for (guint i = 0; i < ctx.spans->len; i++)
        draw_span (&ctx, &g_array_index (ctx.spans, MlsTimelineSpan, i));
      for (int s = 0; s < MLS_MAX_SUBROWS; s++)
        flush_label (&ctx, s, width);
      draw_buckets (&ctx);
      rows += MAX (n, 0);
    }
  cairo_restore (cr);
  g_free (ctx.busy);
  g_free (ctx.counts);
  g_array_unref (ctx.spans);
  return rows;
}
