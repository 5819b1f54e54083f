/*
 * consumer.c: an app built outside mlscope that predicts with one model
 * through the interface mlrt-codegen generated for it (linear.h). It
 * names no feature, shape or path: linear_load finds the compiled model
 * installed beside the program.
 *
 * --check also recomputes the prediction through the untyped API and
 * fails when the two differ.
 */
#include <stdio.h>
#include <string.h>

#include "linear.h"

static int
check (linear *model, const float *x, const float *y)
{
  MlrtFeatures *inputs = mlrt_features_new (), *outputs = NULL;
  MlrtValue v = { MLRT_TYPE_FLOAT32, LINEAR_M0_RANK,
                  { LINEAR_M0_DIM0, LINEAR_M0_DIM1 }, (void *) x, NULL };
  MlrtError error = { 0 };
  int ok;

  ok = mlrt_features_set (inputs, LINEAR_M0_NAME, &v, &error) == MLRT_OK
       && mlrt_model_predict (model->model, inputs, NULL, &outputs, &error)
          == MLRT_OK;
  if (!ok)
    fprintf (stderr, "mlrt-consumer: untyped API: %s\n", error.message);
  else if (memcmp (mlrt_features_get (outputs, LINEAR_M3_NAME)->data, y,
                   LINEAR_M3_BYTES) != 0)
    {
      fprintf (stderr, "mlrt-consumer: the typed and untyped outputs "
               "differ\n");
      ok = 0;
    }
  mlrt_features_free (outputs);
  mlrt_features_free (inputs);
  return ok;
}

int
main (int argc, char **argv)
{
  float x[LINEAR_M0_COUNT], y[LINEAR_M3_COUNT];
  linear_input in = { x };
  linear_output out = { y };
  MlrtError error = { 0 };
  linear *model = linear_load (MLRT_COMPUTE_CPU_ONLY, &error);
  double sum = 0;
  int ok;

  if (model == NULL)
    {
      fprintf (stderr, "mlrt-consumer: %s\n", error.message);
      return 1;
    }
  for (size_t i = 0; i < LINEAR_M0_COUNT; i++)
    x[i] = (float) i / LINEAR_M0_COUNT - 0.5f;
  ok = linear_predict (model, &in, &out, NULL, &error) == MLRT_OK;
  if (!ok)
    fprintf (stderr, "mlrt-consumer: %s\n", error.message);
  else if (argc > 1 && strcmp (argv[1], "--check") == 0)
    ok = check (model, x, y);
  for (size_t i = 0; ok && i < LINEAR_M3_COUNT; i++)
    sum += y[i];
  if (ok)
    printf ("mlrt-consumer: %d values in, %d out, sum %.6f\n",
            LINEAR_M0_COUNT, LINEAR_M3_COUNT, sum);
  linear_free (model);
  return ok ? 0 : 1;
}
