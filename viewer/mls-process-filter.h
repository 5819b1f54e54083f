/*
 * mls-process-filter.h: which processes and threads the tracks and the
 * table show: a search field and a tree of processes (name and pid) and
 * their threads (name and tid), each with a check button bound to the
 * item's "visible" property (mls-process-item.h), the session's filter.
 *
 * Property "session": the MlsSession whose processes it lists.
 */
#ifndef MLS_PROCESS_FILTER_H
#define MLS_PROCESS_FILTER_H

#include <gtk/gtk.h>

#include "mls-session.h"

G_BEGIN_DECLS

#define MLS_TYPE_PROCESS_FILTER (mls_process_filter_get_type ())
G_DECLARE_FINAL_TYPE (MlsProcessFilter, mls_process_filter, MLS,
                      PROCESS_FILTER, GtkBox)

G_END_DECLS

#endif /* MLS_PROCESS_FILTER_H */
