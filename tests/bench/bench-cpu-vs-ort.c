/*
 * bench-cpu-vs-ort.c: mlrt's CPU unit against ONNX Runtime's CPU provider
 * on the same converted models and the same input (bench-models.h:
 * PaddleOCR's direction classifier, detector and recogniser, a
 * style-transfer network), with the same thread count. ONNX Runtime runs in a node child
 * process kept alive across the run (bench-ort.h); rounds alternate the
 * two, the order swapped every round, so both see the same neighbours.
 * Prints per model the median latency of each, their ratio (mlrt / ORT:
 * below 1 is mlrt faster), the median of the rounds' ratios, and the CPU
 * time per prediction of each beside it: on a shared machine wall time
 * moves with the neighbours, CPU time says what each spent.
 *
 *   bench-cpu-vs-ort [--rounds R] [--threads T]   (R 7, T 1)
 */
#include <cblas.h>
#include <mlrt/mlrt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-models.h"
#include "cpu/cpu-pool.h"
#include "bench-ort.h"
#include "bench-stats.h"
#include "test-tmpdir.h"

typedef struct {
  MlrtModel *model;
  MlrtFeatures *inputs;
} Mlrt;

static gboolean
mlrt_start (Mlrt *m, const BenchModel *bm, const MlrtOnnxTensor *input,
            const char *dir)
{
  MlrtError error = { 0 };
  MlrtValue v = { MLRT_TYPE_FLOAT32, 4,
                  { bm->dims[0], bm->dims[1], bm->dims[2], bm->dims[3] },
                  input->data, NULL };

  m->model = mlrt_run_load (bm->package, MLRT_COMPUTE_CPU_ONLY, dir, &error);
  m->inputs = mlrt_features_new ();
  if (!m->model || mlrt_features_set (m->inputs, "x", &v, &error) != MLRT_OK)
    {
      g_print ("%s: %s\n", bm->package, error.message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
mlrt_run (Mlrt *m, int n, double *wall_ms, double *cpu_ms)
{
  double cpu = bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID);
  for (int i = 0; i < n; i++)
    {
      MlrtFeatures *out = NULL;
      MlrtError error = { 0 };
      double start = bench_clock_ms (CLOCK_MONOTONIC);
      if (mlrt_model_predict (m->model, m->inputs, NULL, &out, &error)
          != MLRT_OK)
        {
          g_print ("mlrt: %s\n", error.message);
          return FALSE;
        }
      wall_ms[i] = bench_clock_ms (CLOCK_MONOTONIC) - start;
      mlrt_features_free (out);
    }
  *cpu_ms = bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID) - cpu;
  return TRUE;
}

/* Predictions per phase: enough to time, few enough for a shared box. */
static int
phase_count (const BenchModel *m)
{
  double pixels = (double) m->dims[2] * m->dims[3];
  return pixels < 20000 ? 20 : pixels < 50000 ? 6 : 2;
}

static gboolean
bench_model (const BenchModel *bm, int rounds, int threads, const char *dir)
{
  MlrtOnnxTensor *input = bench_model_input (bm);
  BenchOrt *ort = bench_ort_start (bm->onnx, input, threads, dir);
  Mlrt m = { 0 };
  int k = phase_count (bm), n = rounds * k;
  double *mw = g_new (double, n), *ow = g_new (double, n);
  double *ratios = g_new (double, rounds), mcpu = 0, ocpu = 0;
  gboolean ok = ort && mlrt_start (&m, bm, input, dir);

  /* warm up: first predictions pay for page faults and lazy set-up */
  double warm[2], cpu;
  ok = ok && mlrt_run (&m, 1, warm, &cpu) && bench_ort_run (ort, 1, warm,
                                                            &cpu);
  for (int r = 0; ok && r < rounds; r++)
    {
      double c1 = 0, c2 = 0;
      if (r % 2 == 0)
        ok = mlrt_run (&m, k, mw + r * k, &c1)
             && bench_ort_run (ort, k, ow + r * k, &c2);
      else
        ok = bench_ort_run (ort, k, ow + r * k, &c2)
             && mlrt_run (&m, k, mw + r * k, &c1);
      mcpu += c1;
      ocpu += c2;
      ratios[r] = bench_median (mw + r * k, k) / bench_median (ow + r * k, k);
    }
  if (ok)
    {
      double mm = bench_median (mw, n), om = bench_median (ow, n);
      char shape[48];
      snprintf (shape, sizeof shape, "%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                "x%" G_GINT64_FORMAT, bm->dims[1], bm->dims[2], bm->dims[3]);
      g_print ("%-6s %-12s %10.2f ms %10.2f ms  %6.2f  %6.2f   "
               "%9.2f ms %9.2f ms\n", bm->name, shape, mm, om, mm / om, bench_median (ratios, rounds), mcpu / n,
               ocpu / n);
    }
  mlrt_features_free (m.inputs);
  mlrt_model_unload (m.model);
  bench_ort_stop (ort);
  mlrt_onnx_tensor_free (input);
  g_free (ratios);
  g_free (ow);
  g_free (mw);
  return ok;
}

int
main (int argc, char **argv)
{
  int rounds = 7, threads = 1;
  for (int i = 1; i + 1 < argc; i += 2)
    if (strcmp (argv[i], "--rounds") == 0)
      rounds = atoi (argv[i + 1]);
    else if (strcmp (argv[i], "--threads") == 0)
      threads = atoi (argv[i + 1]);
  if (rounds < 1 || threads < 1)
    {
      fprintf (stderr, "usage: bench-cpu-vs-ort [--rounds R] [--threads "
               "T]\n");
      return 2;
    }
  /* mlrt's pool and OpenBLAS each on `threads` threads */
  mlrt_cpu_pool_set_workers (threads);
  openblas_set_num_threads (threads);
  g_autofree char *dir = test_tmpdir_new ("mlscope-bench");
  GPtrArray *models = bench_models_new (dir);
  int ret = 0;

  if (!models)
    {
      test_tmpdir_remove (dir);
      return 77;
    }
  g_print ("cpu-vs-ort: mlrt cpu-only against ONNX Runtime's CPU provider "
           "(npm onnxruntime-node), %d thread(s) each, %d rounds "
           "interleaved\n%-6s %-12s %13s %13s  %6s  %6s   %12s %12s\n",
           threads, rounds, "model", "input", "mlrt median", "ORT median",
           "ratio", "rounds", "mlrt CPU/pred", "ORT CPU/pred");
  for (guint i = 0; i < models->len; i++)
    if (!bench_model (models->pdata[i], rounds, threads, dir))
      ret = 1;
  g_print ("ratio: mlrt median / ORT median (goal <= 1.0); rounds: median "
           "of the rounds' ratios\n");
  bench_models_free (models);
  test_tmpdir_remove (dir);
  return ret;
}
