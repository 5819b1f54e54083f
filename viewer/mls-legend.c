/*
 * mls-legend.c: the legend (see mls-legend.h). The samples are drawn with
 * the timeline's own helpers, so the legend cannot drift from the lanes.
 */
#include "mls-legend.h"

#include "mls-lane-draw.h"

struct _MlsLegend {
  GtkBox parent_instance;
};

G_DEFINE_FINAL_TYPE (MlsLegend, mls_legend, GTK_TYPE_BOX)

typedef enum {
  SAMPLE_KIND,
  SAMPLE_CALIBRATION,
  SAMPLE_INCOMPLETE,
  SAMPLE_LOST,
  SAMPLE_SELECTED,
  SAMPLE_MARK,
} Sample;

static const struct {
  const char *lane;
  int kinds[7];
} lanes[] = {
  { "Activity", { 1, 2, 3, 4, 5 } },
  { "Data", { 10, 11, 12, 13, 14, 15, 16 } },
  { "Compute (and layers, coloured by unit)", { 20, 21, 22 } },
  { "GPU and Neural Engine", { 30, 31 } },
};

static const char *const kind_labels[] = {
  [1] = "Model Compile", [2] = "Model Load", [3] = "Model Unload",
  [4] = "Prediction", [5] = "Batch Prediction", [10] = "Input Validation",
  [11] = "Input Conversion", [12] = "Output Conversion",
  [13] = "Copy to Compute Unit", [14] = "Copy from Compute Unit",
  [15] = "Output Backing Fill", [16] = "Model Decryption",
  [20] = "CPU Compute Request",
  [21] = "GPU Compute Request", [22] = "Neural Engine Compute Request",
  [30] = "GPU Busy", [31] = "Neural Engine Busy",
};

static void
draw_sample (GtkDrawingArea *area, cairo_t *cr, int w, int h, gpointer data)
{
  int code = GPOINTER_TO_INT (data);
  Sample sample = code >> 8;
  MlsColor c = mls_palette_kind (sample == SAMPLE_KIND ? code & 0xff
                                 : MLS_KIND_CPU_COMPUTE);

  switch (sample)
    {
    case SAMPLE_KIND:
      mls_draw_set_color (cr, c, 1);
      cairo_rectangle (cr, 0, 0, w, h);
      cairo_fill (cr);
      break;
    case SAMPLE_CALIBRATION:
      mls_draw_set_color (cr, c, 1);
      cairo_rectangle (cr, 0, 0, w, h);
      cairo_fill (cr);
      mls_draw_hatch (cr, c, 0, 0, w, h);
      break;
    case SAMPLE_INCOMPLETE:
      {
        cairo_pattern_t *p = cairo_pattern_create_linear (0, 0, w, 0);

        cairo_pattern_add_color_stop_rgba (p, 0.4, c.r, c.g, c.b, 1);
        cairo_pattern_add_color_stop_rgba (p, 1, c.r, c.g, c.b, 0.1);
        cairo_set_source (cr, p);
        cairo_rectangle (cr, 0, 0, w, h);
        cairo_fill (cr);
        cairo_pattern_destroy (p);
      }
      break;
    case SAMPLE_LOST:
      cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 0.25);
      cairo_rectangle (cr, 0, 0, w, h);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 0.9);
      cairo_rectangle (cr, 0, 0, 2, h);
      cairo_fill (cr);
      break;
    case SAMPLE_SELECTED:
      mls_draw_set_color (cr, mls_palette_kind (MLS_KIND_INPUT_CONVERSION), 1);
      cairo_rectangle (cr, 0, 0, w, h);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, 1, 1, w - 2, h - 2);
      cairo_stroke (cr);
      break;
    case SAMPLE_MARK:
      cairo_set_source_rgba (cr, 0.96, 0.76, 0.07, 0.35);
      cairo_rectangle (cr, 0, 0, w, h);
      cairo_fill (cr);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
add_entry (GtkGrid *grid, int row, int col, int code, const char *text)
{
  GtkWidget *area = gtk_drawing_area_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (area), 28);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area), 12);
  gtk_widget_set_valign (area, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_sample,
                                  GINT_TO_POINTER (code), NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_grid_attach (grid, area, col, row, 1, 1);
  gtk_grid_attach (grid, label, col + 1, row, 1, 1);
}

static void
mls_legend_class_init (MlsLegendClass *klass)
{
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "mlslegend");
}

static void
mls_legend_init (MlsLegend *self)
{
  static const struct { Sample s; const char *text; } marks[] = {
    { SAMPLE_CALIBRATION, "Calibration: work a model load measures on "
                          "each unit (measured placement)" },
    { SAMPLE_INCOMPLETE, "Incomplete: its end was never seen" },
    { SAMPLE_LOST, "Lost events: nothing there can be trusted" },
    { SAMPLE_SELECTED, "Part of the selected span (its data spans, "
                       "requests, busy intervals)" },
    { SAMPLE_MARK, "Marked span (m)" },
  };
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  int row = 0;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_grid_set_row_spacing (grid, 4);
  gtk_grid_set_column_spacing (grid, 8);
  for (guint l = 0; l < G_N_ELEMENTS (lanes); l++)
    {
      GtkWidget *title = gtk_label_new (lanes[l].lane);

      gtk_widget_add_css_class (title, "heading");
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_set_margin_top (title, l ? 6 : 0);
      gtk_grid_attach (grid, title, 0, row++, 2, 1);
      for (int k = 0; k < (int) G_N_ELEMENTS (lanes[l].kinds)
                      && lanes[l].kinds[k]; k++)
        add_entry (grid, row++, 0, (SAMPLE_KIND << 8) | lanes[l].kinds[k],
                   kind_labels[lanes[l].kinds[k]]);
    }
  {
    GtkWidget *title = gtk_label_new ("Patterns");

    gtk_widget_add_css_class (title, "heading");
    gtk_label_set_xalign (GTK_LABEL (title), 0);
    gtk_widget_set_margin_top (title, 6);
    gtk_grid_attach (grid, title, 0, row++, 2, 1);
  }
  for (guint m = 0; m < G_N_ELEMENTS (marks); m++)
    add_entry (grid, row++, 0, marks[m].s << 8, marks[m].text);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (grid));
}
