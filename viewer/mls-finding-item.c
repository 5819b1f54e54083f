/*
 * mls-finding-item.c: one advise finding (see mls-finding-item.h).
 */
#include "mls-finding-item.h"

struct _MlsFindingItem {
  GObject parent_instance;
  char *rule, *title, *what, *why, *fix;
  gboolean has_range;
  gint64 start_ns, end_ns;
  gint64 span_id;
};

G_DEFINE_FINAL_TYPE (MlsFindingItem, mls_finding_item, G_TYPE_OBJECT)

enum { PROP_0, PROP_RULE, PROP_TITLE, PROP_WHAT, PROP_WHY, PROP_FIX,
       N_PROPS };
static GParamSpec *props[N_PROPS];

static void
mls_finding_item_get_property (GObject *object, guint id, GValue *value,
                               GParamSpec *pspec)
{
  MlsFindingItem *self = MLS_FINDING_ITEM (object);
  const char *text[] = { NULL, self->rule, self->title, self->what,
                         self->why, self->fix };

  if (id > 0 && id < N_PROPS)
    g_value_set_string (value, text[id]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_finding_item_finalize (GObject *object)
{
  MlsFindingItem *self = MLS_FINDING_ITEM (object);

  g_free (self->rule);
  g_free (self->title);
  g_free (self->what);
  g_free (self->why);
  g_free (self->fix);
  G_OBJECT_CLASS (mls_finding_item_parent_class)->finalize (object);
}

static void
mls_finding_item_class_init (MlsFindingItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  static const char *const names[] = { NULL, "rule", "title", "what", "why",
                                       "fix" };

  object_class->get_property = mls_finding_item_get_property;
  object_class->finalize = mls_finding_item_finalize;
  for (guint i = 1; i < N_PROPS; i++)
    props[i] = g_param_spec_string (names[i], NULL, NULL, NULL,
                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mls_finding_item_init (MlsFindingItem *self)
{
}

MlsFindingItem *
mls_finding_item_new (const MlsFinding *finding)
{
  MlsFindingItem *self = g_object_new (MLS_TYPE_FINDING_ITEM, NULL);

  self->rule = g_strdup (finding->rule->name);
  self->title = g_strdup (finding->rule->title);
  self->what = g_strdup (finding->what);
  self->why = g_strdup (finding->why);
  self->fix = g_strdup (finding->fix);
  self->has_range = finding->has_range;
  self->start_ns = finding->start_ns;
  self->end_ns = finding->end_ns;
  self->span_id = finding->n_span_ids ? finding->span_ids[0] : 0;
  return self;
}

const char *
mls_finding_item_get_title (MlsFindingItem *self)
{
  return self->title;
}

const char *
mls_finding_item_get_what (MlsFindingItem *self)
{
  return self->what;
}

const char *
mls_finding_item_get_fix (MlsFindingItem *self)
{
  return self->fix;
}

gboolean
mls_finding_item_get_range (MlsFindingItem *self, gint64 *start_ns,
                            gint64 *end_ns)
{
  *start_ns = self->start_ns;
  *end_ns = self->end_ns;
  return self->has_range;
}

gint64
mls_finding_item_get_span (MlsFindingItem *self)
{
  return self->span_id;
}
