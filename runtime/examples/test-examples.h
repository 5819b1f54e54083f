/*
 * test-examples.h: helpers shared by the example tests (test code only:
 * GLib's test harness; libmlrt and the apps never use GLib).
 */
#ifndef TEST_EXAMPLES_H
#define TEST_EXAMPLES_H

#include <glib.h>

#include "test-tmpdir.h"

typedef struct {
  gboolean exited;          /* FALSE: killed by a signal (a crash) */
  int exit_code;
  char *out;
  char *err;
} TestRun;

/* Runs the program whose path is in environment variable `exe_var` with
 * `args` (NULL-terminated) and MLRT_CACHE_DIR set to `cache_dir` (if not
 * NULL); fails the test if it cannot be started. */
void test_run (const char *exe_var, const char *const *args,
               const char *cache_dir, TestRun *run);
void test_run_clear (TestRun *run);

/* Registers /examples/generator/... (test-models.c). */
void test_models_add (void);
/* Registers /examples/ocr-demo/... (test-ocr-demo.c). */
void test_ocr_demo_add (void);

#endif /* TEST_EXAMPLES_H */
