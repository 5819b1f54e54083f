/*
 * style-demo: runs a stream of synthetic frames through style-transfer
 * models, switching style as it goes (frame i uses style i * styles /
 * frames). Each style's model is loaded once and kept; with
 * --reload-every-frame it is loaded before every prediction and unloaded
 * after, the classic mistake that the mlscope trace makes obvious. With
 * --async N it keeps N predictions in flight (mlrt_model_predict_async),
 * waiting for each in frame order; with --key it loads encrypted models
 * from memory, as an app that keeps its models encrypted at rest does.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example-common.h"

#define PROG "style-demo"
/* What `mlrt-encrypt encrypt` makes of NAME.mlpackage, for --key. */
#define ENCRYPTED_SUFFIX ".mlpackage.enc"

typedef struct {
  int n_styles;
  int n_frames;
  int reload;
  int in_flight;            /* --async N, 0 without */
  const char *key_path;     /* --key KEYFILE */
  ExOptions common;         /* --compute-units, --models-dir */
} Options;

typedef struct {
  int loads;
  double load_ms;
  int predictions;
  double predict_ms;
  size_t out_bytes;
  double out_sum;           /* mean output intensity, to show it is real */
} Stats;

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: " PROG " [OPTION...]\n"
           "Stylises a synthetic stream of BGRA8 frames with the style models\n"
           "(NAME.mlpackage with 'style' in NAME, in name order), frame i\n"
           "using style i * STYLES / FRAMES.\n\n"
           "  --styles N            how many style models to use (default 5)\n"
           "  --frames N            how many frames to stylise (default 40)\n"
           "  --reload-every-frame  load the model before every prediction\n"
           "                        and unload it after (the classic mistake)\n"
           "  --async N             keep N predictions in flight, submitted\n"
           "                        without waiting (mlrt_model_predict_async)\n"
           "  --key KEYFILE         load the encrypted style models\n"
           "                        (NAME" ENCRYPTED_SUFFIX ", made with\n"
           "                        mlrt-encrypt) from memory with this key\n");
  ex_print_shared_usage (out, 24);
}

static int
parse_options (int argc, char **argv, Options *o)
{
  static const struct option options[] = {
    { "styles", required_argument, NULL, 's' },
    { "frames", required_argument, NULL, 'f' },
    { "reload-every-frame", no_argument, NULL, 'r' },
    { "async", required_argument, NULL, 'a' },
    { "key", required_argument, NULL, 'k' },
    EX_SHARED_LONG_OPTIONS,
  };
  int opt;

  *o = (Options) { 5, 40, 0, 0, NULL, { 0 } };
  ex_options_init (&o->common);
  while ((opt = getopt_long (argc, argv, "h", options, NULL)) != -1)
    switch (opt)
      {
      case 's':
        if (ex_parse_count (PROG, "styles", optarg, 1, &o->n_styles) != 0)
          return -1;
        break;
      case 'f':
        if (ex_parse_count (PROG, "frames", optarg, 1, &o->n_frames) != 0)
          return -1;
        break;
      case 'r': o->reload = 1; break;
      case 'a':
        if (ex_parse_count (PROG, "async", optarg, 1, &o->in_flight) != 0)
          return -1;
        break;
      case 'k': o->key_path = optarg; break;
      default:
        if (ex_parse_shared_option (PROG, opt, optarg, &o->common,
                                    usage) != 0)
          return -1;
      }
  return ex_end_options (PROG, argc, argv, &o->common);
}

/* The suffix of the style models looked for: scandir's filter takes no
 * argument of its own. */
static const char *style_suffix = ".mlpackage";

static int
is_style_package (const struct dirent *entry)
{
  const char *name = entry->d_name;
  size_t len = strlen (name), suffix = strlen (style_suffix);
  return strstr (name, "style") && len > suffix
         && strcmp (name + len - suffix, style_suffix) == 0;
}

/* The paths of the first `wanted` style packages in name order, or NULL. */
static char **
find_styles (const Options *o)
{
  const char *dir = o->common.models_dir;
  struct dirent **entries;
  if (ex_check_models_dir (PROG, dir) != 0)
    return NULL;
  int n = scandir (dir, &entries, is_style_package, alphasort);
  if (n < o->n_styles)
    {
      fprintf (stderr, PROG ": --styles %d, but %s holds %d style model "
               "package(s) (NAME%s)\n", o->n_styles, dir, n < 0 ? 0 : n,
               style_suffix);
      for (int i = 0; i < n; i++)
        free (entries[i]);
      if (n >= 0)
        free (entries);
      return NULL;
    }
  char **paths = calloc (o->n_styles, sizeof *paths);
  for (int i = 0; i < n; i++)
    {
      if (i < o->n_styles)
        {
          size_t len = strlen (dir) + strlen (entries[i]->d_name) + 2;
          paths[i] = malloc (len);
          snprintf (paths[i], len, "%s/%s", dir, entries[i]->d_name);
        }
      free (entries[i]);
    }
  free (entries);
  return paths;
}

