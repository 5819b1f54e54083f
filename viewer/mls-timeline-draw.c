/*
 * mls-timeline-draw.c: the ruler, the track and lane chrome, and the
 * overlays (selection, marks, lost events) of the timeline. Spans themselves are
 * drawn by mls-lane-draw.c.
 */
#include "mls-timeline-draw.h"
#include "mls-lane-draw.h"
#include "mls-finding-item.h"
#include "mls-palette.h"

#include <math.h>
#include <pango/pangocairo.h>

void
mls_draw_style_init (MlsDrawStyle *style, gboolean dark)
{
  MlsColor light_bg = { 0.98, 0.98, 0.98 }, light_fg = { 0.13, 0.13, 0.15 };
  MlsColor dark_bg = { 0.14, 0.14, 0.15 }, dark_fg = { 0.93, 0.93, 0.94 };
  MlsColor accent = { 0.21, 0.52, 0.89 };

  style->dark = dark;
  style->bg = dark ? dark_bg : light_bg;
  style->fg = dark ? dark_fg : light_fg;
  style->accent = accent;
}

MlsColor
mls_draw_mix (MlsColor a, MlsColor b, double t)
{
  MlsColor c = {
    a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t
  };
  return c;
}

void
mls_draw_set_color (cairo_t *cr, MlsColor c, double alpha)
{
  cairo_set_source_rgba (cr, c.r, c.g, c.b, alpha);
}

/* Text laid out once: a frame draws the same labels (kinds, threads,
 * tick times, span names) again and again, and shaping them was a fifth
 * of its time. A text is laid out at its natural width, which serves
 * wherever it fits; where it does not, it is ellipsized to a width
 * rounded down to TEXT_WIDTH_STEP, so that spans of every width (a new
 * one for each span at each zoom) share a few layouts instead of each
 * shaping its own. Layouts share one Pango context, kept in step with the
 * cairo context drawn to (a change of scale lays them out anew); the
 * cache is emptied when it grows past a few thousand texts. */
#define TEXT_CACHE_MAX 4096
#define TEXT_WIDTH_STEP 16

static PangoContext *text_context;
static GHashTable *text_cache;    /* "bold|width|text" -> layout */

/* Brings the Pango context in step with cr when its scale or its
 * surface's kind has changed. Not at every text: Pango takes each call
 * for a change (it sets the context's matrix anew, translation and all)
 * and every cached layout would be shaped again at its next use. */
static void
follow_context (cairo_t *cr)
{
  static cairo_matrix_t last;
  static cairo_surface_type_t last_type;
  static gboolean followed;
  cairo_surface_type_t type = cairo_surface_get_type (cairo_get_target (cr));
  cairo_matrix_t m;

  cairo_get_matrix (cr, &m);
  if (followed && type == last_type && m.xx == last.xx && m.yx == last.yx
      && m.xy == last.xy && m.yy == last.yy)
    return;
  pango_cairo_update_context (cr, text_context);
  last = m;
  last_type = type;
  followed = TRUE;
}

/* text at width pixels, ellipsized, or at its natural width (-1). */
static PangoLayout *
cached_layout (const char *text, int width, gboolean bold)
{
  g_autofree char *key = g_strdup_printf ("%d|%d|%s", bold, width, text);
  PangoLayout *layout = g_hash_table_lookup (text_cache, key);
  PangoFontDescription *font;

  if (layout)
    return layout;
  if (g_hash_table_size (text_cache) >= TEXT_CACHE_MAX)
    g_hash_table_remove_all (text_cache);
  layout = pango_layout_new (text_context);
  font = pango_font_description_from_string (bold ? "Sans Bold 9"
                                                  : "Sans 9");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, text, -1);
  if (width >= 0)
    {
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_width (layout, width * PANGO_SCALE);
    }
  g_hash_table_insert (text_cache, g_steal_pointer (&key), layout);
  return layout;
}

