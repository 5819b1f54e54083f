/*
 * bench-cpu-threads.c: whether the CPU unit's parallelism holds up on a
 * shared machine. Each model of bench-models.h runs cpu-only under three
 * settings: one thread (mlrt's pool and OpenBLAS at 1), the runtime's pool
 * (cpu-pool.h: N workers, OpenBLAS at 1; mlrt's default), and OpenBLAS's
 * own N threads with the pool at 1 (mlrt before it had a pool), N being
 * the online cores. Each round runs all three quietly and then all three
 * beside a neighbour: another process keeping N threads busy (started for
 * the phase, killed after), the order of the settings rotated every
 * round. Prints per model and condition the median latency and CPU time
 * per prediction of each setting and its ratio to one thread (of the
 * overall medians, and the median of the rounds' own ratios), then the
 * pool's worst ratio and whether it met the goal: a pool never slower
 * than one thread, neighbour or not.
 *
 *   bench-cpu-threads [--rounds R]   (R 5)
 */
#include <cblas.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-models.h"
#include "bench-stats.h"
#include "cpu/cpu-pool.h"
#include "test-tmpdir.h"

#define N_SETTINGS 3
static const char *const setting_names[N_SETTINGS] = {
  "1 thread", "mlrt pool", "OpenBLAS threads" };

/* Pool workers and OpenBLAS threads of setting s on n cores. */
static void
apply_setting (int s, int n)
{
  mlrt_cpu_pool_set_workers (s == 1 ? n : 1);
  openblas_set_num_threads (s == 2 ? n : 1);
}

/* A process of n threads spinning until killed. */
static pid_t
start_neighbour (int n)
{
  pid_t pid = fork ();
  if (pid == 0)
    {
      setpgid (0, 0);
      for (int i = 1; i < n; i++)
        if (fork () == 0)
          break;
      volatile unsigned long spin = 0;
      for (;;)
        spin++;
    }
  setpgid (pid, pid);           /* a group of its own, killed at once */
  return pid;
}

static void
stop_neighbour (pid_t pid)
{
  kill (-pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

typedef struct {
  double *wall[2][N_SETTINGS];  /* [neighbour][setting], per prediction */
  double cpu[2][N_SETTINGS];    /* summed */
  int n;                        /* predictions per cell so far */
} Cells;

static gboolean
predict_n (MlrtModel *model, MlrtFeatures *in, int k, double *wall,
           double *cpu)
{
  double c0 = bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID);
  for (int i = 0; i < k; i++)
    {
      MlrtFeatures *out = NULL;
      MlrtError error = { 0 };
      double t0 = bench_clock_ms (CLOCK_MONOTONIC);
      if (mlrt_model_predict (model, in, NULL, &out, &error) != MLRT_OK)
        {
          g_print ("mlrt: %s\n", error.message);
          return FALSE;
        }
      wall[i] = bench_clock_ms (CLOCK_MONOTONIC) - t0;
      mlrt_features_free (out);
    }
  *cpu += bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID) - c0;
  return TRUE;
}

/* The median over the rounds of setting s's median latency in the round
 * over one thread's in the same round and condition: each ratio is of
 * predictions seconds apart, so it moves less with the neighbours'
 * comings and goings than the ratio of the overall medians. */
static double
paired_ratio (const Cells *c, int b, int s, int rounds, int k)
{
  double *ratios = g_new (double, rounds), m;

  for (int r = 0; r < rounds; r++)
    ratios[r] = bench_median (c->wall[b][s] + r * k, k)
                / bench_median (c->wall[b][0] + r * k, k);
  m = bench_median (ratios, rounds);
  g_free (ratios);
  return m;
}

/* The pool's worst paired ratio to one thread so far, quiet and beside
 * the neighbour. */
static double worst_pool[2];

