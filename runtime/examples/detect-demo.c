/*
 * detect-demo: several threads classify synthetic frames at once with one
 * shared detector model (a loaded MlrtModel may predict from many threads),
 * then it prints how often each class label won. It calls the model
 * through the typed interface mlrt-codegen generates at build time
 * (detector.h): no feature names, types or shapes by hand.
 */
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "example-common.h"

#define PROG "detect-demo"

typedef struct {
  int n_threads;
  int n_frames;             /* per thread */
  ExOptions common;         /* --compute-units, --models-dir */
} Options;

typedef struct {
  detector *model;
  int index;                /* thread number */
  int n_frames;
  int counts[DETECTOR_N_CLASS_LABELS];   /* frames where each class won */
  double predict_ms;
  int failed;
} Worker;

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: " PROG " [OPTION...]\n"
           "Runs THREADS threads that each classify FRAMES synthetic BGRA8\n"
           "frames (THREADS * FRAMES predictions in all) with one shared\n"
           "detector model, then prints how often each class won.\n\n"
           "  --threads T         threads predicting at once (default 2)\n"
           "  --frames N          frames per thread (default 16)\n");
  ex_print_shared_usage (out, 22);
}

static int
parse_options (int argc, char **argv, Options *o)
{
  static const struct option options[] = {
    { "threads", required_argument, NULL, 't' },
    { "frames", required_argument, NULL, 'f' },
    EX_SHARED_LONG_OPTIONS,
  };
  int opt;

  *o = (Options) { 2, 16, { 0 } };
  ex_options_init (&o->common);
  while ((opt = getopt_long (argc, argv, "h", options, NULL)) != -1)
    switch (opt)
      {
      case 't':
        if (ex_parse_count (PROG, "threads", optarg, 1, &o->n_threads) != 0)
          return -1;
        if (o->n_threads > 256)
          {
            fprintf (stderr, PROG ": --threads %d: at most 256\n",
                     o->n_threads);
            return -1;
          }
        break;
      case 'f':
        if (ex_parse_count (PROG, "frames", optarg, 1, &o->n_frames) != 0)
          return -1;
        break;
      default:
        if (ex_parse_shared_option (PROG, opt, optarg, &o->common,
                                    usage) != 0)
          return -1;
      }
  return ex_end_options (PROG, argc, argv, &o->common);
}

/* Classifies one frame into w->counts; 0 or -1 (printed). */
static int
classify (Worker *w, uint8_t *pixels, int frame)
{
  float p[DETECTOR_N_CLASS_LABELS];
  detector_input in = { pixels };
  detector_output out = { p };
  MlrtError error = { 0 };

  ex_frame_bgra8 (pixels, DETECTOR_IMAGE_WIDTH, DETECTOR_IMAGE_HEIGHT, frame);
  double start = ex_now_ms ();
  if (detector_predict (w->model, &in, &out, NULL, &error) != MLRT_OK)
    {
      fprintf (stderr, PROG ": thread %d, frame %d: %s\n", w->index, frame,
               error.message);
      return -1;
    }
  w->predict_ms += ex_now_ms () - start;

  size_t best = 0;
  double sum = 0;
  for (size_t c = 0; c < DETECTOR_N_CLASS_LABELS; c++)
    {
      sum += p[c];
      if (p[c] > p[best])
        best = c;
    }
  /* a softmax output that does not sum to 1 means a broken prediction */
  if (fabs (sum - 1.0) > 1e-3)
    {
      fprintf (stderr, PROG ": thread %d, frame %d: probabilities sum to "
               "%.5f, not 1\n", w->index, frame, sum);
      return -1;
    }
  w->counts[best]++;
  return 0;
}

static void *
worker_main (void *data)
{
  Worker *w = data;
  uint8_t *pixels = malloc (DETECTOR_IMAGE_BYTES);
  for (int i = 0; i < w->n_frames && !w->failed; i++)
    /* each thread sees its own part of the stream */
    if (classify (w, pixels, w->index * w->n_frames + i) != 0)
      w->failed = 1;
  free (pixels);
  return NULL;
}

static void
print_summary (const Options *o, const int *totals, double load_ms,
               double predict_ms, double wall_ms)
{
  int total = o->n_threads * o->n_frames;
  printf ("detect-demo: %d thread(s) shared one %s model (loaded once in "
          "%.1f ms, compute units %s) and classified %d frames, %d per "
          "thread; %.2f ms per prediction on average, %.1f predictions/s "
          "overall.\nclass counts:",
          o->n_threads, "detector", load_ms, o->common.units_name, total,
          o->n_frames, predict_ms / total, total / (wall_ms / 1e3));
  for (size_t c = 0; c < DETECTOR_N_CLASS_LABELS; c++)
    printf (" %s %d%s", detector_class_labels[c], totals[c],
            c + 1 < DETECTOR_N_CLASS_LABELS ? "," : "\n");
}

static int
run (const Options *o, detector *model, double load_ms)
{
  Worker *workers = calloc (o->n_threads, sizeof *workers);
  pthread_t *threads = calloc (o->n_threads, sizeof *threads);
  int totals[DETECTOR_N_CLASS_LABELS] = { 0 };
  int ret = 0, started = 0;
  double start = ex_now_ms (), predict_ms = 0;

  for (int t = 0; t < o->n_threads; t++, started++)
    {
      workers[t] = (Worker) { model, t, o->n_frames, { 0 }, 0, 0 };
      if (pthread_create (&threads[t], NULL, worker_main, &workers[t]) != 0)
        {
          fprintf (stderr, PROG ": cannot start thread %d\n", t);
          ret = -1;
          break;
        }
    }
  for (int t = 0; t < started; t++)
    {
      pthread_join (threads[t], NULL);
      ret = workers[t].failed ? -1 : ret;
      predict_ms += workers[t].predict_ms;
      for (size_t c = 0; c < DETECTOR_N_CLASS_LABELS; c++)
        totals[c] += workers[t].counts[c];
    }
  if (ret == 0)
    print_summary (o, totals, load_ms, predict_ms, ex_now_ms () - start);
  free (threads);
  free (workers);
  return ret;
}

int
main (int argc, char **argv)
{
  Options o;
  MlrtConfiguration config;
  MlrtError error = { 0 };
  if (parse_options (argc, argv, &o) != 0)
    return 2;
  char *path = ex_model_path (PROG, o.common.models_dir, "detector");
  if (!path)
    return 1;
  mlrt_configuration_init (&config);
  config.compute_units = o.common.units;
  double start = ex_now_ms ();
  detector *model = detector_load_file (path, &config, &error);
  if (model == NULL)
    fprintf (stderr, PROG ": cannot load %s: %s\n", path, error.message);
  int ret = model ? run (&o, model, ex_now_ms () - start) : -1;
  detector_free (model);
  free (path);
  return ret == 0 ? 0 : 1;
}
