/*
 * test-viewer-find.c: getting from the table and from advise to spans.
 * Jumping from a table row (its kind, and model when grouped by model)
 * selects the longest, next or previous of its spans among the threads
 * shown and brings it into view; the advise findings read by the session
 * are the store's engine's, drawn as markers on the ruler where their
 * ranges are, and showing one selects its range and zooms to it.
 */
#include <glib/gstdio.h>

#include "mls-finding-item.h"
#include "mls-palette.h"
#include "mls-session-private.h"
#include "mls-test-trace.h"
#include "mls-timeline-draw.h"

#define MS G_GINT64_CONSTANT (1000000)
#define T0 G_GINT64_CONSTANT (1000000000)
#define WIDTH 1236

static char *path;

static MlsSession *
new_session (void)
{
  g_autoptr (GError) error = NULL;
  MlsSession *s = mls_session_open (path, &error);

  g_assert_no_error (error);
  return s;
}

static gint64
selected_start (MlsSession *s)
{
  MlsSpanDetails d;
  gint64 start;

  g_assert_cmpint (mls_timeline_span_details (s->timeline, s->selected_span,
                                              &d, NULL), ==, 0);
  start = d.start_ns;
  mls_span_details_clear (&d);
  return start;
}

static gint64
model_id (MlsSession *s, const char *name)
{
  for (size_t i = 0; i < mls_timeline_n_models (s->timeline); i++)
    if (g_str_equal (mls_timeline_model (s->timeline, i)->name, name))
      return mls_timeline_model (s->timeline, i)->id;
  g_assert_not_reached ();
}

static void
test_jump (void)
{
  MlsSession *s = new_session ();

  /* No row selected: nowhere to jump. */
  g_assert_false (mls_session_jump (s, MLS_FIND_NEXT));
  g_assert_cmpint (s->selected_span, ==, 0);

  /* Predictions of every model, from the view's left edge. */
  mls_session_set_highlight (s, MLS_KIND_PREDICTION, -1);
  g_assert_true (mls_session_jump (s, MLS_FIND_NEXT));
  g_assert_cmpint (selected_start (s), ==, T0 + 10 * MS);
  g_assert_true (mls_session_jump (s, MLS_FIND_NEXT));
  g_assert_cmpint (selected_start (s), ==, T0 + 50 * MS);
  g_assert_true (mls_session_jump (s, MLS_FIND_PREVIOUS));
  g_assert_cmpint (selected_start (s), ==, T0 + 10 * MS);
  g_assert_false (mls_session_jump (s, MLS_FIND_PREVIOUS));

  /* Zoomed in elsewhere, the next one is brought into view, the zoom
   * kept. */
  mls_session_set_visible (s, T0 + 22 * MS, T0 + 42 * MS);
  mls_session_set_selected_span (s, 0);
  g_assert_true (mls_session_jump (s, MLS_FIND_NEXT));
  g_assert_cmpint (selected_start (s), ==, T0 + 50 * MS);
  g_assert_cmpint (s->view_end - s->view_start, ==, 20 * MS);
  g_assert_cmpint (s->view_start, ==, T0 + 45 * MS);
  /* One wider than the view fills it instead. */
  mls_session_set_visible (s, T0 + 22 * MS, T0 + 24 * MS);
  mls_session_set_selected_span (s, 0);
  g_assert_true (mls_session_jump (s, MLS_FIND_NEXT));
  g_assert_cmpint (s->view_start, <=, T0 + 50 * MS);
  g_assert_cmpint (s->view_end, >=, T0 + 60 * MS);

  /* Grouped by model, only that model's: model-a has one prediction. */
  mls_session_set_highlight (s, MLS_KIND_PREDICTION, model_id (s, "model-a"));
  mls_session_zoom_to_fit (s);
  mls_session_set_selected_span (s, 0);
  g_assert_true (mls_session_jump (s, MLS_FIND_LONGEST));
  g_assert_cmpint (selected_start (s), ==, T0 + 10 * MS);
  g_assert_false (mls_session_jump (s, MLS_FIND_NEXT));

  /* The longest of model-b's complete predictions in a dragged range. */
  mls_session_set_highlight (s, MLS_KIND_PREDICTION, model_id (s, "model-b"));
  mls_session_select_range (s, T0 + 40 * MS, T0 + 65 * MS);
  g_assert_true (mls_session_jump (s, MLS_FIND_LONGEST));
  g_assert_cmpint (selected_start (s), ==, T0 + 50 * MS);

  /* Hidden threads are not searched. */
  mls_session_hide_processes (s, (const char *const[]) { "4242", NULL });
  mls_session_set_selected_span (s, 0);
  g_assert_false (mls_session_jump (s, MLS_FIND_LONGEST));
  g_object_unref (s);
}

