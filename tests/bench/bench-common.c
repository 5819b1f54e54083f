/*
 * bench-common.c: see bench-common.h.
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "bench-common.h"

gint64
bench_meta_int (const char *db_path, const char *key)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st;
  gint64 v = -1;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?", -1,
                             &st, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (st) == SQLITE_ROW)
        v = sqlite3_column_int64 (st, 0);
      sqlite3_finalize (st);
    }
  sqlite3_close (db);
  return v;
}

gboolean
bench_nothing_lost (const char *db_path)
{
  gint64 events = bench_meta_int (db_path, "lost_events");
  gint64 packets = bench_meta_int (db_path, "lost_packets");

  if (events == 0 && packets == 0)
    return TRUE;
  g_print ("LTTng discarded %" G_GINT64_FORMAT " events and %" G_GINT64_FORMAT
           " packets while recording (%s): the trace is not the one the "
           "benchmark asked for, so it prints no figures; run it again on a "
           "quieter machine or with larger sub-buffers\n", events, packets,
           db_path);
  return FALSE;
}

static double
children_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_CHILDREN, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* RUSAGE_CHILDREN counts the children waited for: g_spawn_sync waits for
 * the one it runs, so the difference is that command's CPU time. */
BenchTime
bench_run (const char *const *argv, char **err_out)
{
  GError *error = NULL;
  char *err = NULL;
  int status;
  double cpu0 = children_cpu_s ();
  gint64 t0 = g_get_monotonic_time ();
  BenchTime time;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                     NULL, NULL, &err, &status, &error))
    g_error ("%s: %s", argv[0], error->message);
  time.wall_s = (g_get_monotonic_time () - t0) / 1e6;
  time.cpu_s = children_cpu_s () - cpu0;
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  if (err_out)
    *err_out = err;
  else
    g_free (err);
  return time;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
bench_median (double *values, int n)
{
  qsort (values, n, sizeof *values, compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
bench_runs (int fallback)
{
  const char *env = g_getenv ("MLSCOPE_BENCH_RUNS");
  int runs = env ? atoi (env) : 0;

  return runs > 0 ? runs : fallback;
}

gint64
bench_path_bytes (const char *path)
{
  GStatBuf st;
  GDir *dir;
  const char *name;
  gint64 total = 0;

  if (g_lstat (path, &st) != 0)
    return 0;
  if (!S_ISDIR (st.st_mode))
    return st.st_size;
  dir = g_dir_open (path, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      char *child = g_build_filename (path, name, NULL);
      total += bench_path_bytes (child);
      g_free (child);
    }
  if (dir)
    g_dir_close (dir);
  return total;
}

char *
bench_build_path (const char *relative)
{
  const char *root = g_getenv ("MLSCOPE_BUILD_ROOT");

  if (root == NULL)
    g_error ("MLSCOPE_BUILD_ROOT is not set (run through meson test "
             "--benchmark)");
  return g_build_filename (root, relative, NULL);
}
