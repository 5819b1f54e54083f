/*
 * bench-viewer-frame.c: the viewer's frame time on a ten-thousand-span and
 * a ten-million-span trace, zoomed out (whole trace) and zoomed in (20 ms),
 * timed in-process through the drawing code the window and --render-png
 * use. The goal is the same cost for both files: each lane reads only
 * what it draws.
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
#define REPEAT 15

typedef struct {
  double open_ms;
  double out_ms, in_ms;
  gint64 out_rows, in_rows;
  gint64 out_steps, in_steps;
  gint64 spans;
} Result;

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
  const char *argv[] = { gen, path, count, NULL };
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
time_frames (MlsSession *vm, cairo_t *cr, int height, gint64 *rows,
             gint64 *steps)
{
  MlsDrawStyle style;
  double ms[REPEAT];

  mls_draw_style_init (&style, FALSE);
  for (int i = 0; i < REPEAT; i++)
    {
      gint64 t = g_get_monotonic_time ();

      mls_timeline_take_vm_steps (vm->timeline);
      *rows = mls_draw_view (cr, vm, &style, WIDTH, height);
      *steps = mls_timeline_take_vm_steps (vm->timeline);
      cairo_surface_flush (cairo_get_target (cr));
      ms[i] = (g_get_monotonic_time () - t) / 1000.0;
    }
  qsort (ms, REPEAT, sizeof *ms, compare_double);
  return ms[REPEAT / 2];
}

static Result
measure (const char *path)
{
  Result r = { 0 };
  MlsError err = { 0 };
  gint64 t = g_get_monotonic_time (), mid;
  MlsStore *store = mls_store_open (path, &err);
  MlsTimeline *tl;
  MlsSession *vm;
  cairo_surface_t *surface;
  cairo_t *cr;
  int height;

  if (!store || !(tl = mls_timeline_new (store, &err)))
    g_error ("%s", err.message);
  vm = mls_session_new (store, tl);
  mls_session_set_by_model (vm, TRUE);
  r.open_ms = (g_get_monotonic_time () - t) / 1000.0;
  for (size_t i = 0; i < mls_timeline_n_kinds (tl); i++)
    r.spans += mls_timeline_kind (tl, i)->count;

  height = (int) (MLS_RULER_HEIGHT + vm->content_height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, height);
  cr = cairo_create (surface);
  r.out_ms = time_frames (vm, cr, height, &r.out_rows, &r.out_steps);
  /* Where the synthetic apps are busy predicting. */
  mid = vm->trace_start + (vm->trace_end - vm->trace_start) / 10 * 9;
  mls_session_set_visible (vm, mid, mid + 20 * 1000000);
  r.in_ms = time_frames (vm, cr, height, &r.in_rows, &r.in_steps);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_object_unref (vm);
  return r;
}

static void
print_row (const char *name, const Result *r)
{
  g_print ("%-6s %10" G_GINT64_FORMAT " %8.1f %11.2f %8" G_GINT64_FORMAT
           " %9" G_GINT64_FORMAT " %10.2f %6" G_GINT64_FORMAT " %7"
           G_GINT64_FORMAT "\n", name, r->spans, r->open_ms, r->out_ms,
           r->out_rows, r->out_steps, r->in_ms, r->in_rows, r->in_steps);
}

int
main (int argc, char **argv)
{
  g_autofree char *small = NULL, *large = NULL;
  Result rs, rl;

  if (argc != 2)
    {
      g_printerr ("usage: bench-viewer-frame PATH/TO/mls-gen-trace\n");
      return 2;
    }
  small = ensure_trace (argv[1], "viewer-10k.mlscope", 10000);
  large = ensure_trace (argv[1], "viewer-10M.mlscope", 10000000);

  rs = measure (small);
  rl = measure (large);
  g_print ("viewer frame time, %d px wide, per-model view, median of %d "
           "frames\n", WIDTH, REPEAT);
  g_print ("%-6s %10s %8s %11s %8s %9s %10s %6s %7s\n", "trace", "spans",
           "open ms", "out ms", "rows", "sql steps", "in ms", "rows",
           "steps");
  print_row ("10k", &rs);
  print_row ("10M", &rl);
  g_print ("10M / 10k frame time: zoomed out %.2fx, zoomed in %.2fx\n",
           rl.out_ms / rs.out_ms, rl.in_ms / rs.in_ms);
  return 0;
}
