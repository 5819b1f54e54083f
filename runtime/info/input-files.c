/*
 * input-files.c: a prediction's inputs read from files, and its image
 * outputs written to files, for mlrt-info --predict (Xcode's Preview
 * tab). PNGs go through cairo, scaled to the model's image size as the
 * Preview tab scales a dropped image; arrays come as NumPy .npy files
 * (format 1.0 to 3.0, little-endian, C order) or as raw bytes of exactly
 * the input's size.
 */
#include <cairo.h>
#include <math.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "info.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_SIZE 6

static int
has_suffix (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);

  return n >= m && strcasecmp (s + n - m, suffix) == 0;
}

/* The PNG drawn into an opaque surface of the input's size. */
static cairo_surface_t *
read_png_scaled (const char *path, int width, int height, MlrtError *error)
{
  cairo_surface_t *png = cairo_image_surface_create_from_png (path);
  cairo_surface_t *out;
  cairo_t *cr;

  if (cairo_surface_status (png) != CAIRO_STATUS_SUCCESS)
    {
      mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot read as PNG: %s",
                      path, cairo_status_to_string (cairo_surface_status
                                                    (png)));
      cairo_surface_destroy (png);
      return NULL;
    }
  out = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (out);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  cairo_scale (cr, (double) width / cairo_image_surface_get_width (png),
               (double) height / cairo_image_surface_get_height (png));
  cairo_set_source_surface (cr, png, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (png);
  cairo_surface_flush (out);
  return out;
}

/* Luma as Rec. 601 weighs it, 0..255. */
static double
luma (uint32_t rgb)
{
  return 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff)
         + 0.114 * (rgb & 0xff);
}

static MlrtStatus
read_png (const char *path, const MlrtFeatureDescription *d, MlrtValue *v,
          MlrtError *error)
{
  int height = (int) d->shape[0], width = (int) d->shape[1];
  cairo_surface_t *s = read_png_scaled (path, width, height, error);
  const uint8_t *rows;
  int stride;

  if (s == NULL)
    return error ? error->status : MLRT_ERROR_IO;
  v->data = malloc (mlrt_feature_byte_size (d));
  if (v->data == NULL)
    {
      cairo_surface_destroy (s);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
    }
  rows = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        uint32_t px = ((const uint32_t *) (const void *) (rows + (size_t) y
                                                                * stride))[x];
        size_t i = (size_t) y * width + x;

        if (d->type == MLRT_TYPE_BGRA8)
          {
            uint8_t *bgra = (uint8_t *) v->data + 4 * i;
            bgra[0] = px & 0xff;
            bgra[1] = (px >> 8) & 0xff;
            bgra[2] = (px >> 16) & 0xff;
            bgra[3] = 0xff;
          }
        else if (d->type == MLRT_TYPE_GRAY8)
          ((uint8_t *) v->data)[i] = (uint8_t) lrint (luma (px));
        else
          ((uint16_t *) v->data)[i]
            = mlrt_float_to_half ((float) (luma (px) / 255.0));
      }
  cairo_surface_destroy (s);
  return MLRT_OK;
}

static MlrtFeatureType
npy_type (const char *descr, const MlrtFeatureDescription *d)
{
  if (strcmp (descr, "<f4") == 0)
    return MLRT_TYPE_FLOAT32;
  if (strcmp (descr, "<f2") == 0)
    return d->type == MLRT_TYPE_GRAY16_HALF ? d->type : MLRT_TYPE_FLOAT16;
  if (strcmp (descr, "<f8") == 0)
    return MLRT_TYPE_FLOAT64;
  if (strcmp (descr, "<i4") == 0)
    return MLRT_TYPE_INT32;
  if (strcmp (descr, "|u1") == 0 && (d->type == MLRT_TYPE_GRAY8
                                     || d->type == MLRT_TYPE_BGRA8))
    return d->type;
  return MLRT_TYPE_INVALID;
}

/* The quoted value after `key` in the header's dict, or the text after a
 * key whose value is not quoted. */
static const char *
npy_field (const char *header, const char *key)
{
  const char *p = strstr (header, key);

  if (p == NULL)
    return NULL;
  p += strlen (key);
  while (*p == ' ' || *p == ':' || *p == '\'' || *p == '"')
    p++;
  return p;
}

