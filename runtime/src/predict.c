/*
 * predict.c: the executor. A prediction validates its inputs, converts those
 * not already in the network's form, places outputs that need no conversion
 * straight into the caller's output backings, sends one compute request per
 * segment to the segment's unit, then converts or hands over the outputs.
 * All of a prediction's state lives in its MlrtRun, so a loaded model
 * serves several threads at once. Tensors live in the slots of the
 * model's liveness plan (memory-plan.c) and are let go after their last
 * reader, so a prediction holds memory for the model's widest point.
 */
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"
#include "trace.h"

size_t
mlrt_run_elem_size (const MlrtRun *run)
{
  return run->model->spec.half ? sizeof (uint16_t) : sizeof (float);
}

void *
mlrt_run_alloc (MlrtRun *run, size_t bytes)
{
  void *p = mlrt_run_memory_take (run->model->run_memory, bytes);

  if (p == NULL)
    return NULL;
  run->live_buffers++;
  run->live_bytes += bytes;
  if (run->live_buffers > run->peak_buffers)
    run->peak_buffers = run->live_buffers;
  if (run->live_bytes > run->peak_bytes)
    run->peak_bytes = run->live_bytes;
  return p;
}

void
mlrt_run_free (MlrtRun *run, void *p, size_t bytes)
{
  size_t widest = atomic_load (&run->model->peak_run_bytes);

  if (p == NULL)
    return;
  if (run->peak_bytes > widest)
    widest = run->peak_bytes;
  /* a run without the plan (measuring at load) holds every tensor at
   * once, in sizes no prediction asks for: nothing of it is kept */
  mlrt_run_memory_give (run->model->run_memory, p, bytes,
                        run->slots ? 2 * widest : 0);
  run->live_buffers--;
  run->live_bytes -= bytes;
}

static size_t
tensor_bytes (const MlrtRun *run, int t)
{
  return mlrt_tensor_count (&run->model->spec.tensors[t])
         * mlrt_run_elem_size (run);
}

void *
mlrt_run_tensor (MlrtRun *run, int t)
{
  const MlrtMemoryPlan *plan = &run->model->memory;
  int s = run->slots ? plan->slot[t] : -1;

  if (run->tensors[t] != NULL)
    return run->tensors[t];
  if (s >= 0)
    {
      if (run->slots[s] == NULL)
        run->slots[s] = mlrt_run_alloc (run, plan->slot_bytes[s]);
      run->tensors[t] = run->slots[s];
      return run->tensors[t];
    }
  run->tensors[t] = mlrt_run_alloc (run, tensor_bytes (run, t));
  run->owned[t] = run->tensors[t] != NULL;
  return run->tensors[t];
}

void
mlrt_run_layer_done (MlrtRun *run, int layer)
{
  const MlrtMemoryPlan *plan = &run->model->memory;

  if (run->slots == NULL)
    return;
  for (int k = plan->done_start[layer]; k < plan->done_start[layer + 1]; k++)
    {
      int t = plan->done[k];

      if (run->owned[t])
        mlrt_run_free (run, run->tensors[t], tensor_bytes (run, t));
      run->owned[t] = 0;
      run->tensors[t] = NULL;
      run->buffers[t] = NULL;
    }
}

MlrtStatus
mlrt_run_init (MlrtRun *run, const MlrtModel *m, uint64_t parent,
               int memory_plan, MlrtError *error)
{
  size_t n = m->spec.n_tensors;

  memset (run, 0, sizeof *run);
  run->model = m;
  run->parent_span = parent;
  run->tensors = calloc (n, sizeof (void *));
  run->owned = calloc (n, 1);
  run->buffers = calloc (n, sizeof (MlrtBuffer *));
  run->views = calloc (n, sizeof (float *));
  if (memory_plan)
    run->slots = calloc (m->memory.n_slots + 1, sizeof (void *));
  if (run->tensors == NULL || run->owned == NULL || run->buffers == NULL
      || run->views == NULL || (memory_plan && run->slots == NULL))
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  return MLRT_OK;
}

/* Keeps the largest figure of the model's predictions. */
static void
note_peak (atomic_size_t *peak, size_t value)
{
  size_t seen = atomic_load (peak);

  while (value > seen && !atomic_compare_exchange_weak (peak, &seen, value))
    ;
}

