/*
 * mls-timeline-view.h: a tracks widget: draws a session's pinned tracks
 * (GPU, Neural Engine) or its scrolled ones, and turns pointer and
 * touchpad input into the session's zoom, pan, range selection and span
 * selection, as Perfetto and Instruments do: the wheel scrolls the tracks
 * (it is left to the scrolled window), Ctrl+wheel zooms around the
 * pointer, Shift+wheel and horizontal scrolling pan, a drag selects a
 * range, a click selects a span, a double-click zooms to it. Keys are the
 * window's actions (mls-window.c), so they work whichever pane has focus.
 *
 * Properties: session (MlsSession), pinned (boolean, construct-only),
 * vadjustment (GtkAdjustment: the scrolled window's, so only visible lanes
 * are read and drawn).
 */
#ifndef MLS_TIMELINE_VIEW_H
#define MLS_TIMELINE_VIEW_H

#include <gtk/gtk.h>

#include "mls-session.h"

G_BEGIN_DECLS

#define MLS_TYPE_TIMELINE_VIEW (mls_timeline_view_get_type ())
G_DECLARE_FINAL_TYPE (MlsTimelineView, mls_timeline_view, MLS,
                      TIMELINE_VIEW, GtkWidget)

/* A zoom step around the middle of the view (keys, buttons). */
void mls_timeline_view_zoom (MlsTimelineView *self, double factor);
/* A pan step of a tenth of the view's width, left (-1) or right (1). */
void mls_timeline_view_pan (MlsTimelineView *self, int direction);

/* The zoom and pan keys' actions (win.zoom-in, win.zoom-out,
 * win.pan-left, win.pan-right, win.zoom-fit) on the view's session;
 * FALSE for any other action. */
gboolean mls_timeline_view_navigate (MlsTimelineView *self,
                                     const char *action);

G_END_DECLS

#endif /* MLS_TIMELINE_VIEW_H */
