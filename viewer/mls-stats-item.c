/*
 * mls-stats-item.c: one aggregation table row (see mls-stats-item.h).
 */
#include "mls-stats-item.h"

struct _MlsStatsItem {
  GObject parent_instance;
  MlsStatsRow row;
  GListStore *children;     /* a group's rows; NULL for a row */
};

G_DEFINE_FINAL_TYPE (MlsStatsItem, mls_stats_item, G_TYPE_OBJECT)

enum {
  PROP_0, PROP_KIND_ID, PROP_LANE, PROP_LABEL, PROP_MODEL_ID, PROP_MODEL,
  PROP_COUNT, PROP_TOTAL, PROP_AVERAGE, PROP_MIN, PROP_MEDIAN, PROP_MAX,
  PROP_STDDEV, PROP_SHARE, PROP_INCOMPLETE, N_PROPS
};
static GParamSpec *props[N_PROPS];

static void
mls_stats_item_get_property (GObject *object, guint id, GValue *value,
                             GParamSpec *pspec)
{
  const MlsStatsRow *r = &MLS_STATS_ITEM (object)->row;

  switch (id)
    {
    case PROP_KIND_ID: g_value_set_int (value, r->kind_id); break;
    case PROP_LANE: g_value_set_string (value, r->lane); break;
    case PROP_LABEL: g_value_set_string (value, r->label); break;
    case PROP_MODEL_ID: g_value_set_int64 (value, r->model_id); break;
    case PROP_MODEL: g_value_set_string (value, r->model); break;
    case PROP_COUNT: g_value_set_int64 (value, r->count); break;
    case PROP_TOTAL: g_value_set_int64 (value, r->total_ns); break;
    case PROP_AVERAGE: g_value_set_double (value, r->avg_ns); break;
    case PROP_MIN: g_value_set_int64 (value, r->min_ns); break;
    case PROP_MEDIAN: g_value_set_int64 (value, r->median_ns); break;
    case PROP_MAX: g_value_set_int64 (value, r->max_ns); break;
    case PROP_STDDEV: g_value_set_double (value, r->stddev_ns); break;
    case PROP_SHARE: g_value_set_double (value, r->share); break;
    case PROP_INCOMPLETE: g_value_set_int64 (value, r->incomplete); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_stats_item_finalize (GObject *object)
{
  MlsStatsItem *self = MLS_STATS_ITEM (object);

  g_free (self->row.lane);
  g_free (self->row.label);
  g_free (self->row.model);
  g_free (self->row.process);
  g_clear_object (&self->children);
  G_OBJECT_CLASS (mls_stats_item_parent_class)->finalize (object);
}

static GParamSpec *
int64_prop (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, G_MININT64, G_MAXINT64, 0,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
double_prop (const char *name)
{
  return g_param_spec_double (name, NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE,
                              0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
string_prop (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
mls_stats_item_class_init (MlsStatsItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mls_stats_item_finalize;
  object_class->get_property = mls_stats_item_get_property;
  props[PROP_KIND_ID] = g_param_spec_int ("kind-id", NULL, NULL, 0, G_MAXINT,
    0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_LANE] = string_prop ("lane");
  props[PROP_LABEL] = string_prop ("label");
  props[PROP_MODEL_ID] = int64_prop ("model-id");
  props[PROP_MODEL] = string_prop ("model");
  props[PROP_COUNT] = int64_prop ("count");
  props[PROP_TOTAL] = int64_prop ("total");
  props[PROP_AVERAGE] = double_prop ("average");
  props[PROP_MIN] = int64_prop ("min");
  props[PROP_MEDIAN] = int64_prop ("median");
  props[PROP_MAX] = int64_prop ("max");
  props[PROP_STDDEV] = double_prop ("stddev");
  props[PROP_SHARE] = double_prop ("share");
  props[PROP_INCOMPLETE] = int64_prop ("incomplete");
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mls_stats_item_init (MlsStatsItem *self)
{
}

MlsStatsItem *
mls_stats_item_new (const MlsStatsRow *row)
{
  MlsStatsItem *self = g_object_new (MLS_TYPE_STATS_ITEM, NULL);

  self->row = *row;
  self->row.lane = g_strdup (row->lane);
  self->row.label = g_strdup (row->label);
  self->row.model = g_strdup (row->model);
  self->row.process = g_strdup (row->process);
  return self;
}

const MlsStatsRow *
mls_stats_item_get_row (MlsStatsItem *self)
{
  g_return_val_if_fail (MLS_IS_STATS_ITEM (self), NULL);
  return &self->row;
}

MlsStatsItem *
mls_stats_item_new_group (const char *label, const char *lane,
                          const char *model)
{
  MlsStatsItem *self = g_object_new (MLS_TYPE_STATS_ITEM, NULL);

  self->row.label = g_strdup (label);
  self->row.lane = g_strdup (lane);
  self->row.model = g_strdup (model);
  self->children = g_list_store_new (MLS_TYPE_STATS_ITEM);
  return self;
}

/* The group's figures are those a sum keeps: counts, total, mean, the
 * extremes; a median or a deviation of the whole needs the spans. A
 * part of a kind's row ("Model Load, cached") counts spans its kind's row
 * already counted: shown in the group, left out of its sums. */
void
mls_stats_item_add_child (MlsStatsItem *self, MlsStatsItem *child)
{
  MlsStatsRow *g = &self->row;
  const MlsStatsRow *c = &child->row;

  g_return_if_fail (self->children);
  g_list_store_append (self->children, child);
  if (c->count > 0 && c->part == MLS_PART_ALL)
    {
      g->min_ns = g->count ? MIN (g->min_ns, c->min_ns) : c->min_ns;
      g->max_ns = MAX (g->max_ns, c->max_ns);
      g->count += c->count;
      g->total_ns += c->total_ns;
      g->avg_ns = (double) g->total_ns / (double) g->count;
    }
  if (c->part == MLS_PART_ALL)
    g->incomplete += c->incomplete;
}

gboolean
mls_stats_item_is_group (MlsStatsItem *self)
{
  return self->children != NULL;
}

GListModel *
mls_stats_item_get_children (MlsStatsItem *self)
{
  return self->children ? G_LIST_MODEL (self->children) : NULL;
}
