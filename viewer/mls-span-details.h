/*
 * mls-span-details.h: the panel describing the session's selected span:
 * kind, model, thread, start, duration, unit, state, its arguments in
 * human units (bytes as KiB / MiB), and its parent and children as links
 * that select the span and bring it into view.
 *
 * Property "session".
 */
#ifndef MLS_SPAN_DETAILS_H
#define MLS_SPAN_DETAILS_H

#include <gtk/gtk.h>

#include "mls-session.h"

G_BEGIN_DECLS

#define MLS_TYPE_SPAN_DETAILS (mls_span_details_get_type ())
G_DECLARE_FINAL_TYPE (MlsSpanDetailsPanel, mls_span_details, MLS,
                      SPAN_DETAILS, GtkBox)

G_END_DECLS

#endif /* MLS_SPAN_DETAILS_H */
