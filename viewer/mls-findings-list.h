/*
 * mls-findings-list.h: the advise findings of the open recording (what
 * `mlscope advise` says, from the same rules) as a list beside the table:
 * each the rule's title and what happened; activating one selects its
 * spans and zooms to them (mls_session_show_finding).
 *
 * Property "session": the findings it lists.
 */
#ifndef MLS_FINDINGS_LIST_H
#define MLS_FINDINGS_LIST_H

#include <gtk/gtk.h>

#include "mls-session.h"

G_BEGIN_DECLS

#define MLS_TYPE_FINDINGS_LIST (mls_findings_list_get_type ())
G_DECLARE_FINAL_TYPE (MlsFindingsList, mls_findings_list, MLS, FINDINGS_LIST,
                      GtkBox)

G_END_DECLS

#endif /* MLS_FINDINGS_LIST_H */
