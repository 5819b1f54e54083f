/*
 * bench-async.c: what asynchronous predictions buy in throughput. For each
 * model given, one process loads it for `all` compute units with estimated
 * placement (the same plan every run, whatever this machine's speed) and
 * runs rounds of two phases in turn, the order swapped every round: N
 * synchronous predictions one after the other, and N asynchronous ones
 * with IN_FLIGHT in flight (mlrt_model_predict_async, waited for in
 * order). Each phase is timed in wall time and in the process's CPU time.
 * Prints, per model, the median predictions per second of each kind, the
 * median of the rounds' async / sync ratios, and CPU time per prediction
 * beside wall time: on a machine shared with other work, wall time moves
 * with the neighbours, CPU time says what the runtime itself spent.
 *
 *   bench-async [--rounds R] [--in-flight K] MODEL.mlpackage[:N]...
 *   (R 7, K 4, N 20 predictions per phase)
 */
#include <glib.h>
#include <mlrt/mlrt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WARMUP 3

static double
clock_s (clockid_t clock)
{
  struct timespec ts;
  clock_gettime (clock, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, (size_t) n, sizeof *v, compare_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct {
  MlrtModel *model;
  MlrtFeatures *inputs;
  GPtrArray *data;
} Bench;

/* Inputs of every type the model asks for, values in 0..1 (or bytes). */
static void
make_inputs (Bench *b)
{
  const MlrtModelDescription *desc = mlrt_model_description (b->model);
  GRand *rand = g_rand_new_with_seed (7);
  MlrtError error;

  b->inputs = mlrt_features_new ();
  b->data = g_ptr_array_new_with_free_func (g_free);
  for (size_t i = 0; i < desc->n_inputs; i++)
    {
      const MlrtFeatureDescription *fd = &desc->inputs[i];
      MlrtValue v = { .type = fd->type, .rank = fd->rank };
      memcpy (v.shape, fd->shape, sizeof v.shape);
      size_t n = mlrt_value_element_count (&v);
      void *data = g_malloc (mlrt_value_byte_size (&v));
      guint8 *bytes = data;
      for (size_t j = 0; j < n; j++)
        switch (fd->type)
          {
          case MLRT_TYPE_FLOAT32:
            ((float *) data)[j] = (float) g_rand_double (rand);
            break;
          case MLRT_TYPE_FLOAT64:
            ((double *) data)[j] = g_rand_double (rand);
            break;
          case MLRT_TYPE_FLOAT16:
          case MLRT_TYPE_GRAY16_HALF:
            ((guint16 *) data)[j] =
              mlrt_float_to_half ((float) g_rand_double (rand));
            break;
          case MLRT_TYPE_INT32:
            ((gint32 *) data)[j] = g_rand_int_range (rand, 0, 16);
            break;
          case MLRT_TYPE_GRAY8:
          case MLRT_TYPE_BGRA8:
          case MLRT_TYPE_INVALID:
          default:
            memset (bytes + j * mlrt_feature_type_element_size (fd->type),
                    g_rand_int_range (rand, 0, 256),
                    mlrt_feature_type_element_size (fd->type));
            break;
          }
      v.data = bytes;
      g_ptr_array_add (b->data, bytes);
      if (mlrt_features_set (b->inputs, fd->name, &v, &error) != MLRT_OK)
        g_error ("%s", error.message);
    }
  g_rand_free (rand);
}

static void
load (Bench *b, const char *path, unsigned in_flight)
{
  MlrtConfiguration config;
  MlrtError error;

  mlrt_configuration_init (&config);
  config.compute_units = MLRT_COMPUTE_ALL;
  config.placement = MLRT_PLACEMENT_ESTIMATED;
  config.max_in_flight = in_flight;
  if (mlrt_model_load (path, &config, &b->model, &error) != MLRT_OK)
    g_error ("%s", error.message);
  make_inputs (b);
}

static void
run_sync (Bench *b, int n)
{
  MlrtError error;

  for (int i = 0; i < n; i++)
    {
      MlrtFeatures *out = NULL;
      if (mlrt_model_predict (b->model, b->inputs, NULL, &out, &error)
          != MLRT_OK)
        g_error ("%s", error.message);
      mlrt_features_free (out);
    }
}

static void
finish (MlrtPrediction *p)
{
  MlrtFeatures *out = NULL;
  MlrtError error;

  if (mlrt_prediction_wait (p, &out, &error) != MLRT_OK)
    g_error ("%s", error.message);
  mlrt_features_free (out);
  mlrt_prediction_free (p);
}

/* n predictions, `in_flight` at a time, waited for in order. */
static void
run_async (Bench *b, int n, unsigned in_flight)
{
  MlrtPrediction **ring = g_new0 (MlrtPrediction *, in_flight);
  MlrtError error;

  for (int i = 0; i < n; i++)
    {
      MlrtPrediction **slot = &ring[(unsigned) i % in_flight];
      if (*slot)
        finish (*slot);
      if (mlrt_model_predict_async (b->model, b->inputs, NULL, NULL, NULL,
                                    slot, &error) != MLRT_OK)
        g_error ("%s", error.message);
    }
  for (unsigned i = 0; i < in_flight; i++)
    if (ring[((unsigned) n + i) % in_flight])
      finish (ring[((unsigned) n + i) % in_flight]);
  g_free (ring);
}

typedef struct {
  double wall, cpu;         /* seconds */
} Phase;

static Phase
phase (Bench *b, int n, unsigned in_flight)
{
  double w0 = clock_s (CLOCK_MONOTONIC);
  double c0 = clock_s (CLOCK_PROCESS_CPUTIME_ID);

  if (in_flight)
    run_async (b, n, in_flight);
  else
    run_sync (b, n);
  return (Phase) { clock_s (CLOCK_MONOTONIC) - w0,
                   clock_s (CLOCK_PROCESS_CPUTIME_ID) - c0 };
}

/* The plan in a few words: layers per unit. */
static void
print_plan (const MlrtModel *model)
{
  const MlrtLayerPlan *plan;
  size_t n = mlrt_model_plan (model, &plan);
  int per_unit[MLRT_N_UNITS] = { 0 }, segments = 0;

  for (size_t i = 0; i < n; i++)
    {
      per_unit[plan[i].unit]++;
      segments = plan[i].segment + 1;
    }
  g_print ("  plan: %zu layers (cpu %d, gpu %d, npu %d) in %d compute "
           "requests\n", n, per_unit[MLRT_UNIT_CPU], per_unit[MLRT_UNIT_GPU],
           per_unit[MLRT_UNIT_NPU], segments);
}

static void
bench_model (const char *arg, int rounds, unsigned in_flight)
{
  char *path = g_strdup (arg);
  char *colon = strrchr (path, ':');
  int n = 20;
  Bench b = { 0 };
  double *sync_rate = g_new (double, rounds), *async_rate = g_new (double, rounds);
  double *ratio = g_new (double, rounds);
  double *sync_cpu = g_new (double, rounds), *async_cpu = g_new (double, rounds);

  if (colon && atoi (colon + 1) > 0)
    {
      n = atoi (colon + 1);
      *colon = '\0';
    }
  load (&b, path, in_flight);
  phase (&b, WARMUP, 0);
  phase (&b, WARMUP, in_flight);
  for (int r = 0; r < rounds; r++)
    {
      Phase s, a;
      if (r % 2 == 0)
        {
          s = phase (&b, n, 0);
          a = phase (&b, n, in_flight);
        }
      else
        {
          a = phase (&b, n, in_flight);
          s = phase (&b, n, 0);
        }
      sync_rate[r] = n / s.wall;
      async_rate[r] = n / a.wall;
      ratio[r] = async_rate[r] / sync_rate[r];
      sync_cpu[r] = 1e3 * s.cpu / n;
      async_cpu[r] = 1e3 * a.cpu / n;
    }
  char *base = g_path_get_basename (path);
  g_print ("%s: %d rounds of %d predictions each way, order swapped every "
           "round\n", base, rounds, n);
  print_plan (b.model);
  double sr = median (sync_rate, rounds), ar = median (async_rate, rounds);
  double sc = median (sync_cpu, rounds), ac = median (async_cpu, rounds);
  double mr = median (ratio, rounds);   /* sorts: ratio[0] is the least */
  g_print ("  sync:                %7.1f predictions/s  (wall %7.2f ms, CPU "
           "%7.2f ms per prediction)\n", sr, 1e3 / sr, sc);
  g_print ("  async, %u in flight:  %7.1f predictions/s  (wall %7.2f ms, CPU "
           "%7.2f ms per prediction)\n", in_flight, ar, 1e3 / ar, ac);
  g_print ("  throughput async / sync: %.2fx (median of the rounds' ratios, "
           "which range from %.2fx to %.2fx; ratio of the medians above "
           "%.2fx)\n", mr, ratio[0], ratio[rounds - 1], ar / sr);
  mlrt_features_free (b.inputs);
  g_ptr_array_unref (b.data);
  mlrt_model_unload (b.model);
  g_free (base);
  g_free (sync_rate);
  g_free (async_rate);
  g_free (ratio);
  g_free (sync_cpu);
  g_free (async_cpu);
  g_free (path);
}

int
main (int argc, char **argv)
{
  int rounds = 7, first = 1;
  unsigned in_flight = 4;

  while (first + 1 < argc && g_str_has_prefix (argv[first], "--"))
    {
      if (strcmp (argv[first], "--rounds") == 0)
        rounds = atoi (argv[first + 1]);
      else if (strcmp (argv[first], "--in-flight") == 0)
        in_flight = (unsigned) atoi (argv[first + 1]);
      else
        break;
      first += 2;
    }
  if (first >= argc || rounds < 1 || in_flight < 1)
    {
      fprintf (stderr, "usage: bench-async [--rounds R] [--in-flight K] "
               "MODEL.mlpackage[:N]...\n");
      return 2;
    }
  g_print ("compute units all, estimated placement; CPU time is the whole "
           "process's (every thread)\n");
  for (int i = first; i < argc; i++)
    bench_model (argv[i], rounds, in_flight);
  return 0;
}
