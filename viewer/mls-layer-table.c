/*
 * mls-layer-table.c: a report's layers (see mls-layer-table.h), laid out
 * by mls-layer-table.ui. GTK 4.8's column view has no signal for a click
 * on a header that is not a sort, so a gesture on the view, in the
 * capture phase, looks at the header title under the pointer.
 */
#include "mls-layer-table.h"

#include "mls-column-header.h"
#include "mls-layer-item.h"
#include "mls-model-tool.h"
#include "mls-unit-mark.h"

struct _MlsLayerTable {
  GtkBox parent_instance;
  GtkWidget *view;
  GtkWidget *filter_label;
  GtkWidget *show_all_button;
  GListStore *layers;       /* MlsLayerItem */
  GtkFilterListModel *filtered;
  GtkCustomFilter *filter;
  char *unit;
};

G_DEFINE_FINAL_TYPE (MlsLayerTable, mls_layer_table, GTK_TYPE_BOX)

enum { PROP_0, PROP_UNIT, N_PROPS };
static GParamSpec *props[N_PROPS];

static gboolean
layer_shown (gpointer item, gpointer data)
{
  MlsLayerTable *self = data;

  return !self->unit
         || g_strcmp0 (mls_layer_item_get_unit (item), self->unit) == 0;
}

static void
update_label (MlsLayerTable *self)
{
  guint shown = mls_layer_table_get_n_shown (self);
  guint all = mls_layer_table_get_n_layers (self);
  g_autofree char *upper = self->unit ? g_ascii_strup (self->unit, -1)
                                      : NULL;
  g_autofree char *text = NULL;

  if (upper)
    text = g_strdup_printf ("%u of %u layers, those that ran on the %s",
                            shown, all, upper);
  else if (all)
    text = g_strdup_printf ("%u layers in the compute plan; click a unit's "
                            "column header to show only its layers", all);
  gtk_label_set_text (GTK_LABEL (self->filter_label), text ? text : "");
  gtk_widget_set_visible (self->show_all_button, upper != NULL);
}

void
mls_layer_table_set_unit (MlsLayerTable *self, const char *unit)
{
  if (g_strcmp0 (unit, self->unit) == 0)
    return;
  g_free (self->unit);
  self->unit = g_strdup (unit);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_label (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_UNIT]);
}

const char *
mls_layer_table_get_unit (MlsLayerTable *self)
{
  return self->unit;
}

guint
mls_layer_table_get_n_shown (MlsLayerTable *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
}

guint
mls_layer_table_get_n_layers (MlsLayerTable *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->layers));
}

void
mls_layer_table_show (MlsLayerTable *self, json_object *layers)
{
  size_t n = layers ? json_object_array_length (layers) : 0;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (
    g_object_unref);
  double slowest = 0;

  for (size_t i = 0; i < n; i++)
    slowest = MAX (slowest, mls_json_double (
      json_object_array_get_idx (layers, i), "measured_us", 0));
  for (size_t i = 0; i < n; i++)
    g_ptr_array_add (items, mls_layer_item_new (
      json_object_array_get_idx (layers, i), slowest));
  g_list_store_splice (self->layers, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->layers)),
                       items->pdata, items->len);
  update_label (self);
}

/* The header's title (a GtkColumnViewTitle) around the unit's label. */
GtkWidget *
mls_layer_table_get_header (MlsLayerTable *self, const char *unit)
{
  g_autofree char *upper = g_ascii_strup (unit, -1);

  return mls_column_header (self->view, upper);
}

/* A click on a unit's header: filter to it, or back to every layer. */
static void
on_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
            MlsLayerTable *self)
{
  GtkWidget *picked = gtk_widget_pick (self->view, x, y, GTK_PICK_DEFAULT);

  for (int u = 0; picked && u < MLS_N_UNITS; u++)
    {
      GtkWidget *header = mls_layer_table_get_header (self, mls_units[u]);

      if (header && (picked == header
                     || gtk_widget_is_ancestor (picked, header)))
        {
          mls_layer_table_set_unit (self,
            g_strcmp0 (self->unit, mls_units[u]) == 0 ? NULL : mls_units[u]);
          return;
        }
    }
}

static void
on_show_all (GtkButton *button, MlsLayerTable *self)
{
  mls_layer_table_set_unit (self, NULL);
}

static void
mls_layer_table_get_property (GObject *object, guint id, GValue *value,
                              GParamSpec *pspec)
{
  if (id == PROP_UNIT)
    g_value_set_string (value, MLS_LAYER_TABLE (object)->unit);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_layer_table_set_property (GObject *object, guint id, const GValue *value,
                              GParamSpec *pspec)
{
  if (id == PROP_UNIT)
    mls_layer_table_set_unit (MLS_LAYER_TABLE (object),
                              g_value_get_string (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_layer_table_dispose (GObject *object)
{
  MlsLayerTable *self = MLS_LAYER_TABLE (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), MLS_TYPE_LAYER_TABLE);
  g_clear_object (&self->layers);
  g_clear_object (&self->filtered);
  g_clear_pointer (&self->unit, g_free);
  G_OBJECT_CLASS (mls_layer_table_parent_class)->dispose (object);
}

static void
mls_layer_table_class_init (MlsLayerTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = mls_layer_table_get_property;
  object_class->set_property = mls_layer_table_set_property;
  object_class->dispose = mls_layer_table_dispose;
  props[PROP_UNIT] = g_param_spec_string ("unit", NULL, NULL, NULL,
    G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  g_type_ensure (MLS_TYPE_LAYER_ITEM);
  g_type_ensure (MLS_TYPE_UNIT_MARK);
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/mlscope/Viewer/mls-layer-table.ui");
  gtk_widget_class_bind_template_child (widget_class, MlsLayerTable, view);
  gtk_widget_class_bind_template_child (widget_class, MlsLayerTable,
                                        filter_label);
  gtk_widget_class_bind_template_child (widget_class, MlsLayerTable,
                                        show_all_button);
  gtk_widget_class_bind_template_callback (widget_class, on_show_all);
}

static void
mls_layer_table_init (MlsLayerTable *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkNoSelection *selection;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->layers = g_list_store_new (MLS_TYPE_LAYER_ITEM);
  self->filter = gtk_custom_filter_new (layer_shown, self, NULL);
  self->filtered = gtk_filter_list_model_new (
    G_LIST_MODEL (g_object_ref (self->layers)), GTK_FILTER (self->filter));
  selection = gtk_no_selection_new (
    G_LIST_MODEL (g_object_ref (self->filtered)));
  gtk_column_view_set_model (GTK_COLUMN_VIEW (self->view),
                             GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click),
                                              GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (self->view, GTK_EVENT_CONTROLLER (click));
  update_label (self);
}
