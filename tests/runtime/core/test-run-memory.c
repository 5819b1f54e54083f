/*
 * test-run-memory.c: the buffers a model's predictions give back
 * (run-memory.c): kept under the size they were asked for and handed out
 * again only for that size, never past the limit, and plain malloc / free
 * without a keeper.
 */
#include <glib.h>
#include <string.h>

#include "mlrt-internal.h"

static void
test_exact_size (void)
{
  MlrtRunMemory *rm = mlrt_run_memory_new ();
  char *a = mlrt_run_memory_take (rm, 4096);
  char *b;

  g_assert_nonnull (a);
  memset (a, 1, 4096);
  mlrt_run_memory_give (rm, a, 4096, 1 << 20);
  /* another size gets a buffer of its own */
  b = mlrt_run_memory_take (rm, 8192);
  g_assert_true (b != a);
  memset (b, 2, 8192);
  /* the size given back gets the very buffer, as it was left */
  g_assert_true (mlrt_run_memory_take (rm, 4096) == a);
  g_assert_cmpint (a[4095], ==, 1);
  mlrt_run_memory_give (rm, a, 4096, 1 << 20);
  mlrt_run_memory_give (rm, b, 8192, 1 << 20);
  mlrt_run_memory_free (rm);
}

static void
test_limit (void)
{
  MlrtRunMemory *rm = mlrt_run_memory_new ();
  char *a = mlrt_run_memory_take (rm, 4096);
  char *b = mlrt_run_memory_take (rm, 4096);
  char *c;

  mlrt_run_memory_give (rm, a, 4096, 6000);
  /* over the limit: b is freed, not kept, so one 4096 remains */
  mlrt_run_memory_give (rm, b, 4096, 6000);
  g_assert_true (mlrt_run_memory_take (rm, 4096) == a);
  c = mlrt_run_memory_take (rm, 4096);
  g_assert_nonnull (c);
  mlrt_run_memory_give (rm, a, 4096, 6000);
  mlrt_run_memory_give (rm, c, 4096, 6000);
  mlrt_run_memory_free (rm);
}

static void
test_no_keeper (void)
{
  char *a = mlrt_run_memory_take (NULL, 100);

  g_assert_nonnull (a);
  memset (a, 0, 100);
  mlrt_run_memory_give (NULL, a, 100, 1 << 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/run-memory/exact-size", test_exact_size);
  g_test_add_func ("/core/run-memory/limit", test_limit);
  g_test_add_func ("/core/run-memory/no-keeper", test_no_keeper);
  return g_test_run ();
}
