/*
 * weights-encode.c: writing the weight encodings weights.c reads
 * (docs/model-format.md, "Weight encodings"): float16, int8 linear
 * quantisation per output channel, n-bit palettes found by k-means on the
 * values as coremltools' palettizer does, and sparse storage after
 * magnitude pruning. mlrt-convert --weights compresses a converted model
 * with them; the example model generator writes its packages with them.
 *
 * Plain integer and IEEE arithmetic (no libm transcendentals), so the same
 * values encode to the same bytes on every machine.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"

/* The package format is little-endian; write it so on any host. */
static uint8_t *
put_f32 (uint8_t *out, float value)
{
  uint32_t v;

  memcpy (&v, &value, 4);
  out[0] = v & 0xff;
  out[1] = (v >> 8) & 0xff;
  out[2] = (v >> 16) & 0xff;
  out[3] = v >> 24;
  return out + 4;
}

size_t
mlrt_weight_encoded_size (MlrtEncoding enc, int bits, const float *values,
                          size_t n, size_t channels)
{
  size_t nonzero = 0;

  switch (enc)
    {
    case MLRT_ENC_FLOAT32: return 4 * n;
    case MLRT_ENC_FLOAT16: return 2 * n;
    case MLRT_ENC_INT8: return 8 * channels + n;
    case MLRT_ENC_PALETTE:
      return 4 * ((size_t) 1 << bits) + (n * (size_t) bits + 7) / 8;
    case MLRT_ENC_SPARSE:
    default:
      for (size_t i = 0; i < n; i++)
        nonzero += values[i] != 0.0f;
      return (n + 7) / 8 + 4 * nonzero;
    }
}

static void
encode_int8 (const float *values, size_t n, size_t channels, uint8_t *out)
{
  size_t per = n / channels;
  uint8_t *zeros = out + 4 * channels, *q = out + 8 * channels;

  for (size_t c = 0; c < channels; c++)
    {
      /* the range always holds 0 so that zero weights stay exactly zero */
      float lo = 0, hi = 0, scale, zero;

      for (size_t i = 0; i < per; i++)
        {
          float v = values[c * per + i];
          lo = v < lo ? v : lo;
          hi = v > hi ? v : hi;
        }
      scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
      zero = rintf (-128.0f - lo / scale);
      out = put_f32 (out, scale);
      zeros = put_f32 (zeros, zero);
      for (size_t i = 0; i < per; i++)
        {
          float v = rintf (values[c * per + i] / scale + zero);
          v = v < -128 ? -128 : v > 127 ? 127 : v;
          *q++ = (uint8_t) (int8_t) v;
        }
    }
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
static MlrtStatus
palette_centroids (const float *values, size_t n, size_t k, float *centroids,
                   MlrtError *error)
{
  float *sorted = malloc ((n ? n : 1) * sizeof *sorted);
  double *sum = malloc (k * sizeof *sum);
  size_t *count = malloc (k * sizeof *count);

  if (!sorted || !sum || !count)
    {
      free (sorted);
      free (sum);
      free (count);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
    }
  memcpy (sorted, values, n * sizeof *sorted);
  qsort (sorted, n, sizeof *sorted, compare_float);
  for (size_t j = 0; j < k; j++)
    centroids[j] = n ? sorted[((2 * j + 1) * n) / (2 * k)] : 0.0f;
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
          centroids[j] = (float) (sum[j] / (double) count[j]);
      qsort (centroids, k, sizeof *centroids, compare_float);
    }
  free (sorted);
  free (sum);
  free (count);
  return MLRT_OK;
}

static MlrtStatus
encode_palette (int bits, const float *values, size_t n, uint8_t *out,
                MlrtError *error)
{
  size_t k = (size_t) 1 << bits;
  float centroids[256];
  MlrtStatus st = palette_centroids (values, n, k, centroids, error);
  uint8_t *packed = out + 4 * k;

  if (st != MLRT_OK)
    return st;
  for (size_t j = 0; j < k; j++)
    out = put_f32 (out, centroids[j]);
  memset (packed, 0, (n * (size_t) bits + 7) / 8);
  for (size_t i = 0; i < n; i++)
    {
      size_t index = nearest_centroid (centroids, k, values[i]);

      for (int b = 0; b < bits; b++)
        if (index & ((size_t) 1 << b))
          {
            size_t bit = i * (size_t) bits + (size_t) b;
            packed[bit / 8] |= (uint8_t) (1u << (bit % 8));
          }
    }
  return MLRT_OK;
}

static void
encode_sparse (const float *values, size_t n, uint8_t *out)
{
  uint8_t *mask = out, *v = out + (n + 7) / 8;

  memset (mask, 0, (n + 7) / 8);
  for (size_t i = 0; i < n; i++)
    if (values[i] != 0.0f)
      {
        mask[i / 8] |= (uint8_t) (1u << (i % 8));
        v = put_f32 (v, values[i]);
      }
}

MlrtStatus
mlrt_weight_encode (MlrtEncoding enc, int bits, const float *values,
                    size_t n, size_t channels, uint8_t *out, MlrtError *error)
{
  switch (enc)
    {
    case MLRT_ENC_FLOAT32:
      for (size_t i = 0; i < n; i++)
        out = put_f32 (out, values[i]);
      return MLRT_OK;
    case MLRT_ENC_FLOAT16:
      for (size_t i = 0; i < n; i++)
        {
          uint16_t h = mlrt_float_to_half (values[i]);
          out[2 * i] = h & 0xff;
          out[2 * i + 1] = h >> 8;
        }
      return MLRT_OK;
    case MLRT_ENC_INT8:
      if (channels == 0 || n % channels != 0)
        return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                               "int8: %zu values are not %zu channels", n,
                               channels);
      encode_int8 (values, n, channels, out);
      return MLRT_OK;
    case MLRT_ENC_PALETTE:
      if (bits < 1 || bits > 8)
        return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                               "a palette of %d bits (1 to 8 allowed)", bits);
      return encode_palette (bits, values, n, out, error);
    case MLRT_ENC_SPARSE:
    default:
      encode_sparse (values, n, out);
      return MLRT_OK;
    }
}

static int
compare_magnitude (const void *a, const void *b)
{
  float x = fabsf (*(const float *) a), y = fabsf (*(const float *) b);

  return (x > y) - (x < y);
}

MlrtStatus
mlrt_weight_prune (float *values, size_t n, double ratio, MlrtError *error)
{
  size_t drop = (size_t) (ratio * (double) n);
  float *sorted, threshold;
  size_t dropped = 0;

  if (drop == 0 || n == 0)
    return MLRT_OK;
  if ((sorted = malloc (n * sizeof *sorted)) == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  memcpy (sorted, values, n * sizeof *sorted);
  qsort (sorted, n, sizeof *sorted, compare_magnitude);
  threshold = fabsf (sorted[drop - 1]);
  free (sorted);
  /* Exactly `drop` values, the smallest first, ties in index order. */
  for (size_t i = 0; i < n && dropped < drop; i++)
    if (fabsf (values[i]) < threshold)
      {
        values[i] = 0.0f;
        dropped++;
      }
  for (size_t i = 0; i < n && dropped < drop; i++)
    if (values[i] != 0.0f && fabsf (values[i]) == threshold)
      {
        values[i] = 0.0f;
        dropped++;
      }
  return MLRT_OK;
}
