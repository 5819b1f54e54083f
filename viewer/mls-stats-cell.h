/*
 * mls-stats-cell.h: one cell of the aggregation table: the text of one
 * column of an MlsStatsItem (numbers right-aligned in tabular figures),
 * with the kind's colour square in the Span Kind column. The table's
 * .ui declares its columns with a GtkBuilderListItemFactory each, binding
 * a cell's "item" to the list item's.
 *
 * Properties: item (MlsStatsItem), column (string: the MlsStatsItem
 * property the column shows, mls_stats_column_property).
 */
#ifndef MLS_STATS_CELL_H
#define MLS_STATS_CELL_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MLS_TYPE_STATS_CELL (mls_stats_cell_get_type ())
G_DECLARE_FINAL_TYPE (MlsStatsCell, mls_stats_cell, MLS, STATS_CELL, GtkBox)

G_END_DECLS

#endif /* MLS_STATS_CELL_H */
