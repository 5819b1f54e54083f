/*
 * style-demo: runs a stream of synthetic frames through style-transfer
 * models, switching style as it goes (frame i uses style i * styles /
 * frames). Each style's model is loaded once and kept; with
 * --reload-every-frame it is loaded before every prediction and unloaded
 * after, the classic mistake that the mlscope trace makes obvious.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example-common.h"

#define PROG "style-demo"

typedef struct {
  int n_styles;
  int n_frames;
  int reload;
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
           "                        and unload it after (the classic mistake)\n");
  ex_print_shared_usage (out, 24);
}

static int
parse_options (int argc, char **argv, Options *o)
{
  static const struct option options[] = {
    { "styles", required_argument, NULL, 's' },
    { "frames", required_argument, NULL, 'f' },
    { "reload-every-frame", no_argument, NULL, 'r' },
    EX_SHARED_LONG_OPTIONS,
  };
  int opt;

  *o = (Options) { 5, 40, 0, { 0 } };
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
      default:
        if (ex_parse_shared_option (PROG, opt, optarg, &o->common,
                                    usage) != 0)
          return -1;
      }
  return ex_end_options (PROG, argc, argv, &o->common);
}

static int
is_style_package (const struct dirent *entry)
{
  const char *name = entry->d_name;
  size_t len = strlen (name), suffix = strlen (".mlpackage");
  return strstr (name, "style") && len > suffix
         && strcmp (name + len - suffix, ".mlpackage") == 0;
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
               "package(s)\n", o->n_styles, dir, n < 0 ? 0 : n);
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

/* One prediction of frame `index`; 0 or -1 (printed). */
static int
stylise (MlrtModel *model, const char *path, int index, Stats *stats)
{
  const MlrtFeatureDescription *in = ex_find_feature (PROG, model, "image", 0);
  const MlrtFeatureDescription *out_desc =
      ex_find_feature (PROG, model, "stylized", 1);
  if (!in || !out_desc)
    return -1;
  if (in->type != MLRT_TYPE_BGRA8 || in->rank != 2)
    {
      fprintf (stderr, PROG ": %s: input 'image' is %s, expected a bgra8 "
               "image\n", path, mlrt_feature_type_name (in->type));
      return -1;
    }
  int height = (int) in->shape[0], width = (int) in->shape[1];
  uint8_t *pixels = malloc ((size_t) width * height * 4);
  ex_frame_bgra8 (pixels, width, height, index);

  MlrtValue value = { MLRT_TYPE_BGRA8, 2, { height, width }, pixels, NULL };
  MlrtFeatures *inputs = mlrt_features_new (), *outputs = NULL;
  MlrtError error = { 0 };
  int ret = -1;
  if (mlrt_features_set (inputs, "image", &value, &error) != MLRT_OK)
    goto out;
  double start = ex_now_ms ();
  if (mlrt_model_predict (model, inputs, NULL, &outputs, &error) != MLRT_OK)
    goto out;
  stats->predict_ms += ex_now_ms () - start;
  stats->predictions++;

  const MlrtValue *result = mlrt_features_get (outputs, "stylized");
  if (!result || result->type != MLRT_TYPE_BGRA8)
    {
      snprintf (error.message, sizeof error.message,
                "prediction returned no bgra8 'stylized' output");
      goto out;
    }
  size_t bytes = mlrt_value_byte_size (result);
  const uint8_t *px = result->data;
  for (size_t i = 0; i < bytes; i += 4)
    stats->out_sum += (px[i] + px[i + 1] + px[i + 2]) / (3.0 * 255.0);
  stats->out_bytes += bytes;
  ret = 0;
out:
  if (ret != 0)
    fprintf (stderr, PROG ": frame %d with %s: %s\n", index, path,
             error.message);
  if (outputs)
    mlrt_features_free (outputs);
  mlrt_features_free (inputs);
  free (pixels);
  return ret;
}

static int
run (const Options *o, char **paths, Stats *stats)
{
  MlrtModel **models = calloc (o->n_styles, sizeof *models);
  int ret = 0;
  for (int i = 0; i < o->n_frames && ret == 0; i++)
    {
      int s = (int) ((long) i * o->n_styles / o->n_frames);
      double ms = 0;
      if (!models[s])
        {
          models[s] = ex_load_model (PROG, paths[s], o->common.units, &ms);
          if (!models[s])
            {
              ret = -1;
              break;
            }
          stats->loads++;
          stats->load_ms += ms;
        }
      ret = stylise (models[s], paths[s], i, stats);
      if (o->reload)
        {
          mlrt_model_unload (models[s]);
          models[s] = NULL;
        }
    }
  for (int s = 0; s < o->n_styles; s++)
    mlrt_model_unload (models[s]);
  free (models);
  return ret;
}

int
main (int argc, char **argv)
{
  Options o;
  Stats stats = { 0 };
  if (parse_options (argc, argv, &o) != 0)
    return 2;
  char **paths = find_styles (&o);
  if (!paths)
    return 1;

  double start = ex_now_ms ();
  int ret = run (&o, paths, &stats);
  double total_ms = ex_now_ms () - start;
  if (ret == 0)
    printf ("style-demo: stylised %d frames with %d style model(s) on "
            "compute units %s, %s; %d model load(s) took %.1f ms on average "
            "and %d predictions %.2f ms on average (mean output intensity "
            "%.3f); %.2f s in all.\n",
            o.n_frames, o.n_styles, o.common.units_name,
            o.reload ? "reloading the model for every frame"
                     : "loading each model once",
            stats.loads, stats.loads ? stats.load_ms / stats.loads : 0.0,
            stats.predictions,
            stats.predictions ? stats.predict_ms / stats.predictions : 0.0,
            stats.out_bytes ? stats.out_sum / (stats.out_bytes / 4) : 0.0,
            total_ms / 1e3);
  for (int s = 0; s < o.n_styles; s++)
    free (paths[s]);
  free (paths);
  return ret == 0 ? 0 : 1;
}
