/*
 * mls-render.h: --render-png, the timeline drawn headless into a PNG with
 * the widgets' drawing code and no display.
 */
#ifndef MLS_RENDER_H
#define MLS_RENDER_H

#include <glib.h>

typedef struct {
  int width;
  int height;               /* 0: as tall as the tracks */
  gboolean has_range;
  gint64 range_start;       /* offsets from the trace's start */
  gint64 range_end;
  gboolean ungrouped;
  gboolean by_model;
  gboolean shared;          /* lanes shared by threads, not per thread */
  gboolean dark;
  int highlight_kind;
  gint64 highlight_model;   /* 0: any */
  gint64 span_id;           /* selected: outlined with its descendants */
  char **hide_pids;         /* processes to hide (NULL-terminated) */
} MlsRenderOptions;

/* "10ms:20ms", "0:1.5s", "1000:5000" (ns): offsets from the trace start. */
gboolean mls_render_parse_range (const char *text, gint64 *start,
                                 gint64 *end, GError **error);

gboolean mls_render_png (const char *trace_path, const char *png_path,
                         const MlsRenderOptions *options, GError **error);

/* The --render-png command line; returns the exit status. */
int mls_render_main (int argc, char **argv);

#endif /* MLS_RENDER_H */
