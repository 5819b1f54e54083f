/*
 * test-ocr-demo.c: ocr-demo run as a user would, on PaddleOCR's models
 * converted for the run (tests/common/test-ocr-models.c): its self-check
 * (lines found, their boxes, which way up, what they say) passes on every
 * compute-units setting, one by one, batched and with frames in parallel,
 * reloading or not, each finding and reading the same; a recogniser whose
 * character list has two letters swapped reads wrong and fails it; a
 * detector that is no detector is refused, naming the output.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test-examples.h"
#include "test-ocr-models.h"

/* Runs ocr-demo on the models in `dir` with `args`; it must exit with
 * `exit_code`, pass its check (fail it, exit_code 1) and print `expect`.
 * Returns its stdout. */
static char *
run_ocr_exit (const char *dir, const char *const *args, const char *expect,
              int exit_code)
{
  char *cache = test_tmpdir_new ("mlrt-examples");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  TestRun run;

  g_ptr_array_add (argv, "--models-dir");
  g_ptr_array_add (argv, (char *) dir);
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  test_run ("OCR_DEMO", (const char *const *) argv->pdata, cache, &run);
  g_assert_true (run.exited);
  g_test_message ("%s", run.out);
  g_assert_cmpint (run.exit_code, ==, exit_code);
  g_assert_nonnull (strstr (run.out, exit_code ? "check: FAILED"
                                               : "check: passed"));
  g_assert_nonnull (strstr (run.out, expect));
  char *out = g_steal_pointer (&run.out);
  test_run_clear (&run);
  test_tmpdir_remove (cache);
  g_free (cache);
  return out;
}

static char *
run_ocr (const char *dir, const char *const *args, const char *expect)
{
  return run_ocr_exit (dir, args, expect, 0);
}

/* The "found N of N lines ..." line of ocr-demo's output. */
static char *
found_line (const char *out)
{
  const char *at = strstr (out, "found ");
  g_assert_nonnull (at);
  return g_strndup (at, strcspn (at, "\n"));
}

static void
test_units (void)
{
  static const char *const units[] = { "cpu-only", "cpu-and-gpu",
                                       "cpu-and-npu", "all" };
  g_autofree char *dir = test_ocr_models_dir ();
  g_autofree char *want = NULL;

  if (!dir)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      const char *args[] = { "--frames", "2", "--compute-units", units[i],
                             NULL };
      g_autofree char *expect = g_strdup_printf ("on compute units %s, one "
                                                 "prediction per line per "
                                                 "model", units[i]);
      g_autofree char *out = run_ocr (dir, args, expect);
      g_autofree char *found = found_line (out);
      /* every unit finds and reads the same lines of the same frames */
      if (want)
        g_assert_cmpstr (found, ==, want);
      else
        want = g_steal_pointer (&found);
    }
  test_tmpdir_remove (dir);
}

static void
test_batch_threads (void)
{
  g_autofree char *dir = test_ocr_models_dir ();
  const char *one[] = { "--frames", "4", "--compute-units", "cpu-only",
                        NULL };
  const char *batch[] = { "--frames", "4", "--compute-units", "cpu-only",
                          "--batch", "--threads", "2", NULL };

  if (!dir)
    return;
  g_autofree char *out_one = run_ocr (dir, one, "1 thread(s)");
  g_autofree char *out_batch = run_ocr (dir, batch, "one batch prediction "
                                        "of a frame's lines per model, 2 "
                                        "thread(s)");
  g_autofree char *found_one = found_line (out_one);
  g_autofree char *found_batch = found_line (out_batch);
  g_assert_cmpstr (found_batch, ==, found_one);
  /* one prediction of each line model per frame batched, per line one by
   * one */
  g_assert_nonnull (strstr (out_batch, "classifier: 4 predictions for"));
  g_assert_nonnull (strstr (out_batch, "recogniser: 4 predictions for"));
  int lines = 0;
  g_assert_cmpint (sscanf (found_one, "found %d of", &lines), ==, 1);
  g_autofree char *per_line = g_strdup_printf ("classifier: %d predictions "
                                               "for %d lines", lines, lines);
  g_autofree char *read_line = g_strdup_printf ("recogniser: %d predictions "
                                                "for %d lines", lines, lines);
  g_assert_nonnull (strstr (out_one, per_line));
  g_assert_nonnull (strstr (out_one, read_line));
  test_tmpdir_remove (dir);
}