void
mls_draw_text (cairo_t *cr, PangoLayout *layout, const char *text,
               double x, double y, double max_width, double height,
               gboolean bold)
{
  PangoAlignment align = pango_layout_get_alignment (layout);
  PangoLayout *cached;
  int tw, th;

  if (text_context == NULL)
    {
      text_context = pango_font_map_create_context (
        pango_cairo_font_map_get_default ());
      text_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          g_object_unref);
    }
  follow_context (cr);
  cached = cached_layout (text, -1, bold);
  pango_layout_get_pixel_size (cached, &tw, &th);
  if (tw > max_width)
    {
      int w = (int) MAX (max_width, 1);

      cached = cached_layout (text, MAX (w - w % TEXT_WIDTH_STEP,
                                         MIN (w, TEXT_WIDTH_STEP)), bold);
      pango_layout_get_pixel_size (cached, &tw, &th);
    }
  if (align == PANGO_ALIGN_CENTER)
    x += (max_width - tw) / 2;
  else if (align == PANGO_ALIGN_RIGHT)
    x += max_width - tw;
  cairo_move_to (cr, x, y + (height - th) / 2);
  pango_cairo_show_layout (cr, cached);
}

gint64
mls_draw_tick_step (MlsSession *s, double width)
{
  static const int mantissas[] = { 1, 2, 5 };
  double ns_per_px = mls_session_ns_per_px (s, width);
  gint64 scale = 1;

  /* Labels at least 90 px apart, on 1, 2, 5 x 10^n. */
  for (;;)
    {
      for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
        if (mantissas[i] * scale / ns_per_px >= 90.0)
          return mantissas[i] * scale;
      if (scale > G_GINT64_CONSTANT (1000000000000))
        return scale;
      scale *= 10;
    }
}

/* Runs func at each tick's x. Tick times are offsets from the trace start,
 * so "0 ms" is where the recording begins. */
static void
for_each_tick (MlsSession *s, double width,
               void (*func) (cairo_t *, double, gint64, gint64, gpointer),
               cairo_t *cr, gpointer data)
{
  gint64 step = mls_draw_tick_step (s, width);
  gint64 first = s->view_start - s->trace_start;
  gint64 off;

  first = (gint64) floor ((double) first / step) * step;
  for (off = first; s->trace_start + off <= s->view_end; off += step)
    {
      double x = mls_session_x_for (s, s->trace_start + off, width);

      if (x >= MLS_LABEL_WIDTH)
        func (cr, x, off, step, data);
    }
}

typedef struct {
  const MlsDrawStyle *style;
  PangoLayout *layout;
  double width;
  double height;
  gint64 max_offset;
} RulerCtx;

static void
ruler_tick (cairo_t *cr, double x, gint64 off, gint64 step, gpointer data)
{
  RulerCtx *ctx = data;
  g_autofree char *label = mls_format_offset (off, step, ctx->max_offset);

  mls_draw_set_color (cr, ctx->style->fg, 0.45);
  cairo_rectangle (cr, floor (x), ctx->height - 8, 1, 8);
  cairo_fill (cr);
  if (x > ctx->width - 60)
    return;
  mls_draw_set_color (cr, ctx->style->fg, 0.85);
  mls_draw_text (cr, ctx->layout, label, floor (x) + 4, 2, 84,
                 ctx->height - 10, FALSE);
}

static void
ruler_minor_ticks (cairo_t *cr, MlsSession *s, const MlsDrawStyle *style,
                   double width, double height)
{
  gint64 step = mls_draw_tick_step (s, width) / 5;
  gint64 off = (s->view_start - s->trace_start) / MAX (step, 1) * step;

  mls_draw_set_color (cr, style->fg, 0.25);
  for (; step > 0 && s->trace_start + off <= s->view_end; off += step)
    {
      double x = mls_session_x_for (s, s->trace_start + off, width);

      if (x >= MLS_LABEL_WIDTH)
        cairo_rectangle (cr, floor (x), height - 4, 1, 4);
    }
  cairo_fill (cr);
}

/* Where the finding's marker is drawn across a ruler width pixels wide:
 * its bar's ends (at least MLS_FINDING_MIN_WIDTH apart); FALSE when it has
 * no range or is out of view. */
