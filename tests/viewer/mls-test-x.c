/*
 * mls-test-x.c: the real viewer under its own Xvfb for the window tests
 * (see mls-test-x.h): the X server, the viewer as a child that dies with
 * the test, screenshots read back as pixels, input through xdotool.
 */
#include "mls-test-x.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "mls-session-private.h"
#include "mls-test-png.h"
#include "mls-test-trace.h"

static GSubprocess *xvfb;
static char display[32];
static char *grab_dir;

/* Children die with the test, even when an assertion aborts it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_xvfb (void)
{
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                               | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr (GError) error = NULL;
  char buf[32] = { 0 };
  int fds[2];
  gssize n = 0;

  g_assert_cmpint (pipe (fds), ==, 0);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL,
                                         NULL);
  xvfb = g_subprocess_launcher_spawn (launcher, &error, "Xvfb", "-displayfd",
                                      "3", "-screen", "0", "1400x900x24",
                                      "-nolisten", "tcp", NULL);
  g_assert_no_error (error);
  /* Xvfb writes its display number once it accepts clients. */
  while (n < (gssize) sizeof buf - 1 && !strchr (buf, '\n'))
    {
      gssize r = read (fds[0], buf + n, sizeof buf - 1 - n);
      g_assert_cmpint (r, >, 0);
      n += r;
    }
  close (fds[0]);
  g_snprintf (display, sizeof display, ":%d", atoi (buf));
}

/* Alive and not a zombie: GSubprocess only notices an exit from a main
 * loop, which this test does not run. */
gboolean
mls_test_is_running (GSubprocess *process)
{
  const char *pid = g_subprocess_get_identifier (process);
  g_autofree char *path = NULL, *stat = NULL;
  const char *end;

  if (!pid)
    return FALSE;
  path = g_strdup_printf ("/proc/%s/stat", pid);
  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  end = strrchr (stat, ')');
  return end && end[1] == ' ' && end[2] != 'Z';
}

void
mls_test_stop (GSubprocess *process)
{
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}

/* Starts the viewer on path (then the options in extra, NULL-terminated,
 * or NULL); returns once it saved its own snapshot. */
GSubprocess *
mls_test_viewer_start_with (const char *path, const char *const *extra,
                            const char *snapshot, const char *log)
{
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *viewer = mls_test_build_path ("viewer/mlscope-viewer");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "DISPLAY", display, TRUE);
  g_subprocess_launcher_setenv (launcher, "GDK_BACKEND", "x11", TRUE);
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  g_subprocess_launcher_setenv (launcher, "MLSCOPE_VIEWER_SNAPSHOT", snapshot,
                                TRUE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL,
                                         NULL);
  g_ptr_array_add (argv, viewer);
  g_ptr_array_add (argv, (char *) path);
  for (int i = 0; extra && extra[i]; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);
  g_unlink (snapshot);
  process = g_subprocess_launcher_spawnv (launcher,
                                          (const char *const *) argv->pdata,
                                          &error);
  g_assert_no_error (error);
  for (int i = 0; i < 300 && !g_file_test (snapshot, G_FILE_TEST_EXISTS)
                  && mls_test_is_running (process); i++)
    g_usleep (100000);
  g_assert_true (g_file_test (snapshot, G_FILE_TEST_EXISTS));
  g_usleep (300000);
  return process;
}

