/*
 * mls-findings-list.c: the advise findings beside the table (see
 * mls-findings-list.h). The row of the finding shown (its range the
 * selected one, however it was shown: here or from its marker on the
 * ruler) is the list's selected row.
 */
#include "mls-findings-list.h"

#include "mls-finding-item.h"
#include "mls-session-private.h"

struct _MlsFindingsList {
  GtkBox parent_instance;
  GtkWidget *list;
  MlsSession *session;
};

G_DEFINE_FINAL_TYPE (MlsFindingsList, mls_findings_list, GTK_TYPE_BOX)

enum { PROP_0, PROP_SESSION, N_PROPS };
static GParamSpec *props[N_PROPS];

static GtkWidget *
wrapped_label (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

/* A row: the rule's title over what happened (its figures, where); the
 * fix in the tooltip. */
static GtkWidget *
create_row (gpointer object, gpointer data)
{
  MlsFindingItem *item = object;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *what = wrapped_label (mls_finding_item_get_what (item),
                                   "dim-label");

  gtk_label_set_lines (GTK_LABEL (what), 3);
  gtk_label_set_ellipsize (GTK_LABEL (what), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box),
                  wrapped_label (mls_finding_item_get_title (item),
                                 "heading"));
  gtk_box_append (GTK_BOX (box), what);
  gtk_widget_set_tooltip_text (box, mls_finding_item_get_fix (item));
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  return box;
}

static void
on_row_activated (GtkListBox *list, GtkListBoxRow *row,
                  MlsFindingsList *self)
{
  g_autoptr (MlsFindingItem) item = NULL;

  if (!self->session)
    return;
  item = g_list_model_get_item (mls_session_get_findings (self->session),
                                gtk_list_box_row_get_index (row));
  if (item)
    mls_session_show_finding (self->session, item);
}

static void
on_selection (MlsSession *s, GParamSpec *pspec, MlsFindingsList *self)
{
  GListModel *findings = mls_session_get_findings (s);
  GtkListBoxRow *row = NULL;

  for (guint i = 0; s->has_selection && !row
                    && i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr (MlsFindingItem) item = g_list_model_get_item (findings, i);
      gint64 start, end;

      if (mls_finding_item_get_range (item, &start, &end)
          && start == s->sel_start && end == s->sel_end)
        row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), i);
    }
  if (row)
    gtk_list_box_select_row (GTK_LIST_BOX (self->list), row);
  else
    gtk_list_box_unselect_all (GTK_LIST_BOX (self->list));
}

static void
set_session (MlsFindingsList *self, MlsSession *session)
{
  static const char *const selection[] = {
    "notify::has-selection", "notify::selection-start",
    "notify::selection-end", "notify::n-findings",
  };

  if (self->session == session)
    return;
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  for (guint i = 0; session && i < G_N_ELEMENTS (selection); i++)
    g_signal_connect (session, selection[i], G_CALLBACK (on_selection),
                      self);
  gtk_list_box_bind_model (GTK_LIST_BOX (self->list),
                           session ? mls_session_get_findings (session)
                                   : NULL,
                           create_row, NULL, NULL);
}

static void
mls_findings_list_set_property (GObject *object, guint id,
                                const GValue *value, GParamSpec *pspec)
{
  if (id == PROP_SESSION)
    set_session (MLS_FINDINGS_LIST (object), g_value_get_object (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_findings_list_get_property (GObject *object, guint id, GValue *value,
                                GParamSpec *pspec)
{
  if (id == PROP_SESSION)
    g_value_set_object (value, MLS_FINDINGS_LIST (object)->session);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_findings_list_dispose (GObject *object)
{
  MlsFindingsList *self = MLS_FINDINGS_LIST (object);

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (mls_findings_list_parent_class)->dispose (object);
}

static void
mls_findings_list_class_init (MlsFindingsListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = mls_findings_list_set_property;
  object_class->get_property = mls_findings_list_get_property;
  object_class->dispose = mls_findings_list_dispose;
  props[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL,
    MLS_TYPE_SESSION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mls_findings_list_init (MlsFindingsList *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *empty = gtk_label_new ("No findings: none of the advise "
                                    "rules matched this recording.");

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_label_set_wrap (GTK_LABEL (empty), TRUE);
  gtk_widget_add_css_class (empty, "dim-label");
  gtk_widget_set_margin_top (empty, 12);
  self->list = gtk_list_box_new ();
  gtk_list_box_set_placeholder (GTK_LIST_BOX (self->list), empty);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->list), TRUE);
  gtk_widget_add_css_class (self->list, "rich-list");
  g_signal_connect (self->list, "row-activated",
                    G_CALLBACK (on_row_activated), self);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->list);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self), scrolled);
}