static gboolean
finding_extent (MlsSession *s, MlsFindingItem *item, double width,
                double *x0, double *x1)
{
  gint64 start, end;

  if (!mls_finding_item_get_range (item, &start, &end))
    return FALSE;
  *x0 = MAX (mls_session_x_for (s, start, width), MLS_LABEL_WIDTH);
  *x1 = MIN (mls_session_x_for (s, end, width), width);
  if (*x1 < MLS_LABEL_WIDTH || *x0 > width)
    return FALSE;
  *x1 = MAX (*x1, *x0 + 3);
  return TRUE;
}

/* Each advise finding's time range, a bar along the ruler's top in the
 * findings' amber, a notch at its start, so a mistake is seen where it
 * happened. */
static void
ruler_findings (cairo_t *cr, MlsSession *s, double width)
{
  GListModel *findings = mls_session_get_findings (s);

  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr (MlsFindingItem) item = g_list_model_get_item (findings, i);
      double x0, x1;

      if (!finding_extent (s, item, width, &x0, &x1))
        continue;
      cairo_set_source_rgb (cr, MLS_FINDING_R, MLS_FINDING_G, MLS_FINDING_B);
      cairo_rectangle (cr, x0, 0, x1 - x0, 4);
      cairo_move_to (cr, x0 - 5, 0);
      cairo_line_to (cr, x0 + 5, 0);
      cairo_line_to (cr, x0, 9);
      cairo_close_path (cr);
      cairo_fill (cr);
    }
}

MlsFindingItem *
mls_draw_ruler_finding_at (MlsSession *s, double width, double x, double y)
{
  GListModel *findings = mls_session_get_findings (s);
  MlsFindingItem *best = NULL;
  double best_d = G_MAXDOUBLE;

  /* The markers' band, a little wider than drawn: a pointer is not that
   * exact. Where bars overlap, the nearest notch wins. */
  if (y > 12 || x < MLS_LABEL_WIDTH)
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr (MlsFindingItem) item = g_list_model_get_item (findings, i);
      double x0, x1;

      if (!finding_extent (s, item, width, &x0, &x1)
          || x < x0 - 7 || x > x1 + 2 || ABS (x - x0) >= best_d)
        continue;
      best_d = ABS (x - x0);
      g_set_object (&best, item);
    }
  return best;
}

static void
ruler_marks (cairo_t *cr, MlsSession *s, const MlsDrawStyle *style,
             PangoLayout *layout, double width, double height)
{
  for (size_t i = 0; i < mls_timeline_n_lost (s->timeline); i++)
    {
      const MlsTimelineLost *lost = mls_timeline_lost (s->timeline, i);
      double x = mls_session_x_for (s, lost->start_ns, width);
      g_autofree char *text = NULL;

      if (x < MLS_LABEL_WIDTH || x > width)
        continue;
      cairo_set_source_rgb (cr, 0.88, 0.11, 0.14);
      cairo_move_to (cr, x - 6, height - 12);
      cairo_line_to (cr, x + 6, height - 12);
      cairo_line_to (cr, x, height);
      cairo_close_path (cr);
      cairo_fill (cr);
      text = g_strdup_printf ("%" G_GINT64_FORMAT " %s lost", lost->count,
                              lost->packets ? "packets" : "events");
      mls_draw_text (cr, layout, text, x + 8, height - 14, 140, 12, TRUE);
    }
  if (s->has_selection)
    {
      double x0 = mls_session_x_for (s, s->sel_start, width);
      double x1 = mls_session_x_for (s, s->sel_end, width);
      double mid = (MAX (x0, MLS_LABEL_WIDTH) + MIN (x1, width)) / 2;
      g_autofree char *text = mls_duration_text (s->sel_end
                                                   - s->sel_start);

      mls_draw_set_color (cr, style->accent, 0.25);
      cairo_rectangle (cr, x0, 0, MAX (x1 - x0, 1), height);
      cairo_fill (cr);
      /* The selection's length on a pill over the ticks it hides. */
      mls_draw_set_color (cr, style->accent, 1);
      cairo_rectangle (cr, mid - 36, height - 15, 72, 14);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      mls_draw_text (cr, layout, text, mid - 36, height - 15, 72, 14, TRUE);
      pango_layout_set_alignment (layout, PANGO_ALIGN_LEFT);
    }
  /* Over the selection's tint: a finding keeps its colour once shown. */
  ruler_findings (cr, s, width);
}

