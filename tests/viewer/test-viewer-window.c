/*
 * test-viewer-window.c: the real window under its own Xvfb. Opens a trace,
 * screenshots the X screen with xwd and checks the timeline is on it (not
 * a blank screen); opens a file that is no trace and checks the viewer
 * says so, in its window and on stderr, and keeps running; drives it with
 * real input (xdotool): click, Ctrl+wheel zooms, the plain wheel leaves
 * time alone, Shift+wheel pans, f zooms to the selected span, ? opens the
 * shortcuts window, a drag selects a range, a finding's marker on the
 * ruler shows the finding, the process filter's popover hides a process
 * from the lanes and the table; --follow on a file written
 * live (the store's live mode) draws what is committed after it opened.
 */
#include <glib/gstdio.h>

#include "mls-palette.h"
#include "mls-session-private.h"
#include "mls-test-png.h"
#include "mls-test-trace.h"
#include "mls-test-x.h"

static char *tmpdir;

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
  MlsScreen screen = { 0 };
  GSubprocess *viewer;
  int x0, x1, y0, y1, w0, bx0, bx1, by0, by1, cx, cy, before;

  mls_test_trace_write_known (db);
  viewer = mls_test_viewer_start (db, snap, log);
  mls_test_grab (&screen);

  /* The GPU busy span, [14 ms, 18 ms) of 100: solid in its colour. */
  g_assert_true (mls_test_find_colour (&screen, busy, &x0, &x1, &y0, &y1));
  w0 = x1 - x0;
  cx = (x0 + x1) / 2;
  cy = (y0 + y1) / 2;
  g_assert_cmpint (w0, >, 20);
  before = mls_test_count_colour (&screen, busy, x0, x1, y0 + 1);

  /* A click selects it: outlined, so its top edge is no longer its
   * colour. */
  args = g_strdup_printf ("mousemove %d %d click 1", cx, cy);
  mls_test_xdotool (args);
  mls_test_grab (&screen);
  g_assert_true (mls_test_find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (mls_test_count_colour (&screen, busy, x0, x1, y0 + 1), <,
                   before / 2);
  /* The outline takes its edges: the widths below are the selected
   * span's. */
  w0 = bx1 - bx0;

  /* Ctrl+wheel up over it zooms in around the pointer: wider, still
   * under the pointer. */
  g_free (args);
  args = g_strdup_printf ("mousemove %d %d keydown ctrl click 4 click 4 "
                          "keyup ctrl", cx, cy);
  mls_test_xdotool (args);
  mls_test_grab (&screen);
  g_assert_true (mls_test_find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (bx1 - bx0, >, w0 * 14 / 10);
  g_assert_cmpint (bx0, <, cx);
  g_assert_cmpint (bx1, >, cx);

  /* 0 zooms to fit again. */
  mls_test_xdotool ("key 0");
  mls_test_grab (&screen);
  g_assert_true (mls_test_find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (ABS ((bx1 - bx0) - w0), <=, 2);

  /* The plain wheel scrolls the tracks, never the time: the span keeps
   * its place and width. */
  g_free (args);
  args = g_strdup_printf ("mousemove %d %d click 5 click 5", cx, cy);
  mls_test_xdotool (args);
  mls_test_grab (&screen);
  g_assert_true (mls_test_find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (ABS ((bx1 - bx0) - w0), <=, 2);
  g_assert_cmpint (ABS (bx0 - x0), <=, 3);

  /* Shift+wheel pans: the same width, moved. */
  g_free (args);
  args = g_strdup_printf ("mousemove %d %d keydown shift click 5 click 5 "
                          "keyup shift", cx, cy);
  mls_test_xdotool (args);
  mls_test_grab (&screen);
  g_assert_true (mls_test_find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (ABS ((bx1 - bx0) - w0), <=, 2);
  g_assert_cmpint (ABS (bx0 - x0), >, 20);

  /* f with the span selected (the click above) zooms to it: it fills
   * most of the tracks' width. */
  mls_test_xdotool ("key f");
  mls_test_grab (&screen);
  g_assert_true (mls_test_find_colour (&screen, busy, &bx0, &bx1, &by0, &by1));
  g_assert_cmpint (bx1 - bx0, >, (screen.width - (int) MLS_LABEL_WIDTH) / 2);
  mls_test_xdotool ("key 0");

  /* ? opens the keyboard shortcuts window, whichever pane has focus. */
  mls_test_xdotool ("key question");
  g_usleep (800000);
  mls_test_xdotool ("search --name ^Keyboard.Shortcuts$");
  mls_test_xdotool ("key Escape");
  mls_test_grab (&screen);

  /* A drag over the empty part of the GPU lane selects a range: the
   * lane's background there takes the selection's tint. */
  {
    guint32 empty = screen.pixels[cy * screen.width + x1 + 150];
    g_free (args);
    args = g_strdup_printf ("mousemove %d %d mousedown 1 mousemove %d %d "
                            "mousemove %d %d mouseup 1", x1 + 100, cy,
                            x1 + 150, cy, x1 + 200, cy);
    mls_test_xdotool (args);
    mls_test_grab (&screen);
    g_assert_cmphex (screen.pixels[cy * screen.width + x1 + 150], !=, empty);
    g_assert_cmphex (screen.pixels[cy * screen.width + x1 + 250], ==, empty);
  }

  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
  g_object_unref (viewer);
  g_free (screen.pixels);
}

/* The top row of the ruler's finding markers and its leftmost amber
 * column: the notch of the first finding in view; FALSE if none. */
static gboolean
find_marker (const MlsScreen *screen, int *x, int *y)
{
  for (int yy = 0; yy < 200; yy++)
    for (int xx = (int) MLS_LABEL_WIDTH; xx < screen->width; xx++)
      if (screen->pixels[yy * screen->width + xx] == MLS_FINDING_RGB)
        {
          *x = xx;
          *y = yy;
          return TRUE;
        }
  return FALSE;
}

/* A click on a finding's marker on the ruler shows the finding, as its
 * row in the findings list does: the view zooms to its range (the marker
 * then spans most of the ruler) and the range is selected (an empty lane
 * tinted inside it, not in the margin beside it). */
static void
test_marker_click_shows_finding (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "known4.mlscope", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "marker.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "marker.log", NULL);
  g_autofree char *args = NULL;
  guint32 busy = mls_palette_kind_rgb (30);
  MlsScreen screen = { 0 };
  GSubprocess *viewer;
  int mx = 0, my = 0, x0, x1, y0, y1, lane, right, tracks, out, in;

  mls_test_trace_write_known (db);
  viewer = mls_test_viewer_start (db, snap, log);
  /* The rules run in a worker thread after the window opens. */
  for (int i = 0; i < 10 && !find_marker (&screen, &mx, &my); i++)
    mls_test_grab (&screen);
  g_assert_true (find_marker (&screen, &mx, &my));
  /* The window's right edge: the X root beyond it is black. */
  for (right = screen.width - 1; right > 0; right--)
    if (screen.pixels[my * screen.width + right] != 0)
      break;
  tracks = right - (int) MLS_LABEL_WIDTH;
  g_assert_cmpint (mls_test_count_colour (&screen, MLS_FINDING_RGB,
                                          (int) MLS_LABEL_WIDTH, right,
                                          my + 1), <, tracks / 3);
  /* The GPU lane, empty around the lost events at 70 ms. */
  g_assert_true (mls_test_find_colour (&screen, busy, &x0, &x1, &y0, &y1));
  lane = (y0 + y1) / 2;

  args = g_strdup_printf ("mousemove %d %d click 1", mx + 5, my + 2);
  mls_test_xdotool (args);
  mls_test_grab (&screen);
  g_assert_cmpint (mls_test_count_colour (&screen, MLS_FINDING_RGB,
                                          (int) MLS_LABEL_WIDTH, right,
                                          my + 1), >, tracks / 2);
  out = (int) MLS_LABEL_WIDTH + tracks / 30;
  in = (int) MLS_LABEL_WIDTH + tracks / 2;
  g_assert_false (mls_test_find_colour (&screen, busy, &x0, &x1, &y0, &y1));
  g_assert_cmphex (screen.pixels[lane * screen.width + out], !=,
                   screen.pixels[lane * screen.width + in]);

  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
  g_object_unref (viewer);
  g_free (screen.pixels);
}

/* A row in the middle of the first lane under the header bar and the
 * ruler with rgb in it: where the predictions are drawn. */
static int
find_lane (const MlsScreen *screen, guint32 rgb)
{
  int x0, x1;

  for (int y = 90; y < screen->height; y++)
    if (mls_test_find_rows (screen, rgb, y, y, &x0, &x1))
      return y + 4;
  g_assert_not_reached ();
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
  MlsScreen screen = { 0 };
  GSubprocess *viewer;
  int x0, x1, ax0, ax1, row_y = 0, lane;

  mls_test_trace_write_known (db);
  viewer = mls_test_viewer_start (db, snap, log);
  mls_test_grab (&screen);
  lane = find_lane (&screen, pred);
  /* model-a's prediction [10, 20) ms and model-b's [50, 60) ms. */
  g_assert_true (mls_test_find_rows (&screen, pred, lane, lane, &x0, &x1));
  g_assert_cmpint (x1 - x0, >, 300);

  /* g groups the table by model; model-a's rows come first. */
  mls_test_xdotool ("key g");
  mls_test_grab (&screen);
  g_assert_true (mls_test_find_swatch (&screen, pred, &row_y));
  args = g_strdup_printf ("mousemove 150 %d click 1", row_y + 4);
  mls_test_xdotool (args);
  mls_test_grab (&screen);
  /* Only model-a's prediction in full colour: a fifth of the width. */
  g_assert_true (mls_test_find_rows (&screen, pred, lane, lane, &ax0, &ax1));
  g_assert_cmpint (ABS (ax0 - x0), <=, 2);
  g_assert_cmpint (ax1 - ax0, <, (x1 - x0) / 3);

  /* Ungrouped, the row is every model's predictions again. */
  mls_test_xdotool ("key g");
  mls_test_grab (&screen);
  g_assert_true (mls_test_find_swatch (&screen, pred, &row_y));
  g_free (args);
  args = g_strdup_printf ("mousemove 150 %d click 1", row_y + 4);
  mls_test_xdotool (args);
  mls_test_grab (&screen);
  g_assert_true (mls_test_find_rows (&screen, pred, lane, lane, &ax0, &ax1));
  g_assert_cmpint (ABS (ax0 - x0), <=, 2);
  g_assert_cmpint (ABS (ax1 - x1), <=, 2);

  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
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

/* Whether px is within 40 of rgb in each channel: antialiased text. */
static gboolean
near_colour (guint32 px, guint32 rgb)
{
  for (int shift = 0; shift < 24; shift += 8)
    if (ABS ((int) ((px >> shift) & 0xff) - (int) ((rgb >> shift) & 0xff))
        > 40)
      return FALSE;
  return TRUE;
}

/* Where a dozen pixels of accent begin at row y of a popup (a checked
 * box's row: the search field's focus ring is much wider, a box's sides
 * are thin); -1 if nowhere. */
static int
box_row_at (const MlsScreen *popup, int y)
{
  for (int x = 0, run = 0; x < popup->width; x++)
    {
      run = near_colour (popup->pixels[y * popup->width + x], 0x3584e4)
            ? run + 1 : 0;
      if (run == 12)
        return x - 11;
    }
  return -1;
}

/* How many checked boxes a popup shows furthest left (the processes'
 * column: threads are indented), and the centre of the topmost. */
static int
process_checks (const MlsScreen *popup, int *cx, int *cy)
{
  int left = G_MAXINT, n = 0, top = -1, last = -100;

  for (int y = 0; y < popup->height; y++)
    {
      int x = box_row_at (popup, y);

      if (x >= 0 && x < left)
        left = x;
    }
  for (int y = 0; y < popup->height; y++)
    {
      int x = box_row_at (popup, y);

      if (x < 0 || ABS (x - left) > 2)
        continue;
      /* The tick breaks a box's rows: a few rows apart is the same box. */
      n += y > last + 12;
      if (n == 1)
        {
          top = top < 0 ? y : top;
          *cy = (top + y) / 2;
        }
      last = y;
    }
  *cx = left + 6;
  return n;
}

/* The process filter applies to the lanes and the table alike. Driven as
 * a user does: the Processes button opens the filter's popover, 5151
 * typed in its search field leaves that process alone in the list, a
 * click on its check button hides it: its prediction leaves the tracks
 * and its output conversion the table. */
static void
test_filter_hides_process (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "two.mlscope", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "two.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "two.log", NULL);
  g_autofree char *args = NULL;
  guint32 pred = mls_palette_kind_rgb (MLS_KIND_PREDICTION);
  guint32 conv = mls_palette_kind_rgb (MLS_KIND_OUTPUT_CONVERSION);
  MlsScreen screen = { 0 }, popup = { 0 };
  GSubprocess *viewer;
  int x0, x1, y0, y1, hx0, hx1, row_y = 0, lane, px = 0, py = 0, cx = 0;
  int cy = 0;

  write_two_processes (db);
  viewer = mls_test_viewer_start (db, snap, log);
  mls_test_grab (&screen);
  lane = find_lane (&screen, pred);
  /* 4242's prediction and 5151's, each in its process's group. */
  g_assert_true (mls_test_find_rows (&screen, pred, lane, 540, &x0, &x1));
  g_assert_true (mls_test_find_colour (&screen, conv, &hx0, &hx1, &y0, &y1));
  g_assert_true (mls_test_find_swatch (&screen, conv, &row_y));

  /* The Processes button, second in the header bar (the window sits at
   * 0,0); its popover's search field has the focus. Typing 5151 leaves
   * that process's row alone in the list. */
  mls_test_xdotool ("mousemove 150 26 click 1");
  g_assert_true (mls_test_grab_popup (&popup, &px, &py));
  g_assert_cmpint (process_checks (&popup, &cx, &cy), ==, 2);
  mls_test_xdotool ("type 5151");
  for (int i = 0; i < 10 && process_checks (&popup, &cx, &cy) != 1; i++)
    g_assert_true (mls_test_grab_popup (&popup, &px, &py));
  g_assert_cmpint (process_checks (&popup, &cx, &cy), ==, 1);
  args = g_strdup_printf ("mousemove %d %d click 1", px + cx, py + cy);
  mls_test_xdotool (args);
  /* The box unchecked: none left. */
  for (int i = 0; i < 10 && process_checks (&popup, &cx, &cy) != 0; i++)
    g_assert_true (mls_test_grab_popup (&popup, &px, &py));
  g_assert_cmpint (process_checks (&popup, &cx, &cy), ==, 0);
  mls_test_xdotool ("key Escape");

  mls_test_grab (&screen);
  /* One prediction left, the first: a fifth of the range before. */
  g_assert_true (mls_test_find_rows (&screen, pred, lane, 540, &hx0, &hx1));
  g_assert_cmpint (ABS (hx0 - x0), <=, 2);
  g_assert_cmpint (hx1 - hx0, <, (x1 - x0) / 3);
  g_assert_false (mls_test_find_colour (&screen, conv, &hx0, &hx1, &y0, &y1));
  g_assert_false (mls_test_find_swatch (&screen, conv, &row_y));
  g_assert_true (mls_test_find_swatch (&screen, pred, &row_y));
  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
  g_object_unref (viewer);
  g_free (screen.pixels);
  g_free (popup.pixels);
}

/* The id of the first prediction of the trace at path. */
static gint64
first_prediction (const char *path)
{
  g_autoptr (MlsSession) s = mls_session_open (path, NULL);
  MlsLaneQuery q = { MLS_KIND_PREDICTION, -1, 0, G_MAXINT64, 1, 0, 0, NULL };
  gint64 id = 0;

  g_assert_nonnull (s);
  g_assert_cmpint (mls_timeline_find_span (mls_session_get_timeline (s), &q,
                                           MLS_FIND_NEXT, 0, &id, NULL),
                   ==, 0);
  g_assert_cmpint (id, >, 0);
  return id;
}

/* A link in the details selects the span it names: with the prediction
 * selected (outlined, its top edge not its colour), clicking its first
 * child's line selects the input conversion and leaves the prediction
 * drawn plain. */
static void
test_details_link_selects (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "known3.mlscope", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "link.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "link.log", NULL);
  g_autofree char *span = NULL, *args = NULL;
  guint32 pred = mls_palette_kind_rgb (MLS_KIND_PREDICTION);
  guint32 link = 0x3584e4;
  MlsScreen screen = { 0 };
  GSubprocess *viewer;
  int x0, x1, lane, before, lx = -1, ly = -1;

  mls_test_trace_write_known (db);
  span = g_strdup_printf ("%" G_GINT64_FORMAT, first_prediction (db));
  viewer = mls_test_viewer_start_with (db, (const char *const[]) {
                                         "--span", span, NULL }, snap, log);
  mls_test_grab (&screen);
  lane = find_lane (&screen, pred);
  /* The first prediction, [10, 20) ms: a tenth of the trace's width. */
  g_assert_true (mls_test_find_rows (&screen, pred, lane, lane, &x0, &x1));
  x1 = x0 + (screen.width - (int) MLS_LABEL_WIDTH) / 12;
  before = mls_test_count_colour (&screen, pred, x0, x1, lane - 4);
  /* The first link of the details pane (right of the table), under its
   * tabs. */
  for (int y = 340; y < screen.height && ly < 0; y++)
    for (int x = 1040; x < screen.width && ly < 0; x++)
      if (near_colour (screen.pixels[y * screen.width + x], link))
        lx = x, ly = y;
  g_assert_cmpint (ly, >, 0);
  args = g_strdup_printf ("mousemove %d %d click 1", lx + 2, ly + 2);
  mls_test_xdotool (args);
  mls_test_grab (&screen);
  g_assert_cmpint (mls_test_count_colour (&screen, pred, x0, x1, lane - 4),
                   >, before + 20);

  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
  g_object_unref (viewer);
  g_free (screen.pixels);
}

static void
test_window_shows_trace (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "demo.mlscope", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "window.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "viewer.log", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) colours = g_hash_table_new (NULL, NULL);
  guint32 pred = mls_palette_kind_rgb (4), busy = mls_palette_kind_rgb (30);
  GSubprocess *viewer;
  MlsScreen screen = { 0 };
  int n_pred = 0, n_busy = 0;
  cairo_surface_t *own;

  g_assert_true (mls_test_trace_write_demo (db, 30, TRUE, &error));
  viewer = mls_test_viewer_start (db, snap, log);
  mls_test_grab (&screen);
  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
  g_object_unref (viewer);

  g_assert_cmpint (screen.width, ==, 1400);
  for (int i = 0; i < screen.width * screen.height; i++)
    {
      n_pred += screen.pixels[i] == pred;
      n_busy += screen.pixels[i] == busy;
      g_hash_table_add (colours, GUINT_TO_POINTER (screen.pixels[i]));
    }
  g_free (screen.pixels);
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
  viewer = mls_test_viewer_start (bad, snap, log);
  /* Still running: the error is reported, not a crash. */
  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
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

/* How many runs of columns of the X screen's top half hold `rgb` pixels:
 * how many spans of that colour the timeline draws side by side (labels
 * drawn over a span break rows, never all of its columns). */
static int
screen_bands (guint32 rgb)
{
  MlsScreen screen = { 0 };
  int bands = 0;
  gboolean last = FALSE;

  mls_test_grab (&screen);
  for (int x = 0; x < screen.width; x++)
    {
      gboolean has = FALSE;
      for (int y = 0; y < screen.height / 2 && !has; y++)
        has = screen.pixels[y * screen.width + x] == rgb;
      bands += has && !last;
      last = has;
    }
  g_free (screen.pixels);
  return bands;
}

/* Predictions of 1 ms every 2 ms, numbers first to first + n - 1, given to
 * a live store and committed. */
static void
add_predictions (MlsStore *store, int first, int n)
{
  MlsError err = { 0 };

  for (int i = first; i < first + n; i++)
    {
      MlsSpan span = { .kind_id = MLS_KIND_PREDICTION, .pid = 4242,
                       .tid = 4242, .start_ns = 1000000 + i * 2000000,
                       .end_ns = 2000000 + i * 2000000, .complete = 1 };
      g_assert_cmpint (mls_store_add_span (store, &span, &err), >, 0);
    }
  g_assert_cmpint (mls_store_intern_thread (store, 4242, 4242, "live-app",
                                            &err), >, 0);
  g_assert_cmpint (mls_store_flush (store, &err), ==, 0);
}

/* --follow on a file written live: the predictions flushed after the
 * viewer opened it are drawn, then the finished file still shows. */
static void
test_window_follows (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "live.mlscope", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "follow.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "follow.log", NULL);
  guint32 pred = mls_palette_kind_rgb (4);
  MlsError err = { 0 };
  MlsStore *store = mls_store_create_live (db, &err);
  GSubprocess *viewer;
  int before;

  g_assert_nonnull (store);
  add_predictions (store, 0, 10);
  viewer = mls_test_viewer_start_with (db, (const char *const[]) {
                                         "--follow", NULL }, snap, log);
  /* The ten spans, and the table's swatch of their colour, if shown. */
  before = screen_bands (pred);
  g_assert_cmpint (before, >=, 10);
  g_assert_cmpint (before, <=, 11);
  add_predictions (store, 10, 10);
  for (int i = 0; i < 50 && screen_bands (pred) != before + 10; i++)
    g_usleep (100000);
  g_assert_cmpint (screen_bands (pred), ==, before + 10);
  g_assert_cmpint (mls_store_finish (store, &err), ==, 0);
  mls_store_close (store);
  g_usleep (1500000);
  g_assert_true (mls_test_is_running (viewer));
  g_assert_cmpint (screen_bands (pred), ==, before + 10);
  mls_test_stop (viewer);
  g_object_unref (viewer);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("mls-viewer-window-XXXXXX", NULL);
  mls_test_xvfb_start (tmpdir);
  g_test_add_func ("/viewer/window/shows-trace", test_window_shows_trace);
  g_test_add_func ("/viewer/window/bad-file", test_bad_file_shows_error);
  g_test_add_func ("/viewer/window/input", test_window_input);
  g_test_add_func ("/viewer/window/row-highlights-its-model",
                   test_row_highlights_its_model);
  g_test_add_func ("/viewer/window/filter-hides-process",
                   test_filter_hides_process);
  g_test_add_func ("/viewer/window/marker-click-shows-finding",
                   test_marker_click_shows_finding);
  g_test_add_func ("/viewer/window/details-link-selects",
                   test_details_link_selects);
  g_test_add_func ("/viewer/window/follow", test_window_follows);
  status = g_test_run ();
  mls_test_xvfb_end ();
  if (status == 0)
    test_tmpdir_remove (tmpdir);
  return status;
}
