/*
 * bench-model-scale.c: how compiling, loading and predicting scale with a
 * model's layer count (issue 17: 40k layers took 32 s to load and 10 GB to
 * predict). For each size it writes a chained model (chain-model.h: 1x1
 * convolutions and adds, [8, 32, 32] float32 tensors of 32 KB), then, in
 * a child process of its own so each peak is that size's alone:
 * compiles it (no cache), loads the compiled model on the CPU and runs
 * one prediction. Prints wall and CPU time of each step and the process's
 * peak resident memory after loading and after predicting. Models are
 * written to a temporary directory and removed.
 *
 *   bench-model-scale [LAYERS...]   (1000 10000 100000)
 */
#include <errno.h>
#include <glib.h>
#include <mlrt/mlrt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chain-model.h"
#include "test-tmpdir.h"

#define CHANNELS 8
#define SIDE 32

typedef struct {
  double wall_s, cpu_s;
} Clock;

static Clock
clock_now (void)
{
  struct timespec wall, cpu;

  clock_gettime (CLOCK_MONOTONIC, &wall);
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu);
  return (Clock) { wall.tv_sec + wall.tv_nsec / 1e9,
                   cpu.tv_sec + cpu.tv_nsec / 1e9 };
}

static Clock
clock_since (Clock start)
{
  Clock now = clock_now ();

  return (Clock) { now.wall_s - start.wall_s, now.cpu_s - start.cpu_s };
}

static double
peak_rss_mb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

static MlrtFeatures *
chain_input (float **data)
{
  size_t n = (size_t) CHANNELS * SIDE * SIDE;
  MlrtValue v = { MLRT_TYPE_FLOAT32, 3, { CHANNELS, SIDE, SIDE }, NULL,
                  NULL };
  MlrtFeatures *in = mlrt_features_new ();

  *data = g_new (float, n);
  for (size_t i = 0; i < n; i++)
    (*data)[i] = (float) (i % 9) / 8.0f;
  v.data = *data;
  mlrt_features_set (in, "x", &v, NULL);
  return in;
}

/* In the child: compile, then load and predict, one line of figures. */
static int
measure (const char *package, const char *cache, int layers, int fd)
{
  MlrtConfiguration config;
  MlrtModel *model = NULL;
  MlrtFeatures *in, *out = NULL;
  MlrtError error = { 0 };
  char *compiled = NULL, line[512];
  float *x;
  Clock t0;
  Clock compile, load, predict;
  double rss_compile, rss_load;

  t0 = clock_now ();
  if (mlrt_compile (package, cache, &compiled, NULL, &error) != MLRT_OK)
    g_error ("compiling %s: %s", package, error.message);
  compile = clock_since (t0);
  rss_compile = peak_rss_mb ();
  mlrt_configuration_init (&config);
  config.compute_units = MLRT_COMPUTE_CPU_ONLY;
  t0 = clock_now ();
  if (mlrt_model_load (compiled, &config, &model, &error) != MLRT_OK)
    g_error ("loading %s: %s", compiled, error.message);
  load = clock_since (t0);
  rss_load = peak_rss_mb ();
  in = chain_input (&x);
  t0 = clock_now ();
  if (mlrt_model_predict (model, in, NULL, &out, &error) != MLRT_OK)
    g_error ("predicting: %s", error.message);
  predict = clock_since (t0);
  snprintf (line, sizeof line,
            "%7d %8.2f %7.2f %8.2f %7.2f %9.0f %8.2f %7.2f %9.0f %9.0f\n",
            layers, compile.wall_s, compile.cpu_s, load.wall_s, load.cpu_s,
            rss_load, predict.wall_s, predict.cpu_s, peak_rss_mb (),
            rss_compile);
  if (write (fd, line, strlen (line)) < 0)
    return 1;
  mlrt_features_free (out);
  mlrt_features_free (in);
  mlrt_model_unload (model);
  g_free (x);
  free (compiled);
  return 0;
}

static void
run_size (const char *dir, int layers)
{
  ChainModel c = { layers / 2, CHANNELS, SIDE, SIDE, 0, 0, 0, 0 };
  char *name = g_strdup_printf ("chain-%d", layers);
  char *package = g_strdup_printf ("%s/%s.mlpackage", dir, name);
  char *cache = g_strdup_printf ("%s/cache-%d", dir, layers);
  char buf[512];
  int fds[2], status = 0;
  ssize_t got;
  pid_t pid;

  if (chain_model_write (dir, name, &c) != 0)
    g_error ("writing %s: %s", package, g_strerror (errno));
  if (pipe (fds) != 0 || (pid = fork ()) < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      close (fds[0]);
      _exit (measure (package, cache, chain_model_layers (&c), fds[1]));
    }
  close (fds[1]);
  got = read (fds[0], buf, sizeof buf - 1);
  close (fds[0]);
  waitpid (pid, &status, 0);
  if (got <= 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("measuring %d layers failed (status %d)", layers, status);
  buf[got] = '\0';
  fputs (buf, stdout);
  fflush (stdout);
  g_free (name);
  g_free (package);
  g_free (cache);
}

int
main (int argc, char **argv)
{
  static const int defaults[] = { 1000, 10000, 100000 };
  char *dir = test_tmpdir_new ("bench-model-scale");

  printf ("chained models, [%d, %d, %d] float32 tensors (%d KB each), "
          "cpu-only; times in s, peak RSS in MB\n", CHANNELS, SIDE, SIDE,
          CHANNELS * SIDE * SIDE * 4 / 1024);
  printf ("%7s %8s %7s %8s %7s %9s %8s %7s %9s %9s\n", "layers",
          "compile", "cpu", "load", "cpu", "rss-load", "predict", "cpu",
          "rss-pred", "rss-comp");
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      run_size (dir, atoi (argv[i]));
  else
    for (size_t i = 0; i < G_N_ELEMENTS (defaults); i++)
      run_size (dir, defaults[i]);
  test_tmpdir_remove (dir);
  g_free (dir);
  return 0;
}
