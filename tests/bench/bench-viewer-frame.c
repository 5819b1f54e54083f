/*
 * bench-viewer-frame.c: the viewer's frame time on a ten-thousand-span and
 * a ten-million-span trace of two processes of 8 threads each, at every
 * zoom from the whole trace to 1 ms, with a row per thread and with lanes
 * shared by the threads, timed in-process through the drawing code the
 * window and --render-png use, for a window-sized view (ruler, the pinned
 * GPU / NPU tracks, and as many runtime tracks as fit), the two traces'
 * frames interleaved, wall and CPU time. The goal: under
 * 16 ms a frame on the big file at every zoom, about what the small one
 * costs, because each lane reads only what it draws.
 *
 * The traces come from mls-gen-trace (a recording-like synthetic trace),
 * written once into the build directory and reused: ten million spans
 * take minutes to write.
 */
#include <cairo.h>
#include <glib.h>
#include <time.h>
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

typedef struct {
  const char *name;
  MlsSession *session;
  cairo_surface_t *surface;
  cairo_t *cr;
  double wall[REPEAT], cpu[REPEAT];
  gint64 rows, steps;
} Side;

static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One frame of side's view, its wall and CPU milliseconds kept at i. */
static void
time_frame (Side *side, int i)
{
  MlsTimeline *tl = mls_session_get_timeline (side->session);
  MlsDrawStyle style;
  gint64 t = g_get_monotonic_time ();
  double c = cpu_ms ();

  mls_draw_style_init (&style, FALSE);
  mls_timeline_take_vm_steps (tl);
  side->rows = mls_draw_view (side->cr, side->session, &style, WIDTH, HEIGHT);
  side->steps = mls_timeline_take_vm_steps (tl);
  cairo_surface_flush (side->surface);
  side->wall[i] = (g_get_monotonic_time () - t) / 1000.0;
  side->cpu[i] = cpu_ms () - c;
}

static double
median (double *ms)
{
  qsort (ms, REPEAT, sizeof *ms, compare_double);
  return ms[REPEAT / 2];
}

static void
side_open (Side *side, const char *name, const char *path)
{
  MlsError err = { 0 };
  gint64 t = g_get_monotonic_time (), spans = 0;
  MlsStore *store = mls_store_open (path, &err);
  MlsTimeline *tl;

  if (!store || !(tl = mls_timeline_new (store, &err)))
    g_error ("%s", err.message);
  side->name = name;
  side->session = mls_session_new (store, tl);
  for (size_t i = 0; i < mls_timeline_n_kinds (tl); i++)
    spans += mls_timeline_kind (tl, i)->count;
  side->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH,
                                              HEIGHT);
  side->cr = cairo_create (side->surface);
  g_print ("%s: %" G_GINT64_FORMAT " spans, %zu threads, opened in %.1f ms\n",
           name, spans, mls_timeline_n_threads (tl),
           (g_get_monotonic_time () - t) / 1000.0);
}

static void
side_close (Side *side)
{
  cairo_destroy (side->cr);
  cairo_surface_destroy (side->surface);
  g_object_unref (side->session);
}

/* Shows side at the zoom: the whole trace (ns 0) or ns from where the
 * synthetic apps are busy predicting. */
static void
side_zoom (Side *side, gboolean by_thread, gint64 ns)
{
  gint64 start, end, mid;

  mls_session_set_by_thread (side->session, by_thread);
  mls_session_get_trace_range (side->session, &start, &end);
  mid = start + (end - start) / 10 * 9;
  if (ns)
    mls_session_set_visible (side->session, mid, mid + ns);
  else
    mls_session_zoom_to_fit (side->session);
}

/* Every zoom, per thread and shared, the two traces' frames interleaved
 * (one of each in turn) so that the machine's load weighs on both alike;
 * the slowest medians in worst[]. */
static void
measure (Side sides[2], double worst[2])
{
  static const struct { const char *label; gint64 ns; } zooms[] = {
    { "whole", 0 }, { "1 s", 1000000000 }, { "100 ms", 100000000 },
    { "20 ms", 20000000 }, { "1 ms", 1000000 },
  };
  const char *side = "wall     cpu rows  sql steps";

  g_print ("%-17s 10k: %29s 10M: %29s %7s\n", "ms, rows, steps", side,
           side, "10M/10k");
  for (int by_thread = 1; by_thread >= 0; by_thread--)
    for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
      {
        double wall[2], cpu[2];

        for (int k = 0; k < 2; k++)
          side_zoom (&sides[k], by_thread, zooms[z].ns);
        for (int i = 0; i < REPEAT; i++)
          for (int k = 0; k < 2; k++)
            time_frame (&sides[k], i);
        for (int k = 0; k < 2; k++)
          {
            wall[k] = median (sides[k].wall);
            cpu[k] = median (sides[k].cpu);
            worst[k] = MAX (worst[k], wall[k]);
          }
        g_print ("%-10s %-6s %9.2f %7.2f %4" G_GINT64_FORMAT " %10"
                 G_GINT64_FORMAT " %9.2f %7.2f %4" G_GINT64_FORMAT " %10"
                 G_GINT64_FORMAT " %6.2fx\n",
                 by_thread ? "per thread" : "shared", zooms[z].label,
                 wall[0], cpu[0], sides[0].rows, sides[0].steps, wall[1],
                 cpu[1], sides[1].rows, sides[1].steps, wall[1] / wall[0]);
      }
}

int
main (int argc, char **argv)
{
  g_autofree char *small = NULL, *large = NULL;
  Side sides[2] = { 0 };
  double worst[2] = { 0, 0 };

  if (argc != 2)
    {
      g_printerr ("usage: bench-viewer-frame PATH/TO/mls-gen-trace\n");
      return 2;
    }
  small = ensure_trace (argv[1], "viewer-10k-8t.mlscope", 10000);
  large = ensure_trace (argv[1], "viewer-10M-8t.mlscope", 10000000);
  g_print ("viewer frame time, %dx%d px, median of %d frames, wall and "
           "CPU time\n", WIDTH, HEIGHT, REPEAT);
  side_open (&sides[0], "10k", small);
  side_open (&sides[1], "10M", large);
  measure (sides, worst);
  g_print ("slowest frame: 10k %.2f ms, 10M %.2f ms (%.2fx)%s\n", worst[0],
           worst[1], worst[1] / worst[0],
           worst[0] < 16 && worst[1] < 16 ? ", under 16 ms"
                                          : ", OVER 16 ms");
  side_close (&sides[0]);
  side_close (&sides[1]);
  return 0;
}
