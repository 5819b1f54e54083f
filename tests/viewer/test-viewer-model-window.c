/*
 * test-viewer-model-window.c: the model window, for real, under its own
 * Xvfb: `mlscope-viewer detector.mlpackage` (an example model the build
 * writes) shows in its General and Predictions tabs what `mlrt-info
 * --format json` says of the model; Alt+3, the compute units set to CPU
 * Only and a click on Run measure it with mlrt-report, and the layer
 * table then holds the report's layers, each marked as run on the CPU;
 * clicking the GPU and CPU column headers filters the layers to that
 * unit; Cancel ends a report that runs; a directory that is no model is
 * named in the window and on stderr; two saved reports compared show
 * mlrt-report's comparison and sort by a click on a header; the Report
 * menu's choosers, from the keyboard, open a saved report, save the one
 * shown under a typed name and compare it with a saved one. The window's own account of what
 * it shows (MLSCOPE_VIEWER_STATE, mls-model-state.h) is read back; the
 * input is real X input through xdotool.
 */
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <unistd.h>

#include "mls-test-png.h"
#include "mls-test-trace.h"
#include "mls-test-x.h"
#include "test-tmpdir.h"

/* The filled check of a layer that ran (mls-unit-mark.h). */
#define RAN_RGB 0x3584e4

static char *tmpdir;
static char *state_path;
static char *model_path;
static char *viewer_tmp;      /* the viewers' TMPDIR */

/* The tool's JSON for the model (argv NULL-terminated after the tool). */
static json_object *
run_json (const char *tool, const char *const *args)
{
  g_autofree char *program = mls_test_build_path (tool);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  json_object *o;
  int status = 0;

  g_ptr_array_add (argv, program);
  for (int i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL,
                               NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  o = json_tokener_parse (out);
  g_assert_nonnull (o);
  return o;
}

static const char *
jstr (json_object *o, const char *key)
{
  json_object *v;

  g_assert_true (json_object_object_get_ex (o, key, &v));
  return json_object_get_string (v);
}

static json_object *
jget (json_object *o, const char *key)
{
  json_object *v;

  g_assert_true (json_object_object_get_ex (o, key, &v));
  return v;
}

/* The state file's value for key ("Performance: layers"), or NULL. */
static char *
state_value (const char *key)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autofree char *prefix = g_strconcat (key, " = ", NULL);

  if (!g_file_get_contents (state_path, &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i] + strlen (prefix));
  return NULL;
}

/* Waits (up to seconds) for key to have value; fails naming both. */
static void
wait_state (const char *key, const char *value, int seconds)
{
  g_autofree char *got = NULL;

  for (int i = 0; i < seconds * 10; i++)
    {
      g_free (got);
      got = state_value (key);
      if (g_strcmp0 (got, value) == 0)
        return;
      g_usleep (100000);
    }
  g_test_message ("%s: wanted '%s', the window shows '%s'", key, value,
                  got ? got : "(nothing)");
  g_assert_cmpstr (got, ==, value);
}

static void
assert_state (const char *key, const char *value)
{
  g_autofree char *got = state_value (key);

  g_assert_cmpstr (got, ==, value);
}

/* A click in the middle of a part the window placed ("bounds NAME"). */
static void
click_part (const char *name, int *x0, int *y0, int *w, int *h)
{
  g_autofree char *key = g_strconcat ("bounds ", name, NULL);
  g_autofree char *value = state_value (key);
  g_autofree char *args = NULL;
  int x, y, bw, bh;

  g_assert_nonnull (value);
  g_assert_cmpint (sscanf (value, "%d %d %d %d", &x, &y, &bw, &bh), ==, 4);
  args = g_strdup_printf ("mousemove %d %d click 1", x + bw / 2, y + bh / 2);
  mls_test_xdotool (args);
  if (x0)
    {
      *x0 = x;
      *y0 = y;
      *w = bw;
      *h = bh;
    }
}

