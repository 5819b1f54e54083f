/*
 * mls-span-details.h: the panel describing the clicked span (kind, model,
 * thread, start, duration, unit, arguments).
 */
#ifndef MLS_SPAN_DETAILS_H
#define MLS_SPAN_DETAILS_H

#include <gtk/gtk.h>

#include "mls-store-timeline.h"

G_BEGIN_DECLS

#define MLS_TYPE_SPAN_DETAILS (mls_span_details_get_type ())
G_DECLARE_FINAL_TYPE (MlsSpanDetailsPanel, mls_span_details, MLS,
                      SPAN_DETAILS, GtkBox)

/* d NULL: no span selected. Start times are shown from trace_start. */
void mls_span_details_show (MlsSpanDetailsPanel *self,
                            const MlsSpanDetails *d, gint64 trace_start);

G_END_DECLS

#endif /* MLS_SPAN_DETAILS_H */
