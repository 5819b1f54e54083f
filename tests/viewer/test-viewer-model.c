/*
 * test-viewer-model.c: the view model behind zoom, pan and layout: zooming
 * keeps the time under the pointer in place, panning and zooming stay
 * within the trace, fit shows it all, and the layout has the lanes the
 * options ask for (and a track per host in a fleet's recording).
 */
#include <glib/gstdio.h>
#include <math.h>

#include "mls-test-trace.h"
#include "mls-session-private.h"

#define MS G_GINT64_CONSTANT (1000000)
#define T0 G_GINT64_CONSTANT (1000000000)
#define WIDTH 1236.0

static char *path;

static MlsSession *
new_session (void)
{
  MlsError err = { 0 };
  MlsStore *store = mls_store_open (path, &err);

  g_assert_nonnull (store);
  return mls_session_new (store, mls_timeline_new (store, &err));
}

static void
test_zoom_keeps_anchor (void)
{
  MlsSession *vm = new_session ();
  gint64 anchor;
  double x;

  mls_session_set_visible (vm, T0, T0 + 100 * MS);
  x = mls_session_x_for (vm, T0 + 30 * MS, WIDTH);
  g_assert_cmpfloat (fabs (x - (MLS_LABEL_WIDTH + 300)), <, 0.01);
  anchor = mls_session_time_at (vm, x, WIDTH);
  g_assert_cmpint (ABS (anchor - (T0 + 30 * MS)), <=, 1);

  mls_session_zoom (vm, 4.0, anchor);
  g_assert_cmpint (vm->view_end - vm->view_start, ==, 25 * MS);
  g_assert_cmpfloat (fabs (mls_session_x_for (vm, anchor, WIDTH) - x), <,
                     0.5);
  mls_session_zoom (vm, 0.25, anchor);
  g_assert_cmpint (ABS (vm->view_end - vm->view_start - 100 * MS), <=, 2);
  g_object_unref (vm);
}

static void
test_pan_and_limits (void)
{
  MlsSession *vm = new_session ();
  gint64 len;

  mls_session_set_visible (vm, T0 + 10 * MS, T0 + 20 * MS);
  mls_session_pan (vm, 5 * MS);
  g_assert_cmpint (vm->view_start, ==, T0 + 15 * MS);
  g_assert_cmpint (vm->view_end, ==, T0 + 25 * MS);
  /* Panning far past the end stops a margin after it, same length. */
  mls_session_pan (vm, 1000 * MS);
  g_assert_cmpint (vm->view_end - vm->view_start, ==, 10 * MS);
  g_assert_cmpint (vm->view_end, <=, vm->trace_end + 6 * MS);
  /* Zooming out past the whole trace shows the whole trace, no more. */
  mls_session_zoom (vm, 0.001, vm->view_start);
  len = vm->view_end - vm->view_start;
  g_assert_cmpint (len, <=, (vm->trace_end - vm->trace_start) * 12 / 10);
  g_assert_cmpint (vm->view_start, <=, vm->trace_start);
  g_assert_cmpint (vm->view_end, >=, vm->trace_end);
  /* Zooming in stops at 100 ns on screen. */
  mls_session_zoom (vm, 1e9, vm->trace_start + 50 * MS);
  g_assert_cmpint (vm->view_end - vm->view_start, >=, 100);
  mls_session_zoom_to_fit (vm);
  g_assert_cmpint (vm->view_start, <, vm->trace_start);
  g_assert_cmpint (vm->view_end, >, vm->trace_end);
  g_object_unref (vm);
}

static int
count_lanes (MlsSession *vm, gint64 model_id)
{
  int n = 0;

  for (guint i = 0; i < vm->rows->len; i++)
    {
      const MlsRow *row = &g_array_index (vm->rows, MlsRow, i);
      n += row->type == MLS_ROW_LANE && row->model_id == model_id;
    }
  return n;
}

static void
test_layout (void)
{
  MlsSession *vm = new_session ();
  const MlsRow *gpu;

  /* By thread (the default): the one thread's lanes in its process's
   * group, each its thread's row. */
  g_assert_true (mls_session_get_by_thread (vm));
  g_assert_cmpint (mls_session_find_lane (vm, MLS_KIND_PREDICTION, -1,
                                          -1)->tid, ==, 4242);
  /* Shared: Activity, Data, Compute, and the GPU and NPU overlays pinned
   * above them. */
  mls_session_set_by_thread (vm, FALSE);
  g_assert_cmpint (count_lanes (vm, -1), ==, 5);
  gpu = mls_session_find_lane (vm, MLS_KIND_GPU_BUSY, -1, -1);
  g_assert_cmpstr (gpu->label, ==, "GPU Busy");
  g_assert_true (gpu->pinned);
  g_assert_false (mls_session_find_lane (vm, MLS_KIND_PREDICTION, -1,
                                         -1)->pinned);
  /* Ungrouped: one lane per runtime kind present (load, compile,
   * prediction, input conversion, GPU compute request), then the
   * overlays. */
  mls_session_set_grouped (vm, FALSE);
  g_assert_cmpint (count_lanes (vm, -1), ==, 5 + 2);
  /* Per model: three runtime lanes for each of the two models. */
  mls_session_set_grouped (vm, TRUE);
  mls_session_set_by_model (vm, TRUE);
  g_assert_cmpint (count_lanes (vm, 1), ==, 3);
  g_assert_cmpint (count_lanes (vm, 2), ==, 3);
  g_assert_null (mls_session_find_lane (vm, MLS_KIND_PREDICTION, -1, -1));
  g_assert_cmpfloat (vm->content_height, >, 0);
  /* Nested spans get a row under their parents: a load's compile. */
  g_assert_cmpint (mls_session_find_lane (vm, MLS_KIND_MODEL_LOAD, 1,
                                          -1)->n_subrows, ==, 2);
  g_object_unref (vm);
}