/* Frame `index`, ready to predict: the image and its feature set. */
typedef struct {
  int index;
  const char *path;         /* the model's, for messages */
  uint8_t *pixels;
  MlrtFeatures *inputs;
  MlrtPrediction *prediction;  /* --async: in flight */
  double start_ms;
} Frame;

static void
frame_clear (Frame *f)
{
  mlrt_prediction_free (f->prediction);
  mlrt_features_free (f->inputs);
  free (f->pixels);
  memset (f, 0, sizeof *f);
}

/* Fills `f` with frame `index` for `model`; 0 or -1 (printed). */
static int
frame_make (MlrtModel *model, const char *path, int index, Frame *f)
{
  const MlrtFeatureDescription *in = ex_find_feature (PROG, model, "image", 0);
  if (!in || !ex_find_feature (PROG, model, "stylized", 1))
    return -1;
  if (in->type != MLRT_TYPE_BGRA8 || in->rank != 2)
    {
      fprintf (stderr, PROG ": %s: input 'image' is %s, expected a bgra8 "
               "image\n", path, mlrt_feature_type_name (in->type));
      return -1;
    }
  int height = (int) in->shape[0], width = (int) in->shape[1];
  MlrtError error = { 0 };

  *f = (Frame) { index, path, malloc ((size_t) width * height * 4),
                 mlrt_features_new (), NULL, 0 };
  ex_frame_bgra8 (f->pixels, width, height, index);
  MlrtValue value = { MLRT_TYPE_BGRA8, 2, { height, width }, f->pixels,
                      NULL };
  if (mlrt_features_set (f->inputs, "image", &value, &error) != MLRT_OK)
    {
      fprintf (stderr, PROG ": frame %d with %s: %s\n", index, path,
               error.message);
      frame_clear (f);
      return -1;
    }
  return 0;
}

/* Takes a prediction's result into the stats; 0 or -1 (printed). */
static int
frame_done (Frame *f, MlrtStatus status, MlrtFeatures *outputs,
            const MlrtError *error, Stats *stats)
{
  const MlrtValue *result = outputs ? mlrt_features_get (outputs, "stylized")
                                    : NULL;
  if (status != MLRT_OK || !result || result->type != MLRT_TYPE_BGRA8)
    {
      fprintf (stderr, PROG ": frame %d with %s: %s\n", f->index, f->path,
               status != MLRT_OK ? error->message
               : "prediction returned no bgra8 'stylized' output");
      mlrt_features_free (outputs);
      return -1;
    }
  stats->predict_ms += ex_now_ms () - f->start_ms;
  stats->predictions++;
  size_t bytes = mlrt_value_byte_size (result);
  const uint8_t *px = result->data;
  for (size_t i = 0; i < bytes; i += 4)
    stats->out_sum += (px[i] + px[i + 1] + px[i + 2]) / (3.0 * 255.0);
  stats->out_bytes += bytes;
  mlrt_features_free (outputs);
  return 0;
}

/* One prediction of frame `index`, waited for; 0 or -1 (printed). */
static int
stylise (MlrtModel *model, const char *path, int index, Stats *stats)
{
  Frame f;
  MlrtFeatures *outputs = NULL;
  MlrtError error = { 0 };

  if (frame_make (model, path, index, &f) != 0)
    return -1;
  f.start_ms = ex_now_ms ();
  MlrtStatus st = mlrt_model_predict (model, f.inputs, NULL, &outputs,
                                      &error);
  int ret = frame_done (&f, st, outputs, &error, stats);
  frame_clear (&f);
  return ret;
}

/* The frames in flight with --async N: a ring, oldest first. */
typedef struct {
  Frame *frames;
  int size, first, count;
} Ring;

/* Waits for the oldest frame in flight; 0 or -1 (printed). */
static int
ring_finish_one (Ring *r, Stats *stats)
{
  Frame *f = &r->frames[r->first];
  MlrtFeatures *outputs = NULL;
  MlrtError error = { 0 };
  MlrtStatus st = mlrt_prediction_wait (f->prediction, &outputs, &error);
  int ret = frame_done (f, st, outputs, &error, stats);

  frame_clear (f);
  r->first = (r->first + 1) % r->size;
  r->count--;
  return ret;
}

static int
ring_drain (Ring *r, Stats *stats)
{
  int ret = 0;
  while (r->count > 0)
    if (ring_finish_one (r, stats) != 0)
      ret = -1;
  return ret;
}

/* Submits frame `index` without waiting for it, once the ring has room;
 * 0 or -1 (printed). */
