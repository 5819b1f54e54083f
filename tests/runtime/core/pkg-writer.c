/*
 * pkg-writer.c: the test helper that writes model packages (see
 * pkg-writer.h).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mlrt/mlrt.h"
#include "pkg-writer.h"

void
test_weights_init (TestWeights *w)
{
  w->blob = g_byte_array_new ();
}

void
test_weights_clear (TestWeights *w)
{
  g_byte_array_unref (w->blob);
  w->blob = NULL;
}

static size_t
align (TestWeights *w)
{
  static const uint8_t zero[64];
  size_t pad = (64 - w->blob->len % 64) % 64;
  g_byte_array_append (w->blob, zero, (guint) pad);
  return w->blob->len;
}

static char *
entry (const char *dims, const char *enc, size_t offset, uint64_t size)
{
  return g_strdup_printf ("{\"shape\": %s, \"encoding\": \"%s\", "
                          "\"offset\": %zu, \"size\": %llu}", dims, enc,
                          offset, (unsigned long long) size);
}

static void
put_f32 (TestWeights *w, float f)
{
  uint32_t u;
  uint8_t b[4];
  memcpy (&u, &f, 4);
  for (int i = 0; i < 4; i++)
    b[i] = (uint8_t) (u >> (8 * i));
  g_byte_array_append (w->blob, b, 4);
}

char *
test_weights_f32 (TestWeights *w, const char *dims, const float *v, size_t n)
{
  size_t off = align (w);
  for (size_t i = 0; i < n; i++)
    put_f32 (w, v[i]);
  return entry (dims, "float32", off, w->blob->len - off);
}

char *
test_weights_f16 (TestWeights *w, const char *dims, const float *v, size_t n)
{
  size_t off = align (w);
  for (size_t i = 0; i < n; i++)
    {
      uint16_t h = mlrt_float_to_half (v[i]);
      uint8_t b[2] = { (uint8_t) h, (uint8_t) (h >> 8) };
      g_byte_array_append (w->blob, b, 2);
    }
  return entry (dims, "float16", off, w->blob->len - off);
}

char *
test_weights_int8 (TestWeights *w, const char *dims, size_t channels,
                   const float *scales, const float *zeros, const int8_t *q,
                   size_t n)
{
  size_t off = align (w);
  for (size_t c = 0; c < channels; c++)
    put_f32 (w, scales[c]);
  for (size_t c = 0; c < channels; c++)
    put_f32 (w, zeros[c]);
  g_byte_array_append (w->blob, (const uint8_t *) q, (guint) n);
  return entry (dims, "int8", off, w->blob->len - off);
}

char *
test_weights_palette (TestWeights *w, const char *dims, int bits,
                      const float *lut, const uint8_t *idx, size_t n)
{
  size_t off = align (w);
  size_t n_bytes = (n * (size_t) bits + 7) / 8;
  uint8_t *packed = g_malloc0 (n_bytes + 1);
  char enc[16];

  for (size_t i = 0; i < ((size_t) 1 << bits); i++)
    put_f32 (w, lut[i]);
  for (size_t i = 0; i < n; i++)
    for (int b = 0; b < bits; b++)
      if (idx[i] >> b & 1)
        {
          size_t bit = i * (size_t) bits + (size_t) b;
          packed[bit / 8] |= (uint8_t) (1u << (bit % 8));
        }
  g_byte_array_append (w->blob, packed, (guint) n_bytes);
  g_free (packed);
  g_snprintf (enc, sizeof enc, "palette%d", bits);
  return entry (dims, enc, off, w->blob->len - off);
}

char *
test_weights_sparse (TestWeights *w, const char *dims, const float *v,
                     size_t n)
{
  size_t off = align (w);
  size_t n_bytes = (n + 7) / 8;
  uint8_t *mask = g_malloc0 (n_bytes);

  for (size_t i = 0; i < n; i++)
    if (v[i] != 0)
      mask[i / 8] |= (uint8_t) (1u << (i % 8));
  g_byte_array_append (w->blob, mask, (guint) n_bytes);
  for (size_t i = 0; i < n; i++)
    if (v[i] != 0)
      put_f32 (w, v[i]);
  g_free (mask);
  return entry (dims, "sparse", off, w->blob->len - off);
}

char *
test_weights_raw (TestWeights *w, const char *dims, const char *encoding,
                  const void *data, size_t len, uint64_t size)
{
  size_t off = align (w);
  g_byte_array_append (w->blob, data, (guint) len);
  return entry (dims, encoding, off, size);
}

char *
test_write_package (const char *dir, const char *name, const char *json,
                    const TestWeights *weights)
{
  char *path = g_strdup_printf ("%s/%s.mlpackage", dir, name);
  char *file;

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  if (json)
    {
      file = g_build_filename (path, "model.json", NULL);
      g_assert_true (g_file_set_contents (file, json, -1, NULL));
      g_free (file);
    }
  if (weights)
    {
      file = g_build_filename (path, "weights.bin", NULL);
      g_assert_true (g_file_set_contents (file,
                                          (const char *) weights->blob->data,
                                          weights->blob->len, NULL));
      g_free (file);
    }
  return path;
}
