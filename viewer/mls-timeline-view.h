/*
 * mls-timeline-view.h: the tracks widget: draws the view model's lanes and
 * turns pointer, touchpad and keyboard input into zoom, pan, range
 * selection and span picks.
 *
 * Signals:
 *   view-changed ()              the visible range changed
 *   selection-changed ()         the dragged range changed or was cleared
 *   span-activated (gint64 id)   a span was clicked (0: none)
 *   expander-toggled ()          the runtime track's arrow was clicked
 */
#ifndef MLS_TIMELINE_VIEW_H
#define MLS_TIMELINE_VIEW_H

#include <gtk/gtk.h>

#include "mls-view-model.h"

G_BEGIN_DECLS

#define MLS_TYPE_TIMELINE_VIEW (mls_timeline_view_get_type ())
G_DECLARE_FINAL_TYPE (MlsTimelineView, mls_timeline_view, MLS,
                      TIMELINE_VIEW, GtkWidget)

/* vm is borrowed; call again (or mls_timeline_view_layout_changed) after
 * the view model's rows change. */
void mls_timeline_view_set_view_model (MlsTimelineView *self,
                                       MlsViewModel *vm);
void mls_timeline_view_layout_changed (MlsTimelineView *self);
/* The vertical adjustment of the scrolled window around the view, so only
 * visible lanes are read and drawn. */
void mls_timeline_view_set_vadjustment (MlsTimelineView *self,
                                        GtkAdjustment *vadjustment);
/* Zoom in (factor > 1) or out around the middle; a keyboard action. */
void mls_timeline_view_zoom (MlsTimelineView *self, double factor);
void mls_timeline_view_zoom_to_fit (MlsTimelineView *self);

G_END_DECLS

#endif /* MLS_TIMELINE_VIEW_H */
