/*
 * gen-encode.h: weight encodings of the model package (docs/model-format.md,
 * "Weight encodings"), as the model generator writes them, plus the
 * deterministic random numbers the generator draws weights from.
 *
 * Everything here is plain integer and IEEE arithmetic (no libm
 * transcendentals), so the generator writes the same bytes on every run and
 * every machine.
 */
#ifndef GEN_ENCODE_H
#define GEN_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer. */
typedef struct {
  uint8_t *data;
  size_t len;
  size_t cap;
} GenBytes;

void gen_bytes_append (GenBytes *bytes, const void *data, size_t len);
void gen_bytes_append_zeros (GenBytes *bytes, size_t len);
void gen_bytes_clear (GenBytes *bytes);

typedef enum {
  GEN_ENC_FLOAT32,
  GEN_ENC_FLOAT16,
  GEN_ENC_INT8,
  GEN_ENC_PALETTE,          /* with palette_bits 1..8 */
  GEN_ENC_SPARSE,
} GenEncodingKind;

typedef struct {
  GenEncodingKind kind;
  int palette_bits;
} GenEncoding;

/* The encoding's name in model.json: "float32", "palette6", ... */
const char *gen_encoding_name (GenEncoding enc, char *buf, size_t buf_size);

/* Appends the encoding of `values` (n values, `channels` rows on axis 0).
 * Sparse stores only non-zero values; callers prune first. */
void gen_encode (GenEncoding enc, const float *values, size_t n,
                 size_t channels, GenBytes *out);

/* splitmix64: small, fast and the same everywhere. */
typedef struct {
  uint64_t state;
} GenRng;

void gen_rng_init (GenRng *rng, uint64_t seed);
uint64_t gen_rng_next (GenRng *rng);
/* Uniform in [0, 1). */
double gen_rng_uniform (GenRng *rng);
/* Approximately standard normal (Irwin-Hall: sum of 12 uniforms - 6). */
double gen_rng_normal (GenRng *rng);

#endif /* GEN_ENCODE_H */
