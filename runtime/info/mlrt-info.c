/*
 * mlrt-info: what a model is, as Xcode's General and Predictions tabs
 * show it (model-info.h), in text or JSON, and, with --predict, one
 * prediction on input files (Xcode's Preview tab). Reads model packages,
 * compiled models, package archives and .onnx files (converted in memory
 * as mlrt-convert converts them; --input pins their dynamic dims).
 *
 * Exit status: 0 done, 1 the model or an input could not be read or run,
 * 2 bad options.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "info.h"
#include "mls-version.h"

#define MAX_SHAPES 64

typedef struct {
  const char *model;
  const char *shapes[MAX_SHAPES];
  size_t n_shapes;
  int json;
  int predict;
  InfoPredictOptions predict_options;
} Options;

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: mlrt-info MODEL [OPTION...] [--predict INPUT...]\n"
           "Show what a model is: a model package, a compiled model, a "
           "package archive\nor an .onnx file.\n\n"
           "  -f, --format text|json          how to print (default text)\n"
           "  -i, --input NAME:D0,D1,...      an .onnx input's shape (pins "
           "dynamic dims)\n"
           "  -p, --predict INPUT...          run one prediction on the "
           "files that follow:\n"
           "                                  PNGs for image inputs, .npy or "
           "raw arrays,\n"
           "                                  in the model's input order or "
           "as NAME=FILE\n"
           "  -u, --compute-units UNITS       for --predict: cpu-only, "
           "cpu-and-gpu,\n"
           "                                  cpu-and-npu or all (default)\n"
           "  -o, --output-dir DIR            where --predict writes image "
           "outputs (default .)\n"
           "  -k, --top K                     class labels shown (default 5)\n"
           "  -h, --help                      show this help\n"
           "  -V, --version                   print the version\n");
}

static int
parse_top (const char *arg, int *k)
{
  char *end;
  long v = strtol (arg, &end, 10);

  if (*arg == '\0' || *end != '\0' || v < 1 || v > 1000000)
    {
      fprintf (stderr, "mlrt-info: --top takes a whole number from 1, not "
               "'%s'\n", arg);
      return -1;
    }
  *k = (int) v;
  return 0;
}

/* 0 to go on, 1 after --help or --version, -1 on a usage error. */
static int
parse_options (int argc, char **argv, Options *o)
{
  static const struct option longopts[] = {
    { "format", required_argument, NULL, 'f' },
    { "input", required_argument, NULL, 'i' },
    { "predict", no_argument, NULL, 'p' },
    { "compute-units", required_argument, NULL, 'u' },
    { "output-dir", required_argument, NULL, 'o' },
    { "top", required_argument, NULL, 'k' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  InfoPredictOptions *p = &o->predict_options;
  MlrtError error = { 0 };
  int ch;

  p->units = MLRT_COMPUTE_ALL;
  p->output_dir = ".";
  p->top_k = 5;
  /* getopt_long moves the words that are not options to the end, in
   * their order: the model, then --predict's files */
  while ((ch = getopt_long (argc, argv, "f:i:pu:o:k:hV", longopts, NULL))
         != -1)
    {
      switch (ch)
        {
        case 'h':
          usage (stdout);
          return 1;
        case 'V':
          printf ("mlrt-info %s\n", MLS_VERSION);
          return 1;
        case 'f':
          if (strcmp (optarg, "text") != 0 && strcmp (optarg, "json") != 0)
            {
              fprintf (stderr, "mlrt-info: --format is text or json, not "
                       "'%s'\n", optarg);
              return -1;
            }
          o->json = strcmp (optarg, "json") == 0;
          break;
        case 'i':
          if (o->n_shapes == MAX_SHAPES)
            {
              fprintf (stderr, "mlrt-info: --input given more than %d "
                       "times\n", MAX_SHAPES);
              return -1;
            }
          o->shapes[o->n_shapes++] = optarg;
          break;
        case 'p':
          o->predict = 1;
          break;
        case 'u':
          if (mlrt_compute_units_from_name (optarg, &p->units, &error)
              != MLRT_OK)
            {
              fprintf (stderr, "mlrt-info: %s\n", error.message);
              return -1;
            }
          break;
        case 'o':
          p->output_dir = optarg;
          break;
        case 'k':
          if (parse_top (optarg, &p->top_k) != 0)
            return -1;
          break;
        default:
          fprintf (stderr, "Try 'mlrt-info --help'.\n");
          return -1;
        }
    }
  if (optind < argc)
    o->model = argv[optind++];
  if (o->model == NULL)
    {
      fprintf (stderr, "mlrt-info: no model given\n"
               "Try 'mlrt-info --help'.\n");
      return -1;
    }
  p->inputs = (const char *const *) argv + optind;
  p->n_inputs = (size_t) (argc - optind);
  if (!o->predict && p->n_inputs > 0)
    {
      fprintf (stderr, "mlrt-info: one model at a time ('%s' follows it; "
               "input files follow --predict)\n", argv[optind]);
      return -1;
    }
  if (o->predict && p->n_inputs == 0)
    {
      fprintf (stderr, "mlrt-info: --predict needs input files\n");
      return -1;
    }
  p->json = o->json;
  return 0;
}

int
main (int argc, char **argv)
{
  Options o = { 0 };
  MlrtModelInfoOptions read_options = { 0 };
  MlrtModelInfo info;
  MlrtError error = { 0 };
  MlrtStatus st;
  int r = parse_options (argc, argv, &o);

  if (r != 0)
    return r > 0 ? 0 : 2;
  read_options.input_shapes = o.shapes;
  read_options.n_input_shapes = o.n_shapes;
  st = mlrt_model_info_read (o.model, &read_options, &info, &error);
  if (st == MLRT_OK && o.predict)
    st = info_predict (&info, &o.predict_options, stdout, &error);
  else if (st == MLRT_OK && o.json)
    {
      json_object *j = info_to_json (&info);
      info_print_json (stdout, j);
      json_object_put (j);
    }
  else if (st == MLRT_OK)
    info_print_text (stdout, &info);
  if (st != MLRT_OK)
    fprintf (stderr, "mlrt-info: %s\n", error.message);
  mlrt_model_info_clear (&info);
  return st == MLRT_OK ? 0 : 1;
}