/* Two hosts, a process on each: a track per host, its process's group
 * after it, in the order the hosts' processes come. */
static void
test_hosts (void)
{
  g_autofree char *dir = g_dir_make_tmp ("mls-hosts-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "hosts.mlscope", NULL);
  static const char *const want[] = { "Host north", "app-1  pid 100",
                                      "Host south", "app-2  pid 200" };
  MlsError err = { 0 };
  MlsStore *w = mls_store_create (db, &err);
  MlsSession *vm;
  guint found = 0;

  for (int h = 0; h < 2; h++)
    {
      gint64 pid = 100 * (h + 1);
      g_autofree char *name = g_strdup_printf ("app-%d", h + 1);
      MlsSpan span = { .kind_id = MLS_KIND_PREDICTION, .pid = pid,
                       .tid = pid, .start_ns = T0 + h * MS,
                       .end_ns = T0 + (h + 1) * MS, .complete = 1 };
      gint64 host = mls_store_intern_host (w, h ? "south" : "north", 0, 0,
                                           &err);

      g_assert_cmpint (host, >, 0);
      g_assert_cmpint (mls_store_intern_process (w, pid, name, &err), >, 0);
      g_assert_cmpint (mls_store_set_process_host (w, pid, host, &err), ==,
                       0);
      g_assert_cmpint (mls_store_add_span (w, &span, &err), >, 0);
    }
  g_assert_cmpint (mls_store_finish (w, &err), ==, 0);
  mls_store_close (w);
  w = mls_store_open (db, &err);
  g_assert_nonnull (w);
  vm = mls_session_new (w, mls_timeline_new (w, &err));
  for (guint i = 0; i < vm->rows->len && found < G_N_ELEMENTS (want); i++)
    {
      const MlsRow *row = &g_array_index (vm->rows, MlsRow, i);
      if (row->type == MLS_ROW_TRACK && g_strcmp0 (row->label, want[found])
                                        == 0)
        found++;
    }
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (want));
  g_object_unref (vm);
  g_unlink (db);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = g_dir_make_tmp ("mls-viewer-model-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "model.mlscope", NULL);
  MlsError err = { 0 };
  MlsStore *w;
  gint64 a, b, load;
  int status;

  g_test_init (&argc, &argv, NULL);
  path = db;
  w = mls_store_create (path, &err);
  a = mls_store_intern_model (w, "model-a", &err);
  b = mls_store_intern_model (w, "model-b", &err);
  load = mls_test_add_span (w, MLS_KIND_MODEL_LOAD, a, 0, 0, T0,
                            T0 + 8 * MS, TRUE);
  mls_test_add_span (w, MLS_KIND_MODEL_COMPILE, a, load, 1, T0 + MS,
                     T0 + 5 * MS, TRUE);
  mls_test_add_span (w, MLS_KIND_PREDICTION, a, 0, 0, T0 + 10 * MS,
                     T0 + 20 * MS, TRUE);
  mls_test_add_span (w, MLS_KIND_INPUT_CONVERSION, b, 0, 1, T0 + 30 * MS,
                     T0 + 32 * MS, TRUE);
  mls_test_add_span (w, MLS_KIND_GPU_COMPUTE, b, 0, 1, T0 + 40 * MS,
                     T0 + 50 * MS, TRUE);
  mls_test_add_span (w, MLS_KIND_GPU_BUSY, b, 0, 2, T0 + 41 * MS,
                     T0 + 100 * MS, TRUE);
  g_assert_cmpint (mls_store_finish (w, &err), ==, 0);
  mls_store_close (w);

  g_test_add_func ("/viewer/model/zoom-keeps-anchor", test_zoom_keeps_anchor);
  g_test_add_func ("/viewer/model/pan-and-limits", test_pan_and_limits);
  g_test_add_func ("/viewer/model/layout", test_layout);
  g_test_add_func ("/viewer/model/hosts", test_hosts);
  status = g_test_run ();
  g_unlink (path);
  g_rmdir (dir);
  return status;
}
