/*
 * mls-model-features.c: the Predictions tab (see mls-model-features.h),
 * its groups in mls-model-features.ui, a row per feature.
 */
#include "mls-model-features.h"

#include "mls-model-tool.h"
#include "mls-value-row.h"

struct _MlsModelFeatures {
  AdwPreferencesPage parent_instance;
  AdwPreferencesGroup *inputs_group;
  AdwPreferencesGroup *outputs_group;
  AdwPreferencesGroup *labels_group;
  GPtrArray *rows;
};

G_DEFINE_FINAL_TYPE (MlsModelFeatures, mls_model_features,
                     ADW_TYPE_PREFERENCES_PAGE)

/* "Image (gray8) 256 × 256 · 64.0 KiB", the scalar type named too when
 * the feature type does not say it: "(gray16_half, float16)". */
static char *
describe_feature (json_object *f)
{
  json_object *shape = mls_json_get (f, "shape");
  g_autoptr (GString) dims = g_string_new (NULL);
  g_autofree char *size = g_format_size_full (mls_json_int (f, "byte_size"),
                                              G_FORMAT_SIZE_IEC_UNITS);
  const char *kind = mls_json_str (f, "kind");
  const char *type = mls_json_str (f, "type");
  const char *scalar = mls_json_str (f, "scalar_type");
  gboolean same = g_strcmp0 (type, scalar) == 0
                  || g_strcmp0 (scalar, "uint8") == 0;

  for (size_t i = 0; shape && i < json_object_array_length (shape); i++)
    g_string_append_printf (dims, "%s%" G_GINT64_FORMAT, i ? " × " : "",
      json_object_get_int64 (json_object_array_get_idx (shape, i)));
  return g_strdup_printf ("%s (%s%s%s) %s · %s",
                          g_strcmp0 (kind, "image") == 0 ? "Image"
                          : "MultiArray", type, same ? "" : ", ",
                          same ? "" : scalar, dims->str, size);
}

static void
show_group (MlsModelFeatures *self, AdwPreferencesGroup *group,
            json_object *features)
{
  for (size_t i = 0; features && i < json_object_array_length (features);
       i++)
    {
      json_object *f = json_object_array_get_idx (features, i);
      g_autofree char *value = describe_feature (f);
      MlsValueRow *row = mls_value_row_add (group, self->rows,
                                            mls_json_str (f, "name"), value);

      if (mls_json_str (f, "description"))
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                     mls_json_str (f, "description"));
    }
}

static void
show_labels (MlsModelFeatures *self, json_object *labels)
{
  size_t n = labels ? json_object_array_length (labels) : 0;
  g_autoptr (GString) all = g_string_new (NULL);
  g_autofree char *count = g_strdup_printf ("%zu", n);

  gtk_widget_set_visible (GTK_WIDGET (self->labels_group), n > 0);
  if (n == 0)
    return;
  for (size_t i = 0; i < n; i++)
    g_string_append_printf (all, "%s%s", i ? ", " : "",
      json_object_get_string (json_object_array_get_idx (labels, i)));
  mls_value_row_add (self->labels_group, self->rows, "Classes", count);
  mls_value_row_add (self->labels_group, self->rows, "Labels", all->str);
}

void
mls_model_features_show (MlsModelFeatures *self, json_object *info)
{
  mls_value_rows_clear (self->rows);
  show_group (self, self->inputs_group, mls_json_get (info, "inputs"));
  show_group (self, self->outputs_group, mls_json_get (info, "outputs"));
  show_labels (self, mls_json_get (info, "class_labels"));
}

void
mls_model_features_describe (MlsModelFeatures *self, GString *out)
{
  mls_value_rows_describe (self->rows, "Predictions", out);
}

static void
mls_model_features_dispose (GObject *object)
{
  MlsModelFeatures *self = MLS_MODEL_FEATURES (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), MLS_TYPE_MODEL_FEATURES);
  G_OBJECT_CLASS (mls_model_features_parent_class)->dispose (object);
}

static void
mls_model_features_class_init (MlsModelFeaturesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mls_model_features_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/mlscope/Viewer/mls-model-features.ui");
  gtk_widget_class_bind_template_child (widget_class, MlsModelFeatures,
                                        inputs_group);
  gtk_widget_class_bind_template_child (widget_class, MlsModelFeatures,
                                        outputs_group);
  gtk_widget_class_bind_template_child (widget_class, MlsModelFeatures,
                                        labels_group);
}

static void
mls_model_features_init (MlsModelFeatures *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}
