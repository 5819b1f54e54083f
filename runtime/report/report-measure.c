/*
 * report-measure.c: runs the iterations the report is made of, with the
 * runtime's public API only:
 *
 * - compile, uncached: mlrt_compile into a fresh, empty cache directory;
 * - load, uncached: mlrt_model_load with a fresh cache directory (so the
 *   load includes compiling and, with a choice of units, measuring the
 *   placement), then unload;
 * - load, cached: mlrt_model_load from a cache that already holds the
 *   compiled model and its measured placement (docs/placement.md),
 *   followed by the first prediction on that fresh model;
 * - prediction: `warmup` predictions, then `iterations` measured ones on one
 *   loaded model, with a layer observer timing every layer.
 *
 * Every cache directory lives under one private temporary directory that is
 * removed at the end, so the user's cache is never read or written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "report.h"

typedef struct {
  const MlrtReportOptions *options;
  MlrtConfiguration config;
  char *root;               /* the private temporary directory */
  unsigned next_dir;
  MlrtReportInputs *inputs;
  MlrtError *error;
} Run;

/* Per-layer time of the prediction being measured, fed by the observer. */
typedef struct {
  size_t n_layers;
  uint64_t *ns;             /* n_layers, reset before each prediction */
  unsigned char *seen;
  size_t stray;             /* events naming no layer of the plan */
} LayerClock;

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static double
us_since (uint64_t start)
{
  return (now_ns () - start) / 1000.0;
}

static void fail (MlrtError *error, MlrtStatus status, const char *format,
                  ...) __attribute__ ((format (printf, 3, 4)));

static void
fail (MlrtError *error, MlrtStatus status, const char *format, ...)
{
  va_list args;

  error->status = status;
  va_start (args, format);
  vsnprintf (error->message, sizeof error->message, format, args);
  va_end (args);
}

static int
remove_entry (const char *path, const struct stat *st, int flag,
              struct FTW *ftw)
{
  remove (path);
  return 0;
}

