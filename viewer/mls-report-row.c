/*
 * mls-report-row.c: one row of two reports compared (see
 * mls-report-row.h).
 */
#include "mls-report-row.h"

#include <math.h>

#include "mls-model-tool.h"

struct _MlsReportRow {
  GObject parent_instance;
  char *name, *op, *unit[2], *text[2], *change_text;
  double value[2];
};

G_DEFINE_FINAL_TYPE (MlsReportRow, mls_report_row, G_TYPE_OBJECT)

enum {
  PROP_0, PROP_NAME, PROP_OP, PROP_A_UNIT, PROP_B_UNIT, PROP_A_TEXT,
  PROP_B_TEXT, PROP_CHANGE_TEXT, PROP_A, PROP_B, PROP_CHANGE, N_PROPS
};
static GParamSpec *props[N_PROPS];

static double
change (MlsReportRow *self)
{
  double a = self->value[0], b = self->value[1];

  if (isnan (a) || isnan (b) || (a == 0 && b != 0))
    return NAN;
  return a == 0 ? 0 : (b - a) / fabs (a);
}

/* What sorters compare: none is less than any value (last when the
 * largest come first), where NaN would compare equal to all. */
static double
sortable (double v)
{
  return isnan (v) ? -G_MAXDOUBLE : v;
}

static void
mls_report_row_get_property (GObject *object, guint id, GValue *value,
                             GParamSpec *pspec)
{
  MlsReportRow *self = MLS_REPORT_ROW (object);

  switch (id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_OP: g_value_set_string (value, self->op); break;
    case PROP_A_UNIT: g_value_set_string (value, self->unit[0]); break;
    case PROP_B_UNIT: g_value_set_string (value, self->unit[1]); break;
    case PROP_A_TEXT: g_value_set_string (value, self->text[0]); break;
    case PROP_B_TEXT: g_value_set_string (value, self->text[1]); break;
    case PROP_CHANGE_TEXT: g_value_set_string (value, self->change_text);
      break;
    case PROP_A: g_value_set_double (value, sortable (self->value[0]));
      break;
    case PROP_B: g_value_set_double (value, sortable (self->value[1]));
      break;
    case PROP_CHANGE: g_value_set_double (value, sortable (change (self)));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_report_row_finalize (GObject *object)
{
  MlsReportRow *self = MLS_REPORT_ROW (object);

  g_free (self->name);
  g_free (self->op);
  for (int i = 0; i < 2; i++)
    {
      g_free (self->unit[i]);
      g_free (self->text[i]);
    }
  g_free (self->change_text);
  G_OBJECT_CLASS (mls_report_row_parent_class)->finalize (object);
}

static void
mls_report_row_class_init (MlsReportRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  static const char *const strings[] = {
    NULL, "name", "op", "a-unit", "b-unit", "a-text", "b-text",
    "change-text",
  };

  object_class->get_property = mls_report_row_get_property;
  object_class->finalize = mls_report_row_finalize;
  for (guint i = PROP_NAME; i <= PROP_CHANGE_TEXT; i++)
    props[i] = g_param_spec_string (strings[i], NULL, NULL, NULL,
                                    G_PARAM_READABLE
                                    | G_PARAM_STATIC_STRINGS);
  props[PROP_A] = g_param_spec_double ("a", NULL, NULL, -G_MAXDOUBLE,
                                       G_MAXDOUBLE, 0, G_PARAM_READABLE
                                       | G_PARAM_STATIC_STRINGS);
  props[PROP_B] = g_param_spec_double ("b", NULL, NULL, -G_MAXDOUBLE,
                                       G_MAXDOUBLE, 0, G_PARAM_READABLE
                                       | G_PARAM_STATIC_STRINGS);
  props[PROP_CHANGE] = g_param_spec_double ("change", NULL, NULL,
                                            -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                                            G_PARAM_READABLE
                                            | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mls_report_row_init (MlsReportRow *self)
{
}

/* A JSON number, NaN for null or absent. */
static double
number (json_object *o, const char *key)
{
  json_object *v = mls_json_get (o, key);

  return v ? json_object_get_double (v) : NAN;
}

static void
set_change_text (MlsReportRow *self)
{
  double c = change (self);

  self->change_text = isnan (c) ? g_strdup ("–")
                      : g_strdup_printf ("%s%.1f %%", c < 0 ? "−" : "+",
                                         fabs (100 * c));
}

/* With the decimals mlrt-report prints the figure with. */
static char *
figure_text (double v, int decimals)
{
  if (isnan (v))
    return g_strdup ("–");
  return g_strdup_printf ("%.*f", CLAMP (decimals, 0, 6), v);
}

MlsReportRow *
mls_report_row_new_figure (json_object *figure)
{
  MlsReportRow *self = g_object_new (MLS_TYPE_REPORT_ROW, NULL);

  self->name = g_strdup (mls_json_str (figure, "label"));
  self->op = g_strdup ("");
  for (int i = 0; i < 2; i++)
    {
      self->value[i] = number (figure, i ? "b" : "a");
      self->unit[i] = g_strdup ("");
      self->text[i] = figure_text (self->value[i],
                                   (int) mls_json_int (figure, "decimals"));
    }
  set_change_text (self);
  return self;
}

MlsReportRow *
mls_report_row_new_layer (json_object *layer)
{
  MlsReportRow *self = g_object_new (MLS_TYPE_REPORT_ROW, NULL);

  self->name = g_strdup (mls_json_str (layer, "name"));
  self->op = g_strdup (mls_json_str (layer, "op"));
  for (int i = 0; i < 2; i++)
    {
      const char *unit = mls_json_str (layer, i ? "b_unit" : "a_unit");

      self->value[i] = number (layer, i ? "b_us" : "a_us");
      self->unit[i] = unit ? g_ascii_strup (unit, -1) : g_strdup ("–");
      self->text[i] = isnan (self->value[i]) ? g_strdup ("–")
                      : mls_format_us (self->value[i]);
    }
  set_change_text (self);
  return self;
}
