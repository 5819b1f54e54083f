/*
 * test-tmpdir.c: the tests' scratch directories (test-tmpdir.h).
 */
#include <glib.h>
#include <glib/gstdio.h>

#include "test-tmpdir.h"

char *
test_tmpdir_new (const char *prefix)
{
  GError *error = NULL;
  char *template = g_strdup_printf ("%s-XXXXXX", prefix);
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  g_free (template);
  return dir;
}

void
test_tmpdir_remove (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR)
      && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)))
        {
          char *child = g_build_filename (path, name, NULL);
          test_tmpdir_remove (child);
          g_free (child);
        }
      if (dir)
        g_dir_close (dir);
    }
  g_remove (path);
}
