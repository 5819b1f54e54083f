/*
 * mls-test-recordings.c: the recordings of mls-test-recordings.h. Each is
 * `mlscope record` of a real app on the real runtime; the environment sets
 * the placement explicitly, so a tester's MLRT_PLACEMENT never changes
 * what a recording holds: `measured` where the tests rely only on what any
 * plan does (loads, counts, conversions), `priority` where they rely on
 * which unit runs which layer (every layer the NPU supports on the NPU,
 * whatever this machine's speed; docs/placement.md).
 *
 * Two recordings of the same app made to show "no change" are recorded at
 * the same time on one CPU, so that whatever else runs on the machine
 * weighs on both.
 * Each has a compile cache of its own, empty at the start: the first load
 * of each model compiles it and, with several units, measures its
 * placement; later loads find both in the cache.
 */
#define _GNU_SOURCE             /* sched_setaffinity */
#include <sched.h>
#include <string.h>
#include <sys/wait.h>

#include "mls-test-recordings.h"

typedef struct {
  const char *name;
  const char *program;      /* relative to the build root */
  const char *env;          /* VAR=VALUE for the app */
  const char *args;         /* the app's, split as a shell would; PACKAGE
                               stands for sharpen-fp16's package */
  const char *record_args;  /* extra `mlscope record` options, or NULL */
  int any_status;           /* the app is meant to die */
  const char *pair;         /* recorded at the same time as this one */
} Spec;

#define STYLE "runtime/examples/style-demo"
#define SHARPEN "runtime/examples/sharpen-demo"
#define APP "tests/tracer/mls-predict-app"
#define EMITTER "tests/tracer/mls-tp-emitter"
#define MEASURED "MLRT_PLACEMENT=measured"
#define PRIORITY "MLRT_PLACEMENT=priority"

static const Spec specs[] = {
  { "style-reload", STYLE, MEASURED, "--styles 5 --frames 40 "
    "--reload-every-frame --compute-units cpu-and-npu", NULL, 0, NULL },
  { "style-once", STYLE, MEASURED, "--styles 5 --frames 40 "
    "--compute-units cpu-and-npu", NULL, 0, NULL },
  { "style-first", STYLE, MEASURED, "--styles 5 --frames 5 "
    "--compute-units cpu-and-npu", NULL, 0, NULL },
  { "style-cpu", STYLE, MEASURED, "--styles 5 --frames 40 "
    "--compute-units cpu-only", NULL, 0, "style-cpu-again" },
  { "style-cpu-again", STYLE, MEASURED, "--styles 5 --frames 40 "
    "--compute-units cpu-only", NULL, 0, "style-cpu" },
  { "sharpen-gray8", SHARPEN, PRIORITY, "--frames 20 "
    "--compute-units cpu-and-npu", NULL, 0, NULL },
  { "sharpen-fp16", SHARPEN, PRIORITY, "--frames 20 --fp16 "
    "--compute-units cpu-and-npu", NULL, 0, NULL },
  { "sharpen-fp16-backed", SHARPEN, PRIORITY, "--frames 20 --fp16 "
    "--output-backing --compute-units cpu-and-npu", NULL, 0, NULL },
  /* style-candy runs whole on the NPU; style-mosaic's transposed
   * convolutions cannot. */
  { "style-deconv", STYLE, PRIORITY, "--styles 2 --frames 8 "
    "--compute-units cpu-and-npu", NULL, 0, NULL },
  { "style-candy", STYLE, PRIORITY, "--styles 1 --frames 8 "
    "--compute-units cpu-and-npu", NULL, 0, NULL },
  { "app-plain", APP, PRIORITY, "PACKAGE --frames 16 --plain-input "
    "--compute-units cpu-and-npu", NULL, 0, NULL },
  { "app-shared", APP, PRIORITY, "PACKAGE --frames 16 "
    "--compute-units cpu-and-npu", NULL, 0, NULL },
  { "app-batch", APP, PRIORITY, "PACKAGE --frames 16 --batch "
    "--compute-units cpu-and-npu", NULL, 0, NULL },
  { "emitter-killed", EMITTER, MEASURED, "kill 5", NULL, 1, NULL },
  /* Tiny sub-buffers under a burst: LTTng discards events. */
  { "emitter-lost", EMITTER, MEASURED, "burst 200000",
    "--subbuf-size 4096", 0, NULL },
};

static char *dir;
static char *paths[G_N_ELEMENTS (specs)];
static int failed[G_N_ELEMENTS (specs)];

static size_t
spec_index (const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS (specs); i++)
    if (strcmp (specs[i].name, name) == 0)
      return i;
  g_error ("no test recording named '%s'", name);
  return 0;
}

/* A recording that takes longer than this hung: it is killed and fails. */
#define RECORD_TIMEOUT_S "240"

/* timeout ... mlscope record -q -o PATH [record_args] -- env ENV PROGRAM
 * ARGS */
