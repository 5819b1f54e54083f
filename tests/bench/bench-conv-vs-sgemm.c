/*
 * bench-conv-vs-sgemm.c: each distinct convolution of the CPU benchmarks'
 * models (bench-models.h: PaddleOCR's classifier, detector and
 * recogniser, the style network) run by mlrt's CPU kernel, against
 * OpenBLAS's sgemm of the matrix product the same convolution amounts to
 * (per group: out_c/g x in_c/g*kh*kw times that by out_h*out_w), on the
 * same thread count.
 * Rounds alternate the two, the order swapped every round. Prints per
 * shape both rates in GFLOP/s (2 m n k per group), their ratio (conv /
 * sgemm: the goal is >= 0.8) by wall time and by CPU time, and the
 * conv's CPU time beside its wall time; then per model the ratio over all
 * its convolutions (total sgemm time over total conv time, each shape
 * counted as often as it occurs). On one thread the CPU time is the work
 * each side did; on a shared machine the wall time adds whatever the
 * neighbours took of the core meanwhile, which moves a ratio of
 * sub-millisecond calls by 2x either way.
 *
 *   bench-conv-vs-sgemm [--rounds R] [--threads T]   (R 5, T 1)
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-models.h"
#include "cpu/cpu-pool.h"
#include "bench-stats.h"
#include "cpu/kernels.h"
#include "layer-params.h"
#include "test-tmpdir.h"

typedef struct {
  MlrtConvParams p;
  char name[48];                /* the first layer of this shape */
  int uses;                     /* layers of this shape */
} Shape;

/* The same geometry and epilogue: layers whose fused output affines
 * differ only in value are one shape. */
static int
same_shape (const MlrtConvParams *a, const MlrtConvParams *b)
{
  MlrtConvParams x = *a, y = *b;

  x.out_scale = y.out_scale;
  x.out_shift = y.out_shift;
  return memcmp (&x, &y, sizeof x) == 0;
}

/* The distinct conv2d shapes of the package, in order of first use. */
static GArray *
conv_shapes (const BenchModel *m, const char *dir)
{
  MlrtError error = { 0 };
  MlrtModel *model = mlrt_run_load (m->package, MLRT_COMPUTE_CPU_ONLY, dir,
                                    &error);
  GArray *shapes = g_array_new (FALSE, TRUE, sizeof (Shape));

  if (!model)
    g_error ("%s: %s", m->package, error.message);
  for (size_t i = 0; i < model->spec.n_layers; i++)
    {
      const MlrtLayer *l = &model->spec.layers[i];
      Shape s = { 0 };
      guint k;
      if (strcmp (l->op->name, "conv2d") != 0)
        continue;
      mlrt_layer_conv_params (&model->spec, l, &s.p);
      for (k = 0; k < shapes->len; k++)
        if (same_shape (&g_array_index (shapes, Shape, k).p, &s.p))
          break;
      if (k < shapes->len)
        {
          g_array_index (shapes, Shape, k).uses++;
          continue;
        }
      g_strlcpy (s.name, l->name, sizeof s.name);
      s.uses = 1;
      g_array_append_val (shapes, s);
    }
  mlrt_model_unload (model);
  return shapes;
}

static float *
random_floats (size_t n, GRand *rng)
{
  float *v = g_malloc (n * sizeof *v);
  for (size_t i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rng, -1, 1);
  return v;
}

typedef struct {
  const MlrtConvParams *p;
  float *in, *weight, *packed, *bias, *out, *scratch; /* the conv's */
  float *a, *b, *c;                           /* sgemm's */
  int m, n, k;                                /* per group */
} Work;

static void
run_conv (Work *w)
{
  mlrt_cpu_conv2d (w->p, w->in, w->weight, w->packed, w->bias, w->out,
                   w->scratch);
}

static void
run_sgemm (Work *w)
{
  size_t a = (size_t) w->m * w->k, b = (size_t) w->k * w->n;
  size_t c = (size_t) w->m * w->n;
  for (int g = 0; g < w->p->groups; g++)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, w->m, w->n,
                 w->k, 1.0f, w->a + g * a, w->k, w->b + g * b, w->n, 0.0f,
                 w->c + g * c, w->n);
}

/* Times `reps` calls of f: wall and CPU milliseconds per call. */
static void
timed (void (*f) (Work *), Work *w, int reps, double *wall, double *cpu)
{
  double c0 = bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID);
  double t0 = bench_clock_ms (CLOCK_MONOTONIC);
  for (int i = 0; i < reps; i++)
    f (w);
  *wall = (bench_clock_ms (CLOCK_MONOTONIC) - t0) / reps;
  *cpu = (bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID) - c0) / reps;
}

/* Benchmarks one shape; adds its times (times its uses) to the totals:
 * conv and sgemm wall, conv and sgemm CPU. */