void
mlrt_run_clear (MlrtRun *run)
{
  MlrtModel *m = (MlrtModel *) run->model;

  for (size_t t = 0; run->owned && t < m->spec.n_tensors; t++)
    if (run->owned[t])
      mlrt_run_free (run, run->tensors[t], tensor_bytes (run, t));
  for (size_t s = 0; run->slots && s < m->memory.n_slots; s++)
    mlrt_run_free (run, run->slots[s], m->memory.slot_bytes[s]);
  if (run->slots)
    {
      note_peak (&m->peak_run_buffers, run->peak_buffers);
      note_peak (&m->peak_run_bytes, run->peak_bytes);
    }
  free (run->tensors);
  free (run->owned);
  free (run->buffers);
  free (run->views);
  free (run->slots);
  memset (run, 0, sizeof *run);
}

int
mlrt_tensor_needed_outside (const MlrtSpec *spec, int t, int first, int last)
{
  const MlrtTensor *tensor = &spec->tensors[t];

  if (tensor->is_output || tensor->last_consumer > last)
    return 1;
  /* A tensor made before the segment is read inside it: an input. */
  return tensor->producer < first;
}

static int
tensor_type (const MlrtModel *m)
{
  return m->spec.half ? MLRT_TYPE_FLOAT16 : MLRT_TYPE_FLOAT32;
}

static const MlrtFeature *
find_output (const MlrtModel *m, const char *name)
{
  for (size_t i = 0; i < m->spec.n_outputs; i++)
    if (strcmp (m->spec.outputs[i].d.name, name) == 0)
      return &m->spec.outputs[i];
  return NULL;
}

static MlrtStatus
check_backing (const MlrtModel *m, const char *name, const MlrtValue *v,
               MlrtError *error)
{
  const MlrtFeature *f = find_output (m, name);

  if (f == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "output backing '%s': the model has no such "
                           "output", name);
  if (v->type != f->d.type || v->rank != f->d.rank || v->data == NULL
      || memcmp (v->shape, f->d.shape, (size_t) v->rank * sizeof (int64_t)))
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "output backing '%s': must be %s of the output's "
                           "shape, with data", name,
                           mlrt_feature_type_name (f->d.type));
  return MLRT_OK;
}

static MlrtStatus
validate (const MlrtModel *m, const MlrtFeatures *inputs,
          const MlrtFeatures *backings, MlrtError *error)
{
  for (size_t i = 0; i < m->spec.n_inputs; i++)
    {
      const MlrtFeatureDescription *d = &m->spec.inputs[i].d;
      const MlrtValue *v = mlrt_features_get (inputs, d->name);
      MlrtStatus st;

      if (v == NULL)
        return mlrt_set_error (error, MLRT_ERROR_INVALID_INPUT,
                               "input '%s' (%s) is missing", d->name,
                               mlrt_feature_type_name (d->type));
      st = mlrt_convert_check_input (d, v, error);
      if (st != MLRT_OK)
        return st;
    }
  for (size_t i = 0; i < mlrt_features_count (backings); i++)
    {
      const char *name = mlrt_features_name (backings, i);
      MlrtStatus st = check_backing (m, name,
                                     mlrt_features_get (backings, name),
                                     error);
      if (st != MLRT_OK)
        return st;
    }
  return MLRT_OK;
}

static MlrtStatus
feed_inputs (MlrtRun *run, const MlrtFeatures *inputs, MlrtError *error)
{
  const MlrtModel *m = run->model;

  for (size_t i = 0; i < m->spec.n_inputs; i++)
    {
      const MlrtFeature *f = &m->spec.inputs[i];
      const MlrtValue *v = mlrt_features_get (inputs, f->d.name);
      int dst;
      uint64_t span;

      if (mlrt_convert_input_is_identity (&f->d, v, m->spec.half))
        {
          run->tensors[f->tensor] = v->data;
          run->buffers[f->tensor] = v->buffer;
          continue;
        }
      if (mlrt_run_tensor (run, f->tensor) == NULL)
        return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                               "%s: out of memory", m->name);
      dst = v->type != f->d.type ? (int) f->d.type : tensor_type (m);
      span = mlrt_trace_data_begin (run->parent_span, m->id, m->name,
                                    MLRT_DATA_INPUT_CONVERSION,
                                    MLRT_TRACE_NO_UNIT, f->d.name, v->type,
                                    dst, mlrt_value_byte_size (v));
      mlrt_convert_input (&f->d, v, m->spec.half, run->tensors[f->tensor]);
      mlrt_trace_data_end (span, MLRT_OK);
    }
  return MLRT_OK;
}

