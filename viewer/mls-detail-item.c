/*
 * mls-detail-item.c: one line of the span details (see
 * mls-detail-item.h).
 */
#include "mls-detail-item.h"

struct _MlsDetailItem {
  GObject parent_instance;
  char *name;
  char *markup;
  gint64 span_id;
};

G_DEFINE_FINAL_TYPE (MlsDetailItem, mls_detail_item, G_TYPE_OBJECT)

enum { PROP_0, PROP_NAME, PROP_MARKUP, PROP_SPAN_ID, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
mls_detail_item_get_property (GObject *object, guint id, GValue *value,
                              GParamSpec *pspec)
{
  MlsDetailItem *self = MLS_DETAIL_ITEM (object);

  switch (id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_MARKUP: g_value_set_string (value, self->markup); break;
    case PROP_SPAN_ID: g_value_set_int64 (value, self->span_id); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_detail_item_finalize (GObject *object)
{
  MlsDetailItem *self = MLS_DETAIL_ITEM (object);

  g_free (self->name);
  g_free (self->markup);
  G_OBJECT_CLASS (mls_detail_item_parent_class)->finalize (object);
}

static void
mls_detail_item_class_init (MlsDetailItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = mls_detail_item_get_property;
  object_class->finalize = mls_detail_item_finalize;
  props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  props[PROP_MARKUP] = g_param_spec_string ("markup", NULL, NULL, NULL,
                                            flags);
  props[PROP_SPAN_ID] = g_param_spec_int64 ("span-id", NULL, NULL, 0,
                                            G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mls_detail_item_init (MlsDetailItem *self)
{
}

MlsDetailItem *
mls_detail_item_new (const char *name, const char *markup, gint64 span_id)
{
  MlsDetailItem *self = g_object_new (MLS_TYPE_DETAIL_ITEM, NULL);

  self->name = g_strdup (name);
  self->markup = g_strdup (markup && markup[0] ? markup : "–");
  self->span_id = span_id;
  return self;
}

gint64
mls_detail_item_get_span_id (MlsDetailItem *self)
{
  return self->span_id;
}
