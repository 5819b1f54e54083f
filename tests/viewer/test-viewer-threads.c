/*
 * test-viewer-threads.c: concurrent work drawn honestly, on a real
 * recording: `mlscope record -- detect-demo --threads 4` (LTTng, the
 * runtime, the collector), then --render-png at a zoom where the four
 * threads' predictions overlap. Each prediction thread has its own row;
 * every prediction in view is drawn in its thread's row with a width that
 * matches its duration within a pixel, so none covers another. Shared
 * lanes stack them instead: as many rows as predictions overlap, each
 * prediction still whole.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>

#include "mls-palette.h"
#include "mls-session-private.h"
#include "mls-test-png.h"
#include "mls-test-trace.h"
#include "test-tmpdir.h"

#define WIDTH 1400

static char *tmpdir;
static char *db_path;

static gboolean
record_demo (void)
{
  g_autofree char *mlscope = mls_test_build_path ("tracer/mlscope");
  g_autofree char *demo = mls_test_build_path (
    "runtime/examples/detect-demo");
  const char *argv[] = { mlscope, "record", "-q", "-o", db_path, "--", demo,
                         "--threads", "4", "--frames", "12", NULL };
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error))
    g_error ("%s: %s", mlscope, error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_printerr ("# mlscope record failed: %s\n", err);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  gint64 id, tid, start, end;
} Pred;

/* The complete predictions inside [a, b), and how many overlap another
 * thread's. */
static GArray *
predictions (gint64 a, gint64 b, int *overlapping)
{
  GArray *preds = g_array_new (FALSE, FALSE, sizeof (Pred));
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY,
                                    NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id, tid, start_ns, end_ns,"
    " (SELECT count (*) FROM span o WHERE o.kind_id = 4 AND o.tid != s.tid"
    "  AND o.start_ns < s.end_ns AND o.end_ns > s.start_ns)"
    " FROM span s WHERE kind_id = 4 AND complete AND start_ns >= ?1"
    " AND end_ns <= ?2 ORDER BY start_ns", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  *overlapping = 0;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Pred p = { sqlite3_column_int64 (stmt, 0),
                 sqlite3_column_int64 (stmt, 1),
                 sqlite3_column_int64 (stmt, 2),
                 sqlite3_column_int64 (stmt, 3) };

      *overlapping += sqlite3_column_int (stmt, 4) > 0;
      g_array_append_val (preds, p);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return preds;
}

/* The colour, or it under the ruler's faint grid lines. */
static gboolean
near (guint32 px, guint32 rgb)
{
  for (int shift = 0; shift < 24; shift += 8)
    if (ABS ((int) ((px >> shift) & 0xff) - (int) ((rgb >> shift) & 0xff))
        > 24)
      return FALSE;
  return TRUE;
}

/* The box's darker left edge: no channel lighter than the box's, one at
 * least clearly darker (how much depends on the antialiasing of where the
 * span begins). */
static gboolean
is_edge (guint32 px, guint32 rgb)
{
  gboolean darker = FALSE;

  for (int shift = 0; shift < 24; shift += 8)
    {
      int p = (px >> shift) & 0xff, c = (rgb >> shift) & 0xff;
      if (p > c)
        return FALSE;
      darker |= c - p >= 8;
    }
  return darker;
}

/* How wide the box around x is on row y: from its darker left edge to
 * its last pixel of the box's colour. The next box may start in the very
 * next pixel: its darker edge ends this box's run. */
static int
run_length (cairo_surface_t *s, int x, int y, guint32 rgb, int *start)
{
  int a = x, b = x;

  while (a > 0 && near (mls_test_pixel (s, a - 1, y), rgb))
    a--;
  if (a > 0 && is_edge (mls_test_pixel (s, a - 1, y), rgb))
    a--;
  while (b + 1 < WIDTH && near (mls_test_pixel (s, b + 1, y), rgb))
    b++;
  *start = a;
  return b - a + 1;
}

/* How many boxes look like prediction `p`'s to check_view: its own, and
 * in the shared lane those of other threads' predictions drawn from about
 * the same pixel to about the same end (threads in lockstep start and end
 * together), within the check's tolerances. */
static int
twins (MlsSession *session, GArray *preds, const Pred *p, gboolean shared)
{
  double x0 = mls_session_x_for (session, p->start, WIDTH);
  double x1 = mls_session_x_for (session, p->end, WIDTH);
  int n = 0;

  for (guint i = 0; i < preds->len; i++)
    {
      const Pred *q = &g_array_index (preds, Pred, i);
      if (q == p || (shared
                     && fabs (mls_session_x_for (session, q->start, WIDTH)
                              - x0) < 2
                     && fabs (mls_session_x_for (session, q->end, WIDTH)
                              - x1) < 3))
        n++;
    }
  return n;
}

/* Renders the view, then checks each prediction's box in its row: a
 * prediction at [x0, x1) is drawn from x0 to x1 - 1 (a pixel apart from
 * the next), darker in its first column: as wide as its duration within
 * a pixel. Antialiasing shades the pixels its ends fall in, so the pixels
 * wholly of the box number its width less up to two. */
