/*
 * test-model.h: writes the small model package the report's tests run: two
 * 3x3 convolutions (16 channels, 64x64) with ReLU and sigmoid, global
 * average pooling, an inner product to 4 classes and softmax, float32
 * weights from a fixed seed. Input "x" float32 [16, 64, 64], output
 * "probs" float32 [4].
 */
#ifndef MLRT_REPORT_TEST_MODEL_H
#define MLRT_REPORT_TEST_MODEL_H

#include "test-tmpdir.h"

/* Creates the package directory `path`; aborts the test on failure. */
void mlrt_report_test_write_package (const char *path);

#endif /* MLRT_REPORT_TEST_MODEL_H */
