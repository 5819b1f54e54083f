/*
 * gen-encode.c: the weight encodings the model generator writes (float32,
 * float16, per-channel int8, n-bit palettes found by k-means, sparse
 * bitmask + values), written by the runtime's own encoder
 * (runtime/src/weights-encode.c, as mlrt-convert --weights does), and its
 * deterministic random numbers.
 */
#include "gen-encode.h"

#include "mlrt-internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
gen_bytes_reserve (GenBytes *bytes, size_t extra)
{
  if (bytes->len + extra <= bytes->cap)
    return;
  size_t cap = bytes->cap ? bytes->cap : 4096;
  while (cap < bytes->len + extra)
    cap *= 2;
  uint8_t *data = realloc (bytes->data, cap);
  if (!data)
    {
      fprintf (stderr, "mlrt-gen-models: out of memory\n");
      exit (1);
    }
  bytes->data = data;
  bytes->cap = cap;
}

/* Nothing to add leaves an empty buffer's data NULL, which memcpy and
 * memset must not be given, even for no bytes. */
void
gen_bytes_append (GenBytes *bytes, const void *data, size_t len)
{
  if (len == 0)
    return;
  gen_bytes_reserve (bytes, len);
  memcpy (bytes->data + bytes->len, data, len);
  bytes->len += len;
}

void
gen_bytes_append_zeros (GenBytes *bytes, size_t len)
{
  if (len == 0)
    return;
  gen_bytes_reserve (bytes, len);
  memset (bytes->data + bytes->len, 0, len);
  bytes->len += len;
}

void
gen_bytes_clear (GenBytes *bytes)
{
  free (bytes->data);
  memset (bytes, 0, sizeof *bytes);
}

const char *
gen_encoding_name (GenEncoding enc, char *buf, size_t buf_size)
{
  switch (enc.kind)
    {
    case GEN_ENC_FLOAT32: return "float32";
    case GEN_ENC_FLOAT16: return "float16";
    case GEN_ENC_INT8: return "int8";
    case GEN_ENC_SPARSE: return "sparse";
    case GEN_ENC_PALETTE:
      snprintf (buf, buf_size, "palette%d", enc.palette_bits);
      return buf;
    default:
      break;
    }
  return "float32";
}

void
gen_encode (GenEncoding enc, const float *values, size_t n, size_t channels,
            GenBytes *out)
{
  static const MlrtEncoding runtime_encoding[] = {
    [GEN_ENC_FLOAT32] = MLRT_ENC_FLOAT32,
    [GEN_ENC_FLOAT16] = MLRT_ENC_FLOAT16,
    [GEN_ENC_INT8] = MLRT_ENC_INT8,
    [GEN_ENC_PALETTE] = MLRT_ENC_PALETTE,
    [GEN_ENC_SPARSE] = MLRT_ENC_SPARSE,
  };
  MlrtEncoding e = runtime_encoding[enc.kind];
  size_t size = mlrt_weight_encoded_size (e, enc.palette_bits, values, n,
                                          channels);
  MlrtError error = { 0 };

  gen_bytes_reserve (out, size);
  if (mlrt_weight_encode (e, enc.palette_bits, values, n, channels,
                          out->data + out->len, &error) != MLRT_OK)
    {
      fprintf (stderr, "mlrt-gen-models: %s\n", error.message);
      exit (1);
    }
  out->len += size;
}

void
gen_rng_init (GenRng *rng, uint64_t seed)
{
  rng->state = seed;
}

uint64_t
gen_rng_next (GenRng *rng)
{
  uint64_t z = (rng->state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double
gen_rng_uniform (GenRng *rng)
{
  return (gen_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

double
gen_rng_normal (GenRng *rng)
{
  double sum = 0;
  for (int i = 0; i < 12; i++)
    sum += gen_rng_uniform (rng);
  return sum - 6.0;
}
