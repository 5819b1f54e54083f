/*
 * bench-loads.c: what a load costs (docs/placement.md).
 *
 * First loads: each round starts two fresh processes, in turn, the order
 * swapped every round. Each loads the first model cpu-only twice and
 * times both loads. One ("lazy") does only that, as mlrt does now; the
 * other ("probe") first asks whether a GPU exists, inside the first load's
 * timing, which is what every load did before loads stopped asking about
 * units their compute units exclude (it opens the OpenCL driver).
 *
 * Placement: for each model and each set of units that leaves a choice,
 * each round takes a fresh cache directory and loads the model cpu-only
 * (compiling it; not counted), cpu-only again, then for the units twice:
 * the first load measures its placement, the second finds it cached. One
 * prediction follows each of the last two loads, to show they plan alike.
 *
 * Estimated placement: for each model and each such set of units, a load
 * with MLRT_PLACEMENT_ESTIMATED (its cost models calibrated on this
 * machine) and a cpu-only load predict in turn, the order swapped every
 * round; printed: how many layers the estimated plan moved off the CPU
 * and its prediction time against cpu-only's.
 *
 * Every figure is the median over the rounds, wall time and the process's
 * CPU time (on a shared machine wall time moves with the neighbours).
 *
 *   bench-loads [--rounds R] MODEL.mlpackage...   (R 7)
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <mlrt/mlrt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-common.h"

#include "test-tmpdir.h"

/* A load's wall and CPU time. */
typedef struct {
  double wall, cpu;
} Cost;

static MlrtModel *
load_placed (const char *path, MlrtComputeUnits units, MlrtPlacement placement,
             const char *cache, int probe, Cost *cost)
{
  MlrtConfiguration config;
  MlrtModel *model = NULL;
  MlrtError error = { 0 };
  double wall = bench_clock_ms (CLOCK_MONOTONIC);
  double cpu = bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID);

  mlrt_configuration_init (&config);
  config.compute_units = units;
  config.cache_dir = cache;
  config.placement = placement;
  if (probe)
    mlrt_unit_available (MLRT_UNIT_GPU);
  if (mlrt_model_load (path, &config, &model, &error) != MLRT_OK)
    {
      fprintf (stderr, "bench-loads: cannot load %s: %s\n", path,
               error.message);
      exit (1);
    }
  if (cost)
    {
      cost->wall = bench_clock_ms (CLOCK_MONOTONIC) - wall;
      cost->cpu = bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID) - cpu;
    }
  return model;
}

static MlrtModel *
load (const char *path, MlrtComputeUnits units, const char *cache,
      int probe, Cost *cost)
{
  return load_placed (path, units, MLRT_PLACEMENT_MEASURED, cache, probe,
                      cost);
}

/* A prediction on zero inputs of the model's own types; its wall time. */
static double
predict_ms (MlrtModel *model)
{
  const MlrtModelDescription *d = mlrt_model_description (model);
  MlrtFeatures *in = mlrt_features_new (), *out = NULL;
  GPtrArray *data = g_ptr_array_new_with_free_func (g_free);
  MlrtError error = { 0 };
  double start;

  for (size_t i = 0; i < d->n_inputs; i++)
    {
      MlrtValue v = { .type = d->inputs[i].type, .rank = d->inputs[i].rank };

      memcpy (v.shape, d->inputs[i].shape, sizeof v.shape);
      v.data = g_malloc0 (mlrt_value_byte_size (&v));
      g_ptr_array_add (data, v.data);
      mlrt_features_set (in, d->inputs[i].name, &v, NULL);
    }
  start = bench_clock_ms (CLOCK_MONOTONIC);
  if (mlrt_model_predict (model, in, NULL, &out, &error) != MLRT_OK)
    {
      fprintf (stderr, "bench-loads: predict: %s\n", error.message);
      exit (1);
    }
  start = bench_clock_ms (CLOCK_MONOTONIC) - start;
  mlrt_features_free (out);
  mlrt_features_free (in);
  g_ptr_array_unref (data);
  return start;
}

/* In a fresh process: two cpu-only loads; prints their costs. */
static int
child (const char *path, const char *cache, int probe)
{
  Cost first, second;

  mlrt_model_unload (load (path, MLRT_COMPUTE_CPU_ONLY, cache, probe,
                           &first));
  mlrt_model_unload (load (path, MLRT_COMPUTE_CPU_ONLY, cache, 0, &second));
  printf ("%f %f %f %f\n", first.wall, first.cpu, second.wall, second.cpu);
  return 0;
}

