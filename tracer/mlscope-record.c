/* mlscope-record.c: placeholder until the record subcommand lands. */
#include <stdio.h>
#include "mlscope.h"

int
mlscope_record (int argc, char **argv)
{
  fprintf (stderr, "mlscope record: not built yet\n");
  return 2;
}
