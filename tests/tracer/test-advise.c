/*
 * test-advise.c: `mlscope advise` on real recordings
 * (mls-test-recordings.c): every rule finds its mistake in a recording
 * that makes it, with figures that add up, and says nothing of a
 * recording of the app done right:
 *
 *   model-reloaded, loads-outweigh-predictions  style-demo reloading every
 *     frame / loading once (and cpu-only, where loads are cheap);
 *   type-conversions  sharpen-demo's Gray8 model fed Float16 data / the
 *     Float16 model with output backings (the advice names the Float16
 *     model and output backings on the first, neither on the second);
 *   outputs-not-backed  sharpen-demo --fp16 without / with backings;
 *   input-copies  mls-predict-app with its input in ordinary memory / in
 *     an MlrtBuffer;
 *   npu-fallback, unit-ping-pong  style-mosaic (transposed convolutions
 *     the NPU cannot run) / style-candy alone, every layer on the NPU;
 *   unbatched-loop  mls-predict-app predicting one by one / as a batch;
 *   incomplete-spans, lost-events  an app killed mid-prediction, a burst
 *     into tiny buffers / a clean recording; these come first.
 */
#include <string.h>

#include "mls-test-recordings.h"

/* A short name for the many lookups below. */
#define get mls_test_json_get

static json_object *
advise_json (const char *path)
{
  return mls_test_mlscope_json ("advise", path, "--format", "json", NULL);
}

static const char *
get_text (json_object *o, const char *key)
{
  return json_object_get_string (get (o, key));
}

static gint64
figure (json_object *finding, const char *name)
{
  return json_object_get_int64 (get (get (finding, "figures"), name));
}

/* The findings of RULE (a new array, or NULL when there is none). */
static GPtrArray *
findings_of (json_object *root, const char *rule)
{
  json_object *all = get (root, "findings");
  GPtrArray *found = g_ptr_array_new ();

  for (size_t i = 0; i < json_object_array_length (all); i++)
    {
      json_object *f = json_object_array_get_idx (all, i);
      if (strcmp (get_text (f, "rule"), rule) == 0)
        g_ptr_array_add (found, f);
    }
  if (found->len == 0)
    {
      g_ptr_array_free (found, TRUE);
      return NULL;
    }
  return found;
}

/* The one finding of RULE in the recording NAME, the test failed when
 * there is none; and the recording FIXED, where there must be none. */
