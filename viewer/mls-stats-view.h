/*
 * mls-stats-view.h: the Model Activity Aggregation table under the
 * tracks: a GtkColumnView over mls-stats-model, sortable by every column,
 * grouped by model on demand, limited to the dragged range if any.
 *
 * Signal kind-selected (int kind_id): a row was selected (0: none).
 */
#ifndef MLS_STATS_VIEW_H
#define MLS_STATS_VIEW_H

#include <gtk/gtk.h>

#include "mls-store.h"

G_BEGIN_DECLS

#define MLS_TYPE_STATS_VIEW (mls_stats_view_get_type ())
G_DECLARE_FINAL_TYPE (MlsStatsView, mls_stats_view, MLS, STATS_VIEW, GtkBox)

/* store is borrowed (NULL: empty table). */
void mls_stats_view_set_store (MlsStatsView *self, MlsStore *store,
                               gint64 trace_start);
void mls_stats_view_set_range (MlsStatsView *self, gboolean has_range,
                               gint64 start_ns, gint64 end_ns);

G_END_DECLS

#endif /* MLS_STATS_VIEW_H */
