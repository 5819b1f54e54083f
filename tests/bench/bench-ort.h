/*
 * bench-ort.h: ONNX Runtime's CPU provider in a child process (node and
 * tests/onnx/ort-run.mjs --bench), kept running so that a benchmark can
 * interleave its predictions with mlrt's in one run.
 */
#ifndef BENCH_ORT_H
#define BENCH_ORT_H

#include <glib.h>

#include "onnx-graph.h"

typedef struct BenchOrt BenchOrt;

/* Starts a session of `onnx` with `threads` intra-op threads, fed `input`
 * as "x"; NULL with the reason printed when node or the npm package is
 * missing or the session cannot be made. */
BenchOrt *bench_ort_start (const char *onnx, const MlrtOnnxTensor *input,
                           int threads, const char *dir);
/* Runs `n` predictions: each one's wall time into wall_ms[0..n), the CPU
 * time of all of them (the child's, its threads included) into *cpu_ms.
 * FALSE, printed, when the child fails. */
gboolean bench_ort_run (BenchOrt *ort, int n, double *wall_ms,
                        double *cpu_ms);
void bench_ort_stop (BenchOrt *ort);

#endif /* BENCH_ORT_H */
