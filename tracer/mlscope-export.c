/* mlscope-export.c: placeholder until the export subcommand lands. */
#include <stdio.h>
#include "mlscope.h"

int
mlscope_export (int argc, char **argv)
{
  fprintf (stderr, "mlscope export: not built yet\n");
  return 2;
}