void
mls_draw_ruler (cairo_t *cr, MlsSession *s, const MlsDrawStyle *style,
                double width, double height)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  RulerCtx ctx = { style, layout, width, height,
                   MAX (ABS (s->view_end - s->trace_start),
                        ABS (s->view_start - s->trace_start)) };
  g_autofree char *span = NULL, *shown = NULL;

  cairo_save (cr);
  mls_draw_set_color (cr, mls_draw_mix (style->bg, style->fg, 0.06), 1);
  cairo_paint (cr);
  mls_draw_set_color (cr, mls_draw_mix (style->bg, style->fg, 0.10), 1);
  cairo_rectangle (cr, 0, 0, MLS_LABEL_WIDTH, height);
  cairo_fill (cr);

  shown = mls_duration_text (s->view_end - s->view_start);
  span = g_strdup_printf ("%s shown", shown);
  mls_draw_set_color (cr, style->fg, 0.7);
  mls_draw_text (cr, layout, span, 10, 0, MLS_LABEL_WIDTH - 16, height,
                 FALSE);

  cairo_rectangle (cr, MLS_LABEL_WIDTH, 0, width - MLS_LABEL_WIDTH, height);
  cairo_clip (cr);
  ruler_minor_ticks (cr, s, style, width, height);
  for_each_tick (s, width, ruler_tick, cr, &ctx);
  ruler_marks (cr, s, style, layout, width, height);
  cairo_reset_clip (cr);

  mls_draw_set_color (cr, style->fg, 0.2);
  cairo_rectangle (cr, 0, height - 1, width, 1);
  cairo_rectangle (cr, MLS_LABEL_WIDTH - 1, 0, 1, height);
  cairo_fill (cr);
  cairo_restore (cr);
  g_object_unref (layout);
}

