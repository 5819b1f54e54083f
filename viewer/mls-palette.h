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

/* The advise findings' markers on the ruler (GNOME's yellow 5), distinct
 * from every kind's colour and from the lost events' red. */
#define MLS_FINDING_RGB 0xe5a50a
#define MLS_FINDING_R (0xe5 / 255.0)
#define MLS_FINDING_G (0xa5 / 255.0)
#define MLS_FINDING_B (0x0a / 255.0)

/* "1.25 ms", "350 µs", "2 s": a duration for people, three figures (not
 * named mls_format_duration: that is the store library's, which the
 * advise engine calls). */
char *mls_duration_text (gint64 ns);
/* A ruler label for an offset from the trace's start, with as many
 * decimals as the tick step needs ("0 ms", "50 ms", "100.5 s"); the unit
 * depends on the step and on the largest offset on the ruler. */
char *mls_format_offset (gint64 offset_ns, gint64 step_ns,
                         gint64 max_offset_ns);

#endif /* MLS_PALETTE_H */
