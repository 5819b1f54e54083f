/*
 * convert.c: feature values to and from the network's tensors.
 *
 * Inside the network a feature is a float tensor (float32, or halves for
 * float16 models): images [1 or 3, H, W] scaled to 0..1, multi-arrays as
 * they are. A value of another type than the declared one is first brought
 * to the declared type (an 8-bit image really is quantised to 8 bits), then
 * to the tensor, so the result is what the model would see had the app
 * passed the declared type. Data already in the tensor's form is used in
 * place (mlrt_convert_input_is_identity); the executor then skips the
 * conversion entirely.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mlrt-internal.h"

void
mlrt_feature_tensor_shape (const MlrtFeatureDescription *d, int *rank,
                           int64_t *shape)
{
  if (d->type == MLRT_TYPE_GRAY8 || d->type == MLRT_TYPE_GRAY16_HALF
      || d->type == MLRT_TYPE_BGRA8)
    {
      *rank = 3;
      shape[0] = d->type == MLRT_TYPE_BGRA8 ? 3 : 1;
      shape[1] = d->shape[0];
      shape[2] = d->shape[1];
      return;
    }
  *rank = d->rank;
  memcpy (shape, d->shape, sizeof d->shape);
}

static int
is_image (MlrtFeatureType t)
{
  return t == MLRT_TYPE_GRAY8 || t == MLRT_TYPE_GRAY16_HALF
         || t == MLRT_TYPE_BGRA8;
}

static int
is_byte_image (MlrtFeatureType t)
{
  return t == MLRT_TYPE_GRAY8 || t == MLRT_TYPE_BGRA8;
}

/* The tensor shape a value stands for, without leading 1s. */
static int
value_dims (const MlrtValue *v, int64_t *dims)
{
  int64_t full[MLRT_MAX_RANK + 1];
  int rank = 0, start = 0;

  if (is_image (v->type))
    {
      if (v->rank != 2)
        return -1;
      full[rank++] = v->type == MLRT_TYPE_BGRA8 ? 3 : 1;
      full[rank++] = v->shape[0];
      full[rank++] = v->shape[1];
    }
  else
    for (int i = 0; i < v->rank; i++)
      full[rank++] = v->shape[i];
  while (start < rank - 1 && full[start] == 1)
    start++;
  memcpy (dims, full + start, (size_t) (rank - start) * sizeof (int64_t));
  return rank - start;
}

static int
desc_dims (const MlrtFeatureDescription *d, int64_t *dims)
{
  int64_t full[MLRT_MAX_RANK];
  int rank, start = 0;

  mlrt_feature_tensor_shape (d, &rank, full);
  while (start < rank - 1 && full[start] == 1)
    start++;
  memcpy (dims, full + start, (size_t) (rank - start) * sizeof (int64_t));
  return rank - start;
}

static void
describe_value (const MlrtValue *v, char *buf, size_t len)
{
  size_t at = (size_t) snprintf (buf, len, "%s [",
                                 mlrt_feature_type_name (v->type));
  for (int i = 0; i < v->rank && i < MLRT_MAX_RANK && at < len; i++)
    at += (size_t) snprintf (buf + at, len - at, "%s%lld", i ? ", " : "",
                             (long long) v->shape[i]);
  if (at < len)
    snprintf (buf + at, len - at, "]");
}

MlrtStatus
mlrt_convert_check_input (const MlrtFeatureDescription *d,
                          const MlrtValue *v, MlrtError *error)
{
  int64_t a[MLRT_MAX_RANK + 1], b[MLRT_MAX_RANK + 1];
  int ra, rb;
  char got[128];
  MlrtValue want = { d->type, d->rank, { 0 }, NULL, NULL };

  memcpy (want.shape, d->shape, sizeof want.shape);
  if (v->type == MLRT_TYPE_INVALID || v->type > MLRT_TYPE_FLOAT16
      || v->rank < 1 || v->rank > MLRT_MAX_RANK || v->data == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_INPUT,
                           "input '%s': the value has no valid type, rank or "
                           "data", d->name);
  ra = value_dims (v, a);
  rb = desc_dims (d, b);
  if (ra != rb || memcmp (a, b, (size_t) ra * sizeof (int64_t)) != 0
      || (d->type == MLRT_TYPE_BGRA8 && is_image (v->type)
          && v->type != MLRT_TYPE_BGRA8))
    {
      char exp[128];
      describe_value (v, got, sizeof got);
      describe_value (&want, exp, sizeof exp);
      return mlrt_set_error (error, MLRT_ERROR_INVALID_INPUT,
                             "input '%s': expected %s (or the same pixels or "
                             "values in another type), got %s", d->name, exp,
                             got);
    }
  return MLRT_OK;
}

