/*
 * test-viewer-render.c: mlscope-viewer --render-png on known databases,
 * checked pixel by pixel: spans in their lane, colour and place; one
 * sub-track per model; one lane per kind ungrouped; incomplete spans and
 * lost events marked; summaries when zoomed out; bad files refused.
 */
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mls-palette.h"
#include "mls-test-png.h"
#include "mls-test-trace.h"
#include "mls-timeline-draw.h"

#define MS G_GINT64_CONSTANT (1000000)
#define T0 G_GINT64_CONSTANT (1000000000)
/* --width 1236 over 100 ms: 1000 data pixels, 100 us each. */
#define X(ms) ((int) MLS_LABEL_WIDTH + (int) ((ms) * 10))

static char *tmpdir;
static char *known_db;

static cairo_surface_t *
render (const char *name, const char *db, const char *extra1,
        const char *extra2)
{
  g_autofree char *png = g_build_filename (tmpdir, name, NULL);
  const char *args[] = { "--render-png", png, "--width", "1236", "--range",
                         "0:100ms", db, extra1, extra2, NULL };
  g_autofree char *err = NULL;

  /* Options go before the file; GOption accepts them after it too. */
  if (mls_test_run_viewer (args, &err) != 0)
    g_error ("mlscope-viewer failed: %s", err);
  return mls_test_load_png (png);
}

static int
count_exact (cairo_surface_t *s, guint32 rgb, int x0, int x1, int y)
{
  int n = 0;

  for (int x = x0; x < x1; x++)
    n += mls_test_pixel (s, x, y) == rgb;
  return n;
}

static MlsSession *known_session;

/* The lane drawing kind_id of model_id in the known trace's layout, and
 * its top in a rendered image (the pinned tracks above the others). */
static const MlsRow *
lane_of (int kind_id, gint64 model_id, gboolean grouped, gboolean by_model)
{
  MlsError err = { 0 };

  if (!known_session)
    {
      MlsStore *store = mls_store_open (known_db, &err);

      known_session = mls_session_new (store, mls_timeline_new (store, &err));
    }
  g_object_set (known_session, "grouped", grouped, "by-model", by_model,
                NULL);
  return mls_session_find_lane (known_session, kind_id, model_id, -1);
}

static double
top_of (MlsSession *session, const MlsRow *row)
{
  return MLS_RULER_HEIGHT + (row->pinned ? 0 : session->pinned_height)
         + row->y;
}

static void
test_span_in_lane_colour_and_place (void)
{
  cairo_surface_t *s = render ("known.png", known_db, NULL, NULL);
  guint32 pred = mls_palette_kind_rgb (MLS_KIND_PREDICTION);
  guint32 busy = mls_palette_kind_rgb (MLS_KIND_GPU_BUSY);
  int y = mls_test_find_band (s, pred, X (14), X (16), 0);
  int y_busy = mls_test_find_band (s, busy, X (15), X (17), 0);
  const MlsRow *activity = lane_of (MLS_KIND_PREDICTION, -1, TRUE, FALSE);
  const MlsRow *gpu = lane_of (MLS_KIND_GPU_BUSY, -1, TRUE, FALSE);

  g_assert_cmpint (y, >, 0);
  g_assert_nonnull (activity);
  g_assert_cmpstr (activity->label, ==, "Activity");
  g_assert_cmpint (y, >=, top_of (known_session, activity));
  g_assert_cmpint (y, <, top_of (known_session, activity) + activity->height);
  /* The prediction spans [10 ms, 20 ms): x 284 .. 384. */
  g_assert_cmphex (mls_test_pixel (s, X (10) + 1, y), ==, pred);
  g_assert_cmphex (mls_test_pixel (s, X (10) - 2, y), !=, pred);
  g_assert_cmphex (mls_test_pixel (s, X (20) - 3, y), ==, pred);
  g_assert_cmphex (mls_test_pixel (s, X (20) + 2, y), !=, pred);
  g_assert_cmphex (mls_test_pixel (s, X (30), y), !=, pred);

  /* The GPU overlay lies below the runtime track, over [14 ms, 18 ms). */
  g_assert_cmpint (y_busy, >=, top_of (known_session, gpu));
  g_assert_cmpint (y_busy, <, top_of (known_session, gpu) + gpu->height);
  g_assert_cmphex (mls_test_pixel (s, X (14) + 1, y_busy), ==, busy);
  g_assert_cmphex (mls_test_pixel (s, X (14) - 2, y_busy), !=, busy);
  g_assert_cmphex (mls_test_pixel (s, X (12), y_busy), !=, busy);
  cairo_surface_destroy (s);
}

