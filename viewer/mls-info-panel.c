/*
 * mls-info-panel.c: the trace information panel (see mls-info-panel.h),
 * read from the file's meta table and its processes each time the
 * session changes.
 */
#include "mls-info-panel.h"

#include "mls-palette.h"

struct _MlsInfoPanel {
  GtkBox parent_instance;
  GtkGrid *grid;
  MlsSession *session;
  int rows;
};

G_DEFINE_FINAL_TYPE (MlsInfoPanel, mls_info_panel, GTK_TYPE_BOX)

enum { PROP_0, PROP_SESSION, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
add_row (MlsInfoPanel *self, const char *name, const char *value)
{
  GtkWidget *n = gtk_label_new (name);
  GtkWidget *v = gtk_label_new (value && value[0] ? value : "–");

  gtk_widget_add_css_class (n, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (n), 1);
  gtk_label_set_yalign (GTK_LABEL (n), 0);
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  gtk_label_set_wrap (GTK_LABEL (v), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (v), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (v), 60);
  gtk_label_set_selectable (GTK_LABEL (v), TRUE);
  gtk_grid_attach (self->grid, n, 0, self->rows, 1, 1);
  gtk_grid_attach (self->grid, v, 1, self->rows, 1, 1);
  self->rows++;
}

static void
add_meta (MlsInfoPanel *self, const char *name, const char *key)
{
  g_autofree char *value = mls_store_get_meta_text (
    mls_session_get_store (self->session), key);

  add_row (self, name, value);
}

static char *
process_text (const MlsTimelineProcess *p)
{
  static const char *const states[] = {
    "", "exited", "killed by signal", "ended", "still running"
  };
  g_autofree char *end = p->state == MLS_PROCESS_EXITED
                         || p->state == MLS_PROCESS_KILLED
                         ? g_strdup_printf ("%s %d", states[p->state],
                                            p->exit_status)
                         : g_strdup (states[p->state]);

  return g_strdup_printf ("%s, pid %" G_GINT64_FORMAT ", %zu thread%s%s%s%s%s",
                          p->name ? p->name : "?", p->pid, p->n_threads,
                          p->n_threads == 1 ? "" : "s", end[0] ? ", " : "",
                          end, p->cmdline ? "\n" : "",
                          p->cmdline ? p->cmdline : "");
}

static void
fill (MlsInfoPanel *self)
{
  MlsTimeline *tl;
  MlsStore *store;
  GtkWidget *child;
  gint64 value = 0, spans = 0;
  g_autofree char *duration = NULL, *lost = NULL, *count = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))))
    gtk_grid_remove (self->grid, child);
  self->rows = 0;
  if (!self->session)
    {
      add_row (self, "Trace", "none open");
      return;
    }
  tl = mls_session_get_timeline (self->session);
  store = mls_session_get_store (self->session);
  add_meta (self, "Command", "command");
  add_meta (self, "Host", "host");
  add_meta (self, "Kernel", "kernel");
  add_meta (self, "Recorded at", "recorded_at");
  if (mls_store_get_meta_int (store, "duration_ns", &value) == 0)
    duration = mls_duration_text (value);
  add_row (self, "Duration", duration);
  for (size_t i = 0; i < mls_timeline_n_processes (tl); i++)
    {
      g_autofree char *text = process_text (mls_timeline_process (tl, i));

      add_row (self, i ? "" : "Processes", text);
    }
  for (size_t i = 0; i < mls_timeline_n_kinds (tl); i++)
    spans += mls_timeline_kind (tl, i)->count;
  count = g_strdup_printf ("%" G_GINT64_FORMAT, spans);
  add_row (self, "Spans", count);
  {
    gint64 events = 0, packets = 0;

    mls_store_get_meta_int (store, "lost_events", &events);
    mls_store_get_meta_int (store, "lost_packets", &packets);
    lost = events || packets
           ? g_strdup_printf ("%" G_GINT64_FORMAT " events, %" G_GINT64_FORMAT
                              " packets: the marked stretches cannot be "
                              "trusted", events, packets)
           : g_strdup ("none");
  }
  add_row (self, "Lost", lost);
  add_meta (self, "mlscope", "mlscope_version");
  add_meta (self, "Schema version", "schema_version");
  add_row (self, "File", mls_store_path (store));
}

static void
mls_info_panel_set_property (GObject *object, guint id, const GValue *value,
                             GParamSpec *pspec)
{
  MlsInfoPanel *self = MLS_INFO_PANEL (object);

  if (id != PROP_SESSION)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      return;
    }
  g_set_object (&self->session, g_value_get_object (value));
  fill (self);
}

static void
mls_info_panel_get_property (GObject *object, guint id, GValue *value,
                             GParamSpec *pspec)
{
  if (id == PROP_SESSION)
    g_value_set_object (value, MLS_INFO_PANEL (object)->session);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_info_panel_dispose (GObject *object)
{
  g_clear_object (&MLS_INFO_PANEL (object)->session);
  G_OBJECT_CLASS (mls_info_panel_parent_class)->dispose (object);
}

static void
mls_info_panel_class_init (MlsInfoPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = mls_info_panel_set_property;
  object_class->get_property = mls_info_panel_get_property;
  object_class->dispose = mls_info_panel_dispose;
  props[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL,
    MLS_TYPE_SESSION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mls_info_panel_init (MlsInfoPanel *self)
{
  GtkWidget *title = gtk_label_new ("Trace Information");

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 8);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_box_append (GTK_BOX (self), title);
  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (self->grid, 4);
  gtk_grid_set_column_spacing (self->grid, 12);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->grid));
  fill (self);
}
