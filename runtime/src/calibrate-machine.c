/*
 * calibrate-machine.c: the units' cost models fitted to this machine, for
 * MLRT_PLACEMENT_ESTIMATED (docs/placement.md, "Estimated placement").
 *
 * The cost models (estimate_us, transfer_us, request_us in MlrtUnitOps)
 * describe the hardware a unit stands for: the GPU's a real GPU, the
 * NPU's a small edge engine. Where the GPU is PoCL on the host CPU and the
 * NPU is mlrt's emulator they are wrong by one or two orders of magnitude,
 * and an estimated plan made on them was 2-4 times slower than cpu-only.
 * So the model is kept (a layer costs a fixed amount plus its multiply-adds
 * at the unit's rate; data moves at a rate per byte; a request has a fixed
 * cost) and its rates are measured here: once per process and cache
 * directory, a small reference network (a 3x3 convolution and a ReLU) is
 * loaded from memory with measured placement on every unit this machine
 * has, which runs each layer on each unit (calibrate.c), and the rates are
 * solved from the two layers' timings. They are kept in the cache
 * directory, keyed by the devices like the placement cache, so later
 * processes read them; a load from memory, which promises to leave
 * nothing on disk, keeps them in the process only.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiled.h"
#include "mlrt-internal.h"

#define RATES_FORMAT "mlrt-rates-1"
/* Below this a rate is not believed: the clocks' resolution. */
#define MIN_US 0.01

typedef struct {
  int known;
  double layer_us;          /* a layer's fixed cost */
  double macs_per_us;       /* its multiply-adds */
  MlrtUnitCosts moves;      /* data movement and requests, when measured */
} UnitRates;

static pthread_mutex_t rates_lock = PTHREAD_MUTEX_INITIALIZER;
static char *rates_dir;             /* the cache directory they were for */
static UnitRates rates[MLRT_N_UNITS];

/* The reference: x [1, 16, 32, 32] -> ReLU (16 K values) -> 3x3
 * convolution, 16 channels (2.4 M multiply-adds), zero weights. The ReLU
 * comes first so that compiling does not fuse it into the convolution. */
static const char reference_json[] =
  "{\"format_version\": 1, \"name\": \"mlrt-calibration\","
  " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\","
  " \"shape\": [1, 16, 32, 32]}],"
  " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\","
  " \"shape\": [1, 16, 32, 32]}],"
  " \"layers\": ["
  "  {\"name\": \"relu\", \"op\": \"relu\", \"inputs\": [\"x\"],"
  "   \"outputs\": [\"r\"]},"
  "  {\"name\": \"conv\", \"op\": \"conv2d\", \"inputs\": [\"r\"],"
  "   \"outputs\": [\"y\"], \"params\": {\"out_channels\": 16,"
  "   \"kernel\": [3, 3], \"stride\": [1, 1], \"padding\": [1, 1],"
  "   \"dilation\": [1, 1], \"groups\": 1},"
  "   \"weights\": {\"weight\": {\"shape\": [16, 16, 3, 3],"
  "   \"encoding\": \"float32\", \"offset\": 0, \"size\": 9216},"
  "   \"bias\": {\"shape\": [16], \"encoding\": \"float32\","
  "   \"offset\": 9216, \"size\": 64}}}]}";
#define REFERENCE_WEIGHTS 9280

/* Solves the unit's rates from the reference's two measured layers. */
static void
fit (const MlrtModel *ref, MlrtUnit u, UnitRates *r)
{
  const MlrtLayerPlan *relu = &ref->plan[0], *conv = &ref->plan[1];
  double f_relu = mlrt_layer_cost (&ref->spec, &ref->spec.layers[0]).flops;
  double f_conv = mlrt_layer_cost (&ref->spec, &ref->spec.layers[1]).flops;
  double dt;

  if (ref->spec.n_layers != 2 || !conv->measured[u] || !relu->measured[u])
    return;
  dt = conv->estimated_cost_us[u] - relu->estimated_cost_us[u];
  r->known = 1;
  r->macs_per_us = (f_conv - f_relu) / (dt > MIN_US ? dt : MIN_US);
  r->layer_us = relu->estimated_cost_us[u] - f_relu / r->macs_per_us;
  if (r->layer_us < 0)
    r->layer_us = 0;
  r->moves = ref->unit_costs[u];
}