/* Outputs needing no conversion are computed straight into backings. */
static void
place_backings (MlrtRun *run, const MlrtFeatures *backings)
{
  const MlrtModel *m = run->model;

  for (size_t i = 0; i < m->spec.n_outputs; i++)
    {
      const MlrtFeature *f = &m->spec.outputs[i];
      const MlrtValue *b = mlrt_features_get (backings, f->d.name);

      if (b && mlrt_convert_output_is_identity (&f->d, m->spec.half)
          && m->spec.tensors[f->tensor].producer >= 0
          && run->tensors[f->tensor] == NULL)
        {
          run->tensors[f->tensor] = b->data;
          run->buffers[f->tensor] = b->buffer;
        }
    }
}

static MlrtStatus
compute (MlrtRun *run, MlrtError *error)
{
  const MlrtModel *m = run->model;

  for (size_t s = 0; s < m->n_segments; s++)
    {
      const MlrtSegment *seg = &m->segments[s];
      const MlrtUnitOps *ops = mlrt_unit_ops (seg->unit);
      MlrtStatus st;

      if (run->cancel && atomic_load (run->cancel))
        return mlrt_set_error (error, MLRT_ERROR_CANCELLED, "cancelled "
                               "before compute request %zu of %zu", s + 1,
                               m->n_segments);
      run->compute_span = mlrt_trace_compute_begin (
        run->parent_span, m->id, m->name, seg->unit, (uint32_t) seg->first,
        (uint32_t) seg->last, m->spec.layers[seg->first].name,
        m->spec.layers[seg->last].name);
      st = ops->run_segment (run, seg, error);
      mlrt_trace_compute_end (run->compute_span, st);
      run->compute_span = 0;
      if (st != MLRT_OK)
        return st;
      for (int li = seg->first; li <= seg->last; li++)
        mlrt_run_layer_done (run, li);
    }
  return MLRT_OK;
}

/* Image outputs are clamped to 0..1 even when no conversion is needed:
 * done in place, on memory the output already owns. */
static void
clamp_gray16 (const MlrtFeatureDescription *d, void *data)
{
  uint16_t *h = data;
  size_t n = (size_t) (d->shape[0] * d->shape[1]);

  if (d->type != MLRT_TYPE_GRAY16_HALF)
    return;
  for (size_t i = 0; i < n; i++)
    {
      if ((h[i] & 0x8000u) || (h[i] & 0x7fffu) > 0x7c00u)
        h[i] = 0;               /* negative or NaN */
      else if (h[i] > 0x3c00u)
        h[i] = 0x3c00u;         /* above 1.0 */
    }
}

/* One output, into its backing or a new allocation owned by `out`. */
static MlrtStatus
emit_output (MlrtRun *run, const MlrtFeature *f, const MlrtValue *backing,
             MlrtFeatures *out, MlrtError *error)
{
  const MlrtModel *m = run->model;
  void *tensor = run->tensors[f->tensor];
  MlrtValue v;
  size_t bytes;

  mlrt_output_value_init (&f->d, &v);
  bytes = mlrt_value_byte_size (&v);
  if (backing)
    v = *backing;
  if (mlrt_convert_output_is_identity (&f->d, m->spec.half))
    {
      if (backing && backing->data != tensor)
        {
          uint64_t span = mlrt_trace_data_begin (
            run->parent_span, m->id, m->name, MLRT_DATA_OUTPUT_BACKING_FILL,
            MLRT_TRACE_NO_UNIT, f->d.name, f->d.type, f->d.type, bytes);
          memcpy (backing->data, tensor, bytes);
          mlrt_trace_data_end (span, MLRT_OK);
        }
      if (backing)
        {
          clamp_gray16 (&f->d, v.data);
          return mlrt_features_set (out, f->d.name, &v, error);
        }
      if (run->owned[f->tensor])
        {
          /* Hand the tensor over: the output needs no copy. */
          run->owned[f->tensor] = 0;
          run->live_buffers--;
          run->live_bytes -= tensor_bytes (run, f->tensor);
          v.data = tensor;
        }
      else
        {
          v.data = malloc (bytes);
          if (v.data == NULL)
            return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                                   "%s: out of memory", m->name);
          memcpy (v.data, tensor, bytes);
        }
      clamp_gray16 (&f->d, v.data);
      return mlrt_features_take (out, f->d.name, &v, error);
    }
  if (!backing && (v.data = malloc (bytes ? bytes : 1)) == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory",
                           m->name);
  uint64_t span = mlrt_trace_data_begin (
    run->parent_span, m->id, m->name, MLRT_DATA_OUTPUT_CONVERSION,
    MLRT_TRACE_NO_UNIT, f->d.name, tensor_type (m), f->d.type, bytes);
  mlrt_convert_output (&f->d, tensor, m->spec.half, v.data);
  mlrt_trace_data_end (span, MLRT_OK);
  return backing ? mlrt_features_set (out, f->d.name, &v, error)
                 : mlrt_features_take (out, f->d.name, &v, error);
}

