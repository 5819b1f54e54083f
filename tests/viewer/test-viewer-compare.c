/*
 * test-viewer-compare.c: two recordings compared in the viewer. BEFORE
 * loads its model before every prediction, AFTER once, and converts no
 * output. The table's items carry schema/compare's figures (Model Load
 * 4 -> 1, the output conversions disappeared); `mlscope-viewer --compare
 * BEFORE AFTER` draws both recordings' tracks one above the other on one
 * time axis (each from its own start, zoomed together), and says which
 * file it cannot read, with a non-zero exit. From the keyboard, as a
 * user would: Ctrl+O's chooser opens AFTER in place of BEFORE, Escape
 * leaves it be, Ctrl+D's chooser compares it with BEFORE.
 */
#include <glib/gstdio.h>

#include "mls-compare-item.h"
#include "mls-palette.h"
#include "mls-test-png.h"
#include "mls-test-trace.h"
#include "mls-test-x.h"

#define MS G_GINT64_CONSTANT (1000000)

static char *tmpdir;
static char *before_path, *after_path;

static void
add (MlsStore *store, int kind, gint64 model, gint64 parent, gint64 t0,
     gint64 start_ms, gint64 end_ms)
{
  MlsSpan span = { 0 };
  MlsError err = { 0 };

  span.kind_id = kind;
  span.model_id = model;
  span.parent_id = parent;
  span.depth = parent ? 1 : 0;
  span.pid = span.tid = 77;
  span.start_ns = t0 + start_ms * MS;
  span.end_ns = t0 + end_ms * MS;
  span.complete = TRUE;
  g_assert_cmpint (mls_store_add_span (store, &span, &err), >, 0);
}

/* Four predictions of 5 ms each; BEFORE loads for 10 ms before each
 * (loads at 0, 20, 40, 60 ms, predictions 10 ms after) and converts an
 * output in each, AFTER loads once over [0, 10) ms and predicts at 10,
 * 15, 20 and 25 ms. Each recording starts at its own clock time t0. */
static void
write_recording (const char *path, gboolean reload, gint64 t0)
{
  MlsError err = { 0 };
  MlsStore *store = mls_store_create (path, &err);
  gint64 model = mls_store_intern_model (store, "style", &err);

  for (int i = 0; i < 4; i++)
    {
      gint64 at = reload ? i * 20 + 10 : 10 + i * 5;
      MlsSpan pred = { 0 };

      if (reload || i == 0)
        add (store, MLS_KIND_MODEL_LOAD, model, 0, t0, at - 10, at);
      pred.kind_id = MLS_KIND_PREDICTION;
      pred.model_id = model;
      pred.pid = pred.tid = 77;
      pred.start_ns = t0 + at * MS;
      pred.end_ns = pred.start_ns + 5 * MS;
      pred.complete = TRUE;
      pred.id = mls_store_add_span (store, &pred, &err);
      g_assert_cmpint (pred.id, >, 0);
      if (reload)
        add (store, MLS_KIND_OUTPUT_CONVERSION, model, pred.id, t0, at + 3,
             at + 4);
    }
  g_assert_cmpint (mls_store_finish (store, &err), ==, 0);
  mls_store_close (store);
}

static MlsCompareItem *
find_row (GPtrArray *items, const char *label)
{
  for (guint i = 0; i < items->len; i++)
    {
      MlsCompareItem *item = items->pdata[i];
      if (g_str_equal (mls_compare_item_get_row (item)->label, label))
        return item;
    }
  g_assert_not_reached ();
}

