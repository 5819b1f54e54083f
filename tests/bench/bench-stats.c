/*
 * bench-stats.c: the helpers of bench-stats.h.
 */
#include <stdlib.h>
#include <string.h>

#include "bench-stats.h"

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
bench_median (const double *v, int n)
{
  double *copy = malloc (sizeof *copy * (size_t) n);
  memcpy (copy, v, sizeof *copy * (size_t) n);
  qsort (copy, (size_t) n, sizeof *copy, compare_double);
  double m = n % 2 ? copy[n / 2] : (copy[n / 2 - 1] + copy[n / 2]) / 2;
  free (copy);
  return m;
}
