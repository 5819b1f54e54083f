/*
 * detect-demo: several threads classify synthetic frames at once with one
 * shared detector model (a loaded MlrtModel may predict from many threads),
 * then it prints how often each class label won.
 */
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example-common.h"

#define PROG "detect-demo"

typedef struct {
  int n_threads;
  int n_frames;             /* per thread */
  ExOptions common;         /* --compute-units, --models-dir */
} Options;

typedef struct {
  MlrtModel *model;
  int index;                /* thread number */
  int n_frames;
  int width, height;
  size_t n_classes;
  int *counts;              /* per class: frames where it won */
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
        if (ex_parse_threads (PROG, optarg, &o->n_threads) != 0)
          return -1;
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
  MlrtValue value = { MLRT_TYPE_BGRA8, 2, { w->height, w->width }, pixels,
                      NULL };
  MlrtFeatures *inputs = mlrt_features_new (), *outputs = NULL;
  MlrtError error = { 0 };
  int ret = -1;

  ex_frame_bgra8 (pixels, w->width, w->height, frame);
  if (mlrt_features_set (inputs, "image", &value, &error) != MLRT_OK)
    goto out;
  double start = ex_now_ms ();
  if (mlrt_model_predict (w->model, inputs, NULL, &outputs, &error)
      != MLRT_OK)
    goto out;
  w->predict_ms += ex_now_ms () - start;

  const MlrtValue *probs = mlrt_features_get (outputs, "probabilities");
  if (!probs || probs->type != MLRT_TYPE_FLOAT32
      || mlrt_value_element_count (probs) != w->n_classes)
    {
      snprintf (error.message, sizeof error.message,
                "prediction returned no float32 'probabilities' of %zu "
                "classes", w->n_classes);
      goto out;
    }
  const float *p = probs->data;
  size_t best = 0;
  double sum = 0;
  for (size_t c = 0; c < w->n_classes; c++)
    {
      sum += p[c];
      if (p[c] > p[best])
        best = c;
    }
  /* a softmax output that does not sum to 1 means a broken prediction */
  if (fabs (sum - 1.0) > 1e-3)
    {
      snprintf (error.message, sizeof error.message,
                "probabilities sum to %.5f, not 1", sum);
      goto out;
    }
  w->counts[best]++;
  ret = 0;
out:
  if (ret != 0)
    fprintf (stderr, PROG ": thread %d, frame %d: %s\n", w->index, frame,
             error.message);
  if (outputs)
    mlrt_features_free (outputs);
  mlrt_features_free (inputs);
  return ret;
}

static void *
worker_main (void *data)
{
  Worker *w = data;
  uint8_t *pixels = malloc ((size_t) w->width * w->height * 4);
  for (int i = 0; i < w->n_frames && !w->failed; i++)
    /* each thread sees its own part of the stream */
    if (classify (w, pixels, w->index * w->n_frames + i) != 0)
      w->failed = 1;
  free (pixels);
  return NULL;
}

static void
print_summary (const Options *o, const MlrtModelDescription *desc,
               const int *totals, double load_ms, double predict_ms,
               double wall_ms)
{
  int total = o->n_threads * o->n_frames;
  printf ("detect-demo: %d thread(s) shared one %s model (loaded once in "
          "%.1f ms, compute units %s) and classified %d frames, %d per "
          "thread; %.2f ms per prediction on average, %.1f predictions/s "
          "overall.\nclass counts:",
          o->n_threads, desc->name, load_ms, o->common.units_name, total,
          o->n_frames, predict_ms / total, total / (wall_ms / 1e3));
  for (size_t c = 0; c < desc->n_class_labels; c++)
    printf (" %s %d%s", desc->class_labels[c], totals[c],
            c + 1 < desc->n_class_labels ? "," : "\n");
}

static int
run (const Options *o, MlrtModel *model, double load_ms)
{
  const MlrtModelDescription *desc = mlrt_model_description (model);
  const MlrtFeatureDescription *in = ex_find_feature (PROG, model, "image", 0);
  if (!in || !ex_find_feature (PROG, model, "probabilities", 1))
    return -1;
  if (in->type != MLRT_TYPE_BGRA8 || in->rank != 2 || !desc->n_class_labels)
    {
      fprintf (stderr, PROG ": %s: expected a bgra8 'image' input and class "
               "labels\n", desc->name);
      return -1;
    }
  Worker *workers = calloc (o->n_threads, sizeof *workers);
  pthread_t *threads = calloc (o->n_threads, sizeof *threads);
  int *totals = calloc (desc->n_class_labels, sizeof *totals);
  int ret = 0, started = 0;
  double start = ex_now_ms (), predict_ms = 0;

  for (int t = 0; t < o->n_threads; t++, started++)
    {
      workers[t] = (Worker) { model, t, o->n_frames, (int) in->shape[1],
                              (int) in->shape[0], desc->n_class_labels,
                              calloc (desc->n_class_labels, sizeof (int)),
                              0, 0 };
      if (pthread_create (&threads[t], NULL, worker_main, &workers[t]) != 0)
        {
          fprintf (stderr, PROG ": cannot start thread %d\n", t);
          free (workers[t].counts);
          ret = -1;
          break;
        }
    }
  for (int t = 0; t < started; t++)
    {
      pthread_join (threads[t], NULL);
      ret = workers[t].failed ? -1 : ret;
      predict_ms += workers[t].predict_ms;
      for (size_t c = 0; c < desc->n_class_labels; c++)
        totals[c] += workers[t].counts[c];
      free (workers[t].counts);
    }
  if (ret == 0)
    print_summary (o, desc, totals, load_ms, predict_ms, ex_now_ms () - start);
  free (totals);
  free (threads);
  free (workers);
  return ret;
}

int
main (int argc, char **argv)
{
  Options o;
  double load_ms = 0;
  if (parse_options (argc, argv, &o) != 0)
    return 2;
  char *path = ex_model_path (PROG, o.common.models_dir, "detector");
  if (!path)
    return 1;
  MlrtModel *model = ex_load_model (PROG, path, o.common.units, &load_ms);
  int ret = model ? run (&o, model, load_ms) : -1;
  mlrt_model_unload (model);
  free (path);
  return ret == 0 ? 0 : 1;
}