static void
test_reload (void)
{
  g_autofree char *dir = test_ocr_models_dir ();
  const char *args[] = { "--frames", "2", "--compute-units", "cpu-only",
                         "--reload-every-frame", NULL };

  if (!dir)
    return;
  g_free (run_ocr (dir, args, "reloading the models for every frame; 6 "
                   "model load(s)"));
  /* a classifier in the detector's place is refused, its output named */
  g_autofree char *det = g_build_filename (dir, "ocr-det.mlpackage", NULL);
  g_autofree char *cls = g_build_filename (dir, "ocr-cls.mlpackage", NULL);
  g_autofree char *moved = g_build_filename (dir, "det.mlpackage", NULL);
  g_assert_cmpint (rename (det, moved), ==, 0);
  g_assert_cmpint (symlink (cls, det), ==, 0);
  const char *wrong[] = { "--models-dir", dir, "--frames", "1", NULL };
  TestRun run;
  test_run ("OCR_DEMO", wrong, NULL, &run);
  g_assert_true (run.exited);
  g_assert_cmpint (run.exit_code, ==, 1);
  g_assert_nonnull (strstr (run.err, "the detector model"));
  g_assert_nonnull (strstr (run.err, "output 'softmax_0.tmp_0' holds 2 "
                            "values, not "));
  test_run_clear (&run);
  test_tmpdir_remove (dir);
}

/* A character list with 'a' and 'e' swapped: the recogniser's classes
 * then name the wrong letters, and the readings fail the check. */
static void
test_misread (void)
{
  g_autofree char *dir = test_ocr_models_dir ();
  g_autofree char *keys_path = NULL, *keys = NULL;
  const char *args[] = { "--frames", "2", "--compute-units", "cpu-only",
                         NULL };

  if (!dir)
    return;
  keys_path = g_build_filename (dir, "ocr-keys.txt", NULL);
  g_assert_true (g_file_get_contents (keys_path, &keys, NULL, NULL));
  g_auto (GStrv) list = g_strsplit (keys, "\n", -1);
  int a = -1, e = -1;
  for (int i = 0; list[i]; i++)
    {
      a = strcmp (list[i], "a") == 0 ? i : a;
      e = strcmp (list[i], "e") == 0 ? i : e;
    }
  g_assert_cmpint (a, >=, 0);
  g_assert_cmpint (e, >=, 0);
  list[a][0] = 'e';
  list[e][0] = 'a';
  g_autofree char *swapped = g_strjoinv ("\n", list);
  g_assert_true (g_file_set_contents (keys_path, swapped, -1, NULL));
  g_autofree char *out = run_ocr_exit (dir, args, "the right way up", 1);
  /* the boxes and directions are still right: the reading fails it */
  g_autofree char *found = found_line (out);
  int lines = 0, drawn = 0, up = 0, of = 0;
  g_assert_cmpint (sscanf (found, "found %d of %d lines (0 spurious boxes), "
                           "%d of %d", &lines, &drawn, &up, &of), ==, 4);
  g_assert_cmpint (lines, ==, drawn);
  g_assert_cmpint (up, ==, lines);
  g_assert_nonnull (strstr (out, "' read as '"));
  test_tmpdir_remove (dir);
}

void
test_ocr_demo_add (void)
{
  g_test_add_func ("/examples/ocr-demo/units", test_units);
  g_test_add_func ("/examples/ocr-demo/batch-threads", test_batch_threads);
  g_test_add_func ("/examples/ocr-demo/reload", test_reload);
  g_test_add_func ("/examples/ocr-demo/misread", test_misread);
}
