/*
 * mls-detail-item.h: one line of the span details pane, a name and its
 * value (Pango markup), and the span it links to (its parent or a child):
 * activating the line selects that span.
 *
 * Properties (read-only): name, markup (strings), span-id (int64, 0: not
 * a link).
 */
#ifndef MLS_DETAIL_ITEM_H
#define MLS_DETAIL_ITEM_H

#include <glib-object.h>

G_BEGIN_DECLS

#define MLS_TYPE_DETAIL_ITEM (mls_detail_item_get_type ())
G_DECLARE_FINAL_TYPE (MlsDetailItem, mls_detail_item, MLS, DETAIL_ITEM,
                      GObject)

MlsDetailItem *mls_detail_item_new (const char *name, const char *markup,
                                    gint64 span_id);
gint64 mls_detail_item_get_span_id (MlsDetailItem *self);

G_END_DECLS

#endif /* MLS_DETAIL_ITEM_H */
