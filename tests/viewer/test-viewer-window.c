/*
 * test-viewer-window.c: the real window under its own Xvfb. Opens a trace,
 * screenshots the X screen with xwd and checks the timeline is on it (not
 * a blank screen); opens a file that is no trace and checks the viewer
 * says so, in its window and on stderr, and keeps running; drives it with
 * real input (xdotool): click, Ctrl+wheel zooms, the plain wheel leaves
 * time alone, Shift+wheel pans, f zooms to the selected span, ? opens the
 * shortcuts window, a drag selects a range.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "mls-palette.h"
#include "mls-session-private.h"
#include "mls-test-png.h"
#include "mls-test-trace.h"

static char *tmpdir;
static GSubprocess *xvfb;
static char display[32];

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
static gboolean
is_running (GSubprocess *process)
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

static void
stop (GSubprocess *process)
{
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}

/* Starts the viewer on path (then the options in extra, NULL-terminated,
 * or NULL); returns once it saved its own snapshot. */
static GSubprocess *
start_viewer_with (const char *path, const char *const *extra,
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
                  && is_running (process); i++)
    g_usleep (100000);
  g_assert_true (g_file_test (snapshot, G_FILE_TEST_EXISTS));
  g_usleep (300000);
  return process;
}

static GSubprocess *
start_viewer (const char *path, const char *snapshot, const char *log)
{
  return start_viewer_with (path, NULL, snapshot, log);
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

typedef struct {
  guint32 *pixels;
  int width, height;
} Screen;

static void
grab_screen (Screen *screen)
{
  g_autofree char *xwd = g_build_filename (tmpdir, "grab.xwd", NULL);
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
static gboolean
find_colour (const Screen *screen, guint32 rgb, int *x0, int *x1, int *y0,
             int *y1)
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

static void
xdotool (const char *args)
{
  g_autofree char *cmd = g_strdup_printf ("xdotool %s", args);
  g_auto (GStrv) argv = g_strsplit (cmd, " ", -1);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "DISPLAY",
                                          display, TRUE);
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL,
                               NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

static int
count_colour (const Screen *screen, guint32 rgb, int x0, int x1, int y)
{
  int n = 0;

  for (int x = x0; x <= x1; x++)
    n += screen->pixels[y * screen->width + x] == rgb;
  return n;
}

/* Real pointer and keyboard input through the X server (XTEST): click a
 * span, drag a range, Ctrl+wheel to zoom, 0 to fit. */
static void
test_window_input (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "known.mlscope", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "input.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "input.log", NULL);
  g_autofree char *args = NULL;
  guint32 busy = mls_palette_kind_rgb (30);
  Screen screen = { 0 };
  GSubprocess *viewer;
  int x0, x1, y0, y1, w0, bx0, bx1, by0, by1, cx, cy, before;

  mls_test_trace_write_known (db);
  viewer = start_viewer (db, snap, log);
  grab_screen (&screen);

  /* The GPU busy span, [14 ms, 18 ms) of 100: solid in its colour. */
  g_assert_true (find_colour (&screen, busy, &x0, &x1, &y0, &y1));
  w0 = x1 - x0;
  cx = (x0 + x1) / 2;
  cy = (y0 + y1) / 2;
  g_assert_cmpint (w0, >, 20);
  before = count_colour (&screen, busy, x0, x1, y0 + 1);

  /* A click selects it: outlined, so its top edge is no longer its
   * colour. */
  args = g_strdup_printf ("mousemove %d %d click 1", cx, cy);
  xdotool (args);
  grab_screen (&screen);
  g_assert_true (find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (count_colour (&screen, busy, x0, x1, y0 + 1), <,
                   before / 2);
  /* The outline takes its edges: the widths below are the selected
   * span's. */
  w0 = bx1 - bx0;

  /* Ctrl+wheel up over it zooms in around the pointer: wider, still
   * under the pointer. */
  g_free (args);
  args = g_strdup_printf ("mousemove %d %d keydown ctrl click 4 click 4 "
                          "keyup ctrl", cx, cy);
  xdotool (args);
  grab_screen (&screen);
  g_assert_true (find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (bx1 - bx0, >, w0 * 14 / 10);
  g_assert_cmpint (bx0, <, cx);
  g_assert_cmpint (bx1, >, cx);

  /* 0 zooms to fit again. */
  xdotool ("key 0");
  grab_screen (&screen);
  g_assert_true (find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (ABS ((bx1 - bx0) - w0), <=, 2);

  /* The plain wheel scrolls the tracks, never the time: the span keeps
   * its place and width. */
  g_free (args);
  args = g_strdup_printf ("mousemove %d %d click 5 click 5", cx, cy);
  xdotool (args);
  grab_screen (&screen);
  g_assert_true (find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (ABS ((bx1 - bx0) - w0), <=, 2);
  g_assert_cmpint (ABS (bx0 - x0), <=, 3);

  /* Shift+wheel pans: the same width, moved. */
  g_free (args);
  args = g_strdup_printf ("mousemove %d %d keydown shift click 5 click 5 "
                          "keyup shift", cx, cy);
  xdotool (args);
  grab_screen (&screen);
  g_assert_true (find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (ABS ((bx1 - bx0) - w0), <=, 2);
  g_assert_cmpint (ABS (bx0 - x0), >, 20);

  /* f with the span selected (the click above) zooms to it: it fills
   * most of the tracks' width. */
  xdotool ("key f");
  grab_screen (&screen);
  g_assert_true (find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (bx1 - bx0, >, (screen.width - (int) MLS_LABEL_WIDTH) / 2);
  xdotool ("key 0");

  /* ? opens the keyboard shortcuts window, whichever pane has focus. */
  xdotool ("key question");
  g_usleep (800000);
  xdotool ("search --name ^Keyboard.Shortcuts$");
  xdotool ("key Escape");
  grab_screen (&screen);

  /* A drag over the empty part of the GPU lane selects a range: the
   * lane's background there takes the selection's tint. */
  {
    guint32 empty = screen.pixels[cy * screen.width + x1 + 150];
    g_free (args);
    args = g_strdup_printf ("mousemove %d %d mousedown 1 mousemove %d %d "
                            "mousemove %d %d mouseup 1", x1 + 100, cy,
                            x1 + 150, cy, x1 + 200, cy);
    xdotool (args);
    grab_screen (&screen);
    g_assert_cmphex (screen.pixels[cy * screen.width + x1 + 150], !=, empty);
    g_assert_cmphex (screen.pixels[cy * screen.width + x1 + 250], ==, empty);
  }

  g_assert_true (is_running (viewer));
  stop (viewer);
  g_object_unref (viewer);
  g_free (screen.pixels);
}

/* The horizontal extent of rgb's pixels in the tracks' rows [ya, yb]
 * (not the header bar's or the table's switches, which share the
 * predictions' blue). */
static gboolean
find_colour_rows (const Screen *screen, guint32 rgb, int ya, int yb,
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
static gboolean
find_swatch (const Screen *screen, guint32 rgb, int *y_out)
{
  for (int y = 0; y < screen->height; y++)
    for (int x = 2; x < 40; x++)
      if (screen->pixels[y * screen->width + x] == rgb)
        {
          *y_out = y;
          return TRUE;
        }
  return FALSE;
}

/* Grouped by model, a table row is one model's spans of its kind: only
 * they are highlighted (drawn in their full colour, the rest faded). */
static void
test_row_highlights_its_model (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "known2.mlscope", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "model.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "model.log", NULL);
  g_autofree char *args = NULL;
  guint32 pred = mls_palette_kind_rgb (MLS_KIND_PREDICTION);
  Screen screen = { 0 };
  GSubprocess *viewer;
  int x0, x1, ax0, ax1, row_y = 0, lane = -1;

  mls_test_trace_write_known (db);
  viewer = start_viewer (db, snap, log);
  grab_screen (&screen);
  /* The predictions' lane: the first row under the header bar and the
   * ruler with their colour in it. */
  for (int y = 90; y < screen.height && lane < 0; y++)
    if (find_colour_rows (&screen, pred, y, y, &x0, &x1))
      lane = y + 4;
  g_assert_cmpint (lane, >, 0);
  /* model-a's prediction [10, 20) ms and model-b's [50, 60) ms. */
  g_assert_true (find_colour_rows (&screen, pred, lane, lane, &x0, &x1));
  g_assert_cmpint (x1 - x0, >, 300);

  /* g groups the table by model; model-a's rows come first. */
  xdotool ("key g");
  grab_screen (&screen);
  g_assert_true (find_swatch (&screen, pred, &row_y));
  args = g_strdup_printf ("mousemove 150 %d click 1", row_y + 4);
  xdotool (args);
  grab_screen (&screen);
  /* Only model-a's prediction in full colour: a fifth of the width. */
  g_assert_true (find_colour_rows (&screen, pred, lane, lane, &ax0, &ax1));
  g_assert_cmpint (ABS (ax0 - x0), <=, 2);
  g_assert_cmpint (ax1 - ax0, <, (x1 - x0) / 3);

  /* Ungrouped, the row is every model's predictions again. */
  xdotool ("key g");
  grab_screen (&screen);
  g_assert_true (find_swatch (&screen, pred, &row_y));
  g_free (args);
  args = g_strdup_printf ("mousemove 150 %d click 1", row_y + 4);
  xdotool (args);
  grab_screen (&screen);
  g_assert_true (find_colour_rows (&screen, pred, lane, lane, &ax0, &ax1));
  g_assert_cmpint (ABS (ax0 - x0), <=, 2);
  g_assert_cmpint (ABS (ax1 - x1), <=, 2);

  g_assert_true (is_running (viewer));
  stop (viewer);
  g_object_unref (viewer);
  g_free (screen.pixels);
}

static void
add_span (MlsStore *store, int kind, gint64 pid, gint64 start_ms,
          gint64 end_ms)
{
  MlsSpan span = { 0 };
  MlsError err = { 0 };

  span.kind_id = kind;
  span.pid = span.tid = pid;
  span.depth = kind == MLS_KIND_PREDICTION ? 0 : 1;
  span.start_ns = G_GINT64_CONSTANT (1000000000) + start_ms * 1000000;
  span.end_ns = G_GINT64_CONSTANT (1000000000) + end_ms * 1000000;
  span.complete = TRUE;
  g_assert_cmpint (mls_store_add_span (store, &span, &err), >, 0);
}

/* Two processes: 4242 predicts over [10, 20) ms, 5151 over [50, 60) ms
 * with an output conversion in it, [52, 54) ms. */
static void
write_two_processes (const char *path)
{
  MlsError err = { 0 };
  MlsStore *store = mls_store_create (path, &err);

  g_assert_nonnull (store);
  add_span (store, MLS_KIND_PREDICTION, 4242, 10, 20);
  add_span (store, MLS_KIND_PREDICTION, 5151, 50, 60);
  add_span (store, MLS_KIND_OUTPUT_CONVERSION, 5151, 52, 54);
  g_assert_cmpint (mls_store_finish (store, &err), ==, 0);
  mls_store_close (store);
}

/* The process filter applies to the lanes and the table alike: with 5151
 * hidden, its prediction leaves the tracks and its output conversion the
 * table. (The window's filter is a popover, which Xvfb without a window
 * manager stacks under the window: the test hides the process with
 * --hide-pid, which sets the same filter.) */
static void
test_filter_hides_process (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "two.mlscope", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "two.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "two.log", NULL);
  const char *const hide[] = { "--hide-pid", "5151", NULL };
  guint32 pred = mls_palette_kind_rgb (MLS_KIND_PREDICTION);
  guint32 conv = mls_palette_kind_rgb (MLS_KIND_OUTPUT_CONVERSION);
  Screen screen = { 0 };
  GSubprocess *viewer;
  int x0, x1, y0, y1, hx0, hx1, row_y = 0, lane = -1;

  write_two_processes (db);
  viewer = start_viewer (db, snap, log);
  grab_screen (&screen);
  for (int y = 90; y < screen.height && lane < 0; y++)
    if (find_colour_rows (&screen, pred, y, y, &x0, &x1))
      lane = y + 4;
  g_assert_cmpint (lane, >, 0);
  /* 4242's prediction and 5151's, each in its process's group. */
  g_assert_true (find_colour_rows (&screen, pred, lane, 540, &x0, &x1));
  g_assert_true (find_colour (&screen, conv, &hx0, &hx1, &y0, &y1));
  g_assert_true (find_swatch (&screen, conv, &row_y));
  stop (viewer);
  g_object_unref (viewer);

  viewer = start_viewer_with (db, hide, snap, log);
  grab_screen (&screen);
  /* One prediction left, the first: a fifth of the range before. */
  g_assert_true (find_colour_rows (&screen, pred, lane, 540, &hx0, &hx1));
  g_assert_cmpint (ABS (hx0 - x0), <=, 2);
  g_assert_cmpint (hx1 - hx0, <, (x1 - x0) / 3);
  g_assert_false (find_colour (&screen, conv, &hx0, &hx1, &y0, &y1));
  g_assert_false (find_swatch (&screen, conv, &row_y));
  g_assert_true (find_swatch (&screen, pred, &row_y));
  stop (viewer);
  g_object_unref (viewer);
  g_free (screen.pixels);
}

static void
test_window_shows_trace (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "demo.mlscope", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "window.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "viewer.log", NULL);
  g_autofree char *xwd = g_build_filename (tmpdir, "screen.xwd", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) colours = g_hash_table_new (NULL, NULL);
  guint32 pred = mls_palette_kind_rgb (4), busy = mls_palette_kind_rgb (30);
  GSubprocess *viewer;
  guint32 *screen;
  int width, height, n_pred = 0, n_busy = 0, status = 0;
  cairo_surface_t *own;

  g_assert_true (mls_test_trace_write_demo (db, 30, TRUE, &error));
  viewer = start_viewer (db, snap, log);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { "xwd", "-root", "-silent",
                               "-display", display, "-out", xwd, NULL },
                               NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (is_running (viewer));
  stop (viewer);
  g_object_unref (viewer);

  screen = read_xwd (xwd, &width, &height);
  g_assert_cmpint (width, ==, 1400);
  for (int i = 0; i < width * height; i++)
    {
      n_pred += screen[i] == pred;
      n_busy += screen[i] == busy;
      g_hash_table_add (colours, GUINT_TO_POINTER (screen[i]));
    }
  g_free (screen);
  /* Predictions and GPU busy spans drawn, amid text and chrome. */
  g_assert_cmpint (n_pred, >, 500);
  g_assert_cmpint (n_busy, >, 200);
  g_assert_cmpuint (g_hash_table_size (colours), >, 50);

  own = mls_test_load_png (snap);
  g_assert_cmpint (mls_test_count_bands (own, pred, 0,
                     cairo_image_surface_get_width (own)), >=, 1);
  cairo_surface_destroy (own);
}

static void
test_bad_file_shows_error (void)
{
  g_autofree char *bad = g_build_filename (tmpdir, "notes.mlscope", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "error.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "error.log", NULL);
  g_autofree char *err = NULL;
  GSubprocess *viewer;
  cairo_surface_t *own;
  int pink_rows = 0;

  g_assert_true (g_file_set_contents (bad, "just some notes\n", -1, NULL));
  viewer = start_viewer (bad, snap, log);
  /* Still running: the error is reported, not a crash. */
  g_assert_true (is_running (viewer));
  stop (viewer);
  g_object_unref (viewer);
  g_assert_true (g_file_get_contents (log, &err, NULL, NULL));
  g_assert_nonnull (strstr (err, bad));

  /* The error banner: rows tinted with the theme's error colour. */
  own = mls_test_load_png (snap);
  for (int y = 0; y < 200; y++)
    {
      guint32 px = mls_test_pixel (own, cairo_image_surface_get_width (own)
                                   / 2, y);
      int r = px >> 16, g = (px >> 8) & 0xff;
      pink_rows += r - g > 20;
    }
  g_assert_cmpint (pink_rows, >, 20);
  cairo_surface_destroy (own);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("mls-viewer-window-XXXXXX", NULL);
  start_xvfb ();
  g_test_add_func ("/viewer/window/shows-trace", test_window_shows_trace);
  g_test_add_func ("/viewer/window/bad-file", test_bad_file_shows_error);
  g_test_add_func ("/viewer/window/input", test_window_input);
  g_test_add_func ("/viewer/window/row-highlights-its-model",
                   test_row_highlights_its_model);
  g_test_add_func ("/viewer/window/filter-hides-process",
                   test_filter_hides_process);
  status = g_test_run ();
  stop (xvfb);
  g_object_unref (xvfb);
  if (status == 0)
    test_tmpdir_remove (tmpdir);
  return status;
}
