/*
 * mls-value-row.c: a title and its value (see mls-value-row.h), laid out
 * by mls-value-row.ui.
 */
#include "mls-value-row.h"

struct _MlsValueRow {
  AdwActionRow parent_instance;
  GtkWidget *value_label;
};

G_DEFINE_FINAL_TYPE (MlsValueRow, mls_value_row, ADW_TYPE_ACTION_ROW)

enum { PROP_0, PROP_VALUE, N_PROPS };
static GParamSpec *props[N_PROPS];

const char *
mls_value_row_get_value (MlsValueRow *self)
{
  return gtk_label_get_text (GTK_LABEL (self->value_label));
}

static void
mls_value_row_get_property (GObject *object, guint id, GValue *value,
                            GParamSpec *pspec)
{
  if (id == PROP_VALUE)
    g_value_set_string (value,
                        mls_value_row_get_value (MLS_VALUE_ROW (object)));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_value_row_set_property (GObject *object, guint id, const GValue *value,
                            GParamSpec *pspec)
{
  MlsValueRow *self = MLS_VALUE_ROW (object);

  if (id == PROP_VALUE)
    gtk_label_set_text (GTK_LABEL (self->value_label),
                        g_value_get_string (value) ? g_value_get_string (value)
                        : "");
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_value_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MLS_TYPE_VALUE_ROW);
  G_OBJECT_CLASS (mls_value_row_parent_class)->dispose (object);
}

static void
mls_value_row_class_init (MlsValueRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mls_value_row_get_property;
  object_class->set_property = mls_value_row_set_property;
  object_class->dispose = mls_value_row_dispose;
  props[PROP_VALUE] = g_param_spec_string ("value", NULL, NULL, NULL,
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
    "/org/mlscope/Viewer/mls-value-row.ui");
  gtk_widget_class_bind_template_child (GTK_WIDGET_CLASS (klass),
                                        MlsValueRow, value_label);
}

static void
mls_value_row_init (MlsValueRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mls_value_row_new (const char *title, const char *value)
{
  return g_object_new (MLS_TYPE_VALUE_ROW, "title", title,
                       "title-selectable", FALSE, "value", value, NULL);
}

MlsValueRow *
mls_value_row_add (AdwPreferencesGroup *group, GPtrArray *rows,
                   const char *title, const char *value)
{
  GtkWidget *row = mls_value_row_new (title, value);

  /* Markup in a model's metadata is text, not Pango markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_group_add (group, row);
  g_object_set_data (G_OBJECT (row), "group", group);
  g_ptr_array_add (rows, row);
  return MLS_VALUE_ROW (row);
}

void
mls_value_rows_clear (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (
      g_object_get_data (G_OBJECT (rows->pdata[i]), "group"),
      rows->pdata[i]);
  g_ptr_array_set_size (rows, 0);
}

void
mls_value_rows_describe (GPtrArray *rows, const char *tab, GString *out)
{
  for (guint i = 0; i < rows->len; i++)
    {
      AdwPreferencesGroup *group =
        g_object_get_data (G_OBJECT (rows->pdata[i]), "group");

      g_string_append_printf (out, "%s: %s / %s = %s\n", tab,
        adw_preferences_group_get_title (group),
        adw_preferences_row_get_title (rows->pdata[i]),
        mls_value_row_get_value (rows->pdata[i]));
    }
}