int
mlrt_convert_input_is_identity (const MlrtFeatureDescription *d,
                                const MlrtValue *v, int half)
{
  if (half)
    return (d->type == MLRT_TYPE_FLOAT16 && v->type == MLRT_TYPE_FLOAT16)
           || (d->type == MLRT_TYPE_GRAY16_HALF
               && v->type == MLRT_TYPE_GRAY16_HALF);
  return d->type == MLRT_TYPE_FLOAT32 && v->type == MLRT_TYPE_FLOAT32;
}

static double
read_elem (MlrtFeatureType t, const void *data, size_t i)
{
  switch (t)
    {
    case MLRT_TYPE_GRAY8:
    case MLRT_TYPE_BGRA8:
      return ((const uint8_t *) data)[i];
    case MLRT_TYPE_GRAY16_HALF:
    case MLRT_TYPE_FLOAT16:
      return mlrt_half_to_float (((const uint16_t *) data)[i]);
    case MLRT_TYPE_INT32:
      return ((const int32_t *) data)[i];
    case MLRT_TYPE_FLOAT32:
      return ((const float *) data)[i];
    case MLRT_TYPE_FLOAT64:
      return ((const double *) data)[i];
    case MLRT_TYPE_INVALID:
    default:
      break;
    }
  return 0;
}

/* NaN clamps to `lo`: an image has no pixel for it (and converting NaN
 * to an integer type is undefined). */
static double
clamp (double x, double lo, double hi)
{
  return x > hi ? hi : x >= lo ? x : lo;
}

/* One raw element of type `from` as the number the network sees for
 * declared type `to`. */
static float
to_network (MlrtFeatureType from, MlrtFeatureType to, double x)
{
  double n = x;

  if (is_image (to))
    {
      if (is_byte_image (from) || from == MLRT_TYPE_INT32)
        n = x / 255.0;
      if (is_byte_image (to))
        return (float) (nearbyint (clamp (n, 0, 1) * 255.0) / 255.0);
      return mlrt_half_to_float (mlrt_float_to_half ((float) n));
    }
  switch (to)
    {
    case MLRT_TYPE_INT32:
      return (float) nearbyint (n);
    case MLRT_TYPE_FLOAT16:
      return mlrt_half_to_float (mlrt_float_to_half ((float) n));
    case MLRT_TYPE_INVALID:
    case MLRT_TYPE_GRAY8:
    case MLRT_TYPE_GRAY16_HALF:
    case MLRT_TYPE_BGRA8:
    case MLRT_TYPE_FLOAT32:
    case MLRT_TYPE_FLOAT64:
    default:
      return (float) n;
    }
}

/* Where tensor element i lives in a value: BGRA pixels are interleaved. */
static size_t
value_index (const MlrtValue *v, size_t i, size_t plane)
{
  if (v->type == MLRT_TYPE_BGRA8)
    return (i % plane) * 4 + i / plane;
  return i;
}

/* The common case, an 8-bit image of the declared type: a table of the
 * 256 scaled values, in the tensor's type. */
static void
convert_bytes (const MlrtValue *v, size_t n, size_t plane, int half,
               void *tensor)
{
  const uint8_t *px = v->data;
  float lut[256];
  uint16_t lut_h[256];

  for (int i = 0; i < 256; i++)
    {
      lut[i] = (float) (i / 255.0);
      lut_h[i] = mlrt_float_to_half (lut[i]);
    }
  for (size_t i = 0; i < n; i++)
    {
      uint8_t b = px[value_index (v, i, plane)];
      if (half)
        ((uint16_t *) tensor)[i] = lut_h[b];
      else
        ((float *) tensor)[i] = lut[b];
    }
}

