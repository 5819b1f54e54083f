/*
 * mlrt-convert: converts an ONNX model into an mlrt model package, in the
 * spirit of coremltools' convert: input shapes pinned (--input), compute
 * precision, inputs taken as images with a scale and bias, metadata, and
 * weights compressed as coremltools.optimize does (--weights). The
 * work is the importer's (onnx-convert.h); this is its command line:
 * options in, a package out, or one error listing every part of the model
 * that cannot be converted, and no package.
 *
 * Exit status: 0 converted, 1 the model cannot be converted (or written),
 * 2 bad options.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert-options.h"
#include "mls-version.h"

#define MAX_REPEATS 64

typedef struct {
  const char *model, *output, *name;
  MlrtOnnxInputShape shapes[MAX_REPEATS];
  MlrtOnnxImageInput images[MAX_REPEATS];
  MlrtOnnxProp metadata[MAX_REPEATS];
  MlrtOnnxConvertOptions convert;
  int quiet;
} Options;

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: mlrt-convert MODEL.onnx -o NAME.mlpackage [OPTION...]\n"
           "Convert an ONNX model into an mlrt model package.\n\n"
           "  -o, --output DIR                the package to write\n"
           "  -i, --input NAME:D0,D1,...      the input's shape (pins "
           "dynamic dims)\n"
           "  -p, --compute-precision P       float32 (default) or float16\n"
           "  -w, --weights ENC               store weights of 2048 values or "
           "more as fp16,\n"
           "                                  int8 (per output channel), "
           "palette:N (N-bit\n"
           "                                  k-means palette) or sparse:R "
           "(the fraction R\n"
           "                                  smallest in magnitude pruned)\n"
           "      --image-input NAME:TYPE[:scale=S][:bias=B,G,R][:bgr]\n"
           "                                  take the input as an image "
           "(bgra8, gray8,\n"
           "                                  gray16half); the network sees "
           "scale * pixel + bias\n"
           "  -m, --metadata KEY=VALUE        author, description, version, "
           "license or your own\n"
           "  -n, --name NAME                 the model's name (default: the "
           "package's)\n"
           "  -q, --quiet                     print nothing on success\n"
           "  -h, --help                      show this help\n"
           "  -V, --version                   print the version\n");
}

static int
repeat_full (int n, const char *option)
{
  if (n < MAX_REPEATS)
    return 0;
  fprintf (stderr, "mlrt-convert: --%s given more than %d times\n", option,
           MAX_REPEATS);
  return 1;
}

/* 0 to go on, 1 after --help or --version, -1 on a usage error. */
static int
parse_options (int argc, char **argv, Options *o)
{
  static const struct option longopts[] = {
    { "output", required_argument, NULL, 'o' },
    { "input", required_argument, NULL, 'i' },
    { "compute-precision", required_argument, NULL, 'p' },
    { "weights", required_argument, NULL, 'w' },
    { "image-input", required_argument, NULL, 'I' },
    { "metadata", required_argument, NULL, 'm' },
    { "name", required_argument, NULL, 'n' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  MlrtOnnxConvertOptions *c = &o->convert;
  MlrtError error = { 0 };
  int ch;

  while ((ch = getopt_long (argc, argv, "o:i:p:w:m:n:qhV", longopts, NULL))
         != -1)
    {
      MlrtStatus st = MLRT_OK;

      switch (ch)
        {
        case 'h':
          usage (stdout);
          return 1;
        case 'V':
          printf ("mlrt-convert %s\n", MLS_VERSION);
          return 1;
        case 'o':
          o->output = optarg;
          break;
        case 'n':
          o->name = optarg;
          break;
        case 'q':
          o->quiet = 1;
          break;
        case 'i':
          if (repeat_full ((int) c->n_shapes, "input"))
            return -1;
          st = mlrt_onnx_parse_input_shape (optarg, &o->shapes[c->n_shapes],
                                            &error);
          c->n_shapes += st == MLRT_OK;
          break;
        case 'I':
          if (repeat_full ((int) c->n_images, "image-input"))
            return -1;
          st = mlrt_convert_parse_image (optarg, &o->images[c->n_images],
                                         &error);
          c->n_images += st == MLRT_OK;
          break;
        case 'm':
          if (repeat_full ((int) c->n_metadata, "metadata"))
            return -1;
          st = mlrt_convert_parse_metadata (optarg,
                                            &o->metadata[c->n_metadata],
                                            &error);
          c->n_metadata += st == MLRT_OK;
          break;
        case 'p':
          st = mlrt_convert_parse_precision (optarg, &c->half, &error);
          break;
        case 'w':
          st = mlrt_convert_parse_weights (optarg, c, &error);
          break;
        default:
          fprintf (stderr, "Try 'mlrt-convert --help'.\n");
          return -1;
        }
      if (st != MLRT_OK)
        {
          fprintf (stderr, "mlrt-convert: %s\n", error.message);
          return -1;
        }
    }
  if (optind + 1 != argc || o->output == NULL)
    {
      fprintf (stderr, "mlrt-convert: %s\nTry 'mlrt-convert --help'.\n",
               optind + 1 < argc ? "one model at a time"
               : optind == argc ? "no model given" : "no --output given");
      return -1;
    }
  o->model = argv[optind];
  return 0;
}

static void
options_clear (Options *o)
{
  for (size_t i = 0; i < o->convert.n_shapes; i++)
    mlrt_onnx_input_shape_clear (&o->shapes[i]);
  for (size_t i = 0; i < o->convert.n_images; i++)
    mlrt_convert_image_clear (&o->images[i]);
  for (size_t i = 0; i < o->convert.n_metadata; i++)
    {
      free (o->metadata[i].key);
      free (o->metadata[i].value);
    }
}

static int
convert (Options *o)
{
  MlrtOnnxPackage package;
  MlrtError error = { 0 };
  char *stem = mlrt_path_stem (o->output);
  MlrtStatus st;

  o->convert.shapes = o->shapes;
  o->convert.images = o->images;
  o->convert.metadata = o->metadata;
  o->convert.name = o->name ? o->name : stem;
  st = mlrt_onnx_convert_file (o->model, &o->convert, &package, &error);
  if (st == MLRT_OK)
    st = mlrt_onnx_package_write (&package, o->output, &error);
  if (st != MLRT_OK)
    {
      fprintf (stderr, "mlrt-convert: %s\n", error.message);
      if (package.problems.n > 1)
        {
          fprintf (stderr, "mlrt-convert: every part at fault:\n");
          for (size_t i = 0; i < package.problems.n; i++)
            fprintf (stderr, "  %s\n", package.problems.lines[i]);
        }
      fprintf (stderr, "mlrt-convert: no package written\n");
    }
  else if (!o->quiet)
    printf ("%s: %zu ONNX nodes -> %s: %zu layers, %zu bytes of %s "
            "weights\n", o->model, package.n_nodes, o->output,
            package.n_layers, package.weights_size,
            o->convert.half ? "float16" : "float32");
  mlrt_onnx_package_clear (&package);
  free (stem);
  return st == MLRT_OK ? 0 : 1;
}

int
main (int argc, char **argv)
{
  static Options o;
  int status = parse_options (argc, argv, &o);

  if (status == 0)
    status = convert (&o);
  else
    status = status > 0 ? 0 : 2;
  options_clear (&o);
  return status;
}
