/*
 * bench-common.c: see bench-common.h.
 */
#include <sqlite3.h>
#include <stdlib.h>

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

double
bench_clock_ms (clockid_t clock)
{
  struct timespec ts;

  clock_gettime (clock, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
bench_median (double *v, int n)
{
  qsort (v, (size_t) n, sizeof *v, compare_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