static void
draw_expander (cairo_t *cr, double x, double cy, gboolean expanded)
{
  if (expanded)
    {
      cairo_move_to (cr, x, cy - 2.5);
      cairo_line_to (cr, x + 8, cy - 2.5);
      cairo_line_to (cr, x + 4, cy + 3.5);
    }
  else
    {
      cairo_move_to (cr, x + 1.5, cy - 4);
      cairo_line_to (cr, x + 7.5, cy);
      cairo_line_to (cr, x + 1.5, cy + 4);
    }
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
draw_track_header (cairo_t *cr, const MlsRow *row, const MlsDrawStyle *style,
                   PangoLayout *layout, double width)
{
  double x = 8 + row->indent * 14;

  mls_draw_set_color (cr, mls_draw_mix (style->bg, style->fg,
                                        row->indent ? 0.07 : 0.11), 1);
  cairo_rectangle (cr, 0, row->y, width, row->height);
  cairo_fill (cr);
  mls_draw_set_color (cr, style->fg, 0.9);
  if (row->expander)
    {
      draw_expander (cr, x, row->y + row->height / 2, row->expanded);
      x += 14;
    }
  mls_draw_text (cr, layout, row->label, x, row->y, width - x - 8,
                 row->height, TRUE);
  mls_draw_set_color (cr, style->fg, 0.15);
  cairo_rectangle (cr, 0, row->y + row->height - 1, width, 1);
  cairo_fill (cr);
}

/* The lane's name (on its first row) and thread, and a swatch per kind
 * drawn in it, right-aligned: the legend of the lane. */
static void
draw_lane_label (cairo_t *cr, const MlsRow *row, const MlsDrawStyle *style,
                 PangoLayout *layout)
{
  double x = 18 + row->indent * 14;
  double sx = MLS_LABEL_WIDTH - 10;
  double h = MIN (row->height, MLS_SUBROW_HEIGHT + 2 * MLS_LANE_PADDING);

  mls_draw_set_color (cr, mls_draw_mix (style->bg, style->fg, 0.04), 1);
  cairo_rectangle (cr, 0, row->y, MLS_LABEL_WIDTH, row->height);
  cairo_fill (cr);
  for (int k = row->n_kinds - 1; k >= 0 && sx > x + 60 && !row->sublabel;
       k--)
    {
      sx -= 10;
      mls_draw_set_color (cr, mls_palette_kind (row->kinds[k]), 1);
      cairo_rectangle (cr, sx, row->y + h / 2 - 4, 8, 8);
      cairo_fill (cr);
    }
  mls_draw_set_color (cr, style->fg, row->n_bands ? 0.9 : 0.45);
  if (!row->sublabel)
    {
      mls_draw_text (cr, layout, row->label, x, row->y, sx - x - 4, h, FALSE);
      return;
    }
  /* A thread's row: the lane's name on the first, the thread on each. */
  if (row->label && row->label[0])
    mls_draw_text (cr, layout, row->label, x, row->y, 64, h, TRUE);
  mls_draw_set_color (cr, style->fg, 0.7);
  mls_draw_text (cr, layout, row->sublabel, x + 66, row->y,
                 MLS_LABEL_WIDTH - x - 72, h, FALSE);
}

typedef struct {
  const MlsDrawStyle *style;
  double y0;
  double y1;
} GridCtx;

static void
grid_line (cairo_t *cr, double x, gint64 off, gint64 step, gpointer data)
{
  GridCtx *ctx = data;

  cairo_rectangle (cr, floor (x), ctx->y0, 1, ctx->y1 - ctx->y0);
}

static void
draw_overlays (cairo_t *cr, MlsSession *s, const MlsDrawStyle *style,
               double width, double y0, double y1)
{
  cairo_save (cr);
  cairo_rectangle (cr, MLS_LABEL_WIDTH, y0, width - MLS_LABEL_WIDTH, y1 - y0);
  cairo_clip (cr);
  /* Marked spans (m): a band across every track. */
  for (guint i = 0; i < s->marks->len; i++)
    {
      const MlsMark *m = &g_array_index (s->marks, MlsMark, i);
      double x0 = mls_session_x_for (s, m->start_ns, width);
      double x1 = mls_session_x_for (s, m->end_ns, width);

      cairo_set_source_rgba (cr, 0.96, 0.76, 0.07, 0.16);
      cairo_rectangle (cr, x0, y0, MAX (x1 - x0, 2), y1 - y0);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, 0.90, 0.65, 0.04, 0.9);
      cairo_rectangle (cr, floor (x0), y0, 1, y1 - y0);
      cairo_rectangle (cr, floor (x1), y0, 1, y1 - y0);
      cairo_fill (cr);
    }
  for (size_t i = 0; i < mls_timeline_n_lost (s->timeline); i++)
    {
      const MlsTimelineLost *lost = mls_timeline_lost (s->timeline, i);
      double x0 = mls_session_x_for (s, lost->start_ns, width);
      double x1 = mls_session_x_for (s, lost->end_ns, width);

      /* Hatched red: nothing can be trusted about this stretch. */
      cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 0.18);
      cairo_rectangle (cr, x0, y0, MAX (x1 - x0, 3), y1 - y0);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 0.9);
      cairo_rectangle (cr, floor (x0), y0, 2, y1 - y0);
      cairo_fill (cr);
    }
  if (s->has_selection)
    {
      double x0 = mls_session_x_for (s, s->sel_start, width);
      double x1 = mls_session_x_for (s, s->sel_end, width);

      mls_draw_set_color (cr, style->accent, 0.14);
      cairo_rectangle (cr, x0, y0, MAX (x1 - x0, 1), y1 - y0);
      cairo_fill (cr);
      mls_draw_set_color (cr, style->accent, 0.8);
      cairo_rectangle (cr, floor (x0), y0, 1, y1 - y0);
      cairo_rectangle (cr, floor (x1), y0, 1, y1 - y0);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}

