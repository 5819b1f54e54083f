/*
 * sharpen-demo: sharpens a stream of Float16 grayscale frames held in
 * MlrtBuffers. Without --fp16 it feeds them to the 8-bit model
 * (sharpen-gray8), so the runtime converts every input and output; with
 * --fp16 to the Float16 model (sharpen-fp16), which needs no conversion.
 * --output-backing hands predict a preallocated output buffer to fill.
 * --check compares every output with a direct 3x3 sharpen of the frame.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example-common.h"

#define PROG "sharpen-demo"

typedef struct {
  int n_frames;
  int fp16;
  int output_backing;
  int check;
  ExOptions common;         /* --compute-units, --models-dir */
} Options;

typedef struct {
  int width, height;
  MlrtFeatureType out_type;
  MlrtBuffer *in_buffer;
  MlrtBuffer *out_buffer;   /* with --output-backing */
  double predict_ms;
  double max_error;         /* --check: output vs. direct sharpen */
  double max_change;        /* --check: how far the filter moves pixels */
} Run;

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: " PROG " [OPTION...]\n"
           "Sharpens a synthetic stream of Float16 grayscale frames kept in\n"
           "MlrtBuffers, with the 8-bit model (the runtime converts Float16\n"
           "to Gray8 and back) or, with --fp16, the Float16 model.\n\n"
           "  --frames N          how many frames to sharpen (default 20)\n"
           "  --fp16              use sharpen-fp16 instead of sharpen-gray8\n"
           "  --output-backing    pass preallocated output buffers to predict\n"
           "  --check             compare each output with a direct 3x3\n"
           "                      sharpen; exit 1 on a mismatch\n");
  ex_print_shared_usage (out, 22);
}

static int
parse_options (int argc, char **argv, Options *o)
{
  static const struct option options[] = {
    { "frames", required_argument, NULL, 'f' },
    { "fp16", no_argument, NULL, '6' },
    { "output-backing", no_argument, NULL, 'o' },
    { "check", no_argument, NULL, 'c' },
    EX_SHARED_LONG_OPTIONS,
  };
  int opt;

  *o = (Options) { 20, 0, 0, 0, { 0 } };
  ex_options_init (&o->common);
  while ((opt = getopt_long (argc, argv, "h", options, NULL)) != -1)
    switch (opt)
      {
      case 'f':
        if (ex_parse_count (PROG, "frames", optarg, 1, &o->n_frames) != 0)
          return -1;
        break;
      case '6': o->fp16 = 1; break;
      case 'o': o->output_backing = 1; break;
      case 'c': o->check = 1; break;
      default:
        if (ex_parse_shared_option (PROG, opt, optarg, &o->common,
                                    usage) != 0)
          return -1;
      }
  return ex_end_options (PROG, argc, argv, &o->common);
}

/* Pixel (x, y) of an output, as 0..1, whatever its image type. */
static float
output_pixel (const MlrtValue *v, int width, int x, int y)
{
  size_t i = (size_t) y * width + x;
  if (v->type == MLRT_TYPE_GRAY8)
    return ((const uint8_t *) v->data)[i] / 255.0f;
  return mlrt_half_to_float (((const uint16_t *) v->data)[i]);
}

/* The direct sharpen of the input at (x, y), zero padded, clamped. */
static float
reference_pixel (const uint16_t *in, int width, int height, int x, int y)
{
  static const int dx[5] = { 0, -1, 1, 0, 0 }, dy[5] = { 0, 0, 0, -1, 1 };
  static const float k[5] = { 5, -1, -1, -1, -1 };
  float sum = 0;
  for (int t = 0; t < 5; t++)
    {
      int xx = x + dx[t], yy = y + dy[t];
      if (xx >= 0 && xx < width && yy >= 0 && yy < height)
        sum += k[t] * mlrt_half_to_float (in[(size_t) yy * width + xx]);
    }
  return sum < 0 ? 0 : sum > 1 ? 1 : sum;
}

static void
check_output (Run *r, const MlrtValue *out)
{
  const uint16_t *in = mlrt_buffer_data (r->in_buffer);
  for (int y = 0; y < r->height; y++)
    for (int x = 0; x < r->width; x++)
      {
        float ref = reference_pixel (in, r->width, r->height, x, y);
        float got = output_pixel (out, r->width, x, y);
        float orig = mlrt_half_to_float (in[(size_t) y * r->width + x]);
        r->max_error = fmax (r->max_error, fabsf (got - ref));
        r->max_change = fmax (r->max_change, fabsf (ref - orig));
      }
}

/* Sets up the input (and output backing) buffers for the model's shapes. */
static int
prepare (Run *r, MlrtModel *model, const Options *o, MlrtFeatures *backings)
{
  const MlrtFeatureDescription *in = ex_find_feature (PROG, model, "image", 0);
  const MlrtFeatureDescription *out =
      ex_find_feature (PROG, model, "sharpened", 1);
  MlrtError error = { 0 };
  if (!in || !out)
    return -1;
  if (in->rank != 2 || out->rank != 2
      || (out->type != MLRT_TYPE_GRAY8 && out->type != MLRT_TYPE_GRAY16_HALF))
    {
      fprintf (stderr, PROG ": the model's 'image' and 'sharpened' must be "
               "grayscale images\n");
      return -1;
    }
  r->height = (int) in->shape[0];
  r->width = (int) in->shape[1];
  r->out_type = out->type;
  size_t pixels = (size_t) r->width * r->height;
  r->in_buffer = mlrt_buffer_new (pixels * 2, &error);
  if (!r->in_buffer)
    goto fail;
  if (!o->output_backing)
    return 0;
  r->out_buffer = mlrt_buffer_new (pixels
                                   * mlrt_feature_type_element_size (out->type),
                                   &error);
  if (!r->out_buffer)
    goto fail;
  MlrtValue v = { out->type, 2, { r->height, r->width },
                  mlrt_buffer_data (r->out_buffer), r->out_buffer };
  if (mlrt_features_set (backings, "sharpened", &v, &error) != MLRT_OK)
    goto fail;
  return 0;
fail:
  fprintf (stderr, PROG ": cannot set up buffers: %s\n", error.message);
  return -1;
}

