/*
 * convert-options.c: parsing mlrt-convert's option values
 * (convert-options.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "convert-options.h"

/* Up to `max` comma-separated finite numbers; how many, or -1. */
static int
parse_floats (const char *s, float *out, int max)
{
  int n = 0;

  while (n < max)
    {
      char *end;
      double v;

      errno = 0;
      v = strtod (s, &end);
      if (end == s || errno || !isfinite (v))
        return -1;
      out[n++] = (float) v;
      if (*end == '\0' || *end == ':')
        return n;
      if (*end != ',')
        return -1;
      s = end + 1;
    }
  return -1;
}

static MlrtStatus
bad_image (const char *arg, const char *why, MlrtError *error)
{
  return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                         "--image-input '%s': %s (expected NAME:bgra8|gray8|"
                         "gray16half[:scale=S][:bias=B,G,R][:bgr])", arg,
                         why);
}

MlrtStatus
mlrt_convert_parse_image (const char *arg, MlrtOnnxImageInput *image,
                          MlrtError *error)
{
  const char *colon = strchr (arg, ':'), *p;
  size_t len;

  memset (image, 0, sizeof *image);
  /* coremltools' defaults: the pixels as they are */
  image->scale[0] = image->scale[1] = image->scale[2] = 1.0f;
  if (colon == NULL || colon == arg)
    return bad_image (arg, "no input name", error);
  p = colon + 1;
  len = strcspn (p, ":");
  if (len == 5 && strncmp (p, "bgra8", 5) == 0)
    image->type = MLRT_TYPE_BGRA8;
  else if (len == 5 && strncmp (p, "gray8", 5) == 0)
    image->type = MLRT_TYPE_GRAY8;
  else if (len == 10 && strncmp (p, "gray16half", 10) == 0)
    image->type = MLRT_TYPE_GRAY16_HALF;
  else
    return bad_image (arg, "unknown image type", error);
  for (p += len; *p == ':'; p += 1 + strcspn (p + 1, ":"))
    {
      int n;

      if (strncmp (p + 1, "scale=", 6) == 0)
        {
          if ((n = parse_floats (p + 7, image->scale, 3)) != 1 && n != 3)
            return bad_image (arg, "scale= takes one number, or three (B, G, "
                              "R)", error);
          if (n == 1)
            image->scale[1] = image->scale[2] = image->scale[0];
        }
      else if (strncmp (p + 1, "bias=", 5) == 0)
        {
          if ((n = parse_floats (p + 6, image->bias, 3)) != 1 && n != 3)
            return bad_image (arg, "bias= takes one number, or three (B, G, "
                              "R)", error);
          if (n == 1)
            image->bias[1] = image->bias[2] = image->bias[0];
        }
      else if (strncmp (p + 1, "bgr", 3) == 0 && (p[4] == '\0' || p[4] == ':'))
        image->bgr = 1;
      else
        return bad_image (arg, "unknown part after the type", error);
    }
  image->name = strndup (arg, (size_t) (colon - arg));
  return image->name ? MLRT_OK
         : mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
}

void
mlrt_convert_image_clear (MlrtOnnxImageInput *image)
{
  free (image->name);
  memset (image, 0, sizeof *image);
}

MlrtStatus
mlrt_convert_parse_metadata (const char *arg, MlrtOnnxProp *prop,
                             MlrtError *error)
{
  const char *eq = strchr (arg, '=');

  memset (prop, 0, sizeof *prop);
  if (eq == NULL || eq == arg)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "--metadata '%s': expected KEY=VALUE (author, "
                           "description, version, license, or any key of "
                           "your own)", arg);
  prop->key = strndup (arg, (size_t) (eq - arg));
  prop->value = strdup (eq + 1);
  if (prop->key == NULL || prop->value == NULL)
    {
      free (prop->key);
      free (prop->value);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
    }
  return MLRT_OK;
}

MlrtStatus
mlrt_convert_parse_precision (const char *arg, int *half, MlrtError *error)
{
  if (strcmp (arg, "float32") == 0 || strcmp (arg, "float16") == 0)
    {
      *half = arg[5] == '1';
      return MLRT_OK;
    }
  return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                         "--compute-precision '%s': expected float32 or "
                         "float16", arg);
}

static MlrtStatus
bad_weights (const char *arg, MlrtError *error)
{
  return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                         "--weights '%s': expected fp16, int8, palette:N "
                         "(N bits, 1 to 8) or sparse:R (the fraction of "
                         "weights pruned, 0 < R < 1)", arg);
}

MlrtStatus
mlrt_convert_parse_weights (const char *arg, MlrtOnnxConvertOptions *o,
                            MlrtError *error)
{
  char *end;

  o->weight_bits = 0;
  o->weight_sparsity = 0;
  if (strcmp (arg, "fp16") == 0)
    o->weights = MLRT_ENC_FLOAT16;
  else if (strcmp (arg, "int8") == 0)
    o->weights = MLRT_ENC_INT8;
  else if (strncmp (arg, "palette:", 8) == 0)
    {
      long bits;

      errno = 0;
      bits = strtol (arg + 8, &end, 10);
      if (end == arg + 8 || *end || errno || bits < 1 || bits > 8)
        return bad_weights (arg, error);
      o->weights = MLRT_ENC_PALETTE;
      o->weight_bits = (int) bits;
    }
  else if (strncmp (arg, "sparse:", 7) == 0)
    {
      double ratio;

      errno = 0;
      ratio = strtod (arg + 7, &end);
      if (end == arg + 7 || *end || errno || !(ratio > 0 && ratio < 1))
        return bad_weights (arg, error);
      o->weights = MLRT_ENC_SPARSE;
      o->weight_sparsity = ratio;
    }
  else
    return bad_weights (arg, error);
  return MLRT_OK;
}
