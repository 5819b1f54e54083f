/*
 * mls-stats-model.h: the aggregation table's data: a GListModel of
 * MlsStatsItem from mls_store_query_stats, the text of each cell, and a
 * GtkSorter per column comparing raw values (numbers as numbers).
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
  MLS_STATS_COLUMN_MAX,
  MLS_STATS_COLUMN_STDDEV,
  MLS_STATS_COLUMN_INCOMPLETE,
  MLS_STATS_N_COLUMNS
} MlsStatsColumn;

typedef struct {
  gboolean by_model;
  gboolean has_range;
  gint64 range_start_ns;    /* trace clock, not offsets */
  gint64 range_end_ns;
} MlsStatsOptions;

/* A new GListStore of MlsStatsItem: by kind, or by model then kind. The
 * duration columns are of complete spans only (empty when a row has none);
 * Incomplete counts the spans cut off. */
GListModel *mls_stats_model_query (MlsStore *store,
                                   const MlsStatsOptions *options,
                                   GError **error);

const char *mls_stats_column_title (MlsStatsColumn column);
gboolean mls_stats_column_is_numeric (MlsStatsColumn column);
char *mls_stats_item_format (MlsStatsItem *item, MlsStatsColumn column);
/* Ascending order of column's raw value; GtkColumnView reverses it. */
GtkSorter *mls_stats_sorter_new (MlsStatsColumn column);

G_END_DECLS

#endif /* MLS_STATS_MODEL_H */