static void
remove_tree (const char *path)
{
  nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static uint64_t size_total;

static int
add_size (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  if (flag == FTW_F)
    size_total += (uint64_t) st->st_size;
  return 0;
}

/* The bytes of every file in the package. */
static uint64_t
package_size (const char *path)
{
  size_total = 0;
  nftw (path, add_size, 16, FTW_PHYS);
  return size_total;
}

/* A new empty directory under the run's root, for one uncached step. */
static char *
fresh_dir (Run *run)
{
  char *dir = NULL;

  if (asprintf (&dir, "%s/cache-%u", run->root, run->next_dir++) < 0)
    return NULL;
  if (mkdir (dir, 0700) != 0)
    {
      fail (run->error, MLRT_ERROR_IO, "%s: cannot create: %s", dir,
            strerror (errno));
      free (dir);
      return NULL;
    }
  return dir;
}

static int
check_model_path (const char *path, MlrtError *error)
{
  struct stat st;

  if (stat (path, &st) != 0)
    {
      fail (error, MLRT_ERROR_IO, "%s: cannot read the model: %s", path,
            strerror (errno));
      return -1;
    }
  if (!S_ISDIR (st.st_mode))
    {
      fail (error, MLRT_ERROR_FORMAT, "%s: not a model package (a"
            " NAME.mlpackage directory holding model.json and weights.bin)",
            path);
      return -1;
    }
  return 0;
}

static int
check_units (MlrtComputeUnits units, MlrtError *error)
{
  static const MlrtUnit accelerators[] = { MLRT_UNIT_GPU, MLRT_UNIT_NPU };

  if (units == MLRT_COMPUTE_ALL)
    return 0;
  for (size_t i = 0; i < 2; i++)
    if (mlrt_report_units_allow (units, accelerators[i])
        && !mlrt_unit_available (accelerators[i]))
      {
        fail (error, MLRT_ERROR_UNSUPPORTED, "compute units %s need the %s,"
              " which this machine does not have%s",
              mlrt_report_compute_units_name (units),
              mlrt_report_unit_name (accelerators[i]),
              accelerators[i] == MLRT_UNIT_GPU
              ? " (no usable OpenCL device, or mlrt was built without its"
                " GPU unit); try cpu-only or all" : "; try cpu-only or all");
        return -1;
      }
  return 0;
}

static int
measure_compile (Run *run, double *samples)
{
  for (int i = 0; i < run->options->iterations; i++)
    {
      char *dir = fresh_dir (run);
      char *compiled = NULL;
      int hit = 0;
      uint64_t start;
      MlrtStatus status;

      if (dir == NULL)
        return -1;
      start = now_ns ();
      status = mlrt_compile (run->options->model_path, dir, &compiled, &hit,
                             run->error);
      samples[i] = us_since (start);
      free (compiled);
      remove_tree (dir);
      free (dir);
      if (status != MLRT_OK)
        return -1;
    }
  return 0;
}

static int
measure_load_uncached (Run *run, double *samples)
{
  for (int i = 0; i < run->options->iterations; i++)
    {
      MlrtConfiguration config = run->config;
      MlrtModel *model = NULL;
      char *dir = fresh_dir (run);
      uint64_t start;
      MlrtStatus status;

      if (dir == NULL)
        return -1;
      config.cache_dir = dir;
      start = now_ns ();
      status = mlrt_model_load (run->options->model_path, &config, &model,
                                run->error);
      samples[i] = us_since (start);
      mlrt_model_unload (model);
      remove_tree (dir);
      free (dir);
      if (status != MLRT_OK)
        return -1;
    }
  return 0;
}

static int
predict_once (Run *run, MlrtModel *model, double *us)
{
  MlrtFeatures *outputs = NULL;
  uint64_t start = now_ns ();
  MlrtStatus status;

  status = mlrt_model_predict (model, mlrt_report_inputs_features (run->inputs),
                               NULL, &outputs, run->error);
  if (us != NULL)
    *us = us_since (start);
  mlrt_features_free (outputs);
  return status == MLRT_OK ? 0 : -1;
}

/* Loads from the run's warm cache (run->config.cache_dir). */
static MlrtModel *
load_cached (Run *run, double *us)
{
  MlrtModel *model = NULL;
  uint64_t start = now_ns ();

  if (mlrt_model_load (run->options->model_path, &run->config, &model,
                       run->error) != MLRT_OK)
    return NULL;
  if (us != NULL)
    *us = us_since (start);
  return model;
}

static int
measure_load_cached (Run *run, double *load, double *first)
{
  for (int i = 0; i < run->options->iterations; i++)
    {
      MlrtModel *model = load_cached (run, &load[i]);
      int result;

      if (model == NULL)
        return -1;
      result = predict_once (run, model, &first[i]);
      mlrt_model_unload (model);
      if (result != 0)
        return -1;
    }
  return 0;
}

static void
on_layer (const MlrtLayerEvent *event, void *user_data)
{
  LayerClock *clock = user_data;

  if (event->layer >= clock->n_layers || event->end_ns < event->start_ns)
    {
      clock->stray++;
      return;
    }
  clock->ns[event->layer] += event->end_ns - event->start_ns;
  clock->seen[event->layer] = 1;
}

/* layer_us[l * iterations + i]: layer l in measured prediction i; a layer
 * left unseen in any prediction is left unmeasured. */
static int
measure_predictions (Run *run, MlrtModel *model, size_t n_layers,
                     double *samples, double *layer_us, unsigned char *seen)
{
  int n = run->options->iterations;
  LayerClock clock = { n_layers, calloc (n_layers + 1, sizeof (uint64_t)),
                       calloc (n_layers + 1, 1), 0 };
  int result = 0;

  if (clock.ns == NULL || clock.seen == NULL)
    {
      fail (run->error, MLRT_ERROR_NO_MEMORY, "out of memory");
      result = -1;
    }
  for (int i = 0; i < run->options->warmup && result == 0; i++)
    result = predict_once (run, model, NULL);
  mlrt_model_set_layer_observer (model, on_layer, &clock);
  memset (seen, 1, n_layers);
  for (int i = 0; i < n && result == 0; i++)
    {
      memset (clock.ns, 0, n_layers * sizeof (uint64_t));
      memset (clock.seen, 0, n_layers);
      result = predict_once (run, model, &samples[i]);
      for (size_t l = 0; l < n_layers; l++)
        {
          layer_us[l * n + i] = clock.ns[l] / 1000.0;
          seen[l] &= clock.seen[l];
        }
    }
  mlrt_model_set_layer_observer (model, NULL, NULL);
  free (clock.ns);
  free (clock.seen);
  return result;
}

static void
describe_model (MlrtReport *report, const MlrtModel *model, const char *path)
{
  const MlrtModelDescription *d = mlrt_model_description (model);

  report->model_path = strdup (path);
  report->model_name = strdup (d->name != NULL ? d->name : "");
  report->storage_precision = strdup (d->storage_precision
                                      ? d->storage_precision : "unknown");
  report->compute_precision = strdup (d->compute_precision
                                      ? d->compute_precision : "unknown");
  report->model_size_bytes = package_size (path);
}

static void
set_layer_times (MlrtReport *report, const double *layer_us,
                 const unsigned char *seen, int iterations)
{
  for (size_t l = 0; l < report->n_layers; l++)
    {
      report->layers[l].measured = seen[l];
      if (seen[l])
        report->layers[l].measured_us
          = mlrt_report_median (&layer_us[l * iterations], iterations);
    }
}

/* The steady-state part: one model, warmup, measured predictions, plan. */
static int
measure_steady (Run *run, MlrtReport *report)
{
  int n = run->options->iterations;
  MlrtModel *model = load_cached (run, NULL);
  const MlrtLayerPlan *plan = NULL;
  size_t n_layers;
  double *samples = calloc (n, sizeof *samples);
  double *layer_us = NULL;
  unsigned char *seen = NULL;
  int result = -1;

  if (model == NULL || samples == NULL)
    goto out;
  n_layers = mlrt_model_plan (model, &plan);
  layer_us = calloc (n_layers * n + 1, sizeof *layer_us);
  seen = calloc (n_layers + 1, 1);
  if (layer_us == NULL || seen == NULL)
    goto out;
  describe_model (report, model, run->options->model_path);
  mlrt_report_set_plan (report, plan, n_layers);
  if (measure_predictions (run, model, n_layers, samples, layer_us, seen) != 0)
    goto out;
  mlrt_report_stats_compute (&report->prediction, samples, n);
  set_layer_times (report, layer_us, seen, n);
  result = 0;
out:
  mlrt_model_unload (model);
  free (samples);
  free (layer_us);
  free (seen);
  return result;
}

static int
run_steps (Run *run, MlrtReport *report)
{
  int n = run->options->iterations;
  double *a = calloc (n, sizeof *a);
  double *b = calloc (n, sizeof *b);
  MlrtModel *model;
  int result = -1;

  if (a == NULL || b == NULL)
    {
      fail (run->error, MLRT_ERROR_NO_MEMORY, "out of memory");
      goto out;
    }
  if (measure_compile (run, a) != 0)
    goto out;
  mlrt_report_stats_compute (&report->compile, a, n);
  if (measure_load_uncached (run, a) != 0)
    goto out;
  mlrt_report_stats_compute (&report->load_uncached, a, n);
  /* Warm the cache and make the example inputs from the description. */
  model = load_cached (run, NULL);
  if (model == NULL)
    goto out;
  run->inputs = mlrt_report_inputs_new (mlrt_model_description (model),
                                        run->options->seed, run->error);
  mlrt_model_unload (model);
  if (run->inputs == NULL || measure_load_cached (run, a, b) != 0)
    goto out;
  mlrt_report_stats_compute (&report->load_cached, a, n);
  mlrt_report_stats_compute (&report->first_prediction, b, n);
  result = measure_steady (run, report);
out:
  free (a);
  free (b);
  return result;
}

static char *
utc_now (void)
{
  char text[32];
  time_t t = time (NULL);
  struct tm tm;

  gmtime_r (&t, &tm);
  strftime (text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return strdup (text);
}

static char *
make_root (MlrtError *error)
{
  const char *tmp = getenv ("TMPDIR");
  char *root = NULL;

  if (asprintf (&root, "%s/mlrt-report-XXXXXX",
                tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp") < 0)
    return NULL;
  if (mkdtemp (root) == NULL)
    {
      fail (error, MLRT_ERROR_IO, "%s: cannot create a temporary cache"
            " directory: %s", root, strerror (errno));
      free (root);
      return NULL;
    }
  return root;
}

/* The cache every cached load reads from. */
static char *
warm_dir (const char *root, MlrtError *error)
{
  char *dir = NULL;

  if (asprintf (&dir, "%s/warm", root) < 0)
    {
      fail (error, MLRT_ERROR_NO_MEMORY, "out of memory");
      return NULL;
    }
  if (mkdir (dir, 0700) != 0)
    {
      fail (error, MLRT_ERROR_IO, "%s: cannot create: %s", dir,
            strerror (errno));
      free (dir);
      return NULL;
    }
  return dir;
}

MlrtReport *
mlrt_report_measure (const MlrtReportOptions *options, MlrtError *error)
{
  Run run = { options };
  MlrtReport *report;
  int result;

  memset (error, 0, sizeof *error);
  if (check_model_path (options->model_path, error) != 0
      || check_units (options->compute_units, error) != 0)
    return NULL;
  report = mlrt_report_new ();
  run.error = error;
  run.root = make_root (error);
  if (report == NULL || run.root == NULL)
    {
      mlrt_report_free (report);
      return NULL;
    }
  run.config.cache_dir = warm_dir (run.root, error);
  run.config.compute_units = options->compute_units;
  report->compute_units = options->compute_units;
  report->iterations = options->iterations;
  report->warmup = options->warmup;
  report->generated_at = utc_now ();
  mlrt_report_machine_probe (&report->machine);
  for (int u = 0; u < MLRT_N_UNITS; u++)
    report->machine.unit_available[u] = mlrt_unit_available ((MlrtUnit) u);
  result = error->status == MLRT_OK ? run_steps (&run, report) : -1;
  mlrt_report_inputs_free (run.inputs);
  remove_tree (run.root);
  free (run.root);
  free ((char *) run.config.cache_dir);
  if (result != 0)
    {
      mlrt_report_free (report);
      return NULL;
    }
  report->fps = report->prediction.median_us > 0.0
                ? 1e6 / report->prediction.median_us : 0.0;
  mlrt_report_summarize (report);
  return report;
}