/* The General and Predictions tabs hold what mlrt-info says. */
static void
check_description (json_object *info)
{
  json_object *layers = jget (info, "layers");
  json_object *input = json_object_array_get_idx (jget (info, "inputs"), 0);
  json_object *labels = jget (info, "class_labels");
  g_autofree char *key = NULL, *count = NULL, *got = NULL;
  g_autofree char *size = g_format_size_full (
    json_object_get_int64 (jget (info, "size_on_disk")),
    G_FORMAT_SIZE_LONG_FORMAT);

  assert_state ("window: page", "model");
  assert_state ("General: Model / Name", jstr (info, "name"));
  assert_state ("General: Model / Type", "Neural network classifier");
  assert_state ("General: Model / Size", size);
  assert_state ("General: Metadata / Author", jstr (info, "author"));
  assert_state ("General: Metadata / License", jstr (info, "license"));
  assert_state ("General: Precision / Compute precision",
                jstr (info, "compute_precision"));
  count = g_strdup_printf ("%d", json_object_get_int (jget (layers,
                                                            "count")));
  assert_state ("General: Layers / Layers", count);
  g_assert_cmpint (json_object_get_int (jget (layers, "count")), >, 1);
  key = g_strdup_printf ("Predictions: Inputs / %s", jstr (input, "name"));
  got = state_value (key);
  g_assert_nonnull (got);
  g_assert_true (g_str_has_prefix (got, "Image (") || g_str_has_prefix (
    got, "MultiArray ("));
  g_assert_nonnull (strstr (got, jstr (input, "type")));
  g_clear_pointer (&count, g_free);
  count = g_strdup_printf ("%zu", json_object_array_length (labels));
  assert_state ("Predictions: Class Labels / Classes", count);
  g_clear_pointer (&got, g_free);
  got = state_value ("Predictions: Class Labels / Labels");
  g_assert_nonnull (got);
  g_assert_true (g_str_has_prefix (got, json_object_get_string (
    json_object_array_get_idx (labels, 0))));
}

/* CPU Only from the dropdown, by keyboard once it is open. */
static void
choose_cpu_only (void)
{
  click_part ("units", NULL, NULL, NULL, NULL);
  g_usleep (500000);
  mls_test_xdotool ("key End Return");
  wait_state ("Performance: units", "cpu-only", 10);
}

/* The filled checks of the layers that ran, in the column under
 * header. */
static int
count_ran_marks (const char *header)
{
  g_autofree char *key = g_strconcat ("bounds ", header, NULL);
  g_autofree char *value = state_value (key);
  MlsScreen screen = { 0 };
  int x, y, w, h, n = 0;

  g_assert_nonnull (value);
  g_assert_cmpint (sscanf (value, "%d %d %d %d", &x, &y, &w, &h), ==, 4);
  mls_test_grab (&screen);
  for (int row = y + h; row < screen.height; row++)
    n += mls_test_count_colour (&screen, RAN_RGB, x, x + w - 1, row);
  g_free (screen.pixels);
  return n;
}

static gboolean
dir_is_empty (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);

  g_assert_nonnull (dir);
  return g_dir_read_name (dir) == NULL;
}