static void
test_table_rows (void)
{
  MlsError err = { 0 };
  MlsStore *before = mls_store_open (before_path, &err);
  MlsStore *after = mls_store_open (after_path, &err);
  MlsCompareQuery query = { 0 };
  MlsCompareRow *rows = NULL;
  size_t n = 0;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (
    g_object_unref);
  g_autofree char *verdict = NULL, *change_text = NULL, *count_text = NULL;
  g_autofree char *ratio_text = NULL;
  gint64 count_before, count_after, change;
  double ratio;

  g_assert_cmpint (mls_compare (before, after, &query, &rows, &n, &err), ==,
                   0);
  for (size_t i = 0; i < n; i++)
    g_ptr_array_add (items, mls_compare_item_new (&rows[i]));
  mls_compare_rows_free (rows, n);
  mls_store_close (before);
  mls_store_close (after);

  g_object_get (find_row (items, "Model Load"), "before-count",
                &count_before, "after-count", &count_after, "change-total",
                &change, NULL);
  g_assert_cmpint (count_before, ==, 4);
  g_assert_cmpint (count_after, ==, 1);
  g_assert_cmpint (change, ==, -30 * MS);
  /* The texts the table's cells bind to (mls-compare-view.ui). */
  g_object_get (find_row (items, "Model Load"), "change-total-text",
                &change_text, "before-count-text", &count_text, NULL);
  g_assert_cmpstr (change_text, ==, "−30.0 ms");
  g_assert_cmpstr (count_text, ==, "4");
  g_object_get (find_row (items, "Prediction"), "median-ratio", &ratio,
                NULL);
  g_assert_cmpfloat (ratio, ==, 1.0);
  g_object_get (find_row (items, "Prediction"), "median-ratio-text",
                &ratio_text, NULL);
  g_assert_cmpstr (ratio_text, ==, "×1.00");
  g_object_get (find_row (items, "Output Conversion"), "verdict", &verdict,
                NULL);
  g_assert_cmpstr (verdict, ==, "disappeared");
}

/* The rows [y0, y1] of the first band of rgb at or below y. */
static gboolean
find_band (const MlsScreen *screen, guint32 rgb, int y, int *y0, int *y1)
{
  int x0, x1;

  for (*y0 = y; *y0 < screen->height
                && !mls_test_find_rows (screen, rgb, *y0, *y0, &x0, &x1);
       (*y0)++)
    ;
  if (*y0 >= screen->height)
    return FALSE;
  for (*y1 = *y0; *y1 + 1 < screen->height
                  && mls_test_find_rows (screen, rgb, *y1 + 1, *y1 + 1, &x0,
                                         &x1);
       (*y1)++)
    ;
  return TRUE;
}

