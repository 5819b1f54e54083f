/*
 * mls-session-private.h: the session's state as the drawing code reads
 * it, and the tracks' layout (mls-layout.c). Widgets use mls-session.h.
 */
#ifndef MLS_SESSION_PRIVATE_H
#define MLS_SESSION_PRIVATE_H

#include "mls-session.h"

#define MLS_LABEL_WIDTH 236.0
#define MLS_RULER_HEIGHT 30.0
#define MLS_TRACK_HEIGHT 24.0
#define MLS_SUBROW_HEIGHT 18.0
#define MLS_LANE_PADDING 3.0
#define MLS_LANE_MAX_KINDS 16
#define MLS_MAX_BANDS 8
/* Rows of one lane at most: no recording comes near. */
#define MLS_MAX_SUBROWS 512

typedef enum {
  MLS_ROW_TRACK,            /* a track's title bar */
  MLS_ROW_LANE,             /* a lane drawing spans of some kinds */
} MlsRowType;

/* A lane's spans of one depth go to a band of rows; overlapping ones are
 * stacked in the band's rows, first fit in start order. */
typedef struct {
  int depth;
  int first_row;
  int n_rows;
} MlsBand;

typedef struct {
  MlsRowType type;
  char *label;
  char *sublabel;           /* the thread, in a row of one thread */
  int indent;               /* 0 top-level, 1 inside a group */
  gboolean expander;        /* the runtime track's disclosure arrow */
  gboolean expanded;
  gboolean pinned;          /* drawn above the scrolled tracks */
  gboolean first_of_lane;   /* a line above it */
  int kinds[MLS_LANE_MAX_KINDS];
  int n_kinds;
  gint64 model_id;          /* -1: all models */
  gint64 pid;
  gint64 tid;               /* 0: every visible thread */
  MlsBand bands[MLS_MAX_BANDS];
  int n_bands;
  int n_subrows;
  double y;                 /* from the top of its area (pinned or not) */
  double height;
} MlsRow;

struct _MlsSession {
  GObject parent_instance;
  MlsStore *store;
  MlsTimeline *timeline;
  gint64 trace_start;
  gint64 trace_end;
  gint64 view_start;
  gint64 view_end;
  gboolean grouped;
  gboolean by_model;
  gboolean by_thread;
  gboolean has_selection;
  gint64 sel_start;
  gint64 sel_end;
  int highlight_kind;       /* 0: none */
  gint64 highlight_model;   /* -1: any */
  gint64 selected_span;     /* 0: none */
  GHashTable *related;      /* the selected span's descendants */
  GArray *marks;            /* MlsMark */
  GListStore *processes;    /* MlsProcessItem */
  GListStore *findings;     /* MlsFindingItem */
  GHashTable *hidden;       /* "pid/tid" of hidden threads */
  guint layout_serial;
  GArray *rows;             /* MlsRow */
  double content_height;    /* of the scrolled rows */
  double pinned_height;
};

typedef struct {
  gint64 span_id;
  gint64 start_ns;
  gint64 end_ns;
} MlsMark;

/* Replaces the findings with items' (taken), notifying n-findings. */
void mls_session_take_findings (MlsSession *self, GPtrArray *items);

/* Rebuilds session->rows from its grouping, filter and the timeline. */
void mls_layout_build (MlsSession *session);

/* Pixel <-> time in a view width pixels wide, labels included. */
double mls_session_ns_per_px (MlsSession *session, double width);
double mls_session_x_for (MlsSession *session, gint64 t, double width);
gint64 mls_session_time_at (MlsSession *session, double x, double width);

/* The first lane row drawing kind_id for model_id (-1 all) and thread tid
 * (0: shared lanes; -1: any), or NULL. */
const MlsRow *mls_session_find_lane (MlsSession *session, int kind_id,
                                     gint64 model_id, gint64 tid);
/* The row at y in the pinned or the scrolled area. */
const MlsRow *mls_session_row_at (MlsSession *session, gboolean pinned,
                                  double y);
/* Calls func with the lane query of each thread whose spans of kind_id
 * row draws over [start, end): its own thread, every thread at once, or,
 * with threads hidden, each visible one. */
typedef void (*MlsRowQueryFunc) (const MlsLaneQuery *query, gpointer data);
void mls_row_queries (MlsSession *session, const MlsRow *row, int kind_id,
                      gint64 start, gint64 end, double ns_per_px,
                      MlsRowQueryFunc func, gpointer data);

/* The band and the row in it of a span of `depth` in row. */
const MlsBand *mls_row_band (const MlsRow *row, int depth);

#endif /* MLS_SESSION_PRIVATE_H */