static void
test_per_model_sub_tracks (void)
{
  cairo_surface_t *all = render ("all.png", known_db, NULL, NULL);
  cairo_surface_t *per = render ("per-model.png", known_db, "--by-model",
                                 NULL);
  guint32 pred = mls_palette_kind_rgb (MLS_KIND_PREDICTION);
  int x0 = MLS_LABEL_WIDTH, x1 = X (100);
  int ya, yb;

  g_assert_cmpint (mls_test_count_bands (all, pred, x0, x1), ==, 1);
  g_assert_cmpint (mls_test_count_bands (per, pred, x0, x1), ==, 2);
  /* model-a's prediction in model-a's sub-track, above model-b's. */
  ya = mls_test_find_band (per, pred, X (14), X (16), 0);
  yb = mls_test_find_band (per, pred, X (54), X (56), 0);
  g_assert_cmpint (ya, >, 0);
  g_assert_cmpint (yb, >, ya + (int) MLS_TRACK_HEIGHT);
  g_assert_cmpint (ya, ==, MLS_LANE_PADDING + 1 + top_of (known_session,
                   lane_of (MLS_KIND_PREDICTION, 1, TRUE, TRUE)));
  g_assert_cmpint (yb, ==, MLS_LANE_PADDING + 1 + top_of (known_session,
                   lane_of (MLS_KIND_PREDICTION, 2, TRUE, TRUE)));
  g_assert_cmphex (mls_test_pixel (per, X (15), yb), !=, pred);
  cairo_surface_destroy (all);
  cairo_surface_destroy (per);
}

static void
test_ungrouped_lane_per_kind (void)
{
  static const int kinds[] = {
    MLS_KIND_MODEL_LOAD, MLS_KIND_MODEL_UNLOAD, MLS_KIND_PREDICTION,
    MLS_KIND_INPUT_CONVERSION, MLS_KIND_GPU_COMPUTE,
  };
  cairo_surface_t *grouped = render ("grouped.png", known_db, NULL, NULL);
  cairo_surface_t *s = render ("ungrouped.png", known_db, "--ungrouped",
                               NULL);
  int y[G_N_ELEMENTS (kinds)];
  int x0 = MLS_LABEL_WIDTH, x1 = X (100);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      guint32 rgb = mls_palette_kind_rgb (kinds[i]);

      g_assert_cmpint (mls_test_count_bands (s, rgb, x0, x1), ==, 1);
      y[i] = mls_test_find_band (s, rgb, x0, x1, 0);
      for (guint j = 0; j < i; j++)
        g_assert_cmpint (ABS (y[i] - y[j]), >=, MLS_SUBROW_HEIGHT);
    }
  /* Grouped, loads, unloads and predictions share the Activity lane. */
  g_assert_cmpint (
    mls_test_find_band (grouped, mls_palette_kind_rgb (MLS_KIND_MODEL_LOAD),
                        x0, x1, 0), ==,
    mls_test_find_band (grouped, mls_palette_kind_rgb (MLS_KIND_PREDICTION),
                        x0, x1, 0));
  cairo_surface_destroy (grouped);
  cairo_surface_destroy (s);
}

static void
test_incomplete_and_lost (void)
{
  cairo_surface_t *s = render ("marks.png", known_db, NULL, NULL);
  guint32 pred = mls_palette_kind_rgb (MLS_KIND_PREDICTION);
  int y = mls_test_find_band (s, pred, X (14), X (16), 0) + 2;
  guint32 red = mls_test_pixel (s, X (70), y);

  /* Solid at its start, faded and hatched toward the unseen end, unlike
   * a complete span. */
  g_assert_cmpint (count_exact (s, pred, X (76), X (82), y), >, 0);
  g_assert_cmpint (count_exact (s, pred, X (95) - 16, X (95), y), ==, 0);
  g_assert_cmpint (count_exact (s, pred, X (60) - 16, X (60) - 1, y), ==, 15);
  /* A red line where events were lost, across the lanes. */
  g_assert_cmpint (red >> 16, >, 180);
  g_assert_cmpint ((red >> 8) & 0xff, <, 90);
  g_assert_cmpint (red & 0xff, <, 90);
  cairo_surface_destroy (s);
}