/* Columns of the ruler's top rows in the findings' colour. */
static int
marker_columns (cairo_surface_t *surface, int x0, int x1)
{
  /* Through void *: cairo's rows of RGB24 are 32-bit aligned. */
  const void *data = cairo_image_surface_get_data (surface);
  const guint32 *px = data;
  int stride = cairo_image_surface_get_stride (surface) / 4, n = 0;

  for (int x = x0; x < x1; x++)
    n += (px[1 * stride + x] & 0xffffff) == MLS_FINDING_RGB;
  return n;
}

static cairo_surface_t *
render (MlsSession *s)
{
  cairo_surface_t *surface =
    cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, 200);
  cairo_t *cr = cairo_create (surface);
  MlsDrawStyle style;

  mls_draw_style_init (&style, FALSE);
  mls_draw_view (cr, s, &style, WIDTH, 200);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
test_findings (void)
{
  MlsSession *s = new_session ();
  GListModel *findings = mls_session_get_findings (s);
  g_autoptr (MlsFindingItem) lost = NULL;
  cairo_surface_t *before, *after;
  gint64 start, end;
  double x70;

  /* Nothing drawn before the rules have run. */
  mls_session_set_visible (s, T0, T0 + 100 * MS);
  before = render (s);
  g_assert_cmpint (marker_columns (before, MLS_LABEL_WIDTH, WIDTH), ==, 0);

  mls_session_load_findings_sync (s);
  g_assert_cmpuint (g_list_model_get_n_items (findings), >=, 2);
  /* What makes the recording unreliable comes first: the lost events,
   * over the range they were lost in. */
  lost = g_list_model_get_item (findings, 0);
  {
    g_autofree char *rule = NULL;
    g_object_get (lost, "rule", &rule, NULL);
    g_assert_cmpstr (rule, ==, "lost-events");
  }
  g_assert_true (mls_finding_item_get_range (lost, &start, &end));
  g_assert_cmpint (start, <=, T0 + 70 * MS);
  g_assert_cmpint (end, >=, T0 + 71 * MS);
  g_assert_nonnull (strstr (mls_finding_item_get_what (lost), "12"));

  /* A marker at the lost events' place on the ruler. */
  after = render (s);
  x70 = mls_session_x_for (s, T0 + 70 * MS, WIDTH);
  g_assert_cmpint (marker_columns (after, (int) x70, (int) x70 + 4), >, 0);

  /* Showing it selects its range and fills the view with it. */
  g_assert_true (mls_session_show_finding (s, lost));
  g_assert_true (s->has_selection);
  g_assert_cmpint (s->sel_start, ==, start);
  g_assert_cmpint (s->sel_end, ==, end);
  g_assert_cmpint (s->view_start, <=, start);
  g_assert_cmpint (s->view_end, >=, end);
  g_assert_cmpint (s->view_end - s->view_start, <, (end - start) * 2);

  cairo_surface_destroy (before);
  cairo_surface_destroy (after);
  g_object_unref (s);
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = g_dir_make_tmp ("mls-viewer-find-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "known.mlscope", NULL);
  int status;

  g_test_init (&argc, &argv, NULL);
  path = db;
  mls_test_trace_write_known (path);
  g_test_add_func ("/viewer/find/jump", test_jump);
  g_test_add_func ("/viewer/find/findings", test_findings);
  status = g_test_run ();
  g_unlink (path);
  g_rmdir (dir);
  return status;
}
