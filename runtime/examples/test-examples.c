/*
 * test-examples.c: runs the example apps as a user would (small frame
 * counts, each with a fresh compile cache) and checks that they succeed,
 * report what they did, and refuse bad options with a message. The
 * generator's tests are in test-models.c.
 */
#include "test-examples.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void
test_run (const char *exe_var, const char *const *args, const char *cache_dir,
          TestRun *run)
{
  const char *exe = g_getenv (exe_var);
  GError *error = NULL;
  int status = 0;

  if (!exe)
    g_error ("$%s is not set: run the tests with meson test", exe_var);
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) exe);
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  char **envp = g_get_environ ();
  if (cache_dir)
    envp = g_environ_setenv (envp, "MLRT_CACHE_DIR", cache_dir, TRUE);

  memset (run, 0, sizeof *run);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT,
                     NULL, NULL, &run->out, &run->err, &status, &error))
    g_error ("cannot run %s: %s", exe, error->message);
  run->exited = WIFEXITED (status);
  run->exit_code = run->exited ? WEXITSTATUS (status) : -1;
  g_test_message ("%s exited %d\nstdout: %s\nstderr: %s", exe,
                  run->exit_code, run->out, run->err);
  g_strfreev (envp);
  g_ptr_array_free (argv, TRUE);
}

void
test_run_clear (TestRun *run)
{
  g_free (run->out);
  g_free (run->err);
  memset (run, 0, sizeof *run);
}

/* Runs an app that must succeed and print `expect` in its summary. */
static void
run_ok (const char *exe_var, const char *const *args, const char *expect)
{
  char *cache = test_tmpdir_new ("mlrt-examples");
  TestRun run;
  test_run (exe_var, args, cache, &run);
  g_assert_true (run.exited);
  g_assert_cmpint (run.exit_code, ==, 0);
  g_assert_nonnull (strstr (run.out, expect));
  test_run_clear (&run);
  test_tmpdir_remove (cache);
  g_free (cache);
}

static void
test_style_demo (void)
{
  const char *kept[] = { "--styles", "2", "--frames", "4",
                         "--compute-units", "cpu-only", NULL };
  run_ok ("STYLE_DEMO", kept,
          "stylised 4 frames with 2 style model(s) on compute units "
          "cpu-only, loading each model once; 2 model load(s)");
  const char *reload[] = { "--styles", "3", "--frames", "3",
                           "--reload-every-frame", NULL };
  run_ok ("STYLE_DEMO", reload, "3 model load(s)");
}

/* The "mean output intensity" style-demo printed for `args`. */
static char *
style_mean (const char *const *args, const char *cache)
{
  TestRun run;
  test_run ("STYLE_DEMO", args, cache, &run);
  g_assert_cmpint (run.exit_code, ==, 0);
  const char *at = strstr (run.out, "mean output intensity ");
  g_assert_nonnull (at);
  char *mean = g_strndup (at + strlen ("mean output intensity "), 5);
  test_run_clear (&run);
  return mean;
}

/* --async N stylises the same frames into the same images. */
static void
test_style_demo_async (void)
{
  const char *sync[] = { "--styles", "2", "--frames", "6",
                         "--compute-units", "cpu-and-npu", NULL };
  const char *async[] = { "--styles", "2", "--frames", "6", "--async", "3",
                          "--compute-units", "cpu-and-npu", NULL };
  /* One cache: the second run reuses the plan the first measured, as a
   * plan measured again on a busy machine may put other layers on the
   * NPU (float16) and so round differently. */
  char *cache = test_tmpdir_new ("mlrt-examples");
  char *want = style_mean (sync, cache);
  char *got = style_mean (async, cache);
  g_assert_cmpstr (got, ==, want);
  test_tmpdir_remove (cache);
  g_free (cache);
  run_ok ("STYLE_DEMO", async, "cpu-and-npu, loading each model once, 3 "
          "predictions in flight; 2 model load(s)");
  const char *reload[] = { "--styles", "2", "--frames", "3", "--async", "2",
                           "--reload-every-frame", NULL };
  run_ok ("STYLE_DEMO", reload, "reloading the model for every frame, 2 "
          "predictions in flight; 3 model load(s)");
  g_free (got);
  g_free (want);
}

static void
test_sharpen_gray8 (void)
{
  const char *args[] = { "--frames", "2", "--check", NULL };
  run_ok ("SHARPEN_DEMO", args, "check: passed");
}

static void
test_sharpen_fp16 (void)
{
  const char *args[] = { "--frames", "2", "--fp16", "--output-backing",
                         "--check", NULL };
  run_ok ("SHARPEN_DEMO", args, "check: passed");
}

