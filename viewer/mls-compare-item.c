/*
 * mls-compare-item.c: one before / after row (see mls-compare-item.h).
 */
#include "mls-compare-item.h"

#include "mls-palette.h"

struct _MlsCompareItem {
  GObject parent_instance;
  MlsCompareRow row;
  MlsVerdict verdict;
};

G_DEFINE_FINAL_TYPE (MlsCompareItem, mls_compare_item, G_TYPE_OBJECT)

enum {
  PROP_0, PROP_LABEL, PROP_MODEL, PROP_VERDICT, PROP_BEFORE_COUNT,
  PROP_AFTER_COUNT, PROP_BEFORE_TOTAL, PROP_AFTER_TOTAL, PROP_CHANGE_TOTAL,
  PROP_BEFORE_MEDIAN, PROP_AFTER_MEDIAN, PROP_MEDIAN_RATIO,
  /* The figures above as the table shows them, in the same order. */
  PROP_BEFORE_COUNT_TEXT, PROP_AFTER_COUNT_TEXT, PROP_BEFORE_TOTAL_TEXT,
  PROP_AFTER_TOTAL_TEXT, PROP_CHANGE_TOTAL_TEXT, PROP_BEFORE_MEDIAN_TEXT,
  PROP_AFTER_MEDIAN_TEXT, PROP_MEDIAN_RATIO_TEXT, N_PROPS
};
#define TEXT_OFFSET (PROP_BEFORE_COUNT_TEXT - PROP_BEFORE_COUNT)
static GParamSpec *props[N_PROPS];

static double
median_ratio (const MlsCompareRow *r)
{
  if (r->before.count == 0 || r->after.count == 0 || r->before.median_ns == 0)
    return 0;
  return (double) r->after.median_ns / (double) r->before.median_ns;
}

/* Counts as integers, durations in human units, the change signed, the
 * ratio as a factor ("–" when there is none). */
static char *
figure_text (MlsCompareItem *self, guint id)
{
  g_auto (GValue) v = G_VALUE_INIT;
  g_autofree char *magnitude = NULL;
  gint64 n;

  g_object_get_property (G_OBJECT (self), props[id]->name, &v);
  if (id == PROP_MEDIAN_RATIO)
    return g_value_get_double (&v) > 0
           ? g_strdup_printf ("×%.2f", g_value_get_double (&v))
           : g_strdup ("–");
  n = g_value_get_int64 (&v);
  if (id == PROP_BEFORE_COUNT || id == PROP_AFTER_COUNT)
    return g_strdup_printf ("%" G_GINT64_FORMAT, n);
  if (id != PROP_CHANGE_TOTAL)
    return mls_duration_text (n);
  magnitude = mls_duration_text (ABS (n));
  return g_strconcat (n < 0 ? "−" : "+", magnitude, NULL);
}

static void
mls_compare_item_get_property (GObject *object, guint id, GValue *value,
                               GParamSpec *pspec)
{
  MlsCompareItem *self = MLS_COMPARE_ITEM (object);
  const MlsCompareRow *r = &self->row;

  switch (id)
    {
    case PROP_LABEL: g_value_set_string (value, r->label); break;
    case PROP_MODEL: g_value_set_string (value, r->model); break;
    case PROP_VERDICT:
      g_value_set_string (value, mls_verdict_name (self->verdict));
      break;
    case PROP_BEFORE_COUNT: g_value_set_int64 (value, r->before.count); break;
    case PROP_AFTER_COUNT: g_value_set_int64 (value, r->after.count); break;
    case PROP_BEFORE_TOTAL:
      g_value_set_int64 (value, r->before.total_ns);
      break;
    case PROP_AFTER_TOTAL: g_value_set_int64 (value, r->after.total_ns); break;
    case PROP_CHANGE_TOTAL:
      g_value_set_int64 (value, r->after.total_ns - r->before.total_ns);
      break;
    case PROP_BEFORE_MEDIAN:
      g_value_set_int64 (value, r->before.median_ns);
      break;
    case PROP_AFTER_MEDIAN:
      g_value_set_int64 (value, r->after.median_ns);
      break;
    case PROP_MEDIAN_RATIO: g_value_set_double (value, median_ratio (r)); break;
    default:
      if (id >= PROP_BEFORE_COUNT_TEXT && id < N_PROPS)
        g_value_take_string (value, figure_text (self, id - TEXT_OFFSET));
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_compare_item_finalize (GObject *object)
{
  MlsCompareItem *self = MLS_COMPARE_ITEM (object);

  g_free (self->row.lane);
  g_free (self->row.label);
  g_free (self->row.model);
  g_free (self->row.process);
  G_OBJECT_CLASS (mls_compare_item_parent_class)->finalize (object);
}

static void
mls_compare_item_class_init (MlsCompareItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  static const char *const int64_names[] = {
    "before-count", "after-count", "before-total", "after-total",
    "change-total", "before-median", "after-median",
  };
  static const char *const text_names[] = {
    "before-count-text", "after-count-text", "before-total-text",
    "after-total-text", "change-total-text", "before-median-text",
    "after-median-text", "median-ratio-text",
  };
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = mls_compare_item_get_property;
  object_class->finalize = mls_compare_item_finalize;
  props[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);
  props[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, flags);
  props[PROP_VERDICT] = g_param_spec_string ("verdict", NULL, NULL, NULL,
                                             flags);
  for (guint i = 0; i < G_N_ELEMENTS (int64_names); i++)
    props[PROP_BEFORE_COUNT + i] = g_param_spec_int64 (int64_names[i], NULL,
      NULL, G_MININT64, G_MAXINT64, 0, flags);
  props[PROP_MEDIAN_RATIO] = g_param_spec_double ("median-ratio", NULL, NULL,
    0, G_MAXDOUBLE, 0, flags);
  for (guint i = 0; i < G_N_ELEMENTS (text_names); i++)
    props[PROP_BEFORE_COUNT_TEXT + i] = g_param_spec_string (text_names[i],
      NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mls_compare_item_init (MlsCompareItem *self)
{
}

MlsCompareItem *
mls_compare_item_new (const MlsCompareRow *row)
{
  MlsCompareItem *self = g_object_new (MLS_TYPE_COMPARE_ITEM, NULL);

  self->row = *row;
  self->row.lane = g_strdup (row->lane);
  self->row.label = g_strdup (row->label);
  self->row.model = g_strdup (row->model);
  self->row.process = g_strdup (row->process);
  self->verdict = mls_compare_verdict (row, MLS_COMPARE_ALPHA);
  return self;
}

const MlsCompareRow *
mls_compare_item_get_row (MlsCompareItem *self)
{
  return &self->row;
}

MlsVerdict
mls_compare_item_get_verdict (MlsCompareItem *self)
{
  return self->verdict;
}
