/*
 * mls-stats-item.h: one row of the aggregation table (a span kind, or a
 * kind and a model), as a GObject for GListModel / GtkColumnView. Its
 * figures are read-only properties, so the table's columns sort with
 * GTK's own sorters over property expressions:
 *   kind-id (int), lane, label, model (strings), model-id, count, total,
 *   min, median, max, incomplete (int64, durations in ns), average,
 *   stddev (double, ns), share (double, 0..1 of the lane's time).
 */
#ifndef MLS_STATS_ITEM_H
#define MLS_STATS_ITEM_H

#include <glib-object.h>

#include "mls-store.h"

G_BEGIN_DECLS

#define MLS_TYPE_STATS_ITEM (mls_stats_item_get_type ())
G_DECLARE_FINAL_TYPE (MlsStatsItem, mls_stats_item, MLS, STATS_ITEM, GObject)

/* Copies row. */
MlsStatsItem *mls_stats_item_new (const MlsStatsRow *row);
/* The raw values; strings belong to the item. */
const MlsStatsRow *mls_stats_item_get_row (MlsStatsItem *self);

G_END_DECLS

#endif /* MLS_STATS_ITEM_H */
