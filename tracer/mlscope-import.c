/* mlscope-import.c: placeholder until the import subcommand lands. */
#include <stdio.h>
#include "mlscope.h"

int
mlscope_import (int argc, char **argv)
{
  fprintf (stderr, "mlscope import: not built yet\n");
  return 2;
}