static void
test_window (void)
{
  g_autofree char *snap = g_build_filename (tmpdir, "compare.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "compare.log", NULL);
  guint32 load = mls_palette_kind_rgb (MLS_KIND_MODEL_LOAD);
  MlsScreen screen = { 0 };
  GSubprocess *viewer;
  int a0, a1, b0, b1, bx0, bx1, ax0, ax1, zx0, zx1, zax0, zax1;
  g_autofree char *args = NULL;

  viewer = mls_test_viewer_start_with ("--compare", (const char *const[]) {
                                         before_path, after_path, NULL },
                                       snap, log);
  mls_test_grab (&screen);
  /* BEFORE's loads, then AFTER's, lower. */
  g_assert_true (find_band (&screen, load, 60, &a0, &a1));
  g_assert_true (find_band (&screen, load, a1 + 10, &b0, &b1));
  g_assert_true (mls_test_find_rows (&screen, load, a0, a1, &bx0, &bx1));
  g_assert_true (mls_test_find_rows (&screen, load, b0, b1, &ax0, &ax1));
  /* One axis of offsets: both first loads start at 0, AFTER's single
   * load [0, 10) ms a seventh of BEFORE's loads' [0, 70) ms (within the
   * few pixels of a box's darker edge). */
  g_assert_cmpint (ABS (ax0 - bx0), <=, 1);
  g_assert_cmpint (ABS ((ax1 - ax0) - (bx1 - bx0) / 7), <=, 4);

  /* Ctrl+wheel over BEFORE zooms both alike. */
  args = g_strdup_printf ("mousemove %d %d keydown ctrl click 4 click 4 "
                          "keyup ctrl", bx0 + 2, (a0 + a1) / 2);
  mls_test_xdotool (args);
  mls_test_grab (&screen);
  g_assert_true (mls_test_find_rows (&screen, load, a0, a1, &zx0, &zx1));
  g_assert_true (mls_test_find_rows (&screen, load, b0, b1, &zax0, &zax1));
  g_assert_cmpint (zax1 - zax0, >, (ax1 - ax0) * 14 / 10);
  g_assert_cmpint (ABS (zax0 - zx0), <=, 1);

  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
  g_object_unref (viewer);
  g_free (screen.pixels);
}

static void
test_choosers (void)
{
  g_autofree char *snap = g_build_filename (tmpdir, "choosers.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "choosers.log", NULL);
  g_autofree char *after = g_path_get_basename (after_path);
  g_autofree char *compared = NULL;
  GSubprocess *viewer = mls_test_viewer_start (before_path, snap, log);

  mls_test_xdotool ("key ctrl+o");
  mls_test_choose ("Open Trace", after_path);
  g_assert_true (mls_test_wait_window (after, TRUE, 20));
  g_assert_true (mls_test_wait_window ("before.mlscope", FALSE, 5));

  mls_test_xdotool ("key ctrl+o");
  g_assert_true (mls_test_wait_window ("Open Trace", TRUE, 20));
  mls_test_xdotool ("key Escape");
  g_assert_true (mls_test_wait_window ("Open Trace", FALSE, 20));
  g_assert_true (mls_test_wait_window (after, TRUE, 1));

  mls_test_xdotool ("key ctrl+d");
  mls_test_choose ("Compare With", before_path);
  compared = g_strdup_printf ("%s → before.mlscope", after);
  g_assert_true (mls_test_wait_window (compared, TRUE, 20));
  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
  g_object_unref (viewer);
}

/* A file that is no recording: named on stderr, exit status 1; --compare
 * with one recording only: exit status 2. */
static void
test_bad_input (const void *display)
{
  g_autofree char *viewer = mls_test_build_path ("viewer/mlscope-viewer");
  g_autofree char *bad = g_build_filename (tmpdir, "notes.txt", NULL);
  g_autofree char *err = NULL;
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "DISPLAY",
                                          display, TRUE);
  int status = 0;

  g_assert_true (g_file_set_contents (bad, "not a recording\n", -1, NULL));
  envp = g_environ_setenv (envp, "GDK_BACKEND", "x11", TRUE);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { viewer, "--compare",
                               before_path, bad, NULL }, envp, 0, NULL, NULL,
                               NULL, &err, &status, NULL));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_nonnull (strstr (err, bad));
  g_clear_pointer (&err, g_free);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { viewer, "--compare",
                               before_path, NULL }, envp, 0, NULL, NULL,
                               NULL, &err, &status, NULL));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, "--compare"));
}

int
main (int argc, char **argv)
{
  const char *display;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("mls-viewer-compare-XXXXXX", NULL);
  before_path = g_build_filename (tmpdir, "before.mlscope", NULL);
  after_path = g_build_filename (tmpdir, "after.mlscope", NULL);
  write_recording (before_path, TRUE, G_GINT64_CONSTANT (5000000000));
  write_recording (after_path, FALSE, G_GINT64_CONSTANT (9000000000));
  display = mls_test_xvfb_start (tmpdir);
  g_test_add_func ("/viewer/compare/table-rows", test_table_rows);
  g_test_add_func ("/viewer/compare/window", test_window);
  g_test_add_func ("/viewer/compare/choosers", test_choosers);
  g_test_add_data_func ("/viewer/compare/bad-input", display,
                        test_bad_input);
  status = g_test_run ();
  mls_test_xvfb_end ();
  if (status == 0)
    test_tmpdir_remove (tmpdir);
  return status;
}
