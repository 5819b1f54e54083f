/*
 * mlscope-parse.c: reading what people type on mlscope's command lines:
 * durations with their units (mlscope-parse.h).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib.h>

#include "mlscope-parse.h"

/* "1.5s", "20ms", "300us", "300µs", "42ns" or "42" (ns) -> ns. */
int
mls_parse_duration (const char *text, int64_t *ns)
{
  static const struct { const char *suffix; double scale; } units[] = {
    { "ns", 1 }, { "us", 1e3 }, { "\u00b5s", 1e3 }, { "ms", 1e6 },
    { "s", 1e9 }, { "", 1 },
  };
  char *end = NULL;
  double value;

  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (end == text || errno != 0 || value < 0 || !isfinite (value))
    return -1;
  for (size_t i = 0; i < G_N_ELEMENTS (units); i++)
    if (strcmp (end, units[i].suffix) == 0)
      {
        *ns = (int64_t) llround (value * units[i].scale);
        return 0;
      }
  return -1;
}