void
mlrt_convert_input (const MlrtFeatureDescription *d, const MlrtValue *v,
                    int half, void *tensor)
{
  int rank;
  int64_t shape[MLRT_MAX_RANK];
  size_t n = 1, plane;

  mlrt_feature_tensor_shape (d, &rank, shape);
  for (int i = 0; i < rank; i++)
    n *= (size_t) shape[i];
  /* A BGRA value's planes are its pixels, whatever the declared type. */
  plane = v->type == MLRT_TYPE_BGRA8 ? (size_t) (v->shape[0] * v->shape[1])
                                     : n;
  if (v->type == d->type && is_byte_image (d->type))
    {
      convert_bytes (v, n, plane, half, tensor);
      return;
    }
  if (!half && (v->type == MLRT_TYPE_GRAY16_HALF
                || v->type == MLRT_TYPE_FLOAT16) && v->type == d->type)
    {
      mlrt_half_to_float_n (v->data, tensor, n);
      return;
    }
  for (size_t i = 0; i < n; i++)
    {
      double x = read_elem (v->type, v->data, value_index (v, i, plane));
      float f = to_network (v->type, d->type, x);
      if (half)
        ((uint16_t *) tensor)[i] = mlrt_float_to_half (f);
      else
        ((float *) tensor)[i] = f;
    }
}

int
mlrt_convert_output_is_identity (const MlrtFeatureDescription *d, int half)
{
  if (half)
    return d->type == MLRT_TYPE_FLOAT16 || d->type == MLRT_TYPE_GRAY16_HALF;
  return d->type == MLRT_TYPE_FLOAT32;
}

void
mlrt_output_value_init (const MlrtFeatureDescription *d, MlrtValue *value)
{
  memset (value, 0, sizeof *value);
  value->type = d->type;
  value->rank = d->rank;
  memcpy (value->shape, d->shape, sizeof value->shape);
}

void
mlrt_convert_output (const MlrtFeatureDescription *d, const void *tensor,
                     int half, void *out)
{
  int rank;
  int64_t shape[MLRT_MAX_RANK];
  size_t n = 1, plane;

  mlrt_feature_tensor_shape (d, &rank, shape);
  for (int i = 0; i < rank; i++)
    n *= (size_t) shape[i];
  plane = is_image (d->type) ? (size_t) (shape[1] * shape[2]) : n;
  for (size_t i = 0; i < n; i++)
    {
      double x = half ? mlrt_half_to_float (((const uint16_t *) tensor)[i])
                      : ((const float *) tensor)[i];
      switch (d->type)
        {
        case MLRT_TYPE_GRAY8:
          ((uint8_t *) out)[i] = (uint8_t) nearbyint (clamp (x, 0, 1) * 255);
          break;
        case MLRT_TYPE_BGRA8:
          ((uint8_t *) out)[(i % plane) * 4 + i / plane]
            = (uint8_t) nearbyint (clamp (x, 0, 1) * 255);
          if (i < plane)
            ((uint8_t *) out)[i * 4 + 3] = 255;
          break;
        case MLRT_TYPE_GRAY16_HALF:
          ((uint16_t *) out)[i] = mlrt_float_to_half ((float) clamp (x, 0, 1));
          break;
        case MLRT_TYPE_FLOAT16:
          ((uint16_t *) out)[i] = mlrt_float_to_half ((float) x);
          break;
        case MLRT_TYPE_INT32:
          ((int32_t *) out)[i] = (int32_t) nearbyint (clamp (x, -2147483648.0,
                                                             2147483647.0));
          break;
        case MLRT_TYPE_FLOAT32:
          ((float *) out)[i] = (float) x;
          break;
        case MLRT_TYPE_FLOAT64:
          ((double *) out)[i] = x;
          break;
        case MLRT_TYPE_INVALID:
        default:
          break;
        }
    }
}
