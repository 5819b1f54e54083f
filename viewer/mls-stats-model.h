/*
 * mls-stats-model.h: the aggregation table's data: a GListModel of
 * MlsStatsItem from mls_store_query_stats, the text of each cell, and a
 * GTK sorter per column over the item's properties (numbers as numbers).
 * Needs no display: tests drive it directly.
 */
#ifndef MLS_STATS_MODEL_H
#define MLS_STATS_MODEL_H

#include <gtk/gtk.h>

#include "mls-stats-item.h"

G_BEGIN_DECLS

typedef enum {
  MLS_STATS_COLUMN_KIND,
  MLS_STATS_COLUMN_MODEL,
  MLS_STATS_COLUMN_COUNT,
  MLS_STATS_COLUMN_TOTAL,
  MLS_STATS_COLUMN_AVERAGE,
  MLS_STATS_COLUMN_MIN,
  MLS_STATS_COLUMN_MEDIAN,
  MLS_STATS_COLUMN_MAX,
  MLS_STATS_COLUMN_STDDEV,
  MLS_STATS_COLUMN_SHARE,
  MLS_STATS_COLUMN_INCOMPLETE,
  MLS_STATS_N_COLUMNS
} MlsStatsColumn;

typedef struct {
  gboolean by_model;
  gboolean has_range;
  gint64 range_start_ns;    /* trace clock, not offsets */
  gint64 range_end_ns;
  gboolean clip;            /* each span's time inside the range */
  gint64 *pids;             /* the filter (mls_session_get_filter) */
  gsize n_pids;
  gint64 *tids;
  gsize n_tids;
} MlsStatsOptions;

/* A new GListStore of MlsStatsItem: by kind, or by model then kind. The
 * duration columns are of complete spans only (empty when a row has none);
 * Incomplete counts the spans cut off. */
GListModel *mls_stats_model_query (MlsStore *store,
                                   const MlsStatsOptions *options,
                                   GError **error);

gboolean mls_stats_column_is_numeric (MlsStatsColumn column);
char *mls_stats_item_format (MlsStatsItem *item, MlsStatsColumn column);
/* The MlsStatsItem property column shows. */
const char *mls_stats_column_property (MlsStatsColumn column);
/* GTK's own sorter over column's property, numbers as numbers: text
 * columns A to Z, numeric ones largest first, so a column's first click
 * (GtkColumnView reverses on the second) puts the costliest rows on top. */
GtkSorter *mls_stats_sorter_new (MlsStatsColumn column);

/* flat's rows (as mls_stats_model_query orders them) under a group item
 * per lane, or per model when by_model: the table's tree. */
GListModel *mls_stats_model_group (GListModel *flat, gboolean by_model);

/* The rows of list (MlsStatsItem, or the table's GtkTreeListRow of one;
 * a group's rows in its place, never the group) as CSV, with `mlscope stats --format csv`'s columns
 * (kind, [model,] count, total_ns, avg_ns, min_ns, median_ns, max_ns,
 * stddev_ns, share, incomplete). */
char *mls_stats_model_to_csv (GListModel *list, gboolean by_model);

G_END_DECLS

#endif /* MLS_STATS_MODEL_H */
