/*
 * mls-info-panel.h: what the open recording is: command, host, kernel,
 * when it was recorded and for how long, its processes (pid, command
 * line, how each ended), spans, lost events, the mlscope that recorded it
 * and the file. Property "session".
 */
#ifndef MLS_INFO_PANEL_H
#define MLS_INFO_PANEL_H

#include <gtk/gtk.h>

#include "mls-session.h"

G_BEGIN_DECLS

#define MLS_TYPE_INFO_PANEL (mls_info_panel_get_type ())
G_DECLARE_FINAL_TYPE (MlsInfoPanel, mls_info_panel, MLS, INFO_PANEL, GtkBox)

G_END_DECLS

#endif /* MLS_INFO_PANEL_H */