static void
test_highlight_and_dark (void)
{
  cairo_surface_t *s = render ("highlight.png", known_db, "--highlight-kind",
                               "30");
  cairo_surface_t *dark = render ("dark.png", known_db, "--dark", NULL);
  guint32 pred = mls_palette_kind_rgb (MLS_KIND_PREDICTION);
  guint32 busy = mls_palette_kind_rgb (MLS_KIND_GPU_BUSY);
  int y = mls_test_find_band (dark, pred, X (14), X (16), 0);
  guint32 bg = mls_test_pixel (dark, X (40), y);

  g_assert_cmpint (mls_test_count_bands (s, pred, X (0), X (100)), ==, 0);
  g_assert_cmpint (mls_test_count_bands (s, busy, X (0), X (100)), ==, 1);
  g_assert_cmpint ((bg >> 16) + ((bg >> 8) & 0xff) + (bg & 0xff), <, 3 * 80);
  cairo_surface_destroy (s);
  cairo_surface_destroy (dark);
}

/* Draws [start, end); returns the rows drawn from, *steps what reading
 * them cost SQLite (rows scanned and skipped included). */
static gint64
draw_range (MlsSession *vm, cairo_t *cr, gint64 start, gint64 end,
            gint64 *steps)
{
  MlsDrawStyle style;
  gint64 rows;

  mls_draw_style_init (&style, FALSE);
  mls_session_set_visible (vm, start, end);
  mls_timeline_take_vm_steps (vm->timeline);
  rows = mls_draw_view (cr, vm, &style, 1236, 300);
  *steps = mls_timeline_take_vm_steps (vm->timeline);
  cairo_surface_flush (cairo_get_target (cr));
  return rows;
}

static void
test_reads_only_what_it_draws (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "dense.mlscope", NULL);
  const gint64 hour = G_GINT64_CONSTANT (3600000000000);
  MlsError err = { 0 };
  MlsStore *store = mls_store_create (db, &err);
  const int n = 20000;
  MlsTimeline *tl;
  MlsSession *vm;
  cairo_surface_t *s;
  cairo_t *cr;
  gint64 rows, steps;
  int y, marked = 0;

  /* 20 000 spans of 2 us every 5 us (100 ms, 40 % busy), and one that
   * never ended, 500 hours long: it stretches the trace and the kind's
   * longest span far beyond the dense part. */
  mls_test_add_span (store, MLS_KIND_INPUT_CONVERSION, 0, 0, 1, T0,
                     T0 + 500 * hour, FALSE);
  for (int i = 0; i < n; i++)
    mls_test_add_span (store, MLS_KIND_INPUT_CONVERSION, 0, 0, 0,
                       T0 + i * 5000, T0 + i * 5000 + 2000, TRUE);
  g_assert_cmpint (mls_store_finish (store, &err), ==, 0);
  mls_store_close (store);

  store = mls_store_open (db, &err);
  tl = mls_timeline_new (store, &err);
  vm = mls_session_new (store, tl);
  s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1236, 300);
  cr = cairo_create (s);

  /* The dense 100 ms: about one summary bucket a pixel, not the spans. */
  rows = draw_range (vm, cr, T0, T0 + 100 * MS, &steps);
  g_assert_cmpint (rows, >, 0);
  g_assert_cmpint (rows, <, n / 5);
  g_assert_cmpint (steps, <, 40 * n / 5);
  y = (int) (top_of (vm, mls_session_find_lane (
               vm, MLS_KIND_INPUT_CONVERSION, -1, -1)) + 10);
  for (int x = X (1); x < X (99); x++)
    marked += mls_test_pixel (s, x, y) != mls_test_pixel (s, X (1), y - 8);
  g_assert_cmpint (marked, >, (X (99) - X (1)) * 9 / 10);

  /* The whole 500 hours: a handful of rows. */
  rows = draw_range (vm, cr, T0, T0 + 500 * hour, &steps);
  g_assert_cmpint (rows, >, 0);
  g_assert_cmpint (rows, <, 100);
  g_assert_cmpint (steps, <, 40 * 100);

  /* Zoomed in to 100 us: the 20 spans there and the long one over them,
   * not every span since the long one began. */
  rows = draw_range (vm, cr, T0 + 50 * MS, T0 + 50 * MS + 100000, &steps);
  g_assert_cmpint (rows, >=, 21);
  g_assert_cmpint (rows, <=, 23);
  g_assert_cmpint (steps, <, 40 * 100);
  g_assert_cmpint (count_exact (s, mls_palette_kind_rgb (
                     MLS_KIND_INPUT_CONVERSION), X (0), X (100), y), >, 300);
  g_assert_cmpint (count_exact (s, mls_palette_kind_rgb (
                     MLS_KIND_INPUT_CONVERSION), X (0), X (100),
                     y + (int) MLS_SUBROW_HEIGHT), >, 800);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  g_object_unref (vm);
}

