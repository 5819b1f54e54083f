/*
 * mls-compare-item.h: one row of the before / after table of two
 * recordings (schema/compare's MlsCompareRow) as a GObject whose figures
 * are properties, so GTK's own sorters order its columns:
 *   label, model, verdict (strings);
 *   before-count, after-count, before-total, after-total, change-total,
 *   before-median, after-median (int64, durations in ns);
 *   median-ratio (double: after's median over before's, 0 when either
 *   has no complete span);
 *   before-count-text ... median-ratio-text (strings: each figure as the
 *   table shows it, durations in human units, the change signed), which
 *   the table's cells bind to (mls-compare-view.ui).
 */
#ifndef MLS_COMPARE_ITEM_H
#define MLS_COMPARE_ITEM_H

#include <glib-object.h>

#include "mls-compare.h"

G_BEGIN_DECLS

#define MLS_TYPE_COMPARE_ITEM (mls_compare_item_get_type ())
G_DECLARE_FINAL_TYPE (MlsCompareItem, mls_compare_item, MLS, COMPARE_ITEM,
                      GObject)

/* Copies row, its verdict taken at MLS_COMPARE_ALPHA. */
MlsCompareItem *mls_compare_item_new (const MlsCompareRow *row);
const MlsCompareRow *mls_compare_item_get_row (MlsCompareItem *self);
MlsVerdict mls_compare_item_get_verdict (MlsCompareItem *self);

G_END_DECLS

#endif /* MLS_COMPARE_ITEM_H */