static void
test_detect_demo (void)
{
  const char *args[] = { "--threads", "3", "--frames", "2", NULL };
  run_ok ("DETECT_DEMO", args, "classified 6 frames, 2 per thread");
  /* the class counts add up to the frames: read them back */
  char *cache = test_tmpdir_new ("mlrt-examples");
  TestRun run;
  test_run ("DETECT_DEMO", args, cache, &run);
  const char *counts = strstr (run.out, "class counts:");
  g_assert_nonnull (counts);
  char **words = g_strsplit_set (counts + strlen ("class counts:"), " ,\n",
                                 -1);
  int total = 0, labels = 0;
  for (int i = 0; words[i]; i++)
    if (g_ascii_isdigit (words[i][0]))
      {
        total += atoi (words[i]);
        labels++;
      }
  g_assert_cmpint (labels, ==, 10);
  g_assert_cmpint (total, ==, 6);
  g_strfreev (words);
  test_run_clear (&run);
  test_tmpdir_remove (cache);
  g_free (cache);
}

/* `args` must fail cleanly (no crash) with `expect` on stderr. */
static void
run_bad (const char *exe_var, const char *const *args, const char *expect)
{
  TestRun run;
  test_run (exe_var, args, NULL, &run);
  g_assert_true (run.exited);
  g_assert_cmpint (run.exit_code, !=, 0);
  g_assert_nonnull (strstr (run.err, expect));
  test_run_clear (&run);
}

static void
test_options (void)
{
  static const char *const apps[] = { "STYLE_DEMO", "SHARPEN_DEMO",
                                      "DETECT_DEMO", "OCR_DEMO",
                                      "MLRT_GEN_MODELS" };
  for (guint i = 0; i < G_N_ELEMENTS (apps); i++)
    {
      const char *help[] = { "--help", NULL };
      TestRun run;
      test_run (apps[i], help, NULL, &run);
      g_assert_cmpint (run.exit_code, ==, 0);
      g_assert_true (g_str_has_prefix (run.out, "Usage: "));
      test_run_clear (&run);
      const char *bogus[] = { "--bogus", NULL };
      run_bad (apps[i], bogus, "bogus");
      if (strcmp (apps[i], "MLRT_GEN_MODELS") == 0)
        continue;               /* it has no frames, units or models dir */
      const char *zero[] = { "--frames", "0", NULL };
      run_bad (apps[i], zero, "--frames expects a whole number >= 1");
      const char *word[] = { "--frames", "ten", NULL };
      run_bad (apps[i], word, "not 'ten'");
      const char *units[] = { "--compute-units", "warp", NULL };
      run_bad (apps[i], units, "--compute-units");
      const char *dir[] = { "--models-dir", "/nonexistent/mlrt-models",
                            NULL };
      run_bad (apps[i], dir, "/nonexistent/mlrt-models");
    }
  const char *styles[] = { "--styles", "99", NULL };
  run_bad ("STYLE_DEMO", styles, "style model package");
  const char *async[] = { "--async", "0", NULL };
  run_bad ("STYLE_DEMO", async, "--async expects a whole number >= 1");
  const char *key[] = { "--key", "/nonexistent/app.mlrtkey", NULL };
  run_bad ("STYLE_DEMO", key, "--key: /nonexistent/app.mlrtkey: cannot "
           "open");
  const char *threads[] = { "--threads", "-2", NULL };
  run_bad ("DETECT_DEMO", threads, "--threads");
  const char *no_ocr[] = { "--models-dir", "/", NULL };
  run_bad ("OCR_DEMO", no_ocr, "convert PaddleOCR's models");
  const char *extra[] = { "stray", NULL };
  run_bad ("SHARPEN_DEMO", extra, "unexpected argument 'stray'");
  const char *gen[] = { NULL };
  run_bad ("MLRT_GEN_MODELS", gen, "OUTDIR");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_models_add ();
  test_ocr_demo_add ();
  g_test_add_func ("/examples/style-demo/runs", test_style_demo);
  g_test_add_func ("/examples/style-demo/async", test_style_demo_async);
  g_test_add_func ("/examples/sharpen-demo/gray8-check", test_sharpen_gray8);
  g_test_add_func ("/examples/sharpen-demo/fp16-backing-check",
                   test_sharpen_fp16);
  g_test_add_func ("/examples/detect-demo/threads", test_detect_demo);
  g_test_add_func ("/examples/options", test_options);
  return g_test_run ();
}
