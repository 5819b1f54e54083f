/*
 * mls-palette.h: the fixed colour of each span kind, and the formatting of
 * times, shared by the timeline, the table and the headless renderer.
 */
#ifndef MLS_PALETTE_H
#define MLS_PALETTE_H

#include <glib.h>

typedef struct {
  double r, g, b;
} MlsColor;

/* The colour of a span kind id (schema.sql's span_kind.id). */
MlsColor mls_palette_kind (int kind_id);
/* The same colour as 0xRRGGBB, for tests and CSS. */
guint32 mls_palette_kind_rgb (int kind_id);

/* "1.25 ms", "350 µs", "2 s": a duration for people. */
char *mls_format_duration (gint64 ns);
/* A ruler label for an offset from the trace's start, with as many
 * decimals as the tick step needs ("0 ms", "50 ms", "100.5 s"); the unit
 * depends on the step and on the largest offset on the ruler. */
char *mls_format_offset (gint64 offset_ns, gint64 step_ns,
                         gint64 max_offset_ns);

#endif /* MLS_PALETTE_H */
