/*
 * pkg-writer.h: writes small model packages for the runtime's tests: a
 * weights.bin built tensor by tensor (64-byte aligned, in any encoding of
 * docs/model-format.md) and a model.json the test spells out itself.
 */
#ifndef TEST_PKG_WRITER_H
#define TEST_PKG_WRITER_H

#include <glib.h>
#include <stdint.h>

#include "test-tmpdir.h"

typedef struct {
  GByteArray *blob;
} TestWeights;

void test_weights_init (TestWeights *w);
void test_weights_clear (TestWeights *w);

/* Each returns the JSON weight entry {"shape", "encoding", "offset",
 * "size"} for what it appended (g_free it). `dims` is "[2, 8]"-style. */
char *test_weights_f32 (TestWeights *w, const char *dims, const float *v,
                        size_t n);
char *test_weights_f16 (TestWeights *w, const char *dims, const float *v,
                        size_t n);
/* Per output channel (axis 0) scale and zero point, int8 values. */
char *test_weights_int8 (TestWeights *w, const char *dims, size_t channels,
                         const float *scales, const float *zeros,
                         const int8_t *q, size_t n);
/* A 2^bits-entry LUT and n indices of `bits` bits, LSB first. */
char *test_weights_palette (TestWeights *w, const char *dims, int bits,
                            const float *lut, const uint8_t *idx, size_t n);
/* Zeros are left out; the bitmask says where the others go. */
char *test_weights_sparse (TestWeights *w, const char *dims, const float *v,
                           size_t n);
/* Raw bytes with an entry claiming `size` bytes (for bad packages). */
char *test_weights_raw (TestWeights *w, const char *dims,
                        const char *encoding, const void *data, size_t len,
                        uint64_t size);

/* Creates DIR/NAME.mlpackage with the given model.json and weights
 * (either may be NULL to leave the file out). Returns the path. */
char *test_write_package (const char *dir, const char *name,
                          const char *json, const TestWeights *weights);


#endif /* TEST_PKG_WRITER_H */