static MlrtStatus
parse_npy (const char *path, const uint8_t *data, size_t size,
           const MlrtFeatureDescription *d, MlrtValue *v, MlrtError *error)
{
  size_t header_len, start;
  char header[4096], descr[8] = "";
  const char *p;
  size_t count = 1;

  if (size < 10 || data[6] < 1 || data[6] > 3)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: not a .npy file of version 1 to 3", path);
  header_len = data[6] == 1 ? (size_t) data[8] | (size_t) data[9] << 8
               : size < 12 ? SIZE_MAX
               : (size_t) data[8] | (size_t) data[9] << 8
                 | (size_t) data[10] << 16 | (size_t) data[11] << 24;
  start = data[6] == 1 ? 10 : 12;
  if (header_len >= sizeof header || start + header_len > size)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: the .npy header is cut short or too long",
                           path);
  memcpy (header, data + start, header_len);
  header[header_len] = '\0';
  p = npy_field (header, "descr");
  if (p)
    sscanf (p, "%7[^'\"]", descr);
  v->type = npy_type (descr, d);
  if (v->type == MLRT_TYPE_INVALID)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: arrays of dtype '%s' cannot feed input '%s' "
                           "(%s); give <f4, <f2, <f8 or <i4 (|u1 for 8-bit "
                           "images)", path, descr, d->name,
                           mlrt_feature_type_name (d->type));
  p = npy_field (header, "fortran_order");
  if (p == NULL || strncmp (p, "False", 5) != 0)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: only C-order arrays are read "
                           "(fortran_order must be False)", path);
  p = npy_field (header, "shape");
  if (p == NULL || *p != '(')
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: the .npy header has no shape", path);
  for (p++; *p && *p != ')'; )
    {
      char *end;
      unsigned long long dim = strtoull (p, &end, 10);
      if (end == p)
        break;
      count *= (size_t) dim;
      p = end;
      while (*p == ',' || *p == ' ')
        p++;
    }
  if (count != mlrt_feature_element_count (d))
    return mlrt_set_error (error, MLRT_ERROR_INVALID_INPUT,
                           "%s: holds %zu values, input '%s' takes %zu", path,
                           count, d->name, mlrt_feature_element_count (d));
  if (size - start - header_len
      < count * mlrt_feature_type_element_size (v->type))
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: the array's data is cut short", path);
  v->data = malloc (count * mlrt_feature_type_element_size (v->type));
  if (v->data == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  memcpy (v->data, data + start + header_len,
          count * mlrt_feature_type_element_size (v->type));
  return MLRT_OK;
}

static MlrtStatus
read_array (const char *path, const MlrtFeatureDescription *d, MlrtValue *v,
            MlrtError *error)
{
  uint8_t *data;
  size_t size;
  MlrtStatus st = mlrt_read_file (path, &data, &size, error);

  if (st != MLRT_OK)
    return st;
  if (size >= NPY_MAGIC_SIZE && memcmp (data, NPY_MAGIC, NPY_MAGIC_SIZE) == 0)
    st = parse_npy (path, data, size, d, v, error);
  else if (size != mlrt_feature_byte_size (d))
    st = mlrt_set_error (error, MLRT_ERROR_INVALID_INPUT,
                         "%s: %zu bytes, neither a .npy file nor the %zu "
                         "raw bytes input '%s' (%s) takes", path, size,
                         mlrt_feature_byte_size (d), d->name,
                         mlrt_feature_type_name (d->type));
  else
    {
      v->type = d->type;
      v->data = data;
      data = NULL;
    }
  free (data);
  return st;
}

MlrtStatus
info_read_input (const char *path, const MlrtFeatureDescription *d,
                 MlrtValue *value, MlrtError *error)
{
  memset (value, 0, sizeof *value);
  value->type = d->type;
  value->rank = d->rank;
  memcpy (value->shape, d->shape, sizeof value->shape);
  if (has_suffix (path, ".png"))
    {
      if (!mlrt_feature_type_is_image (d->type))
        return mlrt_set_error (error, MLRT_ERROR_INVALID_INPUT,
                               "%s: input '%s' is a %s multi-array, not an "
                               "image: give a .npy or raw file (or convert "
                               "the model with --image-input)", path,
                               d->name, mlrt_feature_type_name (d->type));
      return read_png (path, d, value, error);
    }
  return read_array (path, d, value, error);
}

/* Channel `channel` (B, G, R) of pixel `i` of an image value; gray
 * images have one, Gray16Half's clamped to 0..1 and scaled to 0..255. */
static uint8_t
output_byte (const MlrtValue *v, size_t i, int channel)
{
  if (v->type == MLRT_TYPE_BGRA8)
    return ((const uint8_t *) v->data)[4 * i + channel];
  if (v->type == MLRT_TYPE_GRAY8)
    return ((const uint8_t *) v->data)[i];
  float f = mlrt_half_to_float (((const uint16_t *) v->data)[i]);
  return (uint8_t) lrintf (fminf (fmaxf (f, 0.0f), 1.0f) * 255.0f);
}

MlrtStatus
info_write_png (const char *path, const MlrtValue *v, MlrtError *error)
{
  int height = (int) v->shape[0], width = (int) v->shape[1];
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                                   width, height);
  uint8_t *rows = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  cairo_status_t status;

  cairo_surface_flush (s);
  for (int y = 0; y < height && rows; y++)
    for (int x = 0; x < width; x++)
      {
        size_t i = (size_t) y * width + x;
        int gray = v->type != MLRT_TYPE_BGRA8;
        uint32_t b = output_byte (v, i, 0);
        uint32_t g = gray ? b : output_byte (v, i, 1);
        uint32_t r = gray ? b : output_byte (v, i, 2);
        ((uint32_t *) (void *) (rows + (size_t) y * stride))[x] =
          r << 16 | g << 8 | b;
      }
  cairo_surface_mark_dirty (s);
  status = cairo_surface_write_to_png (s, path);
  cairo_surface_destroy (s);
  if (status != CAIRO_STATUS_SUCCESS)
    return mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot write: %s",
                           path, cairo_status_to_string (status));
  return MLRT_OK;
}
