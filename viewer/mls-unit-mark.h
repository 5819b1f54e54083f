/*
 * mls-unit-mark.h: the mark in a layer table's unit column, the seed's
 * (Xcode's performance report's) marks: a filled check where the layer
 * ran on the unit, a hollow check where the unit supports it but was not
 * chosen, a faint hollow check where it could run there but the unit was
 * not asked for, an empty diamond where the unit cannot run it. The
 * tooltip says which, and why not.
 *
 * Property "placement": ran, supported, excluded or unsupported
 * (docs/report-json.md).
 */
#ifndef MLS_UNIT_MARK_H
#define MLS_UNIT_MARK_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MLS_TYPE_UNIT_MARK (mls_unit_mark_get_type ())
G_DECLARE_FINAL_TYPE (MlsUnitMark, mls_unit_mark, MLS, UNIT_MARK, GtkWidget)

/* The filled check's colour, for tests. */
#define MLS_UNIT_MARK_RAN_RGB 0x3584e4

G_END_DECLS

#endif /* MLS_UNIT_MARK_H */
