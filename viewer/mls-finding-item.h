/*
 * mls-finding-item.h: one finding of the advise rules (schema/advise) as a
 * GObject for the findings list and the timeline's markers: its rule's
 * title, what happened, why it costs and what to do, the time range and
 * example spans it is about.
 *
 * Properties (read-only): rule, title, what, why, fix (strings).
 */
#ifndef MLS_FINDING_ITEM_H
#define MLS_FINDING_ITEM_H

#include <glib-object.h>

#include "mls-advise.h"

G_BEGIN_DECLS

#define MLS_TYPE_FINDING_ITEM (mls_finding_item_get_type ())
G_DECLARE_FINAL_TYPE (MlsFindingItem, mls_finding_item, MLS, FINDING_ITEM,
                      GObject)

/* Copies finding. */
MlsFindingItem *mls_finding_item_new (const MlsFinding *finding);
const char *mls_finding_item_get_title (MlsFindingItem *self);
const char *mls_finding_item_get_what (MlsFindingItem *self);
const char *mls_finding_item_get_fix (MlsFindingItem *self);
/* FALSE when the finding is about no time range. */
gboolean mls_finding_item_get_range (MlsFindingItem *self, gint64 *start_ns,
                                     gint64 *end_ns);
/* The first example span, 0 when none. */
gint64 mls_finding_item_get_span (MlsFindingItem *self);

G_END_DECLS

#endif /* MLS_FINDING_ITEM_H */
