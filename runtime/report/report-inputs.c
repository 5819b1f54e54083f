/*
 * report-inputs.c: example inputs for a model, made from its description:
 * random data of each input's declared type and shape, from a seeded
 * generator so that runs are repeatable. Images get the full byte range,
 * Gray16Half 0..1 (the range the model format gives images), multi-arrays
 * -1..1 (integers 0..9), which keeps every op's arithmetic well in range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct MlrtReportInputs {
  MlrtFeatures *features;
  size_t n_values;
  void **data;
};

/* xorshift32: small, seedable, good enough to fill tensors. */
static uint32_t
next_random (uint32_t *state)
{
  uint32_t x = *state;

  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

static float
next_unit (uint32_t *state)
{
  return (next_random (state) >> 8) / (float) (1u << 24);
}

static void
fill (const MlrtValue *value, size_t bytes, uint32_t *state)
{
  size_t n = mlrt_value_element_count (value);

  switch (value->type)
    {
    case MLRT_TYPE_GRAY8:
    case MLRT_TYPE_BGRA8:
    case MLRT_TYPE_INVALID:
      for (size_t i = 0; i < bytes; i++)
        ((uint8_t *) value->data)[i] = (uint8_t) (next_random (state) >> 24);
      break;
    case MLRT_TYPE_GRAY16_HALF:
      for (size_t i = 0; i < n; i++)
        ((uint16_t *) value->data)[i] = mlrt_float_to_half (next_unit (state));
      break;
    case MLRT_TYPE_INT32:
      for (size_t i = 0; i < n; i++)
        ((int32_t *) value->data)[i] = (int32_t) (next_random (state) % 10);
      break;
    case MLRT_TYPE_FLOAT32:
      for (size_t i = 0; i < n; i++)
        ((float *) value->data)[i] = 2.0f * next_unit (state) - 1.0f;
      break;
    case MLRT_TYPE_FLOAT64:
      for (size_t i = 0; i < n; i++)
        ((double *) value->data)[i] = 2.0 * next_unit (state) - 1.0;
      break;
    case MLRT_TYPE_FLOAT16:
      for (size_t i = 0; i < n; i++)
        ((uint16_t *) value->data)[i]
          = mlrt_float_to_half (2.0f * next_unit (state) - 1.0f);
      break;
    default:
      break;
    }
}

static int
add_input (MlrtReportInputs *in, const MlrtFeatureDescription *d,
           uint32_t *state, MlrtError *error)
{
  MlrtValue value;
  size_t bytes;

  memset (&value, 0, sizeof value);
  value.type = d->type;
  value.rank = d->rank;
  memcpy (value.shape, d->shape, sizeof value.shape);
  bytes = mlrt_value_byte_size (&value);
  if (bytes == 0)
    {
      error->status = MLRT_ERROR_FORMAT;
      snprintf (error->message, sizeof error->message,
                "input \"%s\" has an empty or unknown shape: cannot make an"
                " example for it", d->name);
      return -1;
    }
  value.data = calloc (1, bytes);
  if (value.data == NULL)
    {
      error->status = MLRT_ERROR_NO_MEMORY;
      snprintf (error->message, sizeof error->message,
                "out of memory for input \"%s\" (%zu bytes)", d->name, bytes);
      return -1;
    }
  in->data[in->n_values++] = value.data;
  fill (&value, bytes, state);
  return mlrt_features_set (in->features, d->name, &value, error) == MLRT_OK
         ? 0 : -1;
}

MlrtReportInputs *
mlrt_report_inputs_new (const MlrtModelDescription *desc, uint32_t seed,
                        MlrtError *error)
{
  MlrtReportInputs *in = calloc (1, sizeof *in);
  uint32_t state = seed != 0 ? seed : 0x9e3779b9u;

  if (in != NULL)
    {
      in->features = mlrt_features_new ();
      in->data = calloc (desc->n_inputs + 1, sizeof *in->data);
    }
  if (in == NULL || in->features == NULL || in->data == NULL)
    {
      error->status = MLRT_ERROR_NO_MEMORY;
      snprintf (error->message, sizeof error->message,
                "out of memory making example inputs");
      mlrt_report_inputs_free (in);
      return NULL;
    }
  for (size_t i = 0; i < desc->n_inputs; i++)
    if (add_input (in, &desc->inputs[i], &state, error) != 0)
      {
        mlrt_report_inputs_free (in);
        return NULL;
      }
  return in;
}

const MlrtFeatures *
mlrt_report_inputs_features (const MlrtReportInputs *in)
{
  return in->features;
}

void
mlrt_report_inputs_free (MlrtReportInputs *in)
{
  if (in == NULL)
    return;
  mlrt_features_free (in->features);
  for (size_t i = 0; i < in->n_values; i++)
    free (in->data[i]);
  free (in->data);
  free (in);
}
