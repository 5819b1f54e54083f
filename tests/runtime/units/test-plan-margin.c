/*
 * test-plan-margin.c: noise in measured figures does not flip plans
 * (runtime/src/plan.c, docs/placement.md, "Stable plans"). A real model's
 * plan is chosen again and again by the planner from figures that stand
 * for measurements on a shared machine: each layer's true cost on the CPU
 * and on the NPU times a random error. Where the NPU is about as fast as
 * the CPU (8% either way, or exactly as fast) the plain cheapest unit per
 * layer changes from one draw to the next, and the plan never does: every
 * layer stays on the CPU. Where the NPU is clearly faster (twice as fast)
 * the plan puts every layer it can run there, every time. Data movement
 * is made free, so only the layers' costs and the margin decide.
 */
#include <glib.h>
#include <string.h>

#include "mlrt-internal.h"
#include "pkg-writer.h"
#include "style-model.h"
#include "units-test.h"

#define TRIALS 200

static char *tmp;

typedef struct {
  double npu_ratio;             /* the NPU's true cost / the CPU's */
  double noise;                 /* each figure off by up to this, either way */
  MlrtUnit want;                /* where every NPU-capable layer goes */
} Case;

/* Whether the cheaper unit of some layer differs from draw to draw. */
static gboolean
draw (MlrtModel *m, const double *cpu_us, const Case *c, GRand *rng,
      int *cheaper_npu)
{
  gboolean any = FALSE;

  for (size_t i = 0; i < m->spec.n_layers; i++)
    {
      MlrtLayerPlan *p = &m->plan[i];
      double e_cpu = g_rand_double_range (rng, -c->noise, c->noise);
      double e_npu = g_rand_double_range (rng, -c->noise, c->noise);

      p->estimated_cost_us[MLRT_UNIT_CPU] = cpu_us[i] * (1 + e_cpu);
      p->estimated_cost_us[MLRT_UNIT_NPU] = cpu_us[i] * c->npu_ratio
                                            * (1 + e_npu);
      if (p->supported[MLRT_UNIT_NPU])
        {
          int npu = p->estimated_cost_us[MLRT_UNIT_NPU]
                    < p->estimated_cost_us[MLRT_UNIT_CPU];
          any = any || (cheaper_npu[i] >= 0 && cheaper_npu[i] != npu);
          cheaper_npu[i] = npu;
        }
    }
  return any;
}

static void
check_case (gconstpointer data)
{
  const Case *c = data;
  char *path = style_model_write (tmp, "margin", "float32",
                                  STYLE_DECODER_UPSAMPLE, 61);
  MlrtModel *m = units_load (path, MLRT_COMPUTE_CPU_AND_NPU,
                             MLRT_PLACEMENT_ESTIMATED, tmp);
  size_t n = m->spec.n_layers, on_npu = 0;
  int *ok = g_new0 (int, n * MLRT_N_UNITS);
  int *chosen = g_new (int, n), *cheaper = g_new (int, n);
  double *cpu_us = g_new (double, n);
  GRand *rng = g_rand_new_with_seed (17);
  int flips = 0;
  MlrtError error = { 0 };

  if (!mlrt_unit_available (MLRT_UNIT_NPU))
    {
      g_test_skip ("the npu is not built");
      goto out;
    }
  for (size_t i = 0; i < n; i++)
    {
      cpu_us[i] = 50.0 + 40.0 * (double) (i % 5);
      cheaper[i] = -1;
      ok[i * MLRT_N_UNITS + MLRT_UNIT_CPU] = 1;
      ok[i * MLRT_N_UNITS + MLRT_UNIT_NPU]
        = m->plan[i].supported[MLRT_UNIT_NPU];
      on_npu += m->plan[i].supported[MLRT_UNIT_NPU];
    }
  g_assert_cmpuint (on_npu, >, 0);
  m->unit_costs[MLRT_UNIT_NPU] = (MlrtUnitCosts) { 1, 0.0, 0.0 };
  for (int t = 0; t < TRIALS; t++)
    {
      flips += draw (m, cpu_us, c, rng, cheaper);
      g_assert_cmpint (mlrt_plan_choose (m, ok, chosen, &error), ==, MLRT_OK);
      for (size_t i = 0; i < n; i++)
        g_assert_cmpint (chosen[i], ==, ok[i * MLRT_N_UNITS + MLRT_UNIT_NPU]
                                        ? (int) c->want : MLRT_UNIT_CPU);
    }
  g_test_message ("npu at %.2f of the cpu, figures off by up to %.0f%%: the "
                  "cheaper unit of some layer changed in %d of %d draws, the "
                  "plan in none", c->npu_ratio, 100 * c->noise, flips,
                  TRIALS);
  if (c->want == MLRT_UNIT_CPU)
    g_assert_cmpint (flips, >, 0);      /* noise alone would flip layers */
out:
  g_rand_free (rng);
  g_free (ok);
  g_free (chosen);
  g_free (cheaper);
  g_free (cpu_us);
  mlrt_model_unload (m);
  g_free (path);
}

int
main (int argc, char **argv)
{
  static const Case cases[] = {
    { 0.92, 0.05, MLRT_UNIT_CPU },
    { 1.00, 0.05, MLRT_UNIT_CPU },
    { 1.08, 0.05, MLRT_UNIT_CPU },
    { 1.00, 0.10, MLRT_UNIT_CPU },
    { 0.50, 0.10, MLRT_UNIT_NPU },
  };
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-test");
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      char *name = g_strdup_printf ("/plan-margin/npu-%.2f-noise-%.2f",
                                    cases[k].npu_ratio, cases[k].noise);
      g_test_add_data_func (name, &cases[k], check_case);
      g_free (name);
    }
  status = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return status;
}
