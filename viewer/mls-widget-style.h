/*
 * mls-widget-style.h: the drawing style of a widget, from its CSS colour,
 * so the timeline follows the desktop's light or dark style.
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

#endif /* MLS_WIDGET_STYLE_H */
