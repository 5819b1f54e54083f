/*
 * gen-encode.c: the weight encodings the model generator writes (float32,
 * float16, per-channel int8, n-bit palettes found by k-means, sparse
 * bitmask + values) and its deterministic random numbers.
 */
#include "gen-encode.h"

#include <math.h>
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

/* The package format is little-endian; write it so on any host. */
static void
append_u32_le (GenBytes *out, uint32_t v)
{
  uint8_t b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  gen_bytes_append (out, b, 4);
}

static void
append_f32 (GenBytes *out, float value)
{
  uint32_t bits;
  memcpy (&bits, &value, 4);
  append_u32_le (out, bits);
}

uint16_t
gen_float_to_half (float value)
{
  uint32_t x;
  memcpy (&x, &value, 4);
  uint32_t sign = (x >> 16) & 0x8000;
  uint32_t exp = (x >> 23) & 0xff;
  uint32_t mant = x & 0x7fffff;

  if (exp == 0xff)              /* inf, nan */
    return sign | 0x7c00 | (mant ? 0x200 : 0);
  int e = (int) exp - 127 + 15;
  if (e >= 31)
    return sign | 0x7c00;
  if (e <= 0)
    {
      if (e < -10)
        return sign;
      /* subnormal half: shift the full mantissa, round to nearest even */
      mant |= 0x800000;
      int shift = 14 - e;
      uint32_t half = mant >> shift;
      uint32_t rest = mant & ((1u << shift) - 1);
      uint32_t mid = 1u << (shift - 1);
      if (rest > mid || (rest == mid && (half & 1)))
        half++;
      return sign | half;
    }
  uint32_t half = ((uint32_t) e << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    half++;                     /* may carry into the exponent: still right */
  return sign | half;
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

size_t
gen_encoding_size (GenEncoding enc, size_t n, size_t channels)
{
  switch (enc.kind)
    {
    case GEN_ENC_FLOAT32: return 4 * n;
    case GEN_ENC_FLOAT16: return 2 * n;
    case GEN_ENC_INT8: return 8 * channels + n;
    case GEN_ENC_PALETTE:
      return 4 * ((size_t) 1 << enc.palette_bits)
             + (n * enc.palette_bits + 7) / 8;
    case GEN_ENC_SPARSE: default: break;
    }
  return 0;                     /* sparse: depends on the values */
}

static void
encode_int8 (const float *values, size_t n, size_t channels, GenBytes *out)
{
  size_t per = n / channels;
  float *scale = malloc (channels * sizeof *scale);
  float *zero = malloc (channels * sizeof *zero);
  for (size_t c = 0; c < channels; c++)
    {
      /* the range always holds 0 so that zero weights stay exactly zero */
      float lo = 0, hi = 0;
      for (size_t i = 0; i < per; i++)
        {
          float v = values[c * per + i];
          lo = v < lo ? v : lo;
          hi = v > hi ? v : hi;
        }
      scale[c] = hi > lo ? (hi - lo) / 255.0f : 1.0f;
      zero[c] = rintf (-128.0f - lo / scale[c]);
    }
  for (size_t c = 0; c < channels; c++)
    append_f32 (out, scale[c]);
  for (size_t c = 0; c < channels; c++)
    append_f32 (out, zero[c]);
  for (size_t c = 0; c < channels; c++)
    for (size_t i = 0; i < per; i++)
      {
        float q = rintf (values[c * per + i] / scale[c] + zero[c]);
        q = q < -128 ? -128 : q > 127 ? 127 : q;
        int8_t b = (int8_t) q;
        gen_bytes_append (out, &b, 1);
      }
  free (scale);
  free (zero);
}

static int
compare_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

static size_t
nearest_centroid (const float *centroids, size_t k, float v)
{
  /* centroids are sorted: binary search, then the closer neighbour */
  size_t lo = 0, hi = k;
  while (hi - lo > 1)
    {
      size_t mid = (lo + hi) / 2;
      if (centroids[mid] <= v)
        lo = mid;
      else
        hi = mid;
    }
  if (lo + 1 < k && fabsf (centroids[lo + 1] - v) < fabsf (v - centroids[lo]))
    return lo + 1;
  return lo;
}

/* One-dimensional k-means (Lloyd), started from the quantiles. */
static void
palette_centroids (const float *values, size_t n, size_t k, float *centroids)
{
  float *sorted = malloc (n * sizeof *sorted);
  double *sum = malloc (k * sizeof *sum);
  size_t *count = malloc (k * sizeof *count);
  memcpy (sorted, values, n * sizeof *sorted);
  qsort (sorted, n, sizeof *sorted, compare_float);
  for (size_t j = 0; j < k; j++)
    centroids[j] = sorted[((2 * j + 1) * n) / (2 * k)];
  for (int iter = 0; iter < 12; iter++)
    {
      memset (sum, 0, k * sizeof *sum);
      memset (count, 0, k * sizeof *count);
      for (size_t i = 0; i < n; i++)
        {
          size_t j = nearest_centroid (centroids, k, sorted[i]);
          sum[j] += sorted[i];
          count[j]++;
        }
      for (size_t j = 0; j < k; j++)
        if (count[j])
          centroids[j] = (float) (sum[j] / count[j]);
      qsort (centroids, k, sizeof *centroids, compare_float);
    }
  free (sorted);
  free (sum);
  free (count);
}

static void
encode_palette (int bits, const float *values, size_t n, GenBytes *out)
{
  size_t k = (size_t) 1 << bits;
  float *centroids = malloc (k * sizeof *centroids);
  palette_centroids (values, n, k, centroids);
  for (size_t j = 0; j < k; j++)
    append_f32 (out, centroids[j]);

  size_t packed_len = (n * bits + 7) / 8;
  uint8_t *packed = calloc (packed_len, 1);
  for (size_t i = 0; i < n; i++)
    {
      size_t index = nearest_centroid (centroids, k, values[i]);
      for (int b = 0; b < bits; b++)
        if (index & ((size_t) 1 << b))
          {
            size_t bit = i * bits + b;
            packed[bit / 8] |= (uint8_t) (1u << (bit % 8));
          }
    }
  gen_bytes_append (out, packed, packed_len);
  free (packed);
  free (centroids);
}

static void
encode_sparse (const float *values, size_t n, GenBytes *out)
{
  size_t mask_len = (n + 7) / 8;
  uint8_t *mask = calloc (mask_len, 1);
  for (size_t i = 0; i < n; i++)
    if (values[i] != 0.0f)
      mask[i / 8] |= (uint8_t) (1u << (i % 8));
  gen_bytes_append (out, mask, mask_len);
  for (size_t i = 0; i < n; i++)
    if (values[i] != 0.0f)
      append_f32 (out, values[i]);
  free (mask);
}

void
gen_encode (GenEncoding enc, const float *values, size_t n, size_t channels,
            GenBytes *out)
{
  switch (enc.kind)
    {
    case GEN_ENC_FLOAT32:
      for (size_t i = 0; i < n; i++)
        append_f32 (out, values[i]);
      break;
    case GEN_ENC_FLOAT16:
      for (size_t i = 0; i < n; i++)
        {
          uint16_t h = gen_float_to_half (values[i]);
          uint8_t b[2] = { h & 0xff, h >> 8 };
          gen_bytes_append (out, b, 2);
        }
      break;
    case GEN_ENC_INT8:
      encode_int8 (values, n, channels, out);
      break;
    case GEN_ENC_PALETTE:
      encode_palette (enc.palette_bits, values, n, out);
      break;
    case GEN_ENC_SPARSE:
      encode_sparse (values, n, out);
      break;
    default:
      break;
    }
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
