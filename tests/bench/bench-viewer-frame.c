/*
 * bench-viewer-frame.c: the viewer's frame time on a ten-thousand-span and
 * a ten-million-span trace of two processes of 8 threads each, at every
 * zoom from the whole trace to 1 ms, with a row per thread and with lanes
 * shared by the threads, timed in-process through the drawing code the
 * window and --render-png use, for a window-sized view (ruler, the pinned
 * GPU / NPU tracks, and as many runtime tracks as fit). The goal: under
 * 16 ms a frame on the big file at every zoom, about what the small one
 * costs, because each lane reads only what it draws.
 *
 * The traces come from mls-gen-trace (a recording-like synthetic trace),
 * written once into the build directory and reused: ten million spans
 * take minutes to write.
 */
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "mls-store.h"
#include "mls-timeline-draw.h"

#define WIDTH 1600
#define HEIGHT 800
#define REPEAT 9
#define THREADS "8"

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The trace of `spans` spans in the bench directory, written once by
 * mls-gen-trace (argv[1]) and reused. */
static char *
ensure_trace (const char *gen, const char *name, gint64 spans)
{
  const char *dir = g_getenv ("MLSCOPE_BENCH_DIR");
  char *path = g_build_filename (dir ? dir : ".", name, NULL);
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, spans);
  const char *argv[] = { gen, "--threads", THREADS, path, count, NULL };
  g_autoptr (GError) error = NULL;
  MlsError err = { 0 };
  MlsStore *store;
  int status;

  store = mls_store_open (path, &err);
  if (store)
    {
      mls_store_close (store);
      return path;
    }
  g_printerr ("bench-viewer-frame: writing %s (once)\n", path);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", gen, error->message);
  return path;
}

/* Median milliseconds of drawing the view, and the rows it read. */
static double
time_frames (MlsSession *session, cairo_t *cr, gint64 *rows, gint64 *steps)
{
  MlsDrawStyle style;
  double ms[REPEAT];

  mls_draw_style_init (&style, FALSE);
  for (int i = 0; i < REPEAT; i++)
    {
      gint64 t = g_get_monotonic_time ();

      mls_timeline_take_vm_steps (mls_session_get_timeline (session));
      *rows = mls_draw_view (cr, session, &style, WIDTH, HEIGHT);
      *steps = mls_timeline_take_vm_steps (mls_session_get_timeline (session));
      cairo_surface_flush (cairo_get_target (cr));
      ms[i] = (g_get_monotonic_time () - t) / 1000.0;
    }
  qsort (ms, REPEAT, sizeof *ms, compare_double);
  return ms[REPEAT / 2];
}

/* Every zoom, per thread and shared; returns the slowest median. */
static double
measure (const char *name, const char *path)
{
  static const struct { const char *label; gint64 ns; } zooms[] = {
    { "whole", 0 }, { "1 s", 1000000000 }, { "100 ms", 100000000 },
    { "20 ms", 20000000 }, { "1 ms", 1000000 },
  };
  MlsError err = { 0 };
  gint64 t = g_get_monotonic_time (), spans = 0;
  MlsStore *store = mls_store_open (path, &err);
  MlsTimeline *tl;
  MlsSession *session;
  cairo_surface_t *surface;
  cairo_t *cr;
  double open_ms, worst = 0;

  if (!store || !(tl = mls_timeline_new (store, &err)))
    g_error ("%s", err.message);
  session = mls_session_new (store, tl);
  open_ms = (g_get_monotonic_time () - t) / 1000.0;
  for (size_t i = 0; i < mls_timeline_n_kinds (tl); i++)
    spans += mls_timeline_kind (tl, i)->count;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
  cr = cairo_create (surface);
  g_print ("%s: %" G_GINT64_FORMAT " spans, %zu threads, opened in %.1f ms\n",
           name, spans, mls_timeline_n_threads (tl), open_ms);
  for (int by_thread = 1; by_thread >= 0; by_thread--)
    {
      gint64 start, end, mid;

      mls_session_set_by_thread (session, by_thread);
      mls_session_get_trace_range (session, &start, &end);
      /* Where the synthetic apps are busy predicting. */
      mid = start + (end - start) / 10 * 9;
      for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
        {
          gint64 rows, steps;
          double ms;

          if (zooms[z].ns)
            mls_session_set_visible (session, mid, mid + zooms[z].ns);
          else
            mls_session_zoom_to_fit (session);
          ms = time_frames (session, cr, &rows, &steps);
          worst = MAX (worst, ms);
          g_print ("  %-10s %-7s %8.2f ms %8" G_GINT64_FORMAT " rows %9"
                   G_GINT64_FORMAT " sql steps\n",
                   by_thread ? "per thread" : "shared", zooms[z].label, ms,
                   rows, steps);
        }
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_object_unref (session);
  return worst;
}

int
main (int argc, char **argv)
{
  g_autofree char *small = NULL, *large = NULL;
  double ws, wl;

  if (argc != 2)
    {
      g_printerr ("usage: bench-viewer-frame PATH/TO/mls-gen-trace\n");
      return 2;
    }
  small = ensure_trace (argv[1], "viewer-10k-8t.mlscope", 10000);
  large = ensure_trace (argv[1], "viewer-10M-8t.mlscope", 10000000);
  g_print ("viewer frame time, %dx%d px, median of %d frames\n", WIDTH,
           HEIGHT, REPEAT);
  ws = measure ("10k", small);
  wl = measure ("10M", large);
  g_print ("slowest frame: 10k %.2f ms, 10M %.2f ms (%.2fx)%s\n", ws, wl,
           wl / ws, wl < 16 ? ", under 16 ms" : ", OVER 16 ms");
  return 0;
}
