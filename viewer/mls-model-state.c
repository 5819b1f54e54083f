/*
 * mls-model-state.c: a model window's state for the tests (see
 * mls-model-state.h).
 */
#include "mls-model-state.h"

gboolean
mls_model_state_wanted (void)
{
  return g_getenv ("MLSCOPE_VIEWER_STATE") != NULL;
}

void
mls_model_state_schedule (guint *source, GSourceFunc write, gpointer data)
{
  if (mls_model_state_wanted () && !*source)
    *source = g_timeout_add (300, write, data);
}

void
mls_model_state_bounds (GString *out, const char *name, GtkWidget *widget)
{
  GtkNative *native = widget ? gtk_widget_get_native (widget) : NULL;
  graphene_rect_t r;
  double sx, sy;

  if (!native || !gtk_widget_is_drawable (widget)
      || !gtk_widget_compute_bounds (widget, GTK_WIDGET (native), &r))
    return;
  /* From the window's widget to its surface (client-side decorations
   * put a shadow around it). */
  gtk_native_get_surface_transform (native, &sx, &sy);
  g_string_append_printf (out, "bounds %s = %d %d %d %d\n", name,
                          (int) (sx + r.origin.x), (int) (sy + r.origin.y),
                          (int) r.size.width, (int) r.size.height);
}

void
mls_model_state_write (const char *text)
{
  const char *path = g_getenv ("MLSCOPE_VIEWER_STATE");
  g_autoptr (GError) error = NULL;

  /* Atomic: written beside, then renamed over. */
  if (!g_file_set_contents (path, text, -1, &error))
    g_printerr ("mlscope-viewer: cannot write the window's state: %s\n",
                error->message);
}
