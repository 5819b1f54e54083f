/*
 * mlrt-run.c: converting, loading and running models with mlrt for the
 * ONNX tests (mlrt-run.h).
 */
#include <math.h>
#include <string.h>

#include "mlrt-run.h"

const RunSetting run_settings[3] = {
  { "cpu", MLRT_COMPUTE_CPU_ONLY, MLRT_UNIT_CPU },
  { "gpu", MLRT_COMPUTE_CPU_AND_GPU, MLRT_UNIT_GPU },
  { "npu", MLRT_COMPUTE_CPU_AND_NPU, MLRT_UNIT_NPU },
};

gboolean
run_setting_available (const RunSetting *s)
{
  if (mlrt_unit_ops (s->unit) == NULL)
    {
      g_test_message ("%s: not built into this mlrt (-D%s=disabled): "
                      "skipped", s->name, s->name);
      return FALSE;
    }
  if (!mlrt_unit_available (s->unit))
    {
      g_test_message ("%s: no device on this machine: skipped", s->name);
      return FALSE;
    }
  return TRUE;
}

char *
mlrt_run_convert (const char *model, const char *dir, const char *name,
                  const MlrtOnnxConvertOptions *options, MlrtError *error,
                  MlrtOnnxProblems *problems)
{
  MlrtOnnxConvertOptions o = *options;
  MlrtOnnxPackage package;
  char *path = g_strdup_printf ("%s/%s.mlpackage", dir, name);
  MlrtStatus st;

  o.name = name;
  st = mlrt_onnx_convert_file (model, &o, &package, error);
  if (st == MLRT_OK)
    st = mlrt_onnx_package_write (&package, path, error);
  if (problems)
    {
      *problems = package.problems;
      memset (&package.problems, 0, sizeof package.problems);
    }
  mlrt_onnx_package_clear (&package);
  if (st != MLRT_OK)
    g_clear_pointer (&path, g_free);
  return path;
}

MlrtModel *
mlrt_run_load (const char *package, MlrtComputeUnits units,
               const char *cache_dir, MlrtError *error)
{
  MlrtConfiguration config;
  MlrtModel *model = NULL;

  mlrt_configuration_init (&config);
  config.compute_units = units;
  config.cache_dir = cache_dir;
  config.placement = MLRT_PLACEMENT_PRIORITY;
  if (mlrt_model_load (package, &config, &model, error) != MLRT_OK)
    return NULL;
  return model;
}

void
mlrt_run_outputs_free (GPtrArray *outputs)
{
  for (guint i = 0; outputs && i < outputs->len; i++)
    mlrt_onnx_tensor_free (outputs->pdata[i]);
  if (outputs)
    g_ptr_array_free (outputs, TRUE);
}

MlrtOnnxTensor *
mlrt_run_one (MlrtModel *model, const char *name, MlrtOnnxTensor *input)
{
  const char *names[] = { name };
  MlrtError error = { 0 };
  GPtrArray *out = mlrt_run_predict (model, names, &input, 1, &error);
  MlrtOnnxTensor *t;

  if (out == NULL)
    g_error ("predict: %s", error.message);
  t = g_ptr_array_steal_index (out, 0);
  mlrt_run_outputs_free (out);
  return t;
}

/* An output value as a float tensor of its own shape. */
static MlrtOnnxTensor *
to_tensor (const MlrtValue *v)
{
  int64_t dims[MLRT_MAX_RANK];
  MlrtOnnxTensor *t;
  size_t n = mlrt_value_element_count (v);

  for (int d = 0; d < v->rank; d++)
    dims[d] = v->shape[d];
  t = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, v->rank, dims, NULL);
  for (size_t i = 0; t && i < n; i++)
    ((float *) t->data)[i] = v->type == MLRT_TYPE_FLOAT16
      ? mlrt_half_to_float (((const uint16_t *) v->data)[i])
      : v->type == MLRT_TYPE_FLOAT64 ? (float) ((const double *) v->data)[i]
      : ((const float *) v->data)[i];
  return t;
}

GPtrArray *
mlrt_run_predict (MlrtModel *model, const char *const *names,
                  MlrtOnnxTensor *const *inputs, size_t n, MlrtError *error)
{
  const MlrtModelDescription *d = mlrt_model_description (model);
  MlrtFeatures *in = mlrt_features_new (), *out = NULL;
  GPtrArray *outputs = NULL, *data = g_ptr_array_new_with_free_func (g_free);

  for (size_t i = 0; i < n; i++)
    {
      /* float32 values, whatever the tensor holds */
      float *f = g_new (float, inputs[i]->count ? inputs[i]->count : 1);
      MlrtValue v = { MLRT_TYPE_FLOAT32, inputs[i]->rank ? inputs[i]->rank
                                                         : 1, { 1 }, f,
                      NULL };

      g_ptr_array_add (data, f);
      for (size_t k = 0; k < inputs[i]->count; k++)
        f[k] = (float) mlrt_onnx_tensor_get_double (inputs[i], k);
      for (int k = 0; k < inputs[i]->rank; k++)
        v.shape[k] = inputs[i]->dims[k];
      if (mlrt_features_set (in, names[i], &v, error) != MLRT_OK)
        goto out;
    }
  if (mlrt_model_predict (model, in, NULL, &out, error) != MLRT_OK)
    goto out;
  outputs = g_ptr_array_new ();
  for (size_t i = 0; i < d->n_outputs; i++)
    g_ptr_array_add (outputs,
                     to_tensor (mlrt_features_get (out, d->outputs[i].name)));
out:
  mlrt_features_free (out);
  mlrt_features_free (in);
  g_ptr_array_free (data, TRUE);
  return outputs;
}

void
mlrt_run_compare (const MlrtOnnxTensor *a, const MlrtOnnxTensor *b,
                  double *max_abs, double *cosine)
{
  double dot = 0, na = 0, nb = 0;

  *max_abs = 0;
  g_assert_cmpuint (a->count, ==, b->count);
  for (size_t i = 0; i < a->count; i++)
    {
      double x = mlrt_onnx_tensor_get_double (a, i);
      double y = mlrt_onnx_tensor_get_double (b, i);

      *max_abs = fmax (*max_abs, fabs (x - y));
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
  *cosine = na == 0 && nb == 0 ? 1 : dot / sqrt (na * nb);
}
