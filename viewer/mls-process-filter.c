/*
 * mls-process-filter.c: the process and thread filter (see
 * mls-process-filter.h). Built from mls-process-filter.ui; the rows come
 * from a GtkTreeListModel over the session's processes, filtered by the
 * search text (a process matches by name or pid, or when one of its
 * threads does).
 */
#include "mls-process-filter.h"

#include <string.h>

#include "mls-process-item.h"

struct _MlsProcessFilter {
  GtkBox parent_instance;
  GtkSearchEntry *search;
  GtkListView *list;
  GtkLabel *summary;
  MlsSession *session;
  GtkCustomFilter *filter;
};

G_DEFINE_FINAL_TYPE (MlsProcessFilter, mls_process_filter, GTK_TYPE_BOX)

enum { PROP_0, PROP_SESSION, N_PROPS };
static GParamSpec *props[N_PROPS];

static gboolean
text_matches (const char *needle, const char *name, gint64 id)
{
  g_autofree char *num = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *lower = name ? g_utf8_strdown (name, -1) : NULL;

  return !needle[0] || strstr (num, needle)
         || (lower && strstr (lower, needle));
}

static gboolean
process_matches (gpointer item, gpointer data)
{
  MlsProcessFilter *self = data;
  g_autofree char *needle = g_utf8_strdown (
    gtk_editable_get_text (GTK_EDITABLE (self->search)), -1);
  GListModel *threads = mls_process_item_get_threads (item);
  g_autofree char *name = NULL;

  g_object_get (item, "name", &name, NULL);
  if (text_matches (needle, name, mls_process_item_get_pid (item)))
    return TRUE;
  for (guint i = 0; i < g_list_model_get_n_items (threads); i++)
    {
      g_autoptr (MlsThreadItem) t = g_list_model_get_item (threads, i);
      g_autofree char *tname = NULL;

      g_object_get (t, "name", &tname, NULL);
      if (text_matches (needle, tname, mls_thread_item_get_tid (t)))
        return TRUE;
    }
  return FALSE;
}

static GListModel *
create_children (gpointer item, gpointer data)
{
  if (!MLS_IS_PROCESS_ITEM (item))
    return NULL;
  return g_object_ref (mls_process_item_get_threads (item));
}

static void
on_setup (GtkSignalListItemFactory *factory, GtkListItem *item,
          gpointer data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), label);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (item, expander);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
on_bind (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *check = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_last_child (box);
  GObject *object = gtk_tree_list_row_get_item (row);
  g_autofree char *text = NULL;
  GBinding *binding;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  g_object_get (object, "label", &text, NULL);
  gtk_label_set_text (GTK_LABEL (label), text);
  binding = g_object_bind_property (object, "visible", check, "active",
                                    G_BINDING_BIDIRECTIONAL
                                    | G_BINDING_SYNC_CREATE);
  g_object_set_data (G_OBJECT (item), "binding", binding);
  g_object_unref (object);
}

static void
on_unbind (GtkSignalListItemFactory *factory, GtkListItem *item,
           gpointer data)
{
  GBinding *binding = g_object_get_data (G_OBJECT (item), "binding");

  if (binding)
    g_binding_unbind (binding);
  g_object_set_data (G_OBJECT (item), "binding", NULL);
}

static void
update_summary (MlsProcessFilter *self)
{
  g_autofree char *text = NULL;
  guint hidden = 0;

  if (!self->session)
    return;
  g_object_get (self->session, "hidden-threads", &hidden, NULL);
  text = hidden ? g_strdup_printf ("%u thread%s hidden", hidden,
                                   hidden == 1 ? "" : "s")
                : g_strdup ("Every process and thread shown");
  gtk_label_set_text (self->summary, text);
}

static void
on_hidden_changed (MlsSession *session, GParamSpec *pspec,
                   MlsProcessFilter *self)
{
  update_summary (self);
}

static void
set_all (MlsProcessFilter *self, gboolean visible)
{
  GListModel *processes;

  if (!self->session)
    return;
  processes = mls_session_get_processes (self->session);
  for (guint i = 0; i < g_list_model_get_n_items (processes); i++)
    {
      g_autoptr (MlsProcessItem) p = g_list_model_get_item (processes, i);

      mls_process_item_set_visible (p, visible);
    }
}

static void
on_show_all (GtkButton *button, MlsProcessFilter *self)
{
  set_all (self, TRUE);
}

static void
on_hide_all (GtkButton *button, MlsProcessFilter *self)
{
  set_all (self, FALSE);
}

static void
on_search_changed (GtkSearchEntry *entry, MlsProcessFilter *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
set_session (MlsProcessFilter *self, MlsSession *session)
{
  GtkFilterListModel *filtered;
  GtkTreeListModel *tree;

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (!session)
    {
      gtk_list_view_set_model (self->list, NULL);
      return;
    }
  filtered = gtk_filter_list_model_new (
    g_object_ref (mls_session_get_processes (session)),
    g_object_ref (GTK_FILTER (self->filter)));
  tree = gtk_tree_list_model_new (G_LIST_MODEL (filtered), FALSE, TRUE,
                                  create_children, NULL, NULL);
  gtk_list_view_set_model (self->list, GTK_SELECTION_MODEL (
    gtk_no_selection_new (G_LIST_MODEL (tree))));
  g_signal_connect_object (session, "notify::hidden-threads",
                           G_CALLBACK (on_hidden_changed), self, 0);
  update_summary (self);
}

static void
mls_process_filter_set_property (GObject *object, guint id,
                                 const GValue *value, GParamSpec *pspec)
{
  if (id == PROP_SESSION)
    set_session (MLS_PROCESS_FILTER (object), g_value_get_object (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_process_filter_get_property (GObject *object, guint id, GValue *value,
                                 GParamSpec *pspec)
{
  if (id == PROP_SESSION)
    g_value_set_object (value, MLS_PROCESS_FILTER (object)->session);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_process_filter_dispose (GObject *object)
{
  MlsProcessFilter *self = MLS_PROCESS_FILTER (object);

  set_session (self, NULL);
  g_clear_object (&self->filter);
  gtk_widget_dispose_template (GTK_WIDGET (self), MLS_TYPE_PROCESS_FILTER);
  G_OBJECT_CLASS (mls_process_filter_parent_class)->dispose (object);
}

static void
mls_process_filter_class_init (MlsProcessFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->set_property = mls_process_filter_set_property;
  object_class->get_property = mls_process_filter_get_property;
  object_class->dispose = mls_process_filter_dispose;
  props[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL,
    MLS_TYPE_SESSION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  gtk_widget_class_set_template_from_resource (widget_class,
    "/org/mlscope/Viewer/mls-process-filter.ui");
  gtk_widget_class_bind_template_child (widget_class, MlsProcessFilter,
                                        search);
  gtk_widget_class_bind_template_child (widget_class, MlsProcessFilter, list);
  gtk_widget_class_bind_template_child (widget_class, MlsProcessFilter,
                                        summary);
  gtk_widget_class_bind_template_callback (widget_class, on_show_all);
  gtk_widget_class_bind_template_callback (widget_class, on_hide_all);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
}

static void
mls_process_filter_init (MlsProcessFilter *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->filter = gtk_custom_filter_new (process_matches, self, NULL);
  g_signal_connect (factory, "setup", G_CALLBACK (on_setup), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_unbind), NULL);
  gtk_list_view_set_factory (self->list, factory);
  g_object_unref (factory);
}
