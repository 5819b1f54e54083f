/*
 * mls-legend.h: what the timeline's colours and patterns mean: a swatch
 * per span kind, lane by lane (the same colours as mls-palette.c), and
 * samples of calibration work (hatched), an incomplete span (fading), lost
 * events, the selected span and what it contains, and a mark.
 */
#ifndef MLS_LEGEND_H
#define MLS_LEGEND_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MLS_TYPE_LEGEND (mls_legend_get_type ())
G_DECLARE_FINAL_TYPE (MlsLegend, mls_legend, MLS, LEGEND, GtkBox)

G_END_DECLS

#endif /* MLS_LEGEND_H */
