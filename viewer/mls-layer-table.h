/*
 * mls-layer-table.h: a performance report's layer table (Xcode's
 * performance report's): each layer's index, name and op, a mark per
 * compute unit (MlsUnitMark: ran, supported, not asked for, unsupported
 * with the reason in its tooltip) and its measured time as a bar, scaled
 * to the slowest layer. Clicking a unit's column header shows only the
 * layers that ran on that unit; clicking it again, or Show All Layers,
 * shows them all.
 *
 * Property "unit" (string): the unit filtered to (cpu, gpu, npu), or NULL.
 */
#ifndef MLS_LAYER_TABLE_H
#define MLS_LAYER_TABLE_H

#include <gtk/gtk.h>
#include <json-c/json.h>

G_BEGIN_DECLS

#define MLS_TYPE_LAYER_TABLE (mls_layer_table_get_type ())
G_DECLARE_FINAL_TYPE (MlsLayerTable, mls_layer_table, MLS, LAYER_TABLE,
                      GtkBox)

/* Shows a report's `layers` array (NULL: none). */
void mls_layer_table_show (MlsLayerTable *self, json_object *layers);
void mls_layer_table_set_unit (MlsLayerTable *self, const char *unit);
const char *mls_layer_table_get_unit (MlsLayerTable *self);
/* Rows shown (after the unit filter), and in all. */
guint mls_layer_table_get_n_shown (MlsLayerTable *self);
guint mls_layer_table_get_n_layers (MlsLayerTable *self);
/* The header of unit's column ("cpu"), for tests to click it. */
GtkWidget *mls_layer_table_get_header (MlsLayerTable *self,
                                       const char *unit);

G_END_DECLS

#endif /* MLS_LAYER_TABLE_H */
