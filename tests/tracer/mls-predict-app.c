/*
 * mls-predict-app.c: a small app on the real runtime for `mlscope advise`'s
 * tests, making on demand the mistakes the example apps do not: it loads
 * one model package and predicts FRAMES inputs, one call each or as one
 * batch, with each input in an MlrtBuffer (shared with the units) or in
 * ordinary memory.
 *
 *   mls-predict-app PACKAGE [--frames N] [--batch] [--plain-input]
 *                   [--compute-units UNITS]
 *
 * Prints "pid N" first, like the tracer tests' other apps.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mlrt/mlrt.h>

typedef struct {
  const char *package;
  int frames;
  int batch;
  int plain_input;
  MlrtComputeUnits units;
} Options;

typedef struct {
  MlrtFeatures *features;
  MlrtBuffer **buffers;     /* one per input, or NULL with --plain-input */
  void **plain;
  size_t n;
} Inputs;

static int
parse_options (int argc, char **argv, Options *o)
{
  static const struct option options[] = {
    { "frames", required_argument, NULL, 'f' },
    { "batch", no_argument, NULL, 'b' },
    { "plain-input", no_argument, NULL, 'p' },
    { "compute-units", required_argument, NULL, 'u' },
    { NULL, 0, NULL, 0 },
  };
  MlrtError error = { 0 };
  int opt;

  *o = (Options) { NULL, 16, 0, 0, MLRT_COMPUTE_ALL };
  while ((opt = getopt_long (argc, argv, "", options, NULL)) != -1)
    switch (opt)
      {
      case 'f': o->frames = atoi (optarg); break;
      case 'b': o->batch = 1; break;
      case 'p': o->plain_input = 1; break;
      case 'u':
        if (mlrt_compute_units_from_name (optarg, &o->units, &error)
            != MLRT_OK)
          {
            fprintf (stderr, "mls-predict-app: %s\n", error.message);
            return -1;
          }
        break;
      default: return -1;
      }
  if (optind != argc - 1 || o->frames < 1)
    {
      fprintf (stderr, "usage: mls-predict-app PACKAGE [--frames N] "
               "[--batch] [--plain-input] [--compute-units UNITS]\n");
      return -1;
    }
  o->package = argv[optind];
  return 0;
}

/* Every byte of every input set to a small pattern: any type reads it as
 * finite values (halves and floats from repeated 0x3c bytes are 1.0-ish). */
static int
make_inputs (const MlrtModelDescription *d, const Options *o, Inputs *in,
             MlrtError *error)
{
  in->n = d->n_inputs;
  in->features = mlrt_features_new ();
  in->buffers = calloc (in->n, sizeof *in->buffers);
  in->plain = calloc (in->n, sizeof *in->plain);
  if (!in->features || !in->buffers || !in->plain)
    return -1;
  for (size_t i = 0; i < in->n; i++)
    {
      const MlrtFeatureDescription *f = &d->inputs[i];
      MlrtValue v = { f->type, f->rank, { 0 }, NULL, NULL };
      size_t bytes;
      memcpy (v.shape, f->shape, sizeof v.shape);
      bytes = mlrt_value_byte_size (&v);
      if (o->plain_input)
        v.data = in->plain[i] = malloc (bytes);
      else if ((v.buffer = in->buffers[i] = mlrt_buffer_new (bytes, error)))
        v.data = mlrt_buffer_data (v.buffer);
      if (v.data == NULL)
        return -1;
      memset (v.data, 0x3c, bytes);
      if (mlrt_features_set (in->features, f->name, &v, error) != MLRT_OK)
        return -1;
    }
  return 0;
}

static void
free_inputs (Inputs *in)
{
  for (size_t i = 0; i < in->n; i++)
    {
      mlrt_buffer_unref (in->buffers[i]);
      free (in->plain[i]);
    }
  free (in->buffers);
  free (in->plain);
  mlrt_features_free (in->features);
}

static int
predict (MlrtModel *model, const Options *o, const Inputs *in,
         MlrtError *error)
{
  const MlrtFeatures **all = calloc ((size_t) o->frames, sizeof *all);
  MlrtFeatures **outputs = calloc ((size_t) o->frames, sizeof *outputs);
  int rc = all && outputs ? 0 : -1;

  for (int i = 0; rc == 0 && i < o->frames; i++)
    all[i] = in->features;
  if (rc == 0 && o->batch)
    rc = mlrt_model_predict_batch (model, (size_t) o->frames,
                                   (const MlrtFeatures *const *) all, NULL,
                                   outputs, error) == MLRT_OK ? 0 : -1;
  for (int i = 0; rc == 0 && !o->batch && i < o->frames; i++)
    rc = mlrt_model_predict (model, in->features, NULL, &outputs[i], error)
         == MLRT_OK ? 0 : -1;
  for (int i = 0; outputs && i < o->frames; i++)
    mlrt_features_free (outputs[i]);
  free (all);
  free (outputs);
  return rc;
}

/* In the sanitizer build (docs/sanitizers.md) the tests record this app
 * with `mlscope record`, which follows it with ptrace, and LeakSanitizer
 * cannot run in a traced process (it fails the exit): the app's default
 * is no leak check (ASAN_OPTIONS=detect_leaks=1 still turns it on).
 * Unused in other builds. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "detect_leaks=0";
}

int
main (int argc, char **argv)
{
  Options o;
  MlrtConfiguration config;
  MlrtModel *model = NULL;
  MlrtError error = { 0 };
  Inputs in = { 0 };
  int rc;

  if (parse_options (argc, argv, &o) != 0)
    return 2;
  printf ("pid %d\n", (int) getpid ());
  fflush (stdout);
  mlrt_configuration_init (&config);
  config.compute_units = o.units;
  rc = mlrt_model_load (o.package, &config, &model, &error) == MLRT_OK
       && make_inputs (mlrt_model_description (model), &o, &in, &error) == 0
       && predict (model, &o, &in, &error) == 0 ? 0 : 1;
  if (rc != 0)
    fprintf (stderr, "mls-predict-app: %s: %s\n", o.package,
             error.message[0] ? error.message : "out of memory");
  free_inputs (&in);
  mlrt_model_unload (model);
  return rc;
}
