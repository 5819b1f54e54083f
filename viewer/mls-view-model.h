/*
 * mls-view-model.h: what the timeline shows, independent of any widget.
 *
 * The visible time range, the grouping options, the selection, and the
 * layout of tracks and lanes in pixels. The widgets and the headless
 * renderer both draw from it (mls-timeline-draw.h), so a PNG rendered
 * with --render-png is the window's view.
 */
#ifndef MLS_VIEW_MODEL_H
#define MLS_VIEW_MODEL_H

#include <glib.h>

#include "mls-store-timeline.h"

#define MLS_LABEL_WIDTH 184.0
#define MLS_RULER_HEIGHT 30.0
#define MLS_TRACK_HEIGHT 24.0
#define MLS_SUBROW_HEIGHT 18.0
#define MLS_LANE_PADDING 3.0
#define MLS_MAX_SUBROWS 3
#define MLS_LANE_MAX_KINDS 16

typedef enum {
  MLS_ROW_TRACK,            /* a track's title bar */
  MLS_ROW_LANE,             /* a lane drawing spans of some kinds */
} MlsRowType;

typedef struct {
  MlsRowType type;
  char *label;
  int indent;               /* 0 top-level, 1 inside a per-model track */
  gboolean expander;        /* the runtime track's disclosure arrow */
  gboolean expanded;
  int kinds[MLS_LANE_MAX_KINDS];
  int n_kinds;
  gint64 model_id;          /* -1: all models */
  int base_depth;           /* span depth drawn in the lane's first row */
  int n_subrows;
  double y;
  double height;
} MlsRow;

typedef struct {
  MlsStore *store;
  MlsTimeline *timeline;
  gint64 trace_start;
  gint64 trace_end;
  gint64 view_start;
  gint64 view_end;
  gboolean grouped;
  gboolean by_model;
  gboolean has_selection;
  gint64 sel_start;
  gint64 sel_end;
  int highlight_kind;       /* 0: none */
  gint64 selected_span;     /* 0: none */
  GArray *rows;             /* MlsRow */
  double content_height;
} MlsViewModel;

/* Takes neither store nor timeline: the caller keeps them open. */
MlsViewModel *mls_view_model_new (MlsStore *store, MlsTimeline *timeline);
void mls_view_model_free (MlsViewModel *vm);

/* Rebuilds rows after grouped / by_model change. */
void mls_view_model_relayout (MlsViewModel *vm);

void mls_view_model_set_range (MlsViewModel *vm, gint64 start, gint64 end);
void mls_view_model_zoom_to_fit (MlsViewModel *vm);
/* factor > 1 zooms in, keeping anchor_ns at the same x. */
void mls_view_model_zoom (MlsViewModel *vm, double factor, gint64 anchor_ns);
void mls_view_model_pan (MlsViewModel *vm, gint64 delta_ns);

/* Pixel <-> time in a view width pixels wide, labels included. */
double mls_view_model_ns_per_px (const MlsViewModel *vm, double width);
double mls_view_model_x_for (const MlsViewModel *vm, gint64 t, double width);
gint64 mls_view_model_time_at (const MlsViewModel *vm, double x,
                               double width);

/* The lane row drawing kind_id for model_id (-1 all), or NULL. */
const MlsRow *mls_view_model_find_lane (const MlsViewModel *vm, int kind_id,
                                        gint64 model_id);
const MlsRow *mls_view_model_row_at (const MlsViewModel *vm, double y);

#endif /* MLS_VIEW_MODEL_H */
