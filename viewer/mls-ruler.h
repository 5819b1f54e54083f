/*
 * mls-ruler.h: the time axis above the tracks (drawn by mls_draw_ruler).
 * Property "session": the MlsSession drawn (NULL: nothing).
 */
#ifndef MLS_RULER_H
#define MLS_RULER_H

#include <gtk/gtk.h>

#include "mls-session.h"

G_BEGIN_DECLS

#define MLS_TYPE_RULER (mls_ruler_get_type ())
G_DECLARE_FINAL_TYPE (MlsRuler, mls_ruler, MLS, RULER, GtkWidget)

G_END_DECLS

#endif /* MLS_RULER_H */