static int
stylise_async (MlrtModel *model, const char *path, int index, Ring *r,
               Stats *stats)
{
  MlrtError error = { 0 };

  if (r->count == r->size && ring_finish_one (r, stats) != 0)
    return -1;
  Frame *f = &r->frames[(r->first + r->count) % r->size];
  if (frame_make (model, path, index, f) != 0)
    return -1;
  f->start_ms = ex_now_ms ();
  if (mlrt_model_predict_async (model, f->inputs, NULL, NULL, NULL,
                                &f->prediction, &error) != MLRT_OK)
    {
      fprintf (stderr, PROG ": frame %d with %s: %s\n", index, path,
               error.message);
      frame_clear (f);
      return -1;
    }
  r->count++;
  return 0;
}

/* Style s's model, from its package or, with --key, its encrypted file. */
static MlrtModel *
load_style (const Options *o, const MlrtKey *key, const char *path,
            double *ms)
{
  MlrtConfiguration config;

  mlrt_configuration_init (&config);
  config.compute_units = o->common.units;
  config.max_in_flight = o->in_flight ? (unsigned) o->in_flight : 0;
  if (!o->key_path)
    return ex_load_model_config (PROG, path, &config, ms);
  const char *slash = strrchr (path, '/');
  char *name = strdup (slash ? slash + 1 : path);
  name[strlen (name) - strlen (ENCRYPTED_SUFFIX)] = '\0';
  MlrtModel *model = ex_load_encrypted_model (PROG, path, name, key, &config,
                                              ms);
  free (name);
  return model;
}

static int
run (const Options *o, const MlrtKey *key, char **paths, Stats *stats)
{
  MlrtModel **models = calloc (o->n_styles, sizeof *models);
  Ring ring = { calloc (o->in_flight ? o->in_flight : 1, sizeof (Frame)),
                o->in_flight, 0, 0 };
  int ret = 0;
  for (int i = 0; i < o->n_frames && ret == 0; i++)
    {
      int s = (int) ((long) i * o->n_styles / o->n_frames);
      double ms = 0;
      if (!models[s])
        {
          models[s] = load_style (o, key, paths[s], &ms);
          if (!models[s])
            {
              ret = -1;
              break;
            }
          stats->loads++;
          stats->load_ms += ms;
        }
      ret = o->in_flight ? stylise_async (models[s], paths[s], i, &ring,
                                          stats)
                         : stylise (models[s], paths[s], i, stats);
      if (o->reload)
        {
          /* Unloading cancels what is in flight: let it finish first. */
          if (ring_drain (&ring, stats) != 0)
            ret = -1;
          mlrt_model_unload (models[s]);
          models[s] = NULL;
        }
    }
  if (ring_drain (&ring, stats) != 0)
    ret = -1;
  for (int s = 0; s < o->n_styles; s++)
    mlrt_model_unload (models[s]);
  free (ring.frames);
  free (models);
  return ret;
}

int
main (int argc, char **argv)
{
  Options o;
  Stats stats = { 0 };
  MlrtKey key;
  MlrtError error = { 0 };
  if (parse_options (argc, argv, &o) != 0)
    return 2;
  if (o.key_path)
    {
      if (mlrt_key_read (o.key_path, &key, &error) != MLRT_OK)
        {
          fprintf (stderr, PROG ": --key: %s\n", error.message);
          return 1;
        }
      style_suffix = ENCRYPTED_SUFFIX;
    }
  char **paths = find_styles (&o);
  if (!paths)
    return 1;

  double start = ex_now_ms ();
  int ret = run (&o, &key, paths, &stats);
  double total_ms = ex_now_ms () - start;
  char in_flight[64] = "";
  if (o.in_flight)
    snprintf (in_flight, sizeof in_flight, ", %d predictions in flight",
              o.in_flight);
  if (ret == 0)
    printf ("style-demo: stylised %d frames with %d %sstyle model(s) on "
            "compute units %s, %s%s; %d model load(s) took %.1f ms on "
            "average and %d predictions %.2f ms on average (mean output "
            "intensity %.3f); %.2f s in all.\n",
            o.n_frames, o.n_styles, o.key_path ? "encrypted " : "",
            o.common.units_name,
            o.reload ? "reloading the model for every frame"
                     : "loading each model once", in_flight,
            stats.loads, stats.loads ? stats.load_ms / stats.loads : 0.0,
            stats.predictions,
            stats.predictions ? stats.predict_ms / stats.predictions : 0.0,
            stats.out_bytes ? stats.out_sum / (stats.out_bytes / 4) : 0.0,
            total_ms / 1e3);
  explicit_bzero (&key, sizeof key);
  for (int s = 0; s < o.n_styles; s++)
    free (paths[s]);
  free (paths);
  return ret == 0 ? 0 : 1;
}
