/*
 * mls-span-details.c: the clicked span's details (see mls-span-details.h).
 */
#include "mls-span-details.h"

#include "mls-palette.h"

enum {
  FIELD_KIND, FIELD_MODEL, FIELD_THREAD, FIELD_START, FIELD_DURATION,
  FIELD_UNIT, FIELD_STATE, FIELD_SPAN, FIELD_ARGS, N_FIELDS
};

static const char *const field_names[N_FIELDS] = {
  "Kind", "Model", "Thread", "Start", "Duration", "Unit", "State", "Span",
  "Arguments",
};

struct _MlsSpanDetailsPanel {
  GtkBox parent_instance;
  GtkWidget *title;
  GtkWidget *grid;
  GtkWidget *values[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (MlsSpanDetailsPanel, mls_span_details, GTK_TYPE_BOX)

static void
mls_span_details_class_init (MlsSpanDetailsPanelClass *klass)
{
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "mlsspandetails");
}

static void
mls_span_details_init (MlsSpanDetailsPanel *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 8);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 8);

  self->title = gtk_label_new ("Span Details");
  gtk_widget_add_css_class (self->title, "heading");
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_box_append (GTK_BOX (self), self->title);

  self->grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (self->grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 12);
  gtk_box_append (GTK_BOX (self), self->grid);
  for (int i = 0; i < N_FIELDS; i++)
    {
      GtkWidget *name = gtk_label_new (field_names[i]);
      GtkWidget *value = gtk_label_new ("");

      gtk_widget_add_css_class (name, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (name), 1);
      gtk_label_set_yalign (GTK_LABEL (name), 0);
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (value), 36);
      gtk_grid_attach (GTK_GRID (self->grid), name, 0, i, 1, 1);
      gtk_grid_attach (GTK_GRID (self->grid), value, 1, i, 1, 1);
      self->values[i] = value;
    }
  mls_span_details_show (self, NULL, 0);
}

static void
set_value (MlsSpanDetailsPanel *self, int field, char *text)
{
  gtk_label_set_text (GTK_LABEL (self->values[field]), text ? text : "–");
  g_free (text);
}

void
mls_span_details_show (MlsSpanDetailsPanel *self, const MlsSpanDetails *d,
                       gint64 trace_start)
{
  g_autofree char *start = NULL;

  g_return_if_fail (MLS_IS_SPAN_DETAILS (self));
  gtk_widget_set_visible (self->grid, d != NULL);
  if (!d)
    {
      gtk_label_set_text (GTK_LABEL (self->title),
                          "Click a span to see its details");
      return;
    }
  gtk_label_set_text (GTK_LABEL (self->title), "Span Details");
  set_value (self, FIELD_KIND, g_strdup_printf ("%s (%s lane)", d->kind,
                                                d->lane));
  set_value (self, FIELD_MODEL, g_strdup (d->model));
  set_value (self, FIELD_THREAD,
             g_strdup_printf ("%s%s%" G_GINT64_FORMAT " (process %"
                              G_GINT64_FORMAT ")",
                              d->thread ? d->thread : "",
                              d->thread ? " " : "", d->tid, d->pid));
  start = mls_format_offset (d->start_ns - trace_start, 1000,
                             d->start_ns - trace_start);
  set_value (self, FIELD_START, g_strdup_printf ("%s after trace start",
                                                 start));
  set_value (self, FIELD_DURATION, mls_format_duration (d->dur_ns));
  set_value (self, FIELD_UNIT, d->unit[0] ? g_strdup (d->unit) : NULL);
  set_value (self, FIELD_STATE, g_strdup_printf ("%s%s%s",
             d->complete ? "complete" : "incomplete, its end never seen: ",
             d->complete ? "" : mls_cut_reason_label (d->cut),
             d->status ? ", failed" : ""));
  set_value (self, FIELD_SPAN, d->parent_id
             ? g_strdup_printf ("#%" G_GINT64_FORMAT " in #%" G_GINT64_FORMAT
                                ", depth %d", d->id, d->parent_id, d->depth)
             : g_strdup_printf ("#%" G_GINT64_FORMAT, d->id));
  set_value (self, FIELD_ARGS, g_strdup (d->args));
}
