/*
 * example-common.c: helpers shared by the example apps (models directory,
 * option parsing, model loading, timing, synthetic frames).
 */
#include "example-common.h"
#include "example-frames.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if !defined(MLRT_EXAMPLE_MODELS_DIR) || !defined(MLRT_EXAMPLE_BUILD_DIR) \
    || !defined(MLRT_EXAMPLE_INSTALLED_MODELS_DIR)
#error "the build must name the models' directories (runtime/examples)"
#endif

/* Whether this program runs from the build tree: its executable lies in
 * the directory the build put it in. */
static int
running_uninstalled (void)
{
  char exe[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", exe, sizeof exe - 1);
  char *slash;

  if (n <= 0)
    return 0;
  exe[n] = '\0';
  slash = strrchr (exe, '/');
  if (slash == NULL)
    return 0;
  *slash = '\0';
  return strcmp (exe, MLRT_EXAMPLE_BUILD_DIR) == 0;
}

const char *
ex_models_dir (const char *option)
{
  if (option)
    return option;
  const char *env = getenv ("MLRT_MODELS_DIR");
  if (env && *env)
    return env;
  return running_uninstalled () ? MLRT_EXAMPLE_MODELS_DIR
                                : MLRT_EXAMPLE_INSTALLED_MODELS_DIR;
}

int
ex_check_models_dir (const char *prog, const char *dir)
{
  struct stat st;
  int stat_failed = stat (dir, &st) != 0;
  if (stat_failed || !S_ISDIR (st.st_mode))
    {
      fprintf (stderr, "%s: models directory %s: %s\n", prog, dir,
               stat_failed ? strerror (errno) : "not a directory");
      return -1;
    }
  return 0;
}

char *
ex_model_path (const char *prog, const char *dir, const char *name)
{
  struct stat st;
  if (ex_check_models_dir (prog, dir) != 0)
    return NULL;
  size_t len = strlen (dir) + strlen (name) + 16;
  char *path = malloc (len);
  snprintf (path, len, "%s/%s.mlpackage", dir, name);
  if (stat (path, &st) != 0)
    {
      fprintf (stderr, "%s: model package %s: %s (generate the models with "
               "mlrt-gen-models, or point --models-dir at them)\n",
               prog, path, strerror (errno));
      free (path);
      return NULL;
    }
  return path;
}

int
ex_parse_count (const char *prog, const char *opt, const char *arg, int min,
                int *value)
{
  char *end;
  errno = 0;
  long v = strtol (arg, &end, 10);
  if (errno || end == arg || *end || v < min || v > INT_MAX)
    {
      fprintf (stderr, "%s: --%s expects a whole number >= %d, not '%s'\n",
               prog, opt, min, arg);
      return -1;
    }
  *value = (int) v;
  return 0;
}

int
ex_parse_threads (const char *prog, const char *arg, int *value)
{
  if (ex_parse_count (prog, "threads", arg, 1, value) != 0)
    return -1;
  if (*value > 256)
    {
      fprintf (stderr, "%s: --threads %d: at most 256\n", prog, *value);
      return -1;
    }
  return 0;
}

/* Parses --compute-units; prints the error and returns -1 on bad input. */
static int
ex_parse_units (const char *prog, const char *arg, MlrtComputeUnits *units)
{
  MlrtError error = { 0 };
  if (mlrt_compute_units_from_name (arg, units, &error) != MLRT_OK)
    {
      fprintf (stderr, "%s: --compute-units: %s\n", prog, error.message);
      return -1;
    }
  return 0;
}

void
ex_options_init (ExOptions *o)
{
  o->units = MLRT_COMPUTE_ALL;
  o->units_name = mlrt_compute_units_name (o->units);
  o->models_dir = NULL;
}

int
ex_parse_shared_option (const char *prog, int opt, const char *arg,
                        ExOptions *o, void (*usage) (FILE *out))
{
  switch (opt)
    {
    case 'u':
      if (ex_parse_units (prog, arg, &o->units) != 0)
        return -1;
      o->units_name = mlrt_compute_units_name (o->units);
      return 0;
    case 'm':
      o->models_dir = arg;
      return 0;
    case 'h':
      usage (stdout);
      exit (0);
    default:
      fprintf (stderr, "Try '%s --help'.\n", prog);
      return -1;
    }
}

int
ex_end_options (const char *prog, int argc, char **argv, ExOptions *o)
{
  if (optind < argc)
    {
      fprintf (stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
      return -1;
    }
  o->models_dir = ex_models_dir (o->models_dir);
  return 0;
}

void
ex_print_shared_usage (FILE *out, int column)
{
  static const char *const lines[][2] = {
    { "--compute-units U", "cpu-only, cpu-and-gpu, cpu-and-npu or all" },
    { "", "(default all)" },
    { "--models-dir DIR", "where the model packages are (default" },
    { "", "$MLRT_MODELS_DIR, else the build tree's)" },
    { "-h, --help", "show this help" },
  };

  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
    fprintf (out, "  %-*s%s\n", column - 2, lines[i][0], lines[i][1]);
}

MlrtModel *
ex_load_model (const char *prog, const char *path, MlrtComputeUnits units,
               double *ms)
{
  MlrtConfiguration config;

  mlrt_configuration_init (&config);
  config.compute_units = units;
  return ex_load_model_config (prog, path, &config, ms);
}

MlrtModel *
ex_load_model_config (const char *prog, const char *path,
                      const MlrtConfiguration *config, double *ms)
{
  MlrtError error = { 0 };
  MlrtModel *model = NULL;

  double start = ex_now_ms ();
  if (mlrt_model_load (path, config, &model, &error) != MLRT_OK)
    {
      fprintf (stderr, "%s: cannot load %s: %s\n", prog, path, error.message);
      return NULL;
    }
  if (ms)
    *ms = ex_now_ms () - start;
  return model;
}

/* The app's decrypt callback: the key is the app's to keep (here, read
 * from a key file once); mlrt_decrypt does the rest. */
static int
decrypt_model (const void *data, size_t size, void **plain,
               size_t *plain_size, void *user_data)
{
  return mlrt_decrypt (data, size, user_data, plain, plain_size);
}

static void *
read_whole (const char *prog, const char *path, size_t *size)
{
  FILE *f = fopen (path, "rb");
  struct stat st;
  void *data = NULL;

  if (f && fstat (fileno (f), &st) == 0 && S_ISREG (st.st_mode)
      && (data = malloc ((size_t) st.st_size + 1)) != NULL
      && fread (data, 1, (size_t) st.st_size, f) == (size_t) st.st_size)
    *size = (size_t) st.st_size;
  else
    {
      fprintf (stderr, "%s: cannot read %s: %s\n", prog, path,
               f == NULL ? strerror (errno) : "not a readable regular file");
      free (data);
      data = NULL;
    }
  if (f)
    fclose (f);
  return data;
}

MlrtModel *
ex_load_encrypted_model (const char *prog, const char *path,
                         const char *name, const MlrtKey *key,
                         const MlrtConfiguration *config, double *ms)
{
  MlrtError error = { 0 };
  MlrtModel *model = NULL;
  size_t size = 0;
  void *data = read_whole (prog, path, &size);

  if (data == NULL)
    return NULL;
  double start = ex_now_ms ();
  if (mlrt_model_load_from_memory (name, data, size, decrypt_model,
                                   (void *) key, config, &model, &error)
      != MLRT_OK)
    fprintf (stderr, "%s: cannot load %s: %s\n", prog, path, error.message);
  else if (ms)
    *ms = ex_now_ms () - start;
  free (data);
  return model;
}

const MlrtFeatureDescription *
ex_find_feature (const char *prog, const MlrtModel *model, const char *name,
                 int output)
{
  const MlrtModelDescription *desc = mlrt_model_description (model);
  size_t n = output ? desc->n_outputs : desc->n_inputs;
  const MlrtFeatureDescription *features = output ? desc->outputs
                                                  : desc->inputs;
  for (size_t i = 0; i < n; i++)
    if (strcmp (features[i].name, name) == 0)
      return &features[i];
  fprintf (stderr, "%s: model %s has no %s named '%s'\n", prog, desc->name,
           output ? "output" : "input", name);
  return NULL;
}

double
ex_now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void
ex_frame_bgra8 (uint8_t *pixels, int width, int height, int index)
{
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        uint8_t *p = pixels + 4 * ((size_t) y * width + x);
        for (int ch = 0; ch < 3; ch++)
          p[ch] = (uint8_t) (255.0f * ex_frame_value (x, y, width, height,
                                                      index, ch) + 0.5f);
        p[3] = 255;
      }
}

void
ex_frame_gray_half (uint16_t *pixels, int width, int height, int index)
{
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      pixels[(size_t) y * width + x] =
          mlrt_float_to_half (ex_frame_value (x, y, width, height, index, 1));
}
