/*
 * mls-timeline-draw.h: drawing the timeline with cairo, for the widgets
 * (through gtk_snapshot_append_cairo) and for --render-png alike.
 *
 * Plain functions of a cairo_t, a view model and a style: no widget, no
 * display. Each lane reads only what it draws (mls_timeline_read_lane).
 */
#ifndef MLS_TIMELINE_DRAW_H
#define MLS_TIMELINE_DRAW_H

#include <cairo.h>

#include "mls-finding-item.h"
#include "mls-palette.h"
#include "mls-session-private.h"

typedef struct {
  MlsColor bg;
  MlsColor fg;
  MlsColor accent;
  gboolean dark;
} MlsDrawStyle;

/* Something drawn that a pointer can land on: a span (span_id > 0) or a
 * column of summarised spans. */
typedef struct {
  double x0, x1, y0, y1;
  gint64 span_id;
  int kind_id;
  gint64 count;
  gint64 start_ns;
  gint64 end_ns;
} MlsHit;

void mls_draw_style_init (MlsDrawStyle *style, gboolean dark);

/* The ruler: width x height, time labels relative to the trace start. */
void mls_draw_ruler (cairo_t *cr, MlsSession *session,
                     const MlsDrawStyle *style, double width, double height);

/* The advise finding whose marker on a ruler width pixels wide is at
 * (x, y), or NULL (a new reference). */
MlsFindingItem *mls_draw_ruler_finding_at (MlsSession *session, double width,
                                           double x, double y);
/* The pinned (GPU, Neural Engine) or the scrolled tracks, at y = row->y,
 * drawing only rows meeting [clip_y0, clip_y1). hits, if not NULL,
 * receives an MlsHit per span or column drawn. Returns the number of rows
 * read from the database. */
gint64 mls_draw_tracks (cairo_t *cr, MlsSession *session,
                        const MlsDrawStyle *style, double width,
                        gboolean pinned, double clip_y0, double clip_y1,
                        GArray *hits);

/* Ruler, pinned tracks and the scrolled tracks under them, as the window
 * shows them scrolled to the top. */
gint64 mls_draw_view (cairo_t *cr, MlsSession *session,
                      const MlsDrawStyle *style, double width, double height);

/* The ruler's tick step for a view width pixels wide. */
gint64 mls_draw_tick_step (MlsSession *session, double width);

#endif /* MLS_TIMELINE_DRAW_H */