static void
run_child (const char *self, const char *path, const char *cache,
           int probe, double *row)
{
  const char *argv[] = { self, "--child", probe ? "probe" : "lazy", path,
                         cache, NULL };
  char *out = NULL;
  int status = 0;
  GError *error = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL,
                     NULL, &out, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, NULL)
      || sscanf (out, "%lf %lf %lf %lf", &row[0], &row[1], &row[2],
                 &row[3]) != 4)
    {
      fprintf (stderr, "bench-loads: the child failed: %s\n",
               error ? error->message : "bad output");
      exit (1);
    }
  g_free (out);
}

static void
first_loads (const char *self, const char *path, const char *tmp, int rounds)
{
  double (*v)[2][4] = g_malloc0_n ((gsize) rounds, sizeof *v);
  double col[64];
  char *cache = g_build_filename (tmp, "first", NULL);
  static const char *const what[4] = { "first load wall", "first load cpu",
                                       "second load wall",
                                       "second load cpu" };

  /* Compiled once, so every child's loads find it in the cache. */
  mlrt_model_unload (load (path, MLRT_COMPUTE_CPU_ONLY, cache, 0, NULL));
  for (int r = 0; r < rounds; r++)
    for (int k = 0; k < 2; k++)
      {
        int probe = (r + k) % 2;
        run_child (self, path, cache, probe, v[r][probe]);
      }
  printf ("first cpu-only load in a fresh process, %s, median of %d "
          "rounds (ms)\n", path, rounds);
  printf ("  %-18s %10s %10s %8s\n", "", "lazy (now)", "probe", "ratio");
  for (int f = 0; f < 4; f++)
    {
      double m[2];

      for (int p = 0; p < 2; p++)
        {
          for (int r = 0; r < rounds; r++)
            col[r] = v[r][p][f];
          m[p] = bench_median (col, rounds);
        }
      printf ("  %-18s %10.2f %10.2f %8.2f\n", what[f], m[0], m[1],
              m[1] / m[0]);
    }
  g_free (cache);
  g_free (v);
}

static void
placement_loads (const char *path, MlrtComputeUnits units, const char *tmp,
                 int rounds)
{
  enum { CPU, MEASURED, CACHED, N };
  double wall[N][64], cpu[N][64], pred[2][64];

  for (int r = 0; r < rounds; r++)
    {
      char *name = g_strdup_printf ("place-%d-%d", (int) units, r);
      char *cache = g_build_filename (tmp, name, NULL);
      MlrtModel *m[N];
      Cost c;

      mlrt_model_unload (load (path, MLRT_COMPUTE_CPU_ONLY, cache, 0, NULL));
      for (int k = 0; k < N; k++)
        {
          m[k] = load (path, k == CPU ? MLRT_COMPUTE_CPU_ONLY : units, cache,
                       0, &c);
          wall[k][r] = c.wall;
          cpu[k][r] = c.cpu;
        }
      pred[0][r] = predict_ms (m[MEASURED]);
      pred[1][r] = predict_ms (m[CACHED]);
      for (int k = 0; k < N; k++)
        mlrt_model_unload (m[k]);
      g_free (cache);
      g_free (name);
    }
  double w[N], c[N];

  for (int k = 0; k < N; k++)
    {
      w[k] = bench_median (wall[k], rounds);
      c[k] = bench_median (cpu[k], rounds);
    }
  printf ("  %-12s cpu-only load %7.2f ms (cpu %7.2f); measured load %8.2f "
          "ms (cpu %8.2f); cached load %7.2f ms (cpu %7.2f); measured / "
          "cached %6.1fx; a prediction after each %.2f / %.2f ms\n",
          mlrt_compute_units_name (units), w[CPU], c[CPU], w[MEASURED],
          c[MEASURED], w[CACHED], c[CACHED], w[MEASURED] / w[CACHED],
          bench_median (pred[0], rounds), bench_median (pred[1], rounds));
}

