/*
 * mls-lane-draw.h: drawing one lane's spans, and the small cairo helpers
 * the timeline's drawing files share. Internal to the viewer.
 */
#ifndef MLS_LANE_DRAW_H
#define MLS_LANE_DRAW_H

#include <pango/pango.h>

#include "mls-timeline-draw.h"

MlsColor mls_draw_mix (MlsColor a, MlsColor b, double t);
void mls_draw_set_color (cairo_t *cr, MlsColor c, double alpha);
/* Ellipsized text, vertically centred in [y, y + height). */
void mls_draw_text (cairo_t *cr, PangoLayout *layout, const char *text,
                    double x, double y, double max_width, double height,
                    gboolean bold);
/* Diagonal stripes over a box: work done for a model load (calibration),
 * and the legend's sample of it. */
void mls_draw_hatch (cairo_t *cr, MlsColor c, double x, double y, double w,
                     double h);

/* Draws the spans of row's kinds; returns the database rows read. */
gint64 mls_draw_lane (cairo_t *cr, MlsSession *session, const MlsRow *row,
                      const MlsDrawStyle *style, PangoLayout *layout,
                      double width, GArray *hits);

#endif /* MLS_LANE_DRAW_H */