static int
sharpen_frame (Run *r, MlrtModel *model, const MlrtFeatures *backings,
               const Options *o, int index)
{
  ex_frame_gray_half (mlrt_buffer_data (r->in_buffer), r->width, r->height,
                      index);
  MlrtValue value = { MLRT_TYPE_GRAY16_HALF, 2, { r->height, r->width },
                      mlrt_buffer_data (r->in_buffer), r->in_buffer };
  MlrtPredictOptions options = { backings };
  MlrtFeatures *inputs = mlrt_features_new (), *outputs = NULL;
  MlrtError error = { 0 };
  int ret = -1;

  if (mlrt_features_set (inputs, "image", &value, &error) != MLRT_OK)
    goto out;
  double start = ex_now_ms ();
  if (mlrt_model_predict (model, inputs, o->output_backing ? &options : NULL,
                          &outputs, &error) != MLRT_OK)
    goto out;
  r->predict_ms += ex_now_ms () - start;
  const MlrtValue *result = mlrt_features_get (outputs, "sharpened");
  if (!result || result->type != r->out_type)
    {
      snprintf (error.message, sizeof error.message,
                "prediction returned no %s 'sharpened' output",
                mlrt_feature_type_name (r->out_type));
      goto out;
    }
  if (o->output_backing && result->data != mlrt_buffer_data (r->out_buffer))
    {
      snprintf (error.message, sizeof error.message,
                "output 'sharpened' was not written into the output backing");
      goto out;
    }
  if (o->check)
    check_output (r, result);
  ret = 0;
out:
  if (ret != 0)
    fprintf (stderr, PROG ": frame %d: %s\n", index, error.message);
  if (outputs)
    mlrt_features_free (outputs);
  mlrt_features_free (inputs);
  return ret;
}

/* Reports the check; 0 when it passed. */
static int
report_check (const Run *r, const Options *o)
{
  /* 8-bit: input and output quantisation, at most 1/255 each, grow by the
   * kernel's L1 norm (9) on the input side. Float16: rounding of halves. */
  double tolerance = o->fp16 ? 0.01 : 10.5 / 255.0;
  int passed = r->max_error <= tolerance && r->max_change > 4 * tolerance;
  printf ("check: %s: max abs error %.4f against a direct 3x3 sharpen "
          "(tolerance %.4f); the filter moves pixels by up to %.3f.\n",
          passed ? "passed" : "FAILED", r->max_error, tolerance,
          r->max_change);
  if (r->max_change <= 4 * tolerance)
    fprintf (stderr, PROG ": the frames have too little detail for the "
             "check to tell a sharpen from its input\n");
  else if (!passed)
    fprintf (stderr, PROG ": output differs from a direct 3x3 sharpen by "
             "%.4f, more than %.4f\n", r->max_error, tolerance);
  return passed ? 0 : -1;
}

int
main (int argc, char **argv)
{
  Options o;
  Run r = { 0 };
  double load_ms = 0;
  int ret = 1;
  if (parse_options (argc, argv, &o) != 0)
    return 2;
  const char *name = o.fp16 ? "sharpen-fp16" : "sharpen-gray8";
  char *path = ex_model_path (PROG, o.common.models_dir, name);
  if (!path)
    return 1;
  MlrtModel *model = ex_load_model (PROG, path, o.common.units, &load_ms);
  MlrtFeatures *backings = mlrt_features_new ();
  if (!model || prepare (&r, model, &o, backings) != 0)
    goto out;
  for (int i = 0; i < o.n_frames; i++)
    if (sharpen_frame (&r, model, backings, &o, i) != 0)
      goto out;

  printf ("sharpen-demo: sharpened %d Float16 frames of %dx%d held in "
          "MlrtBuffers with %s (loaded once in %.1f ms) on compute units %s; "
          "%s; outputs %s; %.2f ms per prediction on average.\n",
          o.n_frames, r.width, r.height, name, load_ms, o.common.units_name,
          o.fp16 ? "the model takes Float16 as is"
                 : "the runtime converted every Float16 frame to Gray8",
          o.output_backing ? "written into a preallocated output backing"
                           : "allocated by the runtime",
          r.predict_ms / o.n_frames);
  ret = 0;
  if (o.check && report_check (&r, &o) != 0)
    ret = 1;
out:
  mlrt_model_unload (model);
  mlrt_features_free (backings);
  if (r.in_buffer)
    mlrt_buffer_unref (r.in_buffer);
  if (r.out_buffer)
    mlrt_buffer_unref (r.out_buffer);
  free (path);
  return ret;
}
