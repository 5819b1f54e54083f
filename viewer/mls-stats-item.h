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

#include <gio/gio.h>

#include "mls-store.h"

G_BEGIN_DECLS

#define MLS_TYPE_STATS_ITEM (mls_stats_item_get_type ())
G_DECLARE_FINAL_TYPE (MlsStatsItem, mls_stats_item, MLS, STATS_ITEM, GObject)

/* Copies row. */
MlsStatsItem *mls_stats_item_new (const MlsStatsRow *row);
/* The raw values; strings belong to the item. */
const MlsStatsRow *mls_stats_item_get_row (MlsStatsItem *self);

/* A group of rows (a lane's kinds, or a model's): kind-id 0, its label
 * the lane's or the model's; count, total, average, min, max and
 * incomplete over the rows added, no median, deviation or share. */
MlsStatsItem *mls_stats_item_new_group (const char *label, const char *lane,
                                        const char *model);
void mls_stats_item_add_child (MlsStatsItem *self, MlsStatsItem *child);
gboolean mls_stats_item_is_group (MlsStatsItem *self);
/* The group's rows, or NULL for a row. */
GListModel *mls_stats_item_get_children (MlsStatsItem *self);

G_END_DECLS

#endif /* MLS_STATS_ITEM_H */
