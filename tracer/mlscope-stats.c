/* mlscope-stats.c: placeholder until the stats subcommand lands. */
#include <stdio.h>
#include "mlscope.h"

int
mlscope_stats (int argc, char **argv)
{
  fprintf (stderr, "mlscope stats: not built yet\n");
  return 2;
}
