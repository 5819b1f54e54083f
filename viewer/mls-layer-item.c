/*
 * mls-layer-item.c: a report's layer for the layer table (see
 * mls-layer-item.h).
 */
#include "mls-layer-item.h"

#include "mls-model-tool.h"

const char *const mls_units[MLS_N_UNITS] = { "cpu", "gpu", "npu" };

struct _MlsLayerItem {
  GObject parent_instance;
  guint index;
  char *name, *op, *unit, *time;
  char *placement[MLS_N_UNITS];
  char *tip[MLS_N_UNITS];
  double fraction;
};

G_DEFINE_FINAL_TYPE (MlsLayerItem, mls_layer_item, G_TYPE_OBJECT)

enum {
  PROP_0, PROP_INDEX, PROP_NAME, PROP_OP, PROP_UNIT, PROP_TIME,
  PROP_FRACTION, PROP_PLACEMENT, /* then the tips */
  N_PROPS = PROP_PLACEMENT + 2 * MLS_N_UNITS
};
static GParamSpec *props[N_PROPS];

const char *
mls_layer_item_get_unit (MlsLayerItem *self)
{
  return self->unit;
}

static void
mls_layer_item_get_property (GObject *object, guint id, GValue *value,
                             GParamSpec *pspec)
{
  MlsLayerItem *self = MLS_LAYER_ITEM (object);

  switch (id)
    {
    case PROP_INDEX: g_value_set_uint (value, self->index); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_OP: g_value_set_string (value, self->op); break;
    case PROP_UNIT: g_value_set_string (value, self->unit); break;
    case PROP_TIME: g_value_set_string (value, self->time); break;
    case PROP_FRACTION: g_value_set_double (value, self->fraction); break;
    default:
      if (id >= PROP_PLACEMENT && id < PROP_PLACEMENT + MLS_N_UNITS)
        g_value_set_string (value, self->placement[id - PROP_PLACEMENT]);
      else if (id >= PROP_PLACEMENT + MLS_N_UNITS && id < N_PROPS)
        g_value_set_string (value,
                            self->tip[id - PROP_PLACEMENT - MLS_N_UNITS]);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_layer_item_finalize (GObject *object)
{
  MlsLayerItem *self = MLS_LAYER_ITEM (object);

  g_free (self->name);
  g_free (self->op);
  g_free (self->unit);
  g_free (self->time);
  for (int u = 0; u < MLS_N_UNITS; u++)
    {
      g_free (self->placement[u]);
      g_free (self->tip[u]);
    }
  G_OBJECT_CLASS (mls_layer_item_parent_class)->finalize (object);
}

static void
mls_layer_item_class_init (MlsLayerItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  static const char *const tips[MLS_N_UNITS] = {
    "cpu-tip", "gpu-tip", "npu-tip"
  };

  object_class->get_property = mls_layer_item_get_property;
  object_class->finalize = mls_layer_item_finalize;
  props[PROP_INDEX] = g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT,
                                         0, flags);
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  props[PROP_OP] = g_param_spec_string ("op", NULL, NULL, NULL, flags);
  props[PROP_UNIT] = g_param_spec_string ("unit", NULL, NULL, NULL, flags);
  props[PROP_TIME] = g_param_spec_string ("time", NULL, NULL, NULL, flags);
  props[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1,
                                              0, flags);
  for (int u = 0; u < MLS_N_UNITS; u++)
    {
      props[PROP_PLACEMENT + u] = g_param_spec_string (mls_units[u], NULL,
                                                       NULL, NULL, flags);
      props[PROP_PLACEMENT + MLS_N_UNITS + u] =
        g_param_spec_string (tips[u], NULL, NULL, NULL, flags);
    }
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mls_layer_item_init (MlsLayerItem *self)
{
}

/* The mark's tooltip: what it means on this unit. */
static char *
unit_tip (const char *unit, const char *placement, const char *reason,
          double estimate_us)
{
  g_autofree char *upper = g_ascii_strup (unit, -1);
  g_autofree char *cost = estimate_us >= 0 ? mls_format_us (estimate_us)
                                           : g_strdup ("no estimate");

  if (g_strcmp0 (placement, "ran") == 0)
    return g_strdup_printf ("Ran on the %s (estimated %s)", upper, cost);
  if (g_strcmp0 (placement, "supported") == 0)
    return g_strdup_printf ("Supported on the %s, not chosen: estimated "
                            "%s there", upper, cost);
  if (g_strcmp0 (placement, "excluded") == 0)
    return g_strdup_printf ("The %s can run it but is not in the compute "
                            "units asked for (or not on this machine)",
                            upper);
  return g_strdup_printf ("Not supported on the %s: %s", upper,
                          reason ? reason : "no reason given");
}

MlsLayerItem *
mls_layer_item_new (json_object *layer, double slowest_us)
{
  MlsLayerItem *self = g_object_new (MLS_TYPE_LAYER_ITEM, NULL);
  json_object *units = mls_json_get (layer, "units");
  double measured = mls_json_double (layer, "measured_us", -1);

  self->index = (guint) mls_json_int (layer, "index");
  self->name = g_strdup (mls_json_str (layer, "name"));
  self->op = g_strdup (mls_json_str (layer, "op"));
  self->unit = g_strdup (mls_json_str (layer, "unit"));
  self->time = measured >= 0 ? mls_format_us (measured)
                             : g_strdup ("not measured");
  self->fraction = measured > 0 && slowest_us > 0
                   ? CLAMP (measured / slowest_us, 0, 1) : 0;
  for (int u = 0; u < MLS_N_UNITS; u++)
    {
      json_object *on = mls_json_get (units, mls_units[u]);
      const char *placement = mls_json_str (on, "placement");

      self->placement[u] = g_strdup (placement ? placement : "unsupported");
      self->tip[u] = unit_tip (mls_units[u], self->placement[u],
                               mls_json_str (on, "reason"),
                               mls_json_double (on, "estimated_cost_us", -1));
    }
  return self;
}
