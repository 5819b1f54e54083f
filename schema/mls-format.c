/*
 * mls-format.c: durations in their natural unit, with three significant
 * digits or so (mls-format.h).
 */
#include <stdio.h>

#include "mls-format.h"

char *
mls_format_duration (double ns, char *buf, size_t size)
{
  if (ns < 0 && size > 1)
    {
      buf[0] = '-';
      mls_format_duration (-ns, buf + 1, size - 1);
    }
  else if (ns < 1e3)
    snprintf (buf, size, "%.0f ns", ns);
  else if (ns < 1e6)
    snprintf (buf, size, "%.2f \u00b5s", ns / 1e3);
  else if (ns < 1e9)
    snprintf (buf, size, "%.2f ms", ns / 1e6);
  else
    snprintf (buf, size, "%.3f s", ns / 1e9);
  return buf;
}
