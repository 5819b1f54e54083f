/*
 * weights.c: the weight encodings of docs/model-format.md: checking that a
 * stored tensor fits its file and has exactly the size its encoding needs,
 * and decoding it to float32 (at load time, as other runtimes do).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"

size_t
mlrt_weight_count (const MlrtWeight *w)
{
  size_t n = 1;
  for (int i = 0; i < w->rank; i++)
    n *= (size_t) w->shape[i];
  return n;
}

int
mlrt_encoding_parse (const char *name, MlrtEncoding *enc, int *bits)
{
  *bits = 0;
  if (strcmp (name, "float32") == 0)
    *enc = MLRT_ENC_FLOAT32;
  else if (strcmp (name, "float16") == 0)
    *enc = MLRT_ENC_FLOAT16;
  else if (strcmp (name, "int8") == 0)
    *enc = MLRT_ENC_INT8;
  else if (strcmp (name, "sparse") == 0)
    *enc = MLRT_ENC_SPARSE;
  else if (strncmp (name, "palette", 7) == 0 && name[7] >= '1'
           && name[7] <= '8' && name[8] == '\0')
    {
      *enc = MLRT_ENC_PALETTE;
      *bits = name[7] - '0';
    }
  else
    return 0;
  return 1;
}

const char *
mlrt_encoding_name (const MlrtWeight *w, char *buf, size_t len)
{
  switch (w->encoding)
    {
    case MLRT_ENC_FLOAT32: return "float32";
    case MLRT_ENC_FLOAT16: return "float16";
    case MLRT_ENC_INT8: return "int8";
    case MLRT_ENC_SPARSE: return "sparse";
    case MLRT_ENC_PALETTE:
      snprintf (buf, len, "palette%d", w->bits);
      return buf;
    default:
      break;
    }
  return "invalid";
}

static size_t
popcount_bytes (const uint8_t *p, size_t n_bits)
{
  size_t count = 0;
  for (size_t i = 0; i < n_bits; i++)
    count += (p[i / 8] >> (i % 8)) & 1u;
  return count;
}

MlrtStatus
mlrt_weight_check (const MlrtWeight *w, const uint8_t *blob,
                   size_t blob_size, const char *what, MlrtError *error)
{
  size_t n = mlrt_weight_count (w);
  uint64_t need = 0;
  char enc[32];

  if (w->offset > blob_size || w->size > blob_size - w->offset)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: offset %llu + size %llu runs past the end of "
                           "the weights (%zu bytes): truncated weights",
                           what, (unsigned long long) w->offset,
                           (unsigned long long) w->size, blob_size);
  switch (w->encoding)
    {
    case MLRT_ENC_FLOAT32:
      need = 4 * (uint64_t) n;
      break;
    case MLRT_ENC_FLOAT16:
      need = 2 * (uint64_t) n;
      break;
    case MLRT_ENC_INT8:
      need = 8 * (uint64_t) w->shape[0] + n;
      break;
    case MLRT_ENC_PALETTE:
      need = 4 * ((uint64_t) 1 << w->bits) + ((uint64_t) n * w->bits + 7) / 8;
      break;
    case MLRT_ENC_SPARSE:
      need = (n + 7) / 8;
      if (w->size >= need)
        need += 4 * (uint64_t) popcount_bytes (blob + w->offset, n);
      break;
    default:
      break;
    }
  if (w->size != need)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: size is %llu bytes but %s of %zu values "
                           "needs %llu", what,
                           (unsigned long long) w->size,
                           mlrt_encoding_name (w, enc, sizeof enc), n,
                           (unsigned long long) need);
  return MLRT_OK;
}

static float
le_float (const uint8_t *p)
{
  uint32_t u = (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
               | (uint32_t) p[3] << 24;
  float f;
  memcpy (&f, &u, sizeof f);
  return f;
}

static void
decode_int8 (const MlrtWeight *w, const uint8_t *p, size_t n, float *out)
{
  size_t channels = (size_t) w->shape[0];
  size_t per = n / channels;
  const uint8_t *scales = p, *zeros = p + 4 * channels, *q = p + 8 * channels;

  for (size_t c = 0; c < channels; c++)
    {
      float scale = le_float (scales + 4 * c);
      float zero = le_float (zeros + 4 * c);
      for (size_t i = 0; i < per; i++)
        out[c * per + i] = scale * ((float) (int8_t) q[c * per + i] - zero);
    }
}

static void
decode_palette (int bits, const uint8_t *p, size_t n, float *out)
{
  size_t entries = (size_t) 1 << bits;
  const uint8_t *idx = p + 4 * entries;
  float lut[256];

  for (size_t i = 0; i < entries; i++)
    lut[i] = le_float (p + 4 * i);
  for (size_t i = 0; i < n; i++)
    {
      size_t bit = i * (size_t) bits;
      /* An index spans at most two bytes (bits <= 8). */
      unsigned v = idx[bit / 8] >> (bit % 8);
      if (bit % 8 + (size_t) bits > 8)
        v |= (unsigned) idx[bit / 8 + 1] << (8 - bit % 8);
      out[i] = lut[v & ((1u << bits) - 1)];
    }
}

static void
decode_sparse (const uint8_t *p, size_t n, float *out)
{
  const uint8_t *values = p + (n + 7) / 8;
  size_t k = 0;

  for (size_t i = 0; i < n; i++)
    out[i] = ((p[i / 8] >> (i % 8)) & 1u) ? le_float (values + 4 * k++) : 0.0f;
}

MlrtStatus
mlrt_weight_decode (MlrtWeight *w, const uint8_t *blob, MlrtError *error)
{
  size_t n = mlrt_weight_count (w);
  const uint8_t *p = blob + w->offset;
  float *out = malloc ((n ? n : 1) * sizeof (float));

  if (out == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                           "out of memory decoding weight '%s'", w->name);
  switch (w->encoding)
    {
    case MLRT_ENC_FLOAT32:
      for (size_t i = 0; i < n; i++)
        out[i] = le_float (p + 4 * i);
      break;
    case MLRT_ENC_FLOAT16:
      for (size_t i = 0; i < n; i++)
        out[i] = mlrt_half_to_float ((uint16_t) (p[2 * i]
                                                 | p[2 * i + 1] << 8));
      break;
    case MLRT_ENC_INT8:
      decode_int8 (w, p, n, out);
      break;
    case MLRT_ENC_PALETTE:
      decode_palette (w->bits, p, n, out);
      break;
    case MLRT_ENC_SPARSE:
      decode_sparse (p, n, out);
      break;
    default:
      break;
    }
  free (w->data);
  w->data = out;
  return MLRT_OK;
}
