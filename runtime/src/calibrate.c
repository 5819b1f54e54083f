/*
 * calibrate.c: measured placement, the runtime's device specialisation.
 * When a load may choose between units, every layer is run on every
 * allowed unit that supports it, as a one-layer compute request on
 * zero-filled inputs, and the planner (plan.c) then places layers on those
 * timings instead of the units' cost models, which describe hardware this
 * machine may not have (docs/placement.md, docs/gpu.md).
 *
 * A layer's cost is the unit's own execution of it, inputs already on the
 * unit: the GPU's event profiling, the NPU's device thread, the wall time
 * of the CPU's kernels. The same requests give each unit's data movement:
 * the copies' time per byte, and what a request costs beyond its compute
 * and copies. Every request is parented to the Model Load span, so a trace
 * shows the load doing this compute.
 *
 * The figures are kept on disk with the compiled model, keyed by its
 * content, the compute units and the devices (placement-cache.c): the
 * first load on a machine measures, later loads reuse the figures and do
 * every other piece of a load's work.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mlrt-internal.h"
#include "trace.h"

/* Runs per (layer, unit); the fastest counts, so one-off costs of a first
 * run (a kernel's first launch, fresh buffers' page faults) do not. A run
 * CALIBRATE_HOPELESS times slower than another unit's figure for the layer
 * is not repeated: a second run would not change the choice, and on a slow
 * unit it is most of the load's time. */
#define CALIBRATE_RUNS 2
#define CALIBRATE_HOPELESS 4.0
/* Below the clocks' resolution a layer still costs something. */
#define CALIBRATE_MIN_US 0.001

/* One unit's data movement, one sample per layer measured (from its
 * fastest request): the median is kept, as a request now and then is held
 * up by something else on the machine. */
typedef struct {
  double *byte_us;          /* copy time per byte, for requests that copied */
  double *overhead_us;      /* wall time beyond compute and copies */
  int n_bytes, n_layers;
} UnitTally;

double
mlrt_now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

void
mlrt_run_note_copy (MlrtRun *run, double start_us, size_t bytes)
{
  if (run->timing == NULL)
    return;
  run->timing->copy_us += mlrt_now_us () - start_us;
  run->timing->copy_bytes += (double) bytes;
}

int
mlrt_plan_n_choices (const MlrtModel *m, const int *ok)
{
  int n = 0;

  for (int u = 0; u < MLRT_N_UNITS; u++)
    for (size_t i = 0; i < m->spec.n_layers; i++)
      if (ok[i * MLRT_N_UNITS + u])
        {
          n++;
          break;
        }
  return n;
}

/* Gives layer l's inputs zero-filled host tensors, as a prediction would
 * hand them to the unit. */
static MlrtStatus
layer_inputs (MlrtRun *run, const MlrtLayer *l, MlrtError *error)
{
  const MlrtModel *m = run->model;

  for (int j = 0; j < l->n_inputs; j++)
    {
      int t = l->inputs[j];

      if (run->tensors[t])
        continue;
      run->tensors[t] = calloc (mlrt_tensor_count (&m->spec.tensors[t]),
                                mlrt_run_elem_size (run));
      if (!run->tensors[t])
        return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
      run->owned[t] = 1;
    }
  return MLRT_OK;
}

/* Frees what measuring layer l left in the run (its inputs and output),
 * so one run serves every layer. */
static void
layer_clear (MlrtRun *run, const MlrtLayer *l)
{
  int touched[MLRT_MAX_LAYER_INPUTS + 1];

  memcpy (touched, l->inputs, (size_t) l->n_inputs * sizeof (int));
  touched[l->n_inputs] = l->output;
  for (int j = 0; j <= l->n_inputs; j++)
    {
      int t = touched[j];

      if (run->owned[t])
        free (run->tensors[t]);
      run->owned[t] = 0;
      run->tensors[t] = NULL;
    }
}

/* One compute request of the segment, under the Model Load span. */
static MlrtStatus
time_once (MlrtRun *run, const MlrtSegment *seg, MlrtRunTiming *t,
           double *wall_us, MlrtError *error)
{
  const MlrtModel *m = run->model;
  const char *name = m->spec.layers[seg->first].name;
  double start;
  MlrtStatus st;

  memset (t, 0, sizeof *t);
  run->timing = t;
  run->compute_span = mlrt_trace_compute_begin (
    m->load_span, m->id, m->name, seg->unit, (uint32_t) seg->first,
    (uint32_t) seg->last, name, name);
  start = mlrt_now_us ();
  st = mlrt_unit_ops (seg->unit)->run_segment (run, seg, error);
  *wall_us = mlrt_now_us () - start;
  mlrt_trace_compute_end (run->compute_span, st);
  if (!t->filled)
    t->exec_us = *wall_us;      /* in host memory: all of it is compute */
  return st;
}

/* The lowest figure already measured for layer i on another unit, or -1. */
static double
best_other (const MlrtLayerPlan *p, MlrtUnit u)
{
  double best = -1;

  for (int v = 0; v < MLRT_N_UNITS; v++)
    if (v != (int) u && p->measured[v]
        && (best < 0 || p->estimated_cost_us[v] < best))
      best = p->estimated_cost_us[v];
  return best;
}

