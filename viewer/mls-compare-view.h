/*
 * mls-compare-view.h: the aggregation table of two recordings (`mlscope
 * diff` in the viewer): per span kind, or kind and model, the count,
 * total and median before and after, the change in total, the ratio of
 * the medians and whether the durations differ beyond noise (the
 * Mann-Whitney U test at MLS_COMPARE_ALPHA, schema/compare). Rows present
 * in one recording only read "appeared" or "disappeared".
 */
#ifndef MLS_COMPARE_VIEW_H
#define MLS_COMPARE_VIEW_H

#include <gtk/gtk.h>

#include "mls-session.h"

G_BEGIN_DECLS

#define MLS_TYPE_COMPARE_VIEW (mls_compare_view_get_type ())
G_DECLARE_FINAL_TYPE (MlsCompareView, mls_compare_view, MLS, COMPARE_VIEW,
                      GtkBox)

/* Compares the two sessions' recordings (in a worker thread). */
void mls_compare_view_set_sessions (MlsCompareView *self, MlsSession *before,
                                    MlsSession *after);
/* The rows shown, in their order, as a GListModel of MlsCompareItem. */
GListModel *mls_compare_view_get_rows (MlsCompareView *self);

G_END_DECLS

#endif /* MLS_COMPARE_VIEW_H */