/* Predictions with an estimated plan against cpu-only, interleaved. */
static void
estimated_vs_cpu (const char *path, MlrtComputeUnits units, const char *tmp,
                  int rounds)
{
  char *cache = g_build_filename (tmp, "estimated", NULL);
  MlrtModel *cpu = load (path, MLRT_COMPUTE_CPU_ONLY, cache, 0, NULL);
  MlrtModel *est = load_placed (path, units, MLRT_PLACEMENT_ESTIMATED, cache,
                                0, NULL);
  const MlrtLayerPlan *plan;
  size_t n = mlrt_model_plan (est, &plan), off_cpu = 0;
  double t[2][64], ratio[64];

  for (size_t i = 0; i < n; i++)
    off_cpu += plan[i].unit != MLRT_UNIT_CPU;
  /* Each sample is the mean of as many predictions as fill about 30 ms,
   * so that the short models' samples are not single scheduler ticks. */
  int reps = (int) (30.0 / (predict_ms (cpu) + 0.01)) + 1;
  double c[2][64], mt[2], mc[2];

  predict_ms (est);
  for (int r = 0; r < rounds; r++)
    for (int k = 0; k < 2; k++)
      {
        int which = (r + k) % 2;
        double w0 = bench_clock_ms (CLOCK_MONOTONIC);
        double c0 = bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID);

        for (int j = 0; j < reps; j++)
          predict_ms (which ? est : cpu);
        t[which][r] = (bench_clock_ms (CLOCK_MONOTONIC) - w0) / reps;
        c[which][r] = (bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID) - c0) / reps;
      }
  for (int r = 0; r < rounds; r++)
    ratio[r] = t[1][r] / t[0][r];
  for (int k = 0; k < 2; k++)
    {
      mt[k] = bench_median (t[k], rounds);
      mc[k] = bench_median (c[k], rounds);
    }
  printf ("  %-12s estimated plan: %zu of %zu layers off the cpu; "
          "prediction %7.2f ms (cpu %7.2f), cpu-only %7.2f ms (cpu %7.2f); "
          "estimated / cpu-only: ratio of medians %.2f (cpu %.2f), median "
          "of ratios %.2f\n", mlrt_compute_units_name (units), off_cpu, n,
          mt[1], mc[1], mt[0], mc[0], mt[1] / mt[0], mc[1] / mc[0],
          bench_median (ratio, rounds));
  mlrt_model_unload (cpu);
  mlrt_model_unload (est);
  g_free (cache);
}

int
main (int argc, char **argv)
{
  static const MlrtComputeUnits choices[] = { MLRT_COMPUTE_CPU_AND_NPU,
                                              MLRT_COMPUTE_CPU_AND_GPU,
                                              MLRT_COMPUTE_ALL };
  int rounds = 7, first = 1;
  char *tmp;

  if (argc == 5 && strcmp (argv[1], "--child") == 0)
    return child (argv[3], argv[4], strcmp (argv[2], "probe") == 0);
  if (argc > 2 && strcmp (argv[1], "--rounds") == 0)
    {
      rounds = atoi (argv[2]);
      first = 3;
    }
  if (rounds < 1 || rounds > 64 || first >= argc)
    {
      fprintf (stderr, "usage: bench-loads [--rounds R (1-64)] "
               "MODEL.mlpackage...\n");
      return 2;
    }
  tmp = test_tmpdir_new ("bench-loads");
  first_loads (argv[0], argv[first], tmp, rounds);
  for (int i = first; i < argc; i++)
    {
      printf ("load with a choice of units, %s, median of %d rounds\n",
              argv[i], rounds);
      for (size_t k = 0; k < G_N_ELEMENTS (choices); k++)
        if (choices[k] == MLRT_COMPUTE_CPU_AND_NPU
            || mlrt_unit_available (MLRT_UNIT_GPU))
          placement_loads (argv[i], choices[k], tmp, rounds);
    }
  for (int i = first; i < argc; i++)
    {
      printf ("estimated placement (cost models calibrated on this machine) "
              "against cpu-only, %s, median of %d rounds\n", argv[i],
              rounds);
      for (size_t k = 0; k < G_N_ELEMENTS (choices); k++)
        if (choices[k] == MLRT_COMPUTE_CPU_AND_NPU
            || mlrt_unit_available (MLRT_UNIT_GPU))
          estimated_vs_cpu (argv[i], choices[k], tmp, rounds);
    }
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return 0;
}
