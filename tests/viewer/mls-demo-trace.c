/*
 * mls-demo-trace.c: writes a demo trace database (mls-test-trace.h) for
 * screenshots and benchmarks: mls-demo-trace OUT.mlscope FRAMES [damaged].
 */
#include <stdlib.h>

#include "mls-test-trace.h"

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  if (argc < 3)
    {
      g_printerr ("usage: mls-demo-trace OUT.mlscope FRAMES [damaged]\n");
      return 2;
    }
  if (!mls_test_trace_write_demo (argv[1], g_ascii_strtoll (argv[2], NULL, 10),
                                  argc > 3, &error))
    {
      g_printerr ("mls-demo-trace: %s\n", error->message);
      return 1;
    }
  return 0;
}
