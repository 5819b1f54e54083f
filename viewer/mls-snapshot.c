/*
 * mls-snapshot.c: a window's own picture for tests and docs (see
 * mls-snapshot.h).
 */
#include "mls-snapshot.h"

static gboolean
save_snapshot (gpointer data)
{
  GtkWidget *widget = data;
  const char *path = g_getenv ("MLSCOPE_VIEWER_SNAPSHOT");
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  /* Not drawn yet (a loaded machine): again in a second. */
  if (!node || w <= 0 || h <= 0)
    return G_SOURCE_CONTINUE;
  texture = gsk_renderer_render_texture (
    gtk_native_get_renderer (GTK_NATIVE (widget)), node,
    &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (!texture || !gdk_texture_save_to_png (texture, path))
    g_printerr ("mlscope-viewer: %s: cannot save the window snapshot\n",
                path);
  return G_SOURCE_REMOVE;
}

void
mls_snapshot_schedule (GtkWidget *window)
{
  if (g_getenv ("MLSCOPE_VIEWER_SNAPSHOT"))
    g_timeout_add_full (G_PRIORITY_DEFAULT, 1000, save_snapshot,
                        g_object_ref (window), g_object_unref);
}