static MlrtStatus
collect_outputs (MlrtRun *run, const MlrtFeatures *backings,
                 MlrtFeatures **outputs, MlrtError *error)
{
  const MlrtModel *m = run->model;
  MlrtFeatures *out = mlrt_features_new ();

  if (out == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < m->spec.n_outputs; i++)
    {
      const MlrtFeature *f = &m->spec.outputs[i];
      MlrtStatus st = emit_output (run, f,
                                   mlrt_features_get (backings, f->d.name),
                                   out, error);
      if (st != MLRT_OK)
        {
          mlrt_features_free (out);
          return st;
        }
    }
  *outputs = out;
  return MLRT_OK;
}

MlrtStatus
mlrt_predict_one (MlrtModel *m, const MlrtFeatures *inputs,
                  const MlrtFeatures *backings, uint64_t parent,
                  const atomic_int *cancel, MlrtFeatures **outputs,
                  MlrtError *error)
{
  MlrtRun run;
  uint64_t span;
  MlrtStatus st;

  span = mlrt_trace_data_begin (parent, m->id, m->name,
                                MLRT_DATA_INPUT_VALIDATION,
                                MLRT_TRACE_NO_UNIT, "", MLRT_TYPE_INVALID,
                                MLRT_TYPE_INVALID, 0);
  st = validate (m, inputs, backings, error);
  mlrt_trace_data_end (span, st);
  if (st != MLRT_OK)
    return st;
  st = mlrt_run_init (&run, m, parent, 1, error);
  run.cancel = cancel;
  if (st == MLRT_OK)
    st = feed_inputs (&run, inputs, error);
  if (st == MLRT_OK)
    {
      place_backings (&run, backings);
      st = compute (&run, error);
    }
  if (st == MLRT_OK)
    st = collect_outputs (&run, backings, outputs, error);
  mlrt_run_clear (&run);
  return st;
}

MlrtStatus
mlrt_model_predict (MlrtModel *model, const MlrtFeatures *inputs,
                    const MlrtPredictOptions *options,
                    MlrtFeatures **outputs, MlrtError *error)
{
  uint64_t span;
  MlrtStatus st;

  if (model == NULL || inputs == NULL || outputs == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_model_predict: NULL model, inputs or "
                           "outputs");
  *outputs = NULL;
  span = mlrt_trace_activity_begin (0, model->id, model->name,
                                    MLRT_ACTIVITY_PREDICT, 1);
  st = mlrt_predict_one (model, inputs,
                         options ? options->output_backings : NULL, span,
                         NULL, outputs, error);
  if (st != MLRT_OK)
    mlrt_error_prefix (error, "%s", model->name);
  mlrt_trace_activity_end (span, st, MLRT_CACHE_NONE);
  return st;
}

MlrtStatus
mlrt_model_predict_batch (MlrtModel *model, size_t count,
                          const MlrtFeatures *const *inputs,
                          const MlrtPredictOptions *options,
                          MlrtFeatures **outputs, MlrtError *error)
{
  uint64_t span;
  MlrtStatus st = MLRT_OK;
  size_t i;

  if (model == NULL || (count > 0 && (inputs == NULL || outputs == NULL)))
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_model_predict_batch: NULL model, inputs or "
                           "outputs");
  if (options && mlrt_features_count (options->output_backings) > 0)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "%s: a batch prediction takes no output backings",
                           model->name);
  for (i = 0; i < count; i++)
    outputs[i] = NULL;
  span = mlrt_trace_activity_begin (0, model->id, model->name,
                                    MLRT_ACTIVITY_BATCH_PREDICT,
                                    (uint32_t) count);
  for (i = 0; i < count && st == MLRT_OK; i++)
    {
      if (inputs[i] == NULL)
        st = mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                             "NULL inputs");
      else
        st = mlrt_predict_one (model, inputs[i], NULL, span, NULL,
                               &outputs[i], error);
      if (st != MLRT_OK)
        mlrt_error_prefix (error, "%s: batch item %zu", model->name, i);
    }
  if (st != MLRT_OK)
    for (size_t j = 0; j < count; j++)
      {
        mlrt_features_free (outputs[j]);
        outputs[j] = NULL;
      }
  mlrt_trace_activity_end (span, st, MLRT_CACHE_NONE);
  return st;
}
