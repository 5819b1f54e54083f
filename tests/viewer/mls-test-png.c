/*
 * mls-test-png.c: test helpers (see mls-test-png.h).
 */
#include <string.h>

#include "mls-test-png.h"

char *
mls_test_build_path (const char *relative)
{
  const char *root = g_getenv ("MLSCOPE_BUILD_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

int
mls_test_run_viewer (const char *const *args, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto (GStrv) envp = NULL;
  int status = 0;

  g_ptr_array_add (argv, mls_test_build_path ("viewer/mlscope-viewer"));
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  /* No display at all: --render-png must not need one. */
  envp = g_environ_unsetenv (g_get_environ (), "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL,
                NULL, &out, err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

cairo_surface_t *
mls_test_load_png (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

guint32
mls_test_pixel (cairo_surface_t *surface, int x, int y)
{
  unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));
  guint32 pixel;

  memcpy (&pixel, data + y * stride + x * 4, sizeof pixel);
  return pixel & 0xffffff;
}

static gboolean
row_has (cairo_surface_t *surface, guint32 rgb, int x0, int x1, int y)
{
  for (int x = x0; x < x1; x++)
    if (mls_test_pixel (surface, x, y) == rgb)
      return TRUE;
  return FALSE;
}

int
mls_test_count_bands (cairo_surface_t *surface, guint32 rgb, int x0, int x1)
{
  int height = cairo_image_surface_get_height (surface);
  gboolean inside = FALSE;
  int bands = 0;

  for (int y = 0; y < height; y++)
    {
      gboolean has = row_has (surface, rgb, x0, x1, y);

      if (has && !inside)
        bands++;
      inside = has;
    }
  return bands;
}

int
mls_test_find_band (cairo_surface_t *surface, guint32 rgb, int x0, int x1,
                    int y0)
{
  int height = cairo_image_surface_get_height (surface);

  for (int y = y0; y < height; y++)
    if (row_has (surface, rgb, x0, x1, y))
      return y;
  return -1;
}