GSubprocess *
mls_test_viewer_start (const char *path, const char *snapshot,
                       const char *log)
{
  return mls_test_viewer_start_with (path, NULL, snapshot, log);
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Reads a 24-bit TrueColor XWD dump (xwd -root) as 0xRRGGBB pixels. */
static guint32 *
read_xwd (const char *path, int *width, int *height)
{
  g_autofree guint8 *data = NULL;
  gsize len;
  guint32 header_size, ncolors, bpp, bpl, byte_order;
  guint32 *pixels;
  const guint8 *p;

  g_assert_true (g_file_get_contents (path, (char **) &data, &len, NULL));
  g_assert_cmpuint (len, >, 100);
  header_size = be32 (data);
  g_assert_cmpuint (be32 (data + 4), ==, 7);      /* XWD version */
  *width = be32 (data + 16);
  *height = be32 (data + 20);
  byte_order = be32 (data + 28);
  bpp = be32 (data + 44);
  bpl = be32 (data + 48);
  ncolors = be32 (data + 76);
  g_assert_true (bpp == 24 || bpp == 32);
  p = data + header_size + ncolors * 12;
  g_assert_cmpuint (len, >=, (gsize) (p - data) + (gsize) bpl * *height);
  pixels = g_new (guint32, *width * *height);
  for (int y = 0; y < *height; y++)
    for (int x = 0; x < *width; x++)
      {
        const guint8 *q = p + y * bpl + x * (bpp / 8);
        guint32 v = byte_order ? (guint32) q[0] << 16 | q[1] << 8 | q[2]
                               : (guint32) q[2] << 16 | q[1] << 8 | q[0];
        pixels[y * *width + x] = v & 0xffffff;
      }
  return pixels;
}

void
mls_test_grab (MlsScreen *screen)
{
  g_autofree char *xwd = g_build_filename (grab_dir, "grab.xwd", NULL);
  g_autoptr (GError) error = NULL;
  int status = 0;

  /* Time for the input to be handled and a frame drawn, on a busy
   * machine too. */
  g_usleep (800000);
  g_free (screen->pixels);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { "xwd", "-root", "-silent",
                               "-display", display, "-out", xwd, NULL },
                               NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_cmpint (status, ==, 0);
  screen->pixels = read_xwd (xwd, &screen->width, &screen->height);
}

/* The bounding box of rgb's pixels in the tracks (right of the lane
 * labels, above the table: the window sits at 0,0 with no window manager);
 * FALSE if there are none. */
gboolean
mls_test_find_colour (const MlsScreen *screen, guint32 rgb, int *x0, int *x1,
                      int *y0, int *y1)
{
  *x0 = *y0 = G_MAXINT;
  *x1 = *y1 = -1;
  for (int y = 0; y < 540; y++)
    for (int x = (int) MLS_LABEL_WIDTH + 4; x < screen->width; x++)
      if (screen->pixels[y * screen->width + x] == rgb)
        {
          *x0 = MIN (*x0, x);
          *x1 = MAX (*x1, x);
          *y0 = MIN (*y0, y);
          *y1 = MAX (*y1, y);
        }
  return *x1 >= 0;
}

/* What command prints to stdout, run against the test's display. */
static char *
x_output (const char *const *argv)
{
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "DISPLAY",
                                          display, TRUE);
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp,
                               G_SPAWN_SEARCH_PATH
                               | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  return out;
}

static gboolean
is_viewable (const char *id)
{
  g_autofree char *info = x_output ((const char *const[]) {
                                      "xwininfo", "-id", id, NULL });

  return strstr (info, "IsViewable") != NULL;
}

/* Whether a window titled as named (' "TITLE": (' in xwininfo's list)
 * is shown. */
static gboolean
window_shown (const char *named)
{
  g_autofree char *tree = x_output ((const char *const[]) {
                                      "xwininfo", "-root", "-children",
                                      NULL });
  g_auto (GStrv) lines = g_strsplit (tree, "\n", -1);

  for (int i = 0; lines[i]; i++)
    if (strstr (lines[i], named))
      {
        g_strstrip (lines[i]);
        *strchr (lines[i], ' ') = '\0';
        if (is_viewable (lines[i]))
          return TRUE;
      }
  return FALSE;
}

gboolean
mls_test_wait_window (const char *title, gboolean shown, int seconds)
{
  g_autofree char *named = g_strdup_printf (" \"%s\": (", title);

  for (int i = 0; i < seconds * 5; i++)
    {
      if (window_shown (named) == shown)
        return TRUE;
      g_usleep (200000);
    }
  return FALSE;
}

void
mls_test_choose (const char *title, const char *path)
{
  g_autofree char *type = g_strdup_printf ("type --delay 10 %s", path);

  g_assert_true (mls_test_wait_window (title, TRUE, 20));
  mls_test_xdotool (type);
  mls_test_xdotool ("key Return");
}