static void
test_ruler_labels (void)
{
  static const struct { gint64 off, step, max; const char *text; } cases[] = {
    { 0, 50 * MS, 200 * MS, "0 ms" }, { 50 * MS, 50 * MS, 200 * MS, "50 ms" },
    { 1500 * MS, 500 * MS, 2 * T0, "1500 ms" }, { 2 * T0, T0, 9 * T0, "2 s" },
    { 250000, 50000, 400000, "250 µs" }, { 700, 100, 900, "700 ns" },
    { 100100 * MS, 100 * MS, 101 * T0, "100.1 s" },
    { 0, 100 * MS, 101 * T0, "0.0 s" },
    { 12 * MS + 500000, 500000, 20 * MS, "12.5 ms" },
  };
  MlsError err = { 0 };
  MlsStore *store = mls_store_open (known_db, &err);
  MlsTimeline *tl = mls_timeline_new (store, &err);
  MlsSession *vm = mls_session_new (store, tl);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = mls_format_offset (cases[i].off, cases[i].step,
                                                 cases[i].max);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
  /* 100 ms over 1000 data pixels: ticks every 10 ms (100 px apart). */
  mls_session_set_visible (vm, T0, T0 + 100 * MS);
  g_assert_cmpint (mls_draw_tick_step (vm, 1236), ==, 10 * MS);
  mls_session_set_visible (vm, T0, T0 + 1 * MS);
  g_assert_cmpint (mls_draw_tick_step (vm, 1236), ==, 100000);
  g_object_unref (vm);
}

static void
expect_refused (const char *path, const char *what)
{
  g_autofree char *png = g_build_filename (tmpdir, "refused.png", NULL);
  const char *args[] = { "--render-png", png, path, NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (mls_test_run_viewer (args, &err), ==, 1);
  g_assert_nonnull (strstr (err, path));
  if (what)
    g_assert_nonnull (strstr (err, what));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
}

static void
test_bad_files_refused (void)
{
  g_autofree char *text = g_build_filename (tmpdir, "notes.mlscope", NULL);
  g_autofree char *newer = g_build_filename (tmpdir, "newer.mlscope", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing.mlscope",
                                               NULL);
  g_autofree char *png = g_build_filename (tmpdir, "x.png", NULL);
  const char *bad_range[] = { "--render-png", png, "--range", "9:3",
                              known_db, NULL };
  g_autofree char *err = NULL;
  sqlite3 *db;

  g_assert_true (g_file_set_contents (text, "not a trace\n", -1, NULL));
  mls_test_trace_write_known (newer);
  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  expect_refused (text, NULL);
  expect_refused (newer, "999");
  expect_refused (missing, NULL);
  g_assert_cmpint (mls_test_run_viewer (bad_range, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--range"));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("mls-viewer-render-XXXXXX", NULL);
  known_db = g_build_filename (tmpdir, "known.mlscope", NULL);
  mls_test_trace_write_known (known_db);
  g_test_add_func ("/viewer/render/span-lane-colour-place",
                   test_span_in_lane_colour_and_place);
  g_test_add_func ("/viewer/render/per-model", test_per_model_sub_tracks);
  g_test_add_func ("/viewer/render/ungrouped", test_ungrouped_lane_per_kind);
  g_test_add_func ("/viewer/render/incomplete-and-lost",
                   test_incomplete_and_lost);
  g_test_add_func ("/viewer/render/highlight-and-dark",
                   test_highlight_and_dark);
  g_test_add_func ("/viewer/render/reads-only-what-it-draws",
                   test_reads_only_what_it_draws);
  g_test_add_func ("/viewer/render/bad-files", test_bad_files_refused);
  g_test_add_func ("/viewer/render/ruler-labels", test_ruler_labels);
  status = g_test_run ();
  if (status == 0)
    test_tmpdir_remove (tmpdir);
  return status;
}