static json_object *
finding_with_and_without (const char *name, const char *fixed,
                          const char *rule, json_object **root)
{
  const char *with = mls_test_recording (name);
  const char *without = mls_test_recording (fixed);
  json_object *clean;
  GPtrArray *found;
  json_object *f = NULL;

  *root = NULL;
  if (!with || !without)
    return NULL;
  clean = advise_json (without);
  found = findings_of (clean, rule);
  if (found)
    g_test_fail_printf ("%s: %s found in %s: %s", rule, rule, fixed,
                        get_text (g_ptr_array_index (found, 0), "what"));
  g_clear_pointer (&found, g_ptr_array_unref);
  json_object_put (clean);
  *root = advise_json (with);
  found = findings_of (*root, rule);
  if (found == NULL)
    g_test_fail_printf ("%s: nothing found in %s", rule, name);
  else
    f = g_ptr_array_index (found, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  return f;
}

/* Every finding says where and gives example spans of the recording. */
static void
assert_placed (json_object *f)
{
  json_object *ids = get (f, "span_ids");

  g_assert_nonnull (get (f, "pid"));
  g_assert_nonnull (get (f, "start_ns"));
  g_assert_cmpint (json_object_get_int64 (get (f, "end_ns")), >=,
                   json_object_get_int64 (get (f, "start_ns")));
  g_assert_cmpint (json_object_array_length (ids), >, 0);
  g_assert_cmpint (json_object_array_length (ids), <=, 5);
}

static void
assert_contains (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_test_fail_printf ("expected '%s' in: %s", part, text);
}

static void
test_reload (void)
{
  json_object *root;
  json_object *f = finding_with_and_without ("style-reload", "style-once",
                                             "model-reloaded", &root);
  if (f == NULL)
    goto out;
  assert_placed (f);
  g_assert_cmpint (figure (f, "loads"), ==, 40);
  g_assert_cmpint (figure (f, "extra"), ==, 35);
  g_assert_cmpint (figure (f, "reloads"), ==, 35);
  g_assert_cmpint (figure (f, "predictions"), ==, 40);
  g_assert_cmpint (figure (f, "extra_ns"), >, 0);
  g_assert_cmpint (json_object_get_int64 (get (f, "cost_ns")), ==,
                   figure (f, "extra_ns"));
  assert_contains (get_text (f, "what"), "5 models were loaded again");
  assert_contains (get_text (f, "fix"), "mlrt_model_load");
out:
  json_object_put (root);
}

static void
test_loads_outweigh (void)
{
  json_object *root;
  /* Each of 5 models loaded, measuring its placement, for one prediction
   * (reloads reuse the placement and cost little: docs/placement.md). */
  json_object *f = finding_with_and_without ("style-first", "style-cpu",
                                             "loads-outweigh-predictions",
                                             &root);
  if (f == NULL)
    goto out;
  assert_placed (f);
  g_assert_cmpint (figure (f, "loads"), ==, 5);
  g_assert_cmpint (figure (f, "load_ns"), >, figure (f, "prediction_ns"));
  assert_contains (get_text (f, "fix"), "MLRT_PLACEMENT_ESTIMATED");
out:
  json_object_put (root);
}

static void
test_conversions (void)
{
  json_object *root;
  json_object *f = finding_with_and_without ("sharpen-gray8",
                                             "sharpen-fp16-backed",
                                             "type-conversions", &root);
  if (f == NULL)
    goto out;
  assert_placed (f);
  g_assert_cmpstr (get_text (f, "model"), ==, "sharpen-gray8");
  g_assert_cmpint (figure (f, "predictions"), ==, 20);
  assert_contains (get_text (f, "what"), "gray16_half to gray8");
  assert_contains (get_text (f, "fix"), "a Float16 model");
  assert_contains (get_text (f, "fix"), "output_backings");
out:
  json_object_put (root);

  /* The fixed app is told of neither. */
  const char *fixed = mls_test_recording ("sharpen-fp16-backed");
  if (fixed == NULL)
    return;
  root = advise_json (fixed);
  json_object *all = get (root, "findings");
  for (size_t i = 0; i < json_object_array_length (all); i++)
    {
      json_object *x = json_object_array_get_idx (all, i);
      g_assert_null (strstr (get_text (x, "fix"), "Float16 model"));
      g_assert_null (strstr (get_text (x, "fix"), "output_backings"));
    }
  json_object_put (root);
}

static void
test_outputs_not_backed (void)
{
  json_object *root;
  json_object *f = finding_with_and_without ("sharpen-fp16",
                                             "sharpen-fp16-backed",
                                             "outputs-not-backed", &root);
  if (f == NULL)
    goto out;
  assert_placed (f);
  g_assert_cmpint (figure (f, "predictions"), ==, 20);
  g_assert_cmpint (figure (f, "copies"), ==, 20);
  g_assert_cmpint (figure (f, "bytes"), ==, 256 * 256 * 2);
  g_assert_cmpstr (get_text (get (f, "figures"), "outputs"), ==,
                   "sharpened");
  assert_contains (get_text (f, "fix"), "MlrtPredictOptions.output_backings");
out:
  json_object_put (root);
}

static void
test_input_copies (void)
{
  json_object *root;
  json_object *f = finding_with_and_without ("app-plain", "app-shared",
                                             "input-copies", &root);
  if (f == NULL)
    goto out;
  assert_placed (f);
  g_assert_cmpint (figure (f, "predictions"), ==, 16);
  g_assert_cmpint (figure (f, "copies"), ==, 16);
  g_assert_cmpstr (get_text (get (f, "figures"), "units"), ==, "NPU");
  assert_contains (get_text (f, "fix"), "MlrtValue.buffer");
out:
  json_object_put (root);
}

static void
test_npu_fallback (void)
{
  json_object *root;
  json_object *f = finding_with_and_without ("style-deconv", "style-candy",
                                             "npu-fallback", &root);
  if (f == NULL)
    goto out;
  assert_placed (f);
  g_assert_cmpstr (get_text (f, "model"), ==, "style-mosaic");
  g_assert_cmpint (figure (f, "layers"), ==, 2);
  g_assert_cmpint (figure (f, "pure_segments"), ==, 2);
  g_assert_cmpint (json_object_get_int64 (get (f, "cost_ns")), >, 0);
  assert_contains (get_text (f, "what"), "dec1_deconv");
  assert_contains (get_text (f, "fix"), "unsupported_reason");
out:
  json_object_put (root);
}

static void
test_ping_pong (void)
{
  json_object *root;
  json_object *f = finding_with_and_without ("style-deconv", "style-candy",
                                             "unit-ping-pong", &root);
  if (f == NULL)
    goto out;
  assert_placed (f);
  g_assert_cmpstr (get_text (f, "model"), ==, "style-mosaic");
  /* Frames 4..7 of 8 are style-mosaic's, each NPU > CPU > NPU > CPU > NPU. */
  g_assert_cmpint (figure (f, "affected"), ==, 4);
  g_assert_cmpint (figure (f, "switches"), ==, 4);
  g_assert_cmpstr (get_text (get (f, "figures"), "sequence"), ==,
                   "NPU > CPU > NPU > CPU > NPU");
out:
  json_object_put (root);
}

static void
test_unbatched (void)
{
  json_object *root;
  json_object *f = finding_with_and_without ("app-shared", "app-batch",
                                             "unbatched-loop", &root);
  if (f == NULL)
    goto out;
  assert_placed (f);
  g_assert_cmpint (figure (f, "in_loops"), ==, 16);
  g_assert_cmpint (figure (f, "longest"), ==, 16);
  assert_contains (get_text (f, "fix"), "mlrt_model_predict_batch");
out:
  json_object_put (root);
}

/* What makes a recording unreliable is found, and said first. */
static void
test_unreliable (void)
{
  json_object *root;
  json_object *f = finding_with_and_without ("emitter-killed", "style-cpu",
                                             "incomplete-spans", &root);
  if (f == NULL)
    goto out;
  g_assert_cmpstr (get_text (get (f, "figures"), "reason"), ==,
                   "process_died");
  g_assert_cmpint (figure (f, "spans"), ==, 2);
  assert_contains (get_text (f, "what"), "killed by signal 9");
  g_assert_true (json_object_array_get_idx (get (root, "findings"), 0) == f);
out:
  json_object_put (root);

  f = finding_with_and_without ("emitter-lost", "style-cpu", "lost-events",
                                &root);
  if (f == NULL)
    goto lost_out;
  g_assert_cmpint (figure (f, "events"), >, 0);
  g_assert_true (json_object_array_get_idx (get (root, "findings"), 0) == f);
  assert_contains (get_text (f, "fix"), "--subbuf-size");
lost_out:
  json_object_put (root);
}

static void
test_cli (void)
{
  const char *path = mls_test_recording ("style-reload");
  MlsRun *run = mls_test_mlscope_run ("advise", "--list", NULL);
  char **lines = g_strsplit (run->out, "\n", -1);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (lines[0], "lost-events "));
  g_assert_true (g_str_has_prefix (lines[1], "incomplete-spans "));
  g_assert_cmpuint (g_strv_length (lines), >=, 10);
  g_strfreev (lines);
  mls_test_run_free (run);
  if (path == NULL)
    return;

  /* --rule runs only that rule; the table says what, where, why, fix. */
  run = mls_test_mlscope_run ("advise", path, "--rule", "model-reloaded",
                              NULL);
  g_assert_cmpint (run->status, ==, 0);
  assert_contains (run->out, "1 rules run, 1 finding");
  assert_contains (run->out, "1. model-reloaded:");
  assert_contains (run->out, "where:");
  assert_contains (run->out, "cost:");
  assert_contains (run->out, "why:");
  assert_contains (run->out, "fix:");
  g_assert_null (strstr (run->out, "loads-outweigh"));
  mls_test_run_free (run);

  run = mls_test_mlscope_run ("advise", path, "--rule", "no-such-rule", NULL);
  g_assert_cmpint (run->status, ==, 2);
  assert_contains (run->err, "no rule named 'no-such-rule'");
  mls_test_run_free (run);
  run = mls_test_mlscope_run ("advise", "/nonexistent.mlscope", NULL);
  g_assert_cmpint (run->status, ==, 1);
  assert_contains (run->err, "/nonexistent.mlscope");
  mls_test_run_free (run);
  run = mls_test_mlscope_run ("advise", path, "--format", "csv", NULL);
  g_assert_cmpint (run->status, ==, 2);
  mls_test_run_free (run);
}

void
test_advise_add (void)
{
  g_test_add_func ("/advise/model-reloaded", test_reload);
  g_test_add_func ("/advise/loads-outweigh-predictions", test_loads_outweigh);
  g_test_add_func ("/advise/type-conversions", test_conversions);
  g_test_add_func ("/advise/outputs-not-backed", test_outputs_not_backed);
  g_test_add_func ("/advise/input-copies", test_input_copies);
  g_test_add_func ("/advise/npu-fallback", test_npu_fallback);
  g_test_add_func ("/advise/unit-ping-pong", test_ping_pong);
  g_test_add_func ("/advise/unbatched-loop", test_unbatched);
  g_test_add_func ("/advise/unreliable-first", test_unreliable);
  g_test_add_func ("/advise/cli", test_cli);
}
