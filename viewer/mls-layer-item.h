/*
 * mls-layer-item.h: one layer of a performance report (docs/report-json.md,
 * `layers[]`) as a GObject for the layer table's GtkColumnView, its
 * cells bound to the properties:
 *
 *   index (uint), name, op, unit          the layer, the unit that ran it
 *   cpu, gpu, npu                         placement on each unit: ran,
 *                                         supported, excluded, unsupported
 *   cpu-tip, gpu-tip, npu-tip             what the mark means, with the
 *                                         planner's reason when unsupported
 *   time (string), fraction (double)      measured time, and its share of
 *                                         the slowest layer's for the bar
 */
#ifndef MLS_LAYER_ITEM_H
#define MLS_LAYER_ITEM_H

#include <glib-object.h>
#include <json-c/json.h>

G_BEGIN_DECLS

#define MLS_TYPE_LAYER_ITEM (mls_layer_item_get_type ())
G_DECLARE_FINAL_TYPE (MlsLayerItem, mls_layer_item, MLS, LAYER_ITEM, GObject)

/* The units a report names, in the table's column order. */
#define MLS_N_UNITS 3
extern const char *const mls_units[MLS_N_UNITS];

/* layer: a `layers[]` object; slowest_us: the largest measured_us. */
MlsLayerItem *mls_layer_item_new (json_object *layer, double slowest_us);
const char *mls_layer_item_get_unit (MlsLayerItem *self);

G_END_DECLS

#endif /* MLS_LAYER_ITEM_H */
