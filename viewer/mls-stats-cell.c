/*
 * mls-stats-cell.c: one cell of the aggregation table (see
 * mls-stats-cell.h).
 */
#include "mls-stats-cell.h"

#include "mls-palette.h"
#include "mls-stats-model.h"

struct _MlsStatsCell {
  GtkBox parent_instance;
  GtkWidget *swatch;
  GtkWidget *label;
  MlsStatsItem *item;
  MlsStatsColumn column;
};

G_DEFINE_FINAL_TYPE (MlsStatsCell, mls_stats_cell, GTK_TYPE_BOX)

enum { PROP_0, PROP_ITEM, PROP_COLUMN, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
draw_swatch (GtkDrawingArea *area, cairo_t *cr, int width, int height,
             gpointer data)
{
  MlsStatsCell *self = data;
  MlsColor c;

  if (!self->item)
    return;
  c = mls_palette_kind (mls_stats_item_get_row (self->item)->kind_id);
  cairo_set_source_rgb (cr, c.r, c.g, c.b);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

static void
update (MlsStatsCell *self)
{
  g_autofree char *text = self->item
    ? mls_stats_item_format (self->item, self->column) : NULL;
  gboolean numeric = mls_stats_column_is_numeric (self->column);

  gtk_label_set_text (GTK_LABEL (self->label), text ? text : "");
  gtk_label_set_xalign (GTK_LABEL (self->label), numeric ? 1 : 0);
  if (numeric)
    gtk_widget_add_css_class (self->label, "numeric");
  else
    gtk_widget_remove_css_class (self->label, "numeric");
  /* A kind's colour; a lane or a model has none of its own. */
  gtk_widget_set_visible (self->swatch,
                          self->column == MLS_STATS_COLUMN_KIND && self->item
                          && !mls_stats_item_is_group (self->item));
  gtk_widget_queue_draw (self->swatch);
}

static void
set_column (MlsStatsCell *self, const char *name)
{
  for (int c = 0; c < MLS_STATS_N_COLUMNS; c++)
    if (g_strcmp0 (name, mls_stats_column_property (c)) == 0)
      {
        self->column = c;
        update (self);
        return;
      }
  g_warning ("MlsStatsCell: no column \"%s\"", name);
}

static void
mls_stats_cell_set_property (GObject *object, guint id, const GValue *value,
                             GParamSpec *pspec)
{
  MlsStatsCell *self = MLS_STATS_CELL (object);

  switch (id)
    {
    case PROP_ITEM:
      g_set_object (&self->item, g_value_get_object (value));
      update (self);
      break;
    case PROP_COLUMN:
      set_column (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_stats_cell_get_property (GObject *object, guint id, GValue *value,
                             GParamSpec *pspec)
{
  MlsStatsCell *self = MLS_STATS_CELL (object);

  switch (id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    case PROP_COLUMN:
      g_value_set_string (value, mls_stats_column_property (self->column));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_stats_cell_dispose (GObject *object)
{
  g_clear_object (&MLS_STATS_CELL (object)->item);
  G_OBJECT_CLASS (mls_stats_cell_parent_class)->dispose (object);
}

static void
mls_stats_cell_class_init (MlsStatsCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = mls_stats_cell_set_property;
  object_class->get_property = mls_stats_cell_get_property;
  object_class->dispose = mls_stats_cell_dispose;
  props[PROP_ITEM] = g_param_spec_object ("item", NULL, NULL,
    MLS_TYPE_STATS_ITEM, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  props[PROP_COLUMN] = g_param_spec_string ("column", NULL, NULL, "label",
    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mls_stats_cell_init (MlsStatsCell *self)
{
  gtk_box_set_spacing (GTK_BOX (self), 6);
  self->swatch = gtk_drawing_area_new ();
  gtk_widget_set_size_request (self->swatch, 10, 10);
  gtk_widget_set_valign (self->swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->swatch),
                                  draw_swatch, self, NULL);
  self->label = gtk_label_new (NULL);
  gtk_widget_set_hexpand (self->label, TRUE);
  gtk_box_append (GTK_BOX (self), self->swatch);
  gtk_box_append (GTK_BOX (self), self->label);
  self->column = MLS_STATS_COLUMN_KIND;
}