static void
tally_add (UnitTally *tally, const MlrtRunTiming *t, double wall_us)
{
  double overhead = wall_us - t->exec_us - t->copy_us;

  tally->overhead_us[tally->n_layers++] = overhead > 0 ? overhead : 0;
  if (t->copy_bytes > 0)
    tally->byte_us[tally->n_bytes++] = t->copy_us / t->copy_bytes;
}

/* Runs the segment's layer; returns its fastest execution in *us. */
static MlrtStatus
time_layer (MlrtRun *run, const MlrtSegment *seg, UnitTally *tally,
            double *us, MlrtError *error)
{
  double other = best_other (&run->model->plan[seg->first], seg->unit);
  double fastest = -1;
  MlrtRunTiming fastest_t = { 0 };

  *us = -1;
  for (int r = 0; r < CALIBRATE_RUNS
       && (other < 0 || *us < 0 || *us < CALIBRATE_HOPELESS * other); r++)
    {
      MlrtRunTiming t;
      double wall;
      MlrtStatus st = time_once (run, seg, &t, &wall, error);

      if (st != MLRT_OK)
        return st;
      if (*us < 0 || t.exec_us < *us)
        *us = t.exec_us;
      if (fastest < 0 || wall < fastest)
        {
          fastest = wall;
          fastest_t = t;
        }
    }
  tally_add (tally, &fastest_t, fastest);
  return MLRT_OK;
}

/* Prepares layer i alone on unit u, as a load would, and times it in
 * `run`, which keeps every tensor (no liveness plan). */
static MlrtStatus
measure_layer (MlrtModel *m, MlrtRun *run, int i, MlrtUnit u,
               UnitTally *tally, MlrtError *error)
{
  const MlrtUnitOps *ops = mlrt_unit_ops (u);
  MlrtSegment seg = { u, i, i, NULL };
  MlrtLayerPlan *p = &m->plan[i];
  MlrtStatus st = MLRT_OK;
  double us = 0;

  if (ops->prepare)
    st = ops->prepare (m, &seg, error);
  if (st == MLRT_OK)
    st = layer_inputs (run, &m->spec.layers[i], error);
  if (st == MLRT_OK)
    st = time_layer (run, &seg, tally, &us, error);
  layer_clear (run, &m->spec.layers[i]);
  if (seg.unit_data && ops->release)
    ops->release (m, &seg);
  if (st != MLRT_OK)
    {
      mlrt_error_prefix (error, "%s: measuring layer '%s' on the %s",
                         m->name, p->name, mlrt_unit_name (u));
      return st;
    }
  p->measured[u] = 1;
  p->estimated_cost_us[u] = us > CALIBRATE_MIN_US ? us : CALIBRATE_MIN_US;
  return MLRT_OK;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  qsort (v, (size_t) n, sizeof *v, compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A unit's measured data movement, when its requests moved any data. */
static void
set_unit_costs (MlrtModel *m, MlrtUnit u, UnitTally *tally)
{
  MlrtUnitCosts *c = &m->unit_costs[u];

  if (tally->n_layers == 0 || tally->n_bytes == 0)
    return;
  c->measured = 1;
  c->byte_us = median (tally->byte_us, tally->n_bytes);
  c->request_us = median (tally->overhead_us, tally->n_layers);
}

/* Measures every allowed layer on unit u. */
static MlrtStatus
measure_unit (MlrtModel *m, const int *ok, MlrtUnit u, double *samples,
              MlrtError *error)
{
  size_t n = m->spec.n_layers;
  UnitTally tally = { samples, samples + n, 0, 0 };
  MlrtRun run;
  MlrtStatus st = mlrt_run_init (&run, m, m->load_span, 0, error);

  for (size_t i = 0; st == MLRT_OK && i < n; i++)
    if (ok[i * MLRT_N_UNITS + u])
      st = measure_layer (m, &run, (int) i, u, &tally, error);
  mlrt_run_clear (&run);
  if (st == MLRT_OK && u != MLRT_UNIT_CPU) /* the CPU moves nothing */
    set_unit_costs (m, u, &tally);
  return st;
}

MlrtStatus
mlrt_calibrate (MlrtModel *m, const int *ok, MlrtError *error)
{
  double *samples;
  MlrtStatus st = MLRT_OK;

  if (m->placement != MLRT_PLACEMENT_MEASURED
      || mlrt_plan_n_choices (m, ok) < 2)
    return MLRT_OK;
  if (mlrt_placement_cache_read (m, ok))
    {
      m->placement_result = MLRT_PLACEMENT_TRACE_CACHED;
      return MLRT_OK;
    }
  samples = malloc (2 * m->spec.n_layers * sizeof *samples);
  if (!samples)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (int u = 0; st == MLRT_OK && u < MLRT_N_UNITS; u++)
    st = measure_unit (m, ok, (MlrtUnit) u, samples, error);
  free (samples);
  if (st == MLRT_OK)
    {
      m->placement_result = MLRT_PLACEMENT_TRACE_MEASURED;
      mlrt_placement_cache_write (m);
    }
  return st;
}
