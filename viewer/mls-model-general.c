/*
 * mls-model-general.c: the General tab (see mls-model-general.h), its
 * groups in mls-model-general.ui, a row per fact.
 */
#include "mls-model-general.h"

#include "mls-model-tool.h"
#include "mls-value-row.h"

struct _MlsModelGeneral {
  AdwPreferencesPage parent_instance;
  AdwPreferencesGroup *model_group;
  AdwPreferencesGroup *metadata_group;
  AdwPreferencesGroup *precision_group;
  AdwPreferencesGroup *layers_group;
  GPtrArray *rows;
};

G_DEFINE_FINAL_TYPE (MlsModelGeneral, mls_model_general,
                     ADW_TYPE_PREFERENCES_PAGE)

/* What each file kind is called (docs/info-json.md). */
static const char *
kind_label (const char *kind)
{
  static const char *const labels[][2] = {
    { "package", "Model package (.mlpackage)" },
    { "compiled", "Compiled model (.mlmodelc)" },
    { "archive", "Package archive" },
    { "onnx", "ONNX model, converted as mlrt-convert does" },
  };

  for (guint i = 0; kind && i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (kind, labels[i][0]))
      return labels[i][1];
  return kind;
}

static void
add (MlsModelGeneral *self, AdwPreferencesGroup *group, const char *title,
     const char *value)
{
  mls_value_row_add (group, self->rows, title, value ? value : "—");
}

static void
show_model (MlsModelGeneral *self, json_object *info)
{
  g_autofree char *size = g_format_size_full (
    mls_json_int (info, "size_on_disk"), G_FORMAT_SIZE_LONG_FORMAT);
  g_autofree char *needs = g_strdup_printf ("mlrt %s or later (format "
    "version %" G_GINT64_FORMAT ")", mls_json_str (info, "needs_mlrt"),
    mls_json_int (info, "format_version"));
  g_autofree char *type = g_strdup (mls_json_str (info, "type"));

  if (type && type[0])
    type[0] = g_ascii_toupper (type[0]);
  add (self, self->model_group, "Name", mls_json_str (info, "name"));
  add (self, self->model_group, "Type", type);
  add (self, self->model_group, "Size", size);
  add (self, self->model_group, "Requires", needs);
  add (self, self->model_group, "File",
       kind_label (mls_json_str (info, "file_kind")));
  add (self, self->model_group, "Path", mls_json_str (info, "path"));
}

static void
show_metadata (MlsModelGeneral *self, json_object *info)
{
  static const char *const keys[][2] = {
    { "author", "Author" }, { "description", "Description" },
    { "version", "Version" }, { "license", "License" },
  };
  json_object *meta = mls_json_get (info, "metadata");

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    add (self, self->metadata_group, keys[i][1],
         mls_json_str (info, keys[i][0]));
  if (meta && json_object_is_type (meta, json_type_object))
    {
      json_object_object_foreach (meta, key, value)
        add (self, self->metadata_group, key, json_object_get_string (value));
    }
}

static void
show_precision (MlsModelGeneral *self, json_object *info)
{
  json_object *weights = mls_json_get (info, "weights");
  json_object *encodings = mls_json_get (weights, "encodings");
  g_autofree char *bytes = g_format_size_full (mls_json_int (weights, "bytes"),
                                               G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT
    " parameters in %s", mls_json_int (weights, "parameters"), bytes);

  add (self, self->precision_group, "Compute precision",
       mls_json_str (info, "compute_precision"));
  add (self, self->precision_group, "Storage precision",
       mls_json_str (info, "storage_precision"));
  add (self, self->precision_group, "Weights", total);
  for (size_t i = 0; encodings && i < json_object_array_length (encodings);
       i++)
    {
      json_object *e = json_object_array_get_idx (encodings, i);
      g_autofree char *size = g_format_size_full (mls_json_int (e, "bytes"),
                                                  G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *title = g_strdup_printf ("Encoding %s",
        mls_json_str (e, "encoding"));
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT
        " weights in %" G_GINT64_FORMAT " layers, %" G_GINT64_FORMAT
        " parameters, %s", mls_json_int (e, "weights"),
        mls_json_int (e, "layers"), mls_json_int (e, "parameters"), size);

      add (self, self->precision_group, title, value);
    }
}

static void
show_layers (MlsModelGeneral *self, json_object *info)
{
  json_object *layers = mls_json_get (info, "layers");
  json_object *by_op = mls_json_get (layers, "by_op");
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT,
    mls_json_int (layers, "count"));

  add (self, self->layers_group, "Layers", count);
  for (size_t i = 0; by_op && i < json_object_array_length (by_op); i++)
    {
      json_object *op = json_object_array_get_idx (by_op, i);
      g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT,
                                            mls_json_int (op, "count"));

      add (self, self->layers_group, mls_json_str (op, "op"), n);
    }
}

void
mls_model_general_show (MlsModelGeneral *self, json_object *info)
{
  mls_value_rows_clear (self->rows);
  show_model (self, info);
  show_metadata (self, info);
  show_precision (self, info);
  show_layers (self, info);
}

void
mls_model_general_describe (MlsModelGeneral *self, GString *out)
{
  mls_value_rows_describe (self->rows, "General", out);
}

static void
mls_model_general_dispose (GObject *object)
{
  MlsModelGeneral *self = MLS_MODEL_GENERAL (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), MLS_TYPE_MODEL_GENERAL);
  G_OBJECT_CLASS (mls_model_general_parent_class)->dispose (object);
}

static void
mls_model_general_class_init (MlsModelGeneralClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = mls_model_general_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/mlscope/Viewer/mls-model-general.ui");
#define CHILD(name) \
  gtk_widget_class_bind_template_child (widget_class, MlsModelGeneral, name)
  CHILD (model_group);
  CHILD (metadata_group);
  CHILD (precision_group);
  CHILD (layers_group);
#undef CHILD
}

static void
mls_model_general_init (MlsModelGeneral *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}