static void
bench_shape (const char *model, const Shape *s, int rounds, GRand *rng,
             double totals[4])
{
  const MlrtConvParams *p = &s->p;
  Work w = { p };
  w.m = p->out_c / p->groups;
  w.n = p->out_h * p->out_w;
  w.k = p->in_c / p->groups * p->kh * p->kw;
  w.in = random_floats ((size_t) p->in_c * p->in_h * p->in_w, rng);
  w.weight = random_floats ((size_t) p->groups * w.m * w.k, rng);
  w.packed = g_new (float, mlrt_cpu_conv2d_packed_floats (p) + 1);
  mlrt_cpu_conv2d_pack (p, w.weight, w.packed);
  w.bias = random_floats ((size_t) p->out_c, rng);
  w.out = g_malloc ((size_t) p->out_c * w.n * sizeof (float));
  w.scratch = g_malloc (mlrt_cpu_conv2d_scratch_size (p) + 1);
  w.a = w.weight;
  w.b = random_floats ((size_t) p->groups * w.k * w.n, rng);
  w.c = g_malloc ((size_t) p->groups * w.m * w.n * sizeof (float));

  double flops = 2.0 * w.m * w.n * w.k * p->groups, wall, cpu;
  /* about 3 ms a phase at 5 GFLOP/s, at least one call */
  int reps = (int) CLAMP (15e6 / flops, 1, 2000);
  double *cw = g_new (double, rounds), *sw = g_new (double, rounds);
  double *cc = g_new (double, rounds), *sc = g_new (double, rounds);

  timed (run_conv, &w, 1, &wall, &cpu);
  timed (run_sgemm, &w, 1, &wall, &cpu);
  for (int r = 0; r < rounds; r++)
    {
      if (r % 2)
        timed (run_sgemm, &w, reps, &sw[r], &sc[r]);
      timed (run_conv, &w, reps, &cw[r], &cc[r]);
      if (r % 2 == 0)
        timed (run_sgemm, &w, reps, &sw[r], &sc[r]);
    }
  double c = bench_median (cw, rounds), g = bench_median (sw, rounds);
  double ccpu = bench_median (cc, rounds), gcpu = bench_median (sc, rounds);
  char shape[64];
  snprintf (shape, sizeof shape, "%d>%d %dx%d s%d g%d %dx%d", p->in_c,
            p->out_c, p->kh, p->kw, p->sh, p->groups, p->out_h, p->out_w);
  g_print ("%-6s %-26.26s %-28s %3d %8.2f %8.2f  %5.2f %5.2f  %8.3f "
           "%8.3f\n", model, s->name, shape, s->uses, flops / c / 1e6,
           flops / g / 1e6, g / c, gcpu / ccpu, c, ccpu);
  totals[0] += c * s->uses;
  totals[1] += g * s->uses;
  totals[2] += ccpu * s->uses;
  totals[3] += gcpu * s->uses;
  g_free (sc);
  g_free (cc);
  g_free (sw);
  g_free (cw);
  g_free (w.c);
  g_free (w.b);
  g_free (w.scratch);
  g_free (w.out);
  g_free (w.bias);
  g_free (w.weight);
  g_free (w.packed);
  g_free (w.in);
}

int
main (int argc, char **argv)
{
  int rounds = 5, threads = 1;
  for (int i = 1; i + 1 < argc; i += 2)
    if (strcmp (argv[i], "--rounds") == 0)
      rounds = atoi (argv[i + 1]);
    else if (strcmp (argv[i], "--threads") == 0)
      threads = atoi (argv[i + 1]);
  if (rounds < 1 || threads < 1)
    {
      fprintf (stderr, "usage: bench-conv-vs-sgemm [--rounds R] [--threads "
               "T]\n");
      return 2;
    }
  /* mlrt's pool and OpenBLAS each on `threads` threads */
  mlrt_cpu_pool_set_workers (threads);
  openblas_set_num_threads (threads);
  g_autofree char *dir = test_tmpdir_new ("mlscope-bench");
  GPtrArray *models = bench_models_new (dir);
  GRand *rng = g_rand_new_with_seed (11);

  if (!models)
    {
      test_tmpdir_remove (dir);
      return 77;
    }
  g_print ("conv-vs-sgemm: mlrt's CPU convolution against OpenBLAS sgemm of "
           "the same matrix, %d thread(s), %d rounds interleaved\n"
           "%-6s %-26s %-28s %3s %8s %8s  %5s %5s  %8s %8s\n", threads,
           rounds, "model", "first layer", "in>out kernel stride groups out",
           "n", "conv", "sgemm", "ratio", "CPU", "conv ms", "CPU ms");
  for (guint i = 0; i < models->len; i++)
    {
      const BenchModel *m = models->pdata[i];
      GArray *shapes = conv_shapes (m, dir);
      double t[4] = { 0 };
      for (guint k = 0; k < shapes->len; k++)
        bench_shape (m->name, &g_array_index (shapes, Shape, k), rounds, rng,
                     t);
      g_print ("%-6s all %u convolutions: %.2f ms, sgemm %.2f ms, ratio "
               "%.2f; CPU %.2f ms, sgemm %.2f ms, ratio %.2f\n", m->name,
               shapes->len, t[0], t[1], t[1] / t[0], t[2], t[3],
               t[3] / t[2]);
      g_array_free (shapes, TRUE);
    }
  g_print ("rates in GFLOP/s (2 m n k per group, wall time); ratio: sgemm "
           "time / conv time by wall time, CPU: by CPU time (goal >= 0.8)\n");
  g_rand_free (rng);
  bench_models_free (models);
  test_tmpdir_remove (dir);
  return 0;
}
