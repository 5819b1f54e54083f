/*
 * mls-widget-style.h: what the drawn widgets (ruler, tracks) share: the
 * drawing style from the widget's CSS colour, so the timeline follows the
 * desktop's light or dark style, and following a session: redrawn when
 * what they show changes, resized when its rows do.
 */
#ifndef MLS_WIDGET_STYLE_H
#define MLS_WIDGET_STYLE_H

#include <gtk/gtk.h>

#include "mls-timeline-draw.h"

static inline void
mls_widget_style (GtkWidget *widget, MlsDrawStyle *style)
{
  GdkRGBA fg;
  gboolean dark;

#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, &fg);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
#endif
  /* A light foreground means a dark theme, whichever way it was chosen
   * (prefer-dark setting, a dark theme, high contrast). */
  dark = 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5;
  mls_draw_style_init (style, dark);
  style->fg.r = fg.red;
  style->fg.g = fg.green;
  style->fg.b = fg.blue;
}

static inline void
mls_widget_on_session_draw (GObject *session, GParamSpec *pspec,
                            GtkWidget *widget)
{
  gtk_widget_queue_draw (widget);
}

static inline void
mls_widget_on_session_layout (GObject *session, GParamSpec *pspec,
                              GtkWidget *widget)
{
  gtk_widget_queue_resize (widget);
}

/* Replaces *slot with session (a new reference), redrawing widget on the
 * properties it draws. */
static inline void
mls_widget_follow_session (GtkWidget *widget, MlsSession **slot,
                           MlsSession *session, gboolean layout)
{
  static const char *const drawn[] = {
    "notify::visible-start", "notify::visible-end", "notify::has-selection",
    "notify::selection-start", "notify::selection-end",
    "notify::selected-span", "notify::highlight-kind",
    "notify::highlight-model", "notify::n-marks", "notify::n-findings",
  };

  if (*slot == session)
    return;
  if (*slot)
    g_signal_handlers_disconnect_by_data (*slot, widget);
  g_set_object (slot, session);
  if (session)
    {
      for (guint i = 0; i < G_N_ELEMENTS (drawn); i++)
        g_signal_connect_object (session, drawn[i],
                                 G_CALLBACK (mls_widget_on_session_draw),
                                 widget, 0);
      g_signal_connect_object (session, "notify::layout-serial",
                               G_CALLBACK (layout
                                           ? mls_widget_on_session_layout
                                           : mls_widget_on_session_draw),
                               widget, 0);
    }
  gtk_widget_queue_resize (widget);
}

#endif /* MLS_WIDGET_STYLE_H */
