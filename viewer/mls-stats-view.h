/*
 * mls-stats-view.h: the Model Activity Aggregation table under the
 * tracks: a GtkColumnView over mls-stats-model, sortable by every column,
 * grouped by model on demand, limited to the dragged range if any.
 *
 * Property "session": its range selection and process / thread filter
 * restrict the table; "by-model" (boolean): a row per kind and model (the
 * header's Group by model switch). Signal row-selected (int kind_id, gint64 model_id):
 * a row was selected (kind 0: none; model -1 when not grouped by model).
 */
#ifndef MLS_STATS_VIEW_H
#define MLS_STATS_VIEW_H

#include <gtk/gtk.h>

#include "mls-session.h"

G_BEGIN_DECLS

#define MLS_TYPE_STATS_VIEW (mls_stats_view_get_type ())
G_DECLARE_FINAL_TYPE (MlsStatsView, mls_stats_view, MLS, STATS_VIEW, GtkBox)

/* The rows shown, in their order, as CSV (NULL: no trace). */
char *mls_stats_view_to_csv (MlsStatsView *self);

G_END_DECLS

#endif /* MLS_STATS_VIEW_H */
