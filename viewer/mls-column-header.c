/*
 * mls-column-header.c: a column view's header title by its text (see
 * mls-column-header.h).
 */
#include "mls-column-header.h"

/* The label whose text is text, under root, outside the rows. */
static GtkWidget *
find_label (GtkWidget *root, const char *text)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (c)
          && g_strcmp0 (gtk_label_get_text (GTK_LABEL (c)), text) == 0)
        return c;
      if (!GTK_IS_LIST_VIEW (c) && (found = find_label (c, text)))
        return found;
    }
  return NULL;
}

GtkWidget *
mls_column_header (GtkWidget *view, const char *title)
{
  for (GtkWidget *up = find_label (view, title); up && up != view;
       up = gtk_widget_get_parent (up))
    if (g_str_equal (G_OBJECT_TYPE_NAME (up), "GtkColumnViewTitle"))
      return up;
  return NULL;
}