static gboolean
bench_model (const BenchModel *bm, int rounds, int cores, const char *dir)
{
  MlrtError error = { 0 };
  MlrtModel *model = mlrt_run_load (bm->package, MLRT_COMPUTE_CPU_ONLY, dir,
                                    &error);
  MlrtOnnxTensor *input = bench_model_input (bm);
  MlrtFeatures *in = mlrt_features_new ();
  MlrtValue v = { MLRT_TYPE_FLOAT32, 4,
                  { bm->dims[0], bm->dims[1], bm->dims[2], bm->dims[3] },
                  input->data, NULL };
  double pixels = (double) bm->dims[2] * bm->dims[3];
  int k = pixels < 20000 ? 20 : pixels < 50000 ? 4 : 2;
  Cells c = { 0 };
  gboolean ok = model && mlrt_features_set (in, "x", &v, &error) == MLRT_OK;
  double warm[1], cpu = 0;

  if (!ok)
    g_print ("%s: %s\n", bm->package, error.message);
  for (int b = 0; b < 2; b++)
    for (int s = 0; s < N_SETTINGS; s++)
      c.wall[b][s] = g_new0 (double, rounds * k);
  ok = ok && predict_n (model, in, 1, warm, &cpu);
  for (int r = 0; ok && r < rounds; r++)
    for (int b = 0; ok && b < 2; b++)
      {
        pid_t neighbour = b ? start_neighbour (cores) : 0;
        if (b)
          usleep (50000);       /* let it spread over the cores */
        for (int i = 0; ok && i < N_SETTINGS; i++)
          {
            int s = (i + r) % N_SETTINGS;
            apply_setting (s, cores);
            ok = predict_n (model, in, k, c.wall[b][s] + r * k,
                            &c.cpu[b][s]);
          }
        if (b)
          stop_neighbour (neighbour);
      }
  for (int b = 0; ok && b < 2; b++)
    {
      double one = bench_median (c.wall[b][0], rounds * k);
      for (int s = 0; s < N_SETTINGS; s++)
        {
          double m = bench_median (c.wall[b][s], rounds * k);
          double paired = paired_ratio (&c, b, s, rounds, k);
          g_print ("%-6s %-14s %-17s %10.2f ms %9.2f ms  %6.2f %7.2f\n",
                   bm->name, b ? "neighbour" : "quiet", setting_names[s], m,
                   c.cpu[b][s] / (rounds * k), m / one, paired);
          if (s == 1 && paired > worst_pool[b])
            worst_pool[b] = paired;
        }
    }
  for (int b = 0; b < 2; b++)
    for (int s = 0; s < N_SETTINGS; s++)
      g_free (c.wall[b][s]);
  apply_setting (1, cores);
  mlrt_features_free (in);
  mlrt_onnx_tensor_free (input);
  mlrt_model_unload (model);
  return ok;
}

int
main (int argc, char **argv)
{
  int rounds = argc == 3 && strcmp (argv[1], "--rounds") == 0
               ? atoi (argv[2]) : 5;
  int cores = mlrt_cpu_pool_workers ();
  if (rounds < 1 || (argc != 1 && argc != 3))
    {
      fprintf (stderr, "usage: bench-cpu-threads [--rounds R]\n");
      return 2;
    }
  g_autofree char *dir = test_tmpdir_new ("mlscope-bench");
  GPtrArray *models = bench_models_new (dir);
  int ret = 0;

  if (!models)
    {
      test_tmpdir_remove (dir);
      return 77;
    }
  if (cores < 2)
    g_print ("cpu-threads: one core online: nothing to share\n");
  g_print ("cpu-threads: mlrt cpu-only on %d cores, %d rounds, the settings "
           "interleaved; neighbour: a process spinning %d threads\n"
           "%-6s %-14s %-17s %13s %12s  %6s %7s\n", cores, rounds, cores,
           "model", "condition", "setting", "median", "CPU/pred",
           "vs 1 thread", "paired");
  for (guint i = 0; i < models->len; i++)
    if (!bench_model (models->pdata[i], rounds, cores, dir))
      ret = 1;
  g_print ("vs 1 thread: median over median; paired: median of the rounds' "
           "ratios\nthe pool against one thread, worst paired ratio over "
           "the models: quiet %.2f, beside the neighbour %.2f (goal <= 1.0: "
           "%s)\n", worst_pool[0], worst_pool[1],
           worst_pool[0] <= 1.0 && worst_pool[1] <= 1.0 ? "met" : "missed");
  bench_models_free (models);
  test_tmpdir_remove (dir);
  return ret;
}
