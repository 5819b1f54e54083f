/*
 * units-test.c: the shared test helpers of units-test.h.
 */
#include <math.h>
#include <string.h>

#include "mlrt-internal.h"
#include "units-test.h"

float *
units_random (size_t n, float lo, float hi)
{
  float *x = g_new (float, n ? n : 1);

  for (size_t i = 0; i < n; i++)
    x[i] = (float) g_test_rand_double_range (lo, hi);
  return x;
}

void
units_random_conv (MlrtConvParams *p, const MlrtActivation *acts, int n_acts)
{
  int g = g_test_rand_int_range (1, 3);

  *p = (MlrtConvParams) { 0 };
  do
    {
      p->groups = g;
      p->in_c = g * g_test_rand_int_range (1, 5);
      p->out_c = g * g_test_rand_int_range (1, 6);
      p->in_h = g_test_rand_int_range (3, 19);
      p->in_w = g_test_rand_int_range (3, 23);
      p->kh = g_test_rand_int_range (1, 6);
      p->kw = g_test_rand_int_range (1, 6);
      p->sh = g_test_rand_int_range (1, 3);
      p->sw = g_test_rand_int_range (1, 3);
      p->ph = g_test_rand_int_range (0, 3);
      p->pw = g_test_rand_int_range (0, 3);
      p->dh = g_test_rand_int_range (1, 3);
      p->dw = g_test_rand_int_range (1, 3);
      p->out_h = mlrt_conv_output_size (p->in_h, p->kh, p->sh, p->ph, p->dh);
      p->out_w = mlrt_conv_output_size (p->in_w, p->kw, p->sw, p->pw, p->dw);
    }
  while (p->out_h < 1 || p->out_w < 1);
  p->act = acts[g_test_rand_int_range (0, n_acts)];
  p->alpha = 0.1f;
}

void
units_random_out_affine (MlrtConvParams *p, int on)
{
  double sign = g_test_rand_bit () ? 1.0 : -1.0;

  p->has_out_affine = on;
  p->out_scale = on ? (float) (sign * g_test_rand_double_range (0.3, 0.7))
                    : 0.0f;
  p->out_shift = on ? (float) g_test_rand_double_range (0.5, 1.0) : 0.0f;
}

void
units_random_pool (MlrtPoolParams *p, MlrtPoolKind kind)
{
  do
    {
      p->c = g_test_rand_int_range (1, 6);
      p->in_h = g_test_rand_int_range (2, 20);
      p->in_w = g_test_rand_int_range (2, 20);
      p->kh = g_test_rand_int_range (1, 4);
      p->kw = g_test_rand_int_range (1, 4);
      p->sh = g_test_rand_int_range (1, 3);
      p->sw = g_test_rand_int_range (1, 3);
      p->ph = g_test_rand_int_range (0, p->kh);
      p->pw = g_test_rand_int_range (0, p->kw);
      p->out_h = mlrt_conv_output_size (p->in_h, p->kh, p->sh, p->ph, 1);
      p->out_w = mlrt_conv_output_size (p->in_w, p->kw, p->sw, p->pw, 1);
    }
  while (p->out_h < 1 || p->out_w < 1);
  p->kind = kind;
}

void
units_cpu_conv2d (const MlrtConvParams *p, const float *in, const float *w,
                  const float *bias, float *out)
{
  void *scratch = g_malloc (mlrt_cpu_conv2d_scratch_size (p) + 1);
  float *packed = g_new (float, mlrt_cpu_conv2d_packed_floats (p) + 1);

  mlrt_cpu_conv2d_pack (p, w, packed);
  mlrt_cpu_conv2d (p, in, w, packed, bias, out, scratch);
  g_free (packed);
  g_free (scratch);
}

void
units_cpu_conv_transpose2d (const MlrtConvTransposeParams *p, const float *in,
                            const float *w, const float *bias, float *out)
{
  void *scratch = g_malloc (mlrt_cpu_conv_transpose2d_scratch_size (p) + 1);

  mlrt_cpu_conv_transpose2d (p, in, w, bias, out, scratch);
  g_free (scratch);
}

static GHashTable *figures;

double
units_check (const char *label, const float *got, const float *ref, size_t n,
             double rtol)
{
  return units_check_abs (label, got, ref, n, rtol, 0);
}

double
units_error (const float *got, const float *ref, size_t n, double atol,
             size_t *worst_at)
{
  double sq = 0, rms, worst = 0;
  size_t worst_i = 0;

  for (size_t i = 0; i < n; i++)
    sq += (double) ref[i] * ref[i];
  rms = n ? sqrt (sq / n) : 0;
  for (size_t i = 0; i < n; i++)
    {
      double d = fabs ((double) got[i] - ref[i]) - atol;
      double e = (d > 0 ? d : 0) / (fabs (ref[i]) + rms + 1e-30);
      if (isnan (got[i]))
        e = NAN;
      if (!(e <= worst))       /* NaN counts as the worst */
        {
          worst = isnan (e) ? INFINITY : e;
          worst_i = i;
        }
    }
  if (worst_at)
    *worst_at = worst_i;
  return worst;
}

double
units_check_abs (const char *label, const float *got, const float *ref,
                 size_t n, double rtol, double atol)
{
  size_t worst_i;
  double worst = units_error (got, ref, n, atol, &worst_i);

  if (!figures)
    figures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  {
    double *w = g_hash_table_lookup (figures, label);
    if (!w)
      {
        w = g_new0 (double, 1);
        g_hash_table_insert (figures, g_strdup (label), w);
      }
    if (worst > *w)
      *w = worst;
  }
  if (worst > rtol)
    g_test_message ("%s: element %zu is %.9g, expected %.9g", label, worst_i,
                    got[worst_i], ref[worst_i]);
  g_assert_cmpfloat (worst, <=, rtol);
  return worst;
}

void
units_print_figures (void)
{
  GList *keys, *l;

  if (!figures)
    return;
  keys = g_list_sort (g_hash_table_get_keys (figures),
                      (GCompareFunc) g_strcmp0);
  for (l = keys; l; l = l->next)
    g_test_message ("worst relative error %-28s %.3g", (char *) l->data,
                    *(double *) g_hash_table_lookup (figures, l->data));
  g_list_free (keys);
}

MlrtModel *
units_load (const char *path, MlrtComputeUnits units, MlrtPlacement placement,
            const char *cache_dir)
{
  MlrtConfiguration config;
  MlrtModel *model = NULL;
  MlrtError error = { 0 };

  mlrt_configuration_init (&config);
  config.compute_units = units;
  config.cache_dir = cache_dir;
  config.placement = placement;
  if (mlrt_model_load (path, &config, &model, &error) != MLRT_OK)
    g_error ("loading %s for %s: %s", path, mlrt_compute_units_name (units),
             error.message);
  return model;
}

gboolean
units_have_gpu (void)
{
  if (mlrt_unit_ops (MLRT_UNIT_GPU) == NULL)
    return FALSE;
  /* Built, so this machine must have an OpenCL device (PoCL at least:
   * scripts/setup installs it). */
  g_assert_true (mlrt_unit_available (MLRT_UNIT_GPU));
  return TRUE;
}

void
units_assert_unit_absent (MlrtModel *model, MlrtUnit unit)
{
  const MlrtLayerPlan *plan;
  size_t n = mlrt_model_plan (model, &plan);

  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpint (plan[i].unit, !=, unit);
      g_assert_false (plan[i].supported[unit]);
      g_assert_cmpstr (plan[i].unsupported_reason[unit], ==,
                       "unit not built into this mlrt");
    }
}
