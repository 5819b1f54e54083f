/*
 * mls-stats-item.c: one aggregation table row (see mls-stats-item.h).
 */
#include "mls-stats-item.h"

struct _MlsStatsItem {
  GObject parent_instance;
  MlsStatsRow row;
};

G_DEFINE_FINAL_TYPE (MlsStatsItem, mls_stats_item, G_TYPE_OBJECT)

static void
mls_stats_item_finalize (GObject *object)
{
  MlsStatsItem *self = MLS_STATS_ITEM (object);

  g_free (self->row.lane);
  g_free (self->row.label);
  g_free (self->row.model);
  g_free (self->row.process);
  G_OBJECT_CLASS (mls_stats_item_parent_class)->finalize (object);
}

static void
mls_stats_item_class_init (MlsStatsItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mls_stats_item_finalize;
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