/* The viewer's largest shown popup window's id and place, or NULL. */
static char *
find_popup (int *x, int *y)
{
  g_autofree char *tree = NULL;
  g_auto (GStrv) lines = NULL;
  char *best = NULL;
  int best_area = 0;

  tree = x_output ((const char *const[]) { "xwininfo", "-root", "-children",
                                           NULL });
  lines = g_strsplit (tree, "\n", -1);
  for (int i = 0; lines[i]; i++)
    {
      const char *geometry = strstr (lines[i], "\"mlscope-viewer\": (");
      int w, h, wx, wy;

      geometry = geometry ? strchr (geometry, ')') : NULL;
      if (!geometry || sscanf (geometry + 1, " %dx%d+%d+%d", &w, &h, &wx,
                               &wy) != 4 || w * h <= best_area)
        continue;
      g_strstrip (lines[i]);
      *strchr (lines[i], ' ') = '\0';
      if (!is_viewable (lines[i]))
        continue;
      g_free (best);
      best = g_strdup (lines[i]);
      best_area = w * h;
      /* xwd reads only what is on the screen: a popover's shadow may
       * hang off its edge. */
      *x = MAX (wx, 0);
      *y = MAX (wy, 0);
    }
  return best;
}

gboolean
mls_test_grab_popup (MlsScreen *popup, int *x, int *y)
{
  g_autofree char *xwd = g_build_filename (grab_dir, "popup.xwd", NULL);
  g_autofree char *best = NULL;

  /* Time for the input to be handled and the popup mapped and drawn, on
   * a busy machine too. */
  for (int i = 0; i < 10 && !best; i++)
    {
      g_usleep (800000);
      best = find_popup (x, y);
    }
  if (!best)
    return FALSE;
  g_free (x_output ((const char *const[]) { "xwd", "-id", best, "-silent",
                                            "-out", xwd, NULL }));
  g_free (popup->pixels);
  popup->pixels = read_xwd (xwd, &popup->width, &popup->height);
  return TRUE;
}

void
mls_test_xdotool (const char *args)
{
  g_autofree char *cmd = g_strdup_printf ("xdotool %s", args);
  g_auto (GStrv) argv = g_strsplit (cmd, " ", -1);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "DISPLAY",
                                          display, TRUE);
  int status = 0;

  /* Quiet: what xdotool prints (a window found) is no TAP line. */
  g_assert_true (g_spawn_sync (NULL, argv, envp, G_SPAWN_SEARCH_PATH
                               | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

int
mls_test_count_colour (const MlsScreen *screen, guint32 rgb, int x0, int x1,
                       int y)
{
  int n = 0;

  for (int x = x0; x <= x1; x++)
    n += screen->pixels[y * screen->width + x] == rgb;
  return n;
}

/* The horizontal extent of rgb's pixels in the tracks' rows [ya, yb]
 * (not the header bar's or the table's switches, which share the
 * predictions' blue). */
gboolean
mls_test_find_rows (const MlsScreen *screen, guint32 rgb, int ya, int yb,
                    int *x0, int *x1)
{
  *x0 = G_MAXINT;
  *x1 = -1;
  for (int y = ya; y <= yb; y++)
    for (int x = (int) MLS_LABEL_WIDTH + 4; x < screen->width; x++)
      if (screen->pixels[y * screen->width + x] == rgb)
        {
          *x0 = MIN (*x0, x);
          *x1 = MAX (*x1, x);
        }
  return *x1 >= 0;
}

/* Whether a kind's colour square is in the table's Span Kind column (left
 * of the tracks' labels, below the tracks); the topmost one's y. */
gboolean
mls_test_find_swatch (const MlsScreen *screen, guint32 rgb, int *y_out)
{
  for (int y = 0; y < screen->height; y++)
    for (int x = 2; x < 80; x++)
      if (screen->pixels[y * screen->width + x] == rgb)
        {
          *y_out = y;
          return TRUE;
        }
  return FALSE;
}


const char *
mls_test_xvfb_start (const char *dir)
{
  grab_dir = g_strdup (dir);
  start_xvfb ();
  return display;
}

void
mls_test_xvfb_end (void)
{
  mls_test_stop (xvfb);
  g_clear_object (&xvfb);
  g_clear_pointer (&grab_dir, g_free);
}