/* The viewer's children named name, alive (zombies not counted). */
static int
count_children (GSubprocess *viewer, const char *name)
{
  long ppid = atol (g_subprocess_get_identifier (viewer));
  g_autoptr (GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *entry;
  int n = 0;

  g_assert_nonnull (dir);
  while ((entry = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename ("/proc", entry, "stat", NULL);
      g_autofree char *stat = NULL;
      g_autofree char *comm = g_strdup_printf ("(%s)", name);
      const char *end;
      char state;
      long parent;

      if (!g_ascii_isdigit (entry[0])
          || !g_file_get_contents (path, &stat, NULL, NULL)
          || !(end = strrchr (stat, ')'))
          || sscanf (end + 1, " %c %ld", &state, &parent) != 2)
        continue;
      n += parent == ppid && state != 'Z' && strstr (stat, comm) != NULL;
    }
  return n;
}

static void
test_detector (void)
{
  g_autofree char *snap = g_build_filename (tmpdir, "detector.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "detector.log", NULL);
  const char *info_args[] = { model_path, "--format", "json", NULL };
  const char *report_args[] = { model_path, "--compute-units", "cpu-only",
                                "--format", "json", "--iterations", "1",
                                "--warmup", "0", NULL };
  json_object *info = run_json ("runtime/info/mlrt-info", info_args);
  json_object *report = run_json ("runtime/report/mlrt-report", report_args);
  int n = json_object_get_int (jget (jget (report, "model"), "layer_count"));
  g_autofree char *layers = g_strdup_printf ("%d", n);
  g_autofree char *median = NULL, *stat = NULL;
  GSubprocess *viewer;
  int x, y, w, h;

  g_assert_cmpint (n, >, 1);
  viewer = mls_test_viewer_start (model_path, snap, log);
  wait_state ("window: page", "model", 30);
  check_description (info);

  /* Alt+3: the Performance tab, nothing measured yet. */
  mls_test_xdotool ("key alt+3");
  wait_state ("window: tab", "performance", 10);
  assert_state ("Performance: layers", "0");
  assert_state ("Performance: report units", "none");

  /* CPU Only, Run: the report's layers, every one ran on the CPU. */
  choose_cpu_only ();
  click_part ("run", NULL, NULL, NULL, NULL);
  wait_state ("Performance: state", "done", 180);
  assert_state ("Performance: report units", "cpu-only");
  assert_state ("Performance: layers", layers);
  assert_state ("Performance: layers shown", layers);
  assert_state ("Performance: unit filter", "none");
  g_assert_cmpint (count_ran_marks ("header-cpu"), >, n * 20);
  g_assert_cmpint (count_ran_marks ("header-gpu"), ==, 0);

  /* The statistic menu: the standard deviation, not the median. */
  median = state_value ("Performance: Prediction");
  g_assert_nonnull (median);
  click_part ("statistic", NULL, NULL, NULL, NULL);
  g_usleep (500000);
  mls_test_xdotool ("key End Return");
  stat = g_strdup (median);
  for (int i = 0; i < 100 && g_strcmp0 (stat, median) == 0; i++)
    {
      g_usleep (100000);
      g_free (stat);
      stat = state_value ("Performance: Prediction");
    }
  g_assert_nonnull (stat);
  g_assert_cmpstr (stat, !=, median);
  g_assert_cmpstr (stat, !=, "—");

  /* The GPU's header: no layer ran there. The CPU's: all of them; again:
   * the filter off. */
  click_part ("header-gpu", NULL, NULL, NULL, NULL);
  wait_state ("Performance: unit filter", "gpu", 10);
  assert_state ("Performance: layers shown", "0");
  g_assert_cmpint (count_ran_marks ("header-cpu"), ==, 0);
  click_part ("header-cpu", NULL, NULL, NULL, NULL);
  wait_state ("Performance: unit filter", "cpu", 10);
  assert_state ("Performance: layers shown", layers);
  click_part ("header-cpu", NULL, NULL, NULL, NULL);
  wait_state ("Performance: unit filter", "none", 10);
  assert_state ("Performance: layers shown", layers);

  /* A long run (100000 runs of each step), cancelled: the report's
   * process ends, the window says so and keeps the last report. */
  click_part ("iterations", &x, &y, &w, &h);
  mls_test_xdotool ("key ctrl+a type 100000");
  mls_test_xdotool ("key Tab");
  wait_state ("Performance: runs", "100000", 10);
  click_part ("run", NULL, NULL, NULL, NULL);
  wait_state ("Performance: state", "running", 10);
  g_assert_cmpint (count_children (viewer, "mlrt-report"), ==, 1);
  click_part ("cancel", NULL, NULL, NULL, NULL);
  wait_state ("Performance: state", "cancelled", 10);
  assert_state ("Performance: layers", layers);
  g_assert_cmpint (count_children (viewer, "mlrt-report"), ==, 0);
  g_assert_true (mls_test_is_running (viewer));
  /* Nor did it leave its temporary caches behind. */
  g_assert_true (dir_is_empty (viewer_tmp));

  mls_test_stop (viewer);
  g_object_unref (viewer);
  json_object_put (info);
  json_object_put (report);
}

/* A directory that is no model package: the window says why, and so
 * does stderr, naming it. */
static void
test_not_a_model (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "empty.mlpackage", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "bad.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "bad.log", NULL);
  g_autofree char *err = NULL, *shown = NULL;
  GSubprocess *viewer;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  viewer = mls_test_viewer_start (dir, snap, log);
  wait_state ("window: page", "error", 30);
  shown = state_value ("window: error");
  g_assert_nonnull (shown);
  g_assert_nonnull (strstr (shown, dir));
  g_assert_true (g_file_get_contents (log, &err, NULL, NULL));
  g_assert_nonnull (strstr (err, dir));
  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
  g_object_unref (viewer);
}

/* A recording of one model's load and prediction, in dir; loaded: the
 * file it names for the model, or NULL. */
static char *
write_recording (const char *dir, const char *model, const char *loaded)
{
  char *path = g_build_filename (dir, "app.mlscope", NULL);
  MlsError err = { 0 };
  MlsStore *store;
  gint64 id, t0 = G_GINT64_CONSTANT (1000000000);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  store = mls_store_create (path, &err);
  g_assert_nonnull (store);
  id = mls_store_intern_model (store, model, &err);
  g_assert_cmpint (mls_store_set_model_path (store, id, loaded, &err), ==, 0);
  mls_test_add_span (store, MLS_KIND_MODEL_LOAD, id, 0, 0, t0,
                     t0 + 5000000, TRUE);
  mls_test_add_span (store, MLS_KIND_PREDICTION, id, 0, 0, t0 + 10000000,
                     t0 + 20000000, TRUE);
  g_assert_cmpint (mls_store_finish (store, &err), ==, 0);
  mls_store_close (store);
  return path;
}

/* Inspect Model (Ctrl+Shift+M) in a recording's window opens the model
 * in a model window (a state file of its own), or does nothing and the
 * viewer goes on; TRUE if it opened `want`. */
static gboolean
inspect (const char *recording, const char *want)
{
  g_autofree char *snap = g_build_filename (tmpdir, "inspect.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "inspect.log", NULL);
  GSubprocess *viewer;
  gboolean opened;

  g_unlink (state_path);
  viewer = mls_test_viewer_start (recording, snap, log);
  mls_test_xdotool ("key ctrl+shift+m");
  if (want)
    {
      wait_state ("window: model", want, 30);
      wait_state ("window: page", "model", 30);
      assert_state ("General: Model / Name", "detector");
    }
  else
    g_usleep (2000000);
  opened = g_file_test (state_path, G_FILE_TEST_EXISTS);
  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
  g_object_unref (viewer);
  return opened;
}

/* The model's file as the recording names it (model.path) opens; a
 * recording that names none, or a file not on this machine, opens the
 * model beside it; with neither, no window opens. */
static void
test_inspect (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "inspect", NULL);
  g_autofree char *far = g_build_filename (tmpdir, "far", NULL);
  g_autofree char *lonely = g_build_filename (tmpdir, "lonely", NULL);
  g_autofree char *gone = g_build_filename (tmpdir, "gone",
                                            "detector.mlpackage", NULL);
  g_autofree char *package = g_build_filename (dir, "detector.mlpackage",
                                               NULL);
  g_autofree char *beside = write_recording (dir, "detector", NULL);
  g_autofree char *moved = g_build_filename (dir, "moved.mlscope", NULL);
  g_autofree char *written = NULL, *named = NULL, *nothing = NULL;

  g_assert_cmpint (symlink (model_path, package), ==, 0);
  g_assert_true (inspect (beside, package));
  written = write_recording (far, "detector", gone);
  g_assert_cmpint (g_rename (written, moved), ==, 0);
  g_assert_true (inspect (moved, package));
  named = write_recording (far, "detector", model_path);
  g_assert_true (inspect (named, model_path));
  nothing = write_recording (lonely, "detector", gone);
  g_assert_false (inspect (nothing, NULL));
}

/* A performance report of the model on the CPU, saved as path. */
static json_object *
save_report (const char *path)
{
  json_object *report = run_json ("runtime/report/mlrt-report",
                                  (const char *[]) { model_path,
                                                     "--compute-units",
                                                     "cpu-only",
                                                     "--iterations", "2",
                                                     "--format", "json",
                                                     NULL });

  g_assert_cmpint (json_object_to_file (path, report), ==, 0);
  return report;
}

/* The layers' names in the order the window shows them. */
static GPtrArray *
shown_layers (void)
{
  g_autofree char *count = state_value ("compared: layers");
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (count);
  for (int i = 0; i < atoi (count); i++)
    {
      g_autofree char *key = g_strdup_printf ("layer %d", i);
      g_autofree char *row = state_value (key);

      g_assert_nonnull (row);
      g_ptr_array_add (names, g_strndup (row, strcspn (row, "|") - 1));
    }
  return names;
}

/* Two saved reports compared (`mlscope-viewer --compare A.json B.json`):
 * the window shows mlrt-report's figures of both and the layers it
 * matched by name, and a click on the A time header sorts the layers by
 * A's time, slowest first. */
static void
test_reports_compared (void)
{
  g_autofree char *a = g_build_filename (tmpdir, "a.json", NULL);
  g_autofree char *b = g_build_filename (tmpdir, "b.json", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "compare.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "compare.log", NULL);
  json_object *ra = save_report (a), *rb = save_report (b);
  json_object *compared = run_json ("runtime/report/mlrt-report",
                                    (const char *[]) { "--compare", "--format",
                                                       "json", a, b, NULL });
  json_object *figures = jget (compared, "figures");
  json_object *layers = jget (compared, "layers");
  g_autoptr (GHashTable) a_us = g_hash_table_new_full (g_str_hash,
                                                       g_str_equal, NULL,
                                                       g_free);
  g_autoptr (GPtrArray) order = NULL;
  g_autofree char *count = NULL;
  GSubprocess *viewer;
  double slowest = 0;

  g_unlink (state_path);
  viewer = mls_test_viewer_start_with (b, (const char *[]) { "--compare", a,
                                                             NULL },
                                       snap, log);
  wait_state ("compared: page", "tables", 60);
  for (size_t i = 0; i < json_object_array_length (figures); i++)
    {
      json_object *f = json_object_array_get_idx (figures, i);
      int decimals = json_object_get_int (jget (f, "decimals"));
      g_autofree char *key = g_strdup_printf ("figure %zu", i);
      g_autofree char *want = g_strdup_printf (
        "%s |  |  |  | %.*f | %.*f | ", jstr (f, "label"), decimals,
        json_object_get_double (jget (f, "a")), decimals,
        json_object_get_double (jget (f, "b")));
      g_autofree char *got = state_value (key);

      g_assert_nonnull (got);
      g_assert_true (g_str_has_prefix (got, want));
    }
  count = g_strdup_printf ("%zu", json_object_array_length (layers));
  assert_state ("compared: layers", count);
  for (size_t i = 0; i < json_object_array_length (layers); i++)
    {
      json_object *l = json_object_array_get_idx (layers, i);
      double us = json_object_get_double (jget (l, "a_us"));

      g_hash_table_insert (a_us, (char *) jstr (l, "name"),
                           g_memdup2 (&us, sizeof us));
      slowest = MAX (slowest, us);
    }
  order = shown_layers ();
  g_assert_cmpstr (order->pdata[0], ==,
                   jstr (json_object_array_get_idx (layers, 0), "name"));

  click_part ("header A time", NULL, NULL, NULL, NULL);
  for (int i = 0; i < 100; i++)
    {
      g_clear_pointer (&order, g_ptr_array_unref);
      order = shown_layers ();
      if (*(double *) g_hash_table_lookup (a_us, order->pdata[0]) == slowest)
        break;
      g_usleep (100000);
    }
  g_assert_cmpfloat (*(double *) g_hash_table_lookup (a_us, order->pdata[0]),
                     ==, slowest);
  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
  g_object_unref (viewer);
  json_object_put (compared);
  json_object_put (ra);
  json_object_put (rb);
}

/* Ctrl+O opens a saved report, Ctrl+S saves the one shown (the same
 * bytes) under a name typed over the proposed one, Ctrl+D compares it
 * with a saved one; each through its real file chooser. */
static void
test_report_choosers (void)
{
  g_autofree char *chosen = g_build_filename (tmpdir, "chosen.json", NULL);
  g_autofree char *saved = g_build_filename (tmpdir, "saved.json", NULL);
  g_autofree char *snap = g_build_filename (tmpdir, "choosers.png", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "choosers.log", NULL);
  g_autofree char *status = NULL, *want = NULL, *got = NULL;
  json_object *report = save_report (chosen);
  GSubprocess *viewer;

  g_unlink (state_path);
  viewer = mls_test_viewer_start (model_path, snap, log);
  wait_state ("window: page", "model", 30);
  mls_test_xdotool ("key ctrl+o");
  mls_test_choose ("Open Report", chosen);
  status = g_strdup_printf ("Report of %s from %s",
                            jstr (jget (report, "model"), "name"), chosen);
  wait_state ("Performance: status", status, 20);

  mls_test_xdotool ("key ctrl+s");
  g_assert_true (mls_test_wait_window ("Save Report", TRUE, 20));
  mls_test_xdotool ("key ctrl+a");
  mls_test_choose ("Save Report", saved);
  for (int i = 0; i < 100 && !g_file_test (saved, G_FILE_TEST_EXISTS); i++)
    g_usleep (100000);
  g_assert_true (g_file_get_contents (chosen, &want, NULL, NULL));
  g_assert_true (g_file_get_contents (saved, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, want);

  mls_test_xdotool ("key ctrl+d");
  mls_test_choose ("Compare With Report", saved);
  wait_state ("compared: page", "tables", 60);
  g_assert_true (mls_test_is_running (viewer));
  mls_test_stop (viewer);
  g_object_unref (viewer);
  json_object_put (report);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("mls-viewer-model-window-XXXXXX", NULL);
  state_path = g_build_filename (tmpdir, "state.txt", NULL);
  model_path = mls_test_build_path ("runtime/tools/detector.mlpackage");
  viewer_tmp = g_build_filename (tmpdir, "tmp", NULL);
  g_assert_cmpint (g_mkdir (viewer_tmp, 0700), ==, 0);
  /* The viewers started inherit them. */
  g_setenv ("MLSCOPE_VIEWER_STATE", state_path, TRUE);
  g_setenv ("TMPDIR", viewer_tmp, TRUE);
  mls_test_xvfb_start (tmpdir);
  g_test_add_func ("/viewer/model-window/detector", test_detector);
  g_test_add_func ("/viewer/model-window/not-a-model", test_not_a_model);
  g_test_add_func ("/viewer/model-window/inspect", test_inspect);
  g_test_add_func ("/viewer/model-window/report-choosers",
                   test_report_choosers);
  g_test_add_func ("/viewer/model-window/reports-compared",
                   test_reports_compared);
  status = g_test_run ();
  mls_test_xvfb_end ();
  if (status == 0)
    test_tmpdir_remove (tmpdir);
  return status;
}