gint64
mls_draw_tracks (cairo_t *cr, MlsSession *s, const MlsDrawStyle *style,
                 double width, gboolean pinned, double clip_y0,
                 double clip_y1, GArray *hits)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  double content = pinned ? s->pinned_height : s->content_height;
  GridCtx grid = { style, clip_y0, MIN (clip_y1, content) };
  gint64 rows_read = 0;

  cairo_save (cr);
  mls_draw_set_color (cr, style->bg, 1);
  cairo_paint (cr);
  for (guint i = 0; i < s->rows->len; i++)
    {
      const MlsRow *row = &g_array_index (s->rows, MlsRow, i);

      if (row->pinned != pinned || row->y + row->height < clip_y0
          || row->y >= clip_y1)
        continue;
      if (row->type == MLS_ROW_TRACK)
        {
          draw_track_header (cr, row, style, layout, width);
          continue;
        }
      if (i % 2)
        {
          mls_draw_set_color (cr, mls_draw_mix (style->bg, style->fg, 0.025),
                              1);
          cairo_rectangle (cr, 0, row->y, width, row->height);
          cairo_fill (cr);
        }
      rows_read += mls_draw_lane (cr, s, row, style, layout, width, hits);
      draw_lane_label (cr, row, style, layout);
      mls_draw_set_color (cr, style->fg, row->first_of_lane ? 0.25 : 0.08);
      cairo_rectangle (cr, 0, row->first_of_lane ? row->y : row->y
                                                   + row->height - 1,
                       width, 1);
      cairo_fill (cr);
    }

  /* Grid lines under the ruler's ticks, over the lanes' backgrounds. */
  cairo_rectangle (cr, MLS_LABEL_WIDTH, clip_y0, width - MLS_LABEL_WIDTH,
                   clip_y1 - clip_y0);
  cairo_clip (cr);
  for_each_tick (s, width, grid_line, cr, &grid);
  mls_draw_set_color (cr, style->fg, 0.07);
  cairo_fill (cr);
  cairo_reset_clip (cr);
  draw_overlays (cr, s, style, width, clip_y0, grid.y1);

  mls_draw_set_color (cr, style->fg, 0.2);
  cairo_rectangle (cr, MLS_LABEL_WIDTH - 1, clip_y0, 1, grid.y1 - clip_y0);
  cairo_fill (cr);
  cairo_restore (cr);
  g_object_unref (layout);
  return rows_read;
}

gint64
mls_draw_view (cairo_t *cr, MlsSession *s, const MlsDrawStyle *style,
               double width, double height)
{
  double top = MLS_RULER_HEIGHT + s->pinned_height;
  gint64 rows;

  /* Each part paints its own background: no paint of the whole. */
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, MLS_RULER_HEIGHT);
  cairo_clip (cr);
  mls_draw_ruler (cr, s, style, width, MLS_RULER_HEIGHT);
  cairo_restore (cr);

  cairo_save (cr);
  cairo_translate (cr, 0, MLS_RULER_HEIGHT);
  cairo_rectangle (cr, 0, 0, width, s->pinned_height);
  cairo_clip (cr);
  rows = mls_draw_tracks (cr, s, style, width, TRUE, 0, s->pinned_height,
                          NULL);
  cairo_restore (cr);

  cairo_save (cr);
  cairo_translate (cr, 0, top);
  cairo_rectangle (cr, 0, 0, width, MAX (height - top, 0));
  cairo_clip (cr);
  rows += mls_draw_tracks (cr, s, style, width, FALSE, 0,
                           MAX (height - top, 0), NULL);
  cairo_restore (cr);
  /* The pinned tracks' lower edge, as the window draws it. */
  mls_draw_set_color (cr, style->fg, 0.3);
  cairo_rectangle (cr, 0, top - 1, width, 1);
  cairo_fill (cr);
  return rows;
}