/* Loads the reference with measured placement on every unit. */
static MlrtStatus
measure (MlrtError *error)
{
  uint8_t *weights = calloc (1, REFERENCE_WEIGHTS), *archive = NULL;
  size_t size = 0;
  MlrtConfiguration config;
  MlrtModel *ref = NULL;
  MlrtStatus st;

  if (weights == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  st = mlrt_archive_build ((const uint8_t *) reference_json,
                           sizeof reference_json - 1, weights,
                           REFERENCE_WEIGHTS, &archive, &size, error);
  mlrt_configuration_init (&config);
  config.placement = MLRT_PLACEMENT_MEASURED;
  if (st == MLRT_OK)
    st = mlrt_model_load_from_memory ("mlrt-calibration", archive, size,
                                      NULL, NULL, &config, &ref, error);
  for (int u = 0; st == MLRT_OK && u < MLRT_N_UNITS; u++)
    fit (ref, (MlrtUnit) u, &rates[u]);
  mlrt_model_unload (ref);
  free (archive);
  free (weights);
  if (st != MLRT_OK)
    mlrt_error_prefix (error, "calibrating the units' cost models");
  return st;
}

static char *
rates_path (const char *dir)
{
  char devices[1024];
  uint64_t h = mlrt_describe_devices (MLRT_COMPUTE_ALL, devices,
                                      sizeof devices);

  return mlrt_strdup_printf ("%s/unit-rates-%016llx", dir,
                             (unsigned long long) h);
}

static int
read_rates (const char *path)
{
  FILE *f = fopen (path, "re");
  char line[256];
  int n = 0;

  if (f == NULL)
    return 0;
  if (fgets (line, sizeof line, f)
      && strcmp (line, RATES_FORMAT "\n") == 0)
    while (fgets (line, sizeof line, f))
      {
        UnitRates r = { 1 };
        int u;

        if (sscanf (line, "unit %d %lg %lg %d %lg %lg", &u, &r.layer_us,
                    &r.macs_per_us, &r.moves.measured, &r.moves.byte_us,
                    &r.moves.request_us) == 6
            && u >= 0 && u < MLRT_N_UNITS && r.macs_per_us > 0)
          {
            rates[u] = r;
            n++;
          }
      }
  fclose (f);
  return n > 0 && rates[MLRT_UNIT_CPU].known;
}

static void
write_rates (const char *dir, const char *path)
{
  char text[1024];
  size_t used = (size_t) snprintf (text, sizeof text, RATES_FORMAT "\n");
  const void *parts[1] = { text };
  size_t sizes[1];
  MlrtError error = { 0 };

  for (int u = 0; u < MLRT_N_UNITS; u++)
    if (rates[u].known && used < sizeof text)
      used += (size_t) snprintf (text + used, sizeof text - used,
                                 "unit %d %a %a %d %a %a\n", u,
                                 rates[u].layer_us, rates[u].macs_per_us,
                                 rates[u].moves.measured,
                                 rates[u].moves.byte_us,
                                 rates[u].moves.request_us);
  sizes[0] = used < sizeof text ? used : 0;
  if (sizes[0] && mlrt_mkdir_p (dir, &error) == MLRT_OK)
    mlrt_write_file_atomic (path, parts, sizes, 1, &error);
}

/* This machine's rates for the cache directory, measured or read once,
 * copied into `out`; written to the directory only when `store`. */
static MlrtStatus
get_rates (const char *cache_dir, int store, UnitRates *out,
           MlrtError *error)
{
  char *dir = cache_dir ? strdup (cache_dir) : mlrt_cache_dir_default ();
  char *path = dir ? rates_path (dir) : NULL;
  MlrtStatus st = MLRT_OK;

  if (path == NULL)
    {
      free (dir);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
    }
  pthread_mutex_lock (&rates_lock);
  if (rates_dir == NULL || strcmp (rates_dir, dir) != 0)
    {
      memset (rates, 0, sizeof rates);
      if (!read_rates (path))
        {
          memset (rates, 0, sizeof rates);
          st = measure (error);
          if (st == MLRT_OK && store)
            write_rates (dir, path);
        }
      free (rates_dir);
      rates_dir = st == MLRT_OK ? strdup (dir) : NULL;
    }
  memcpy (out, rates, sizeof rates);
  pthread_mutex_unlock (&rates_lock);
  free (path);
  free (dir);
  return st;
}

MlrtStatus
mlrt_calibrate_estimates (MlrtModel *m, const int *ok, const char *cache_dir,
                          int store, MlrtError *error)
{
  UnitRates r[MLRT_N_UNITS];
  MlrtStatus st;

  if (m->placement != MLRT_PLACEMENT_ESTIMATED
      || mlrt_plan_n_choices (m, ok) < 2)
    return MLRT_OK;
  st = get_rates (cache_dir, store, r, error);
  if (st != MLRT_OK)
    return st;
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      if (!r[u].known)
        continue;
      if (r[u].moves.measured)
        m->unit_costs[u] = r[u].moves;
      for (size_t i = 0; i < m->spec.n_layers; i++)
        if (ok[i * MLRT_N_UNITS + u])
          m->plan[i].estimated_cost_us[u]
            = r[u].layer_us
              + mlrt_layer_cost (&m->spec, &m->spec.layers[i]).flops
                / r[u].macs_per_us;
    }
  return MLRT_OK;
}
