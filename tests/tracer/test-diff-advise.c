/*
 * test-diff-advise.c: runs the tests of `mlscope diff` (test-diff.c) and
 * `mlscope advise` (test-advise.c) in one process, so that the recordings
 * they share (mls-test-recordings.c) are made once. Assertions do not
 * abort: a failing check fails its test and the others still run.
 */
#include "mls-test-recordings.h"

void test_diff_add (void);
void test_advise_add (void);

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();
  test_diff_add ();
  test_advise_add ();
  status = g_test_run ();
  mls_test_recordings_clear ();
  return status;
}
