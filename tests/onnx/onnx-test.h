/*
 * onnx-test.h: what the ONNX tests share: where ONNX's node tests and the
 * npm packages are, skipping with a clear message when the packages could
 * not be installed, running a model on ONNX Runtime (ort-run.mjs), and
 * checking that an error names what it must.
 */
#ifndef ONNX_TEST_H
#define ONNX_TEST_H

#include <glib.h>

#include "onnx-graph.h"

#define ONNX_NODE_TESTS "/usr/share/libonnx-testdata/data/node"

#define PADDLE_CLS "ch_ppocr_mobile_v2.0_cls_infer.onnx"
#define PADDLE_DET "ch_PP-OCRv4_det_infer.onnx"
#define PADDLE_REC "ch_PP-OCRv4_rec_infer.onnx"

/* The path of one of PaddleOCR's models in the npm cache, or NULL after
 * marking the test skipped, saying why. */
char *onnx_test_paddle_model (const char *file);
/* Whether ONNX Runtime and node are there; if not, the test is marked
 * skipped with the reason. */
gboolean onnx_test_have_ort (void);

typedef struct {
  char *name;
  MlrtOnnxTensor *tensor;
} OrtOutput;

/* Runs `model` on ONNX Runtime's CPU provider with one intra-op thread,
 * feeding `inputs[i]` as `names[i]`. Returns the outputs in the model's
 * order (free with ort_outputs_free), or NULL with an error. */
GPtrArray *ort_run (const char *model, const char *const *names,
                    MlrtOnnxTensor *const *inputs, size_t n_inputs,
                    GError **error);
void ort_outputs_free (GPtrArray *outputs);

/* Asserts that `error` has `status` and mentions each of the NULL-ended
 * strings, printing it either way. */
void onnx_test_assert_error (const MlrtError *error, MlrtStatus status, ...)
  G_GNUC_NULL_TERMINATED;

/* A scratch directory, removed with its files at exit. */
const char *onnx_test_tmpdir (void);

#endif /* ONNX_TEST_H */
