/*
 * report-stats.c: summary statistics over repeated measurements: median
 * (the report's headline figure, robust to the odd slow run), average,
 * minimum, maximum and population standard deviation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The middle value, or the mean of the two middle values; 0 for none. */
double
mlrt_report_median (const double *samples, size_t count)
{
  double *sorted;
  double median;

  if (count == 0)
    return 0.0;
  sorted = malloc (count * sizeof *sorted);
  if (sorted == NULL)
    return samples[0];
  memcpy (sorted, samples, count * sizeof *sorted);
  qsort (sorted, count, sizeof *sorted, compare_doubles);
  if (count % 2 == 1)
    median = sorted[count / 2];
  else
    median = (sorted[count / 2 - 1] + sorted[count / 2]) / 2.0;
  free (sorted);
  return median;
}

void
mlrt_report_stats_compute (MlrtReportStats *stats, const double *samples_us,
                           size_t count)
{
  double sum = 0.0;
  double squares = 0.0;

  memset (stats, 0, sizeof *stats);
  stats->count = count;
  if (count == 0)
    return;
  stats->min_us = samples_us[0];
  stats->max_us = samples_us[0];
  for (size_t i = 0; i < count; i++)
    {
      sum += samples_us[i];
      if (samples_us[i] < stats->min_us)
        stats->min_us = samples_us[i];
      if (samples_us[i] > stats->max_us)
        stats->max_us = samples_us[i];
    }
  stats->avg_us = sum / count;
  /* Two passes: the one-pass formula loses precision when the spread is
   * small next to the mean, which is the usual case for timings. */
  for (size_t i = 0; i < count; i++)
    {
      double d = samples_us[i] - stats->avg_us;
      squares += d * d;
    }
  stats->stddev_us = sqrt (squares / count);
  stats->median_us = mlrt_report_median (samples_us, count);
}