static char **
record_argv (size_t i)
{
  const Spec *s = &specs[i];
  GPtrArray *argv = g_ptr_array_new ();
  char **app_args = NULL, **extra = NULL;

  g_assert_true (g_shell_parse_argv (s->args, NULL, &app_args, NULL));
  if (s->record_args)
    g_assert_true (g_shell_parse_argv (s->record_args, NULL, &extra, NULL));
  g_ptr_array_add (argv, g_strdup ("timeout"));
  g_ptr_array_add (argv, g_strdup ("--kill-after=10"));
  g_ptr_array_add (argv, g_strdup (RECORD_TIMEOUT_S));
  g_ptr_array_add (argv, mls_test_mlscope ());
  g_ptr_array_add (argv, g_strdup ("record"));
  g_ptr_array_add (argv, g_strdup ("-q"));
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup (paths[i]));
  for (int a = 0; extra && extra[a]; a++)
    g_ptr_array_add (argv, g_strdup (extra[a]));
  g_ptr_array_add (argv, g_strdup ("--"));
  g_ptr_array_add (argv, g_strdup ("env"));
  g_ptr_array_add (argv, g_strdup (s->env));
  /* A cache of its own: the first load of each model compiles it and
   * measures its placement, whatever earlier runs left in the user's. */
  g_ptr_array_add (argv, g_strdup_printf ("MLRT_CACHE_DIR=%s/cache-%s", dir,
                                          s->name));
  g_ptr_array_add (argv, mls_test_build_path (s->program));
  for (int a = 0; app_args[a]; a++)
    g_ptr_array_add (argv, strcmp (app_args[a], "PACKAGE") == 0
                     ? mls_test_build_path ("runtime/tools/"
                                            "sharpen-fp16.mlpackage")
                     : g_strdup (app_args[a]));
  g_ptr_array_add (argv, NULL);
  g_strfreev (app_args);
  g_strfreev (extra);
  return (char **) g_ptr_array_free (argv, FALSE);
}

/* A pair shares one CPU, the first this process may use: the scheduler
 * then splits it evenly between them, and whatever else runs slows both
 * alike. Side by side on two cores, a neighbour on one core slowed one of
 * the pair alone (its predictions' median +89%). */
static void
pin_to_one_cpu (gpointer data)
{
  cpu_set_t allowed, one;

  CPU_ZERO (&one);
  if (sched_getaffinity (0, sizeof allowed, &allowed) != 0)
    return;
  for (int c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET (c, &allowed))
      {
        CPU_SET (c, &one);
        sched_setaffinity (0, sizeof one, &one);
        return;
      }
}

/* Starts the recordings I (and its pair) and waits for all of them. */
static void
record (size_t i)
{
  size_t which[2] = { i, specs[i].pair ? spec_index (specs[i].pair) : i };
  size_t n = specs[i].pair ? 2 : 1;
  GPid pids[2];

  if (dir == NULL)
    dir = test_tmpdir_new ("mlscope-test");
  for (size_t k = 0; k < n; k++)
    {
      char *file = g_strdup_printf ("%s.mlscope", specs[which[k]].name);
      char **argv;
      GError *error = NULL;
      paths[which[k]] = g_build_filename (dir, file, NULL);
      argv = record_argv (which[k]);
      g_test_message ("recording %s", specs[which[k]].name);
      g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD
                     | G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     n == 2 ? pin_to_one_cpu : NULL, NULL, &pids[k], &error);
      g_assert_no_error (error);
      g_strfreev (argv);
      g_free (file);
    }
  for (size_t k = 0; k < n; k++)
    {
      int status = 0;
      g_assert_cmpint (waitpid (pids[k], &status, 0), ==, pids[k]);
      g_spawn_close_pid (pids[k]);
      if (!g_file_test (paths[which[k]], G_FILE_TEST_IS_REGULAR)
          || (!specs[which[k]].any_status
              && !(WIFEXITED (status) && WEXITSTATUS (status) == 0)))
        failed[which[k]] = 1;
    }
}

const char *
mls_test_recording (const char *name)
{
  size_t i = spec_index (name);

  if (paths[i] == NULL)
    record (i);
  if (failed[i])
    {
      g_test_fail_printf ("recording %s failed", name);
      return NULL;
    }
  return paths[i];
}

void
mls_test_recordings_clear (void)
{
  if (dir)
    test_tmpdir_remove (dir);
  for (size_t i = 0; i < G_N_ELEMENTS (specs); i++)
    g_clear_pointer (&paths[i], g_free);
  g_clear_pointer (&dir, g_free);
}

static MlsRun *
run_mlscope (const char *first, va_list args)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  MlsRun *run;

  g_ptr_array_add (argv, mls_test_mlscope ());
  for (const char *a = first; a; a = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  g_ptr_array_add (argv, NULL);
  run = mls_test_run ((const char *const *) argv->pdata);
  mls_test_assert_no_hang (run);
  g_ptr_array_free (argv, TRUE);
  return run;
}

MlsRun *
mls_test_mlscope_run (const char *first, ...)
{
  va_list args;
  MlsRun *run;

  va_start (args, first);
  run = run_mlscope (first, args);
  va_end (args);
  return run;
}

json_object *
mls_test_mlscope_json (const char *first, ...)
{
  va_list args;
  MlsRun *run;
  json_object *root;

  va_start (args, first);
  run = run_mlscope (first, args);
  va_end (args);
  g_assert_cmpint (run->status, ==, 0);
  root = json_tokener_parse (run->out);
  if (root == NULL)
    g_error ("mlscope %s printed no JSON: %s", first, run->out);
  mls_test_run_free (run);
  return root;
}

json_object *
mls_test_json_get (json_object *o, const char *key)
{
  json_object *v = NULL;

  if (!json_object_object_get_ex (o, key, &v))
    g_error ("no '%s' in %s", key, json_object_to_json_string (o));
  return v;
}