static void
check_view (MlsSession *session, gboolean shared, GArray *preds)
{
  g_autofree char *png = g_build_filename (tmpdir, shared ? "shared.png"
                                                          : "threads.png",
                                           NULL);
  g_autofree char *range = g_strdup_printf (
    "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT,
    session->view_start - session->trace_start,
    session->view_end - session->trace_start);
  g_autofree char *width = g_strdup_printf ("%d", WIDTH);
  const char *args[] = { "--render-png", png, "--width", width, "--range",
                         range, db_path, shared ? "--shared" : NULL, NULL };
  guint32 rgb = mls_palette_kind_rgb (MLS_KIND_PREDICTION);
  g_autofree char *err = NULL;
  cairo_surface_t *s;
  int found = 0;

  g_assert_cmpint (mls_test_run_viewer (args, &err), ==, 0);
  s = mls_test_load_png (png);
  for (guint i = 0; i < preds->len; i++)
    {
      const Pred *p = &g_array_index (preds, Pred, i);
      const MlsRow *row = mls_session_find_lane (session, MLS_KIND_PREDICTION,
                                                 -1, shared ? 0 : p->tid);
      double x0 = mls_session_x_for (session, p->start, WIDTH);
      double x1 = mls_session_x_for (session, p->end, WIDTH);
      int top = (int) (MLS_RULER_HEIGHT + session->pinned_height + row->y
                       + MLS_LANE_PADDING + 1);
      int hits = 0;

      /* The prediction's own row of its thread, or one of the stacked
       * rows of the shared lane: exactly one holds its box. */
      for (int r = 0; r < row->n_subrows; r++)
        {
          int x = (int) floor (x0) + 2;
          gboolean whole = FALSE;

          /* Some pixel row of the box clear of its label. */
          for (int dy = 0; dy < (int) MLS_SUBROW_HEIGHT - 4 && !whole; dy++)
            {
              int y = top + r * (int) MLS_SUBROW_HEIGHT + dy;
              int start;
              int run = run_length (s, x, y, rgb, &start);

              /* Its box: starting where it starts (a box cut by the
               * view's edge may happen to be as wide), as wide as it
               * lasted. */
              whole = near (mls_test_pixel (s, x, y), rgb)
                      && fabs (start - x0) <= 2
                      && run <= x1 - x0 && run >= x1 - x0 - 1 - 2;
            }
          hits += whole;
        }
      if (hits != twins (session, preds, p, shared))
        g_error ("prediction %" G_GINT64_FORMAT " of thread %" G_GINT64_FORMAT
                 " at x %.1f..%.1f: %d boxes of its width in %s", p->id,
                 p->tid, x0, x1, hits, shared ? "the shared lane"
                                              : "its thread's row");
      found++;
    }
  g_assert_cmpint (found, ==, (int) preds->len);
  cairo_surface_destroy (s);
}

static void
test_threads_and_stacking (void)
{
  MlsError err = { 0 };
  MlsStore *store;
  MlsSession *session;
  GHashTable *rows = g_hash_table_new (NULL, NULL);
  GHashTable *tids = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) preds = NULL;
  gint64 first = 0, last = 0;
  int overlapping;

  if (!record_demo ())
    {
      g_test_skip ("mlscope record could not record here (LTTng)");
      return;
    }
  store = mls_store_open (db_path, &err);
  g_assert_nonnull (store);
  session = mls_session_new (store, mls_timeline_new (store, &err));

  /* From the second prediction's start to the end of the seventh: the
   * four threads predicting at once, whatever this machine's speed. */
  {
    g_autoptr (GArray) all = predictions (0, G_MAXINT64, &overlapping);

    g_assert_cmpuint (all->len, ==, 48);
    first = g_array_index (all, Pred, 1).start - 100000;
    for (guint i = 1; i < 7; i++)
      last = MAX (last, g_array_index (all, Pred, i).end + 100000);
  }
  mls_session_set_visible (session, first, last);
  preds = predictions (session->view_start, session->view_end, &overlapping);
  g_assert_cmpuint (preds->len, >=, 4);
  g_assert_cmpint (overlapping, >=, 2);

  /* Per thread: a prediction row per thread, four in all. */
  for (guint i = 0; i < preds->len; i++)
    {
      gint64 tid = g_array_index (preds, Pred, i).tid;

      g_hash_table_insert (rows, (gpointer) mls_session_find_lane (
        session, MLS_KIND_PREDICTION, -1, tid), GINT_TO_POINTER ((int) tid));
      g_hash_table_add (tids, GINT_TO_POINTER ((int) tid));
    }
  g_assert_cmpuint (g_hash_table_size (tids), >=, 2);
  g_assert_cmpuint (g_hash_table_size (rows), ==, g_hash_table_size (tids));
  {
    int n = 0;

    for (guint i = 0; i < session->rows->len; i++)
      {
        const MlsRow *r = &g_array_index (session->rows, MlsRow, i);

        n += r->type == MLS_ROW_LANE && r->tid > 0 && r->n_kinds > 0
             && r->kinds[0] == MLS_KIND_MODEL_COMPILE
             && mls_session_find_lane (session, MLS_KIND_PREDICTION, -1,
                                       r->tid) == r
             && r->tid != r->pid;
      }
    g_assert_cmpint (n, ==, 4);
  }
  check_view (session, FALSE, preds);

  /* Shared: one lane, its predictions' band as tall as they overlap. */
  mls_session_set_by_thread (session, FALSE);
  g_assert_cmpint (mls_session_find_lane (session, MLS_KIND_PREDICTION, -1,
                                          0)->bands[0].n_rows, >=, 2);
  check_view (session, TRUE, preds);
  g_hash_table_unref (rows);
  g_hash_table_unref (tids);
  g_object_unref (session);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("mls-viewer-threads-XXXXXX", NULL);
  db_path = g_build_filename (tmpdir, "detect4.mlscope", NULL);
  g_test_add_func ("/viewer/threads/rows-and-stacking",
                   test_threads_and_stacking);
  status = g_test_run ();
  if (status == 0)
    test_tmpdir_remove (tmpdir);
  return status;
}
