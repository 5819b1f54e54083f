/*
 * load.c: loading a model, from a package (through the compile cache), from
 * a compiled model file or from memory (optionally decrypted by the app: a
 * compiled model, or a package archive compiled in memory), and unloading
 * it. Loading parses the compiled spec, checks and decodes its weights,
 * folds batch norms into convolutions, plans the predictions' memory
 * (memory-plan.c) and builds the placement plan (measuring the layers on
 * the allowed units, under the Model Load span, or reusing what an
 * earlier load measured: docs/placement.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compiled.h"
#include "frontends/json/json-frontend.h"
#include "mlrt-internal.h"
#include "passes/passes.h"
#include "trace.h"

/* $MLRT_PLACEMENT lets a deployment, or a test that needs the same plan
 * from every load (measured plans differ where units come close), choose
 * the cost models without rebuilding the app. */
static MlrtPlacement
resolve_placement (MlrtPlacement placement)
{
  const char *env = getenv ("MLRT_PLACEMENT");

  if (placement != MLRT_PLACEMENT_DEFAULT)
    return placement;
  if (env && strcmp (env, "estimated") == 0)
    return MLRT_PLACEMENT_ESTIMATED;
  if (env && strcmp (env, "priority") == 0)
    return MLRT_PLACEMENT_PRIORITY;
  return MLRT_PLACEMENT_MEASURED;
}

void
mlrt_configuration_init (MlrtConfiguration *config)
{
  if (config == NULL)
    return;
  memset (config, 0, sizeof *config);
  config->compute_units = MLRT_COMPUTE_ALL;
}

/* y = gamma (x - mean) / sqrt(var + eps) + beta, folded into W and b. */
static MlrtStatus
fold_batch_norm (MlrtLayer *l, MlrtError *error)
{
  MlrtWeight *w = mlrt_layer_weight_mut (l, "weight");
  MlrtWeight *b = mlrt_layer_weight_mut (l, "bias");
  const float *mean = mlrt_layer_weight (l, "bn_mean")->data;
  const float *var = mlrt_layer_weight (l, "bn_variance")->data;
  const float *gamma = mlrt_layer_weight (l, "bn_gamma")->data;
  const float *beta = mlrt_layer_weight (l, "bn_beta")->data;
  size_t out_c = (size_t) w->shape[0];
  size_t per = mlrt_weight_count (w) / out_c;

  if (b == NULL)
    {
      if (l->n_weights == MLRT_MAX_WEIGHTS)
        return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                               "layer '%s': too many weights", l->name);
      b = &l->weights[l->n_weights++];
      memset (b, 0, sizeof *b);
      b->name = strdup ("bias");
      b->rank = 1;
      b->shape[0] = (int64_t) out_c;
      b->data = calloc (out_c, sizeof (float));
      if (b->data == NULL || b->name == NULL)
        return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
    }
  for (size_t o = 0; o < out_c; o++)
    {
      float s = gamma[o] / sqrtf (var[o] + l->bn_epsilon);
      for (size_t i = 0; i < per; i++)
        w->data[o * per + i] *= s;
      b->data[o] = (b->data[o] - mean[o]) * s + beta[o];
    }
  return MLRT_OK;
}

static MlrtStatus
decode_weights (MlrtSpec *spec, const uint8_t *blob, MlrtError *error)
{
  for (size_t i = 0; i < spec->n_layers; i++)
    {
      MlrtLayer *l = &spec->layers[i];
      for (int j = 0; j < l->n_weights; j++)
        {
          MlrtStatus st = mlrt_weight_decode (&l->weights[j], blob, error);
          if (st != MLRT_OK)
            return st;
        }
      if (l->fold_bn)
        {
          MlrtStatus st = fold_batch_norm (l, error);
          if (st != MLRT_OK)
            return st;
        }
    }
  return MLRT_OK;
}

static void
describe (MlrtModel *m)
{
  MlrtSpec *s = &m->spec;
  MlrtModelDescription *d = &m->description;

  m->input_descs = calloc (s->n_inputs, sizeof (MlrtFeatureDescription));
  m->output_descs = calloc (s->n_outputs, sizeof (MlrtFeatureDescription));
  for (size_t i = 0; m->input_descs && i < s->n_inputs; i++)
    m->input_descs[i] = s->inputs[i].d;
  for (size_t i = 0; m->output_descs && i < s->n_outputs; i++)
    m->output_descs[i] = s->outputs[i].d;
  d->name = s->name;
  d->author = s->author;
  d->description = s->description;
  d->version = s->version;
  d->compute_precision = s->compute_precision;
  d->storage_precision = s->storage_precision;
  d->n_inputs = s->n_inputs;
  d->inputs = m->input_descs;
  d->n_outputs = s->n_outputs;
  d->outputs = m->output_descs;
  d->n_class_labels = s->n_class_labels;
  d->class_labels = (const char *const *) s->class_labels;
  d->n_layers = s->n_layers;
  d->n_user_metadata = s->n_user_metadata;
  d->user_metadata_keys = (const char *const *) s->user_metadata_keys;
  d->user_metadata_values = (const char *const *) s->user_metadata_values;
}

static void
model_free (MlrtModel *m)
{
  if (m == NULL)
    return;
  mlrt_async_free (m->async);
  mlrt_plan_free (m);
  mlrt_memory_plan_clear (&m->memory);
  mlrt_run_memory_free (m->run_memory);
  mlrt_spec_clear (&m->spec);
  free (m->input_descs);
  free (m->output_descs);
  free (m->cache_stem);
  free (m->cache_dir);
  free (m->name);
  free (m);
}

/* Fills a model (whose id and name are set) from a compiled model's
 * parts. */
static MlrtStatus
model_fill (MlrtModel *m, const char *origin, const MlrtCompiledView *view,
            const MlrtConfiguration *config, MlrtError *error)
{
  unsigned max_in_flight;
  MlrtStatus st;

  st = mlrt_json_spec_read (view->spec, view->spec_size, origin, 1,
                            &mlrt_op_table, &m->spec, error);
  if (st != MLRT_OK)
    return st;
  /* The structure first: a bad offset is said before any work. */
  st = mlrt_spec_check_weights (&m->spec, view->weights, view->weights_size,
                                origin, error);
  if (st == MLRT_OK)
    st = mlrt_spec_infer (&m->spec, origin, error);
  if (st == MLRT_OK)
    st = decode_weights (&m->spec, view->weights, error);
  if (st != MLRT_OK)
    return st;
  m->compute_units = config ? config->compute_units : MLRT_COMPUTE_ALL;
  if ((unsigned) m->compute_units > MLRT_COMPUTE_ALL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "%s: invalid compute units %d", origin,
                           (int) m->compute_units);
  m->placement = resolve_placement (config ? config->placement
                                                : MLRT_PLACEMENT_DEFAULT);
  if ((unsigned) m->placement > MLRT_PLACEMENT_PRIORITY)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "%s: invalid placement %d", origin,
                           (int) m->placement);
  max_in_flight = config && config->max_in_flight ? config->max_in_flight
                                                  : MLRT_DEFAULT_IN_FLIGHT;
  if (max_in_flight > MLRT_MAX_IN_FLIGHT)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "%s: max_in_flight is %u, at most %d are "
                           "allowed", origin, max_in_flight,
                           MLRT_MAX_IN_FLIGHT);
  describe (m);
  if (config && config->cache_dir
      && (m->cache_dir = strdup (config->cache_dir)) == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  m->async = mlrt_async_new (m, max_in_flight);
  m->run_memory = mlrt_run_memory_new ();
  if (m->input_descs == NULL || m->output_descs == NULL || m->async == NULL
      || m->run_memory == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  st = mlrt_memory_plan_build (&m->spec, &m->memory, error);
  if (st != MLRT_OK)
    return st;
  return mlrt_plan_build (m, error);
}

static MlrtModel *
model_new (const char *name)
{
  MlrtModel *m = calloc (1, sizeof *m);
  if (m == NULL)
    return NULL;
  m->id = mlrt_trace_new_model_id ();
  m->name = strdup (name ? name : "model");
  if (m->name == NULL)
    {
      free (m);
      return NULL;
    }
  return m;
}

/* Where a compiled file's placement cache goes: beside it when it is in
 * the compile cache (`from_cache`), else in the cache directory under the
 * hash of its bytes, so a file that changes is measured again. */
static char *
placement_stem (const char *path, const uint8_t *data, size_t size,
                int from_cache, const MlrtConfiguration *config)
{
  char *dir, *stem, *result;
  uint64_t h;

  if (from_cache)
    return strndup (path, strlen (path) - strlen (".mlmodelc"));
  h = mlrt_hash64 (MLRT_HASH_START, data, size);
  dir = config && config->cache_dir ? strdup (config->cache_dir)
                                    : mlrt_cache_dir_default ();
  stem = mlrt_path_stem (path);
  result = dir && stem ? mlrt_strdup_printf ("%s/compiled-%016llx/%s", dir,
                                             (unsigned long long) h, stem)
                       : NULL;
  free (dir);
  free (stem);
  return result;
}

/* Reads, checks and loads a compiled file into `m`; `from_cache` as for
 * placement_stem(). */
static MlrtStatus
load_compiled_file (MlrtModel *m, const char *path, int from_cache,
                    const MlrtConfiguration *config, MlrtError *error)
{
  uint8_t *data = NULL;
  size_t size = 0;
  MlrtCompiledView view;
  MlrtStatus st = mlrt_read_file (path, &data, &size, error);

  if (st == MLRT_OK)
    st = mlrt_compiled_view (data, size, path, &view, error);
  if (st == MLRT_OK)
    {
      m->cache_stem = placement_stem (path, data, size, from_cache, config);
      st = model_fill (m, path, &view, config, error);
    }
  free (data);
  return st;
}

MlrtStatus
mlrt_model_load (const char *path, const MlrtConfiguration *config,
                 MlrtModel **model, MlrtError *error)
{
  struct stat st_buf;
  MlrtModel *m;
  uint64_t span;
  MlrtStatus st;
  MlrtCacheResult cache = MLRT_CACHE_NONE;
  char *stem;

  if (path == NULL || model == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_model_load: NULL path or model");
  *model = NULL;
  stem = mlrt_path_stem (path);
  m = model_new (stem);
  free (stem);
  if (m == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  span = mlrt_trace_activity_begin (0, m->id, m->name, MLRT_ACTIVITY_LOAD, 0);
  m->load_span = span;
  mlrt_trace_model_source (m->id, m->name, path);
  if (stat (path, &st_buf) == 0 && S_ISDIR (st_buf.st_mode))
    {
      char *compiled = NULL;
      int hit = 0;
      st = mlrt_compile_internal (path, config ? config->cache_dir : NULL,
                                  span, m->id, m->name, &compiled, &hit,
                                  error);
      if (st == MLRT_OK)
        {
          cache = hit ? MLRT_CACHE_HIT : MLRT_CACHE_MISS;
          st = load_compiled_file (m, compiled, 1, config, error);
        }
      free (compiled);
    }
  else
    st = load_compiled_file (m, path, 0, config, error);
  mlrt_trace_load_end (span, st, cache, m->placement_result);
  if (st != MLRT_OK)
    {
      model_free (m);
      return st;
    }
  *model = m;
  return MLRT_OK;
}

/* Why a decrypt callback failed, from what it returned. */
static MlrtStatus
decrypt_failed (const char *name, int rc, MlrtError *error)
{
  switch (rc)
    {
    case MLRT_DECRYPT_NOT_ENCRYPTED:
      return mlrt_set_error (error, MLRT_ERROR_FORMAT, "%s: cannot decrypt: "
                             "the data is not an encrypted mlrt model (no "
                             "mlrt-encrypt header, or cut short)", name);
    case MLRT_DECRYPT_OTHER_KEY:
      return mlrt_set_error (error, MLRT_ERROR_FORMAT, "%s: cannot decrypt: "
                             "the model was encrypted with another key",
                             name);
    case MLRT_DECRYPT_ALTERED:
      return mlrt_set_error (error, MLRT_ERROR_FORMAT, "%s: cannot decrypt: "
                             "authentication failed, the encrypted bytes "
                             "were altered (damaged or tampered with)", name);
    case MLRT_DECRYPT_NO_MEMORY:
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory "
                             "decrypting the model", name);
    case MLRT_DECRYPT_FAILED:
      return mlrt_set_error (error, MLRT_ERROR_FORMAT, "%s: cannot decrypt: "
                             "no key was given, or libsodium could not "
                             "start", name);
    case 0:
      return mlrt_set_error (error, MLRT_ERROR_FORMAT, "%s: the decrypt "
                             "callback returned 0 but no data", name);
    default:
      return mlrt_set_error (error, MLRT_ERROR_FORMAT, "%s: the decrypt "
                             "callback failed (returned %d)", name, rc);
    }
}

/* Runs the app's decrypt callback as a Model Decryption span of the
 * load. */
static MlrtStatus
decrypt_traced (MlrtModel *m, const void *data, size_t size,
                MlrtDecryptFunc decrypt, void *user_data, void **plain,
                size_t *plain_size, MlrtError *error)
{
  uint64_t span = mlrt_trace_data_begin (m->load_span, m->id, m->name,
                                         MLRT_DATA_DECRYPTION,
                                         MLRT_TRACE_NO_UNIT, "",
                                         MLRT_TYPE_INVALID, MLRT_TYPE_INVALID,
                                         size);
  int rc = decrypt (data, size, plain, plain_size, user_data);
  MlrtStatus st = MLRT_OK;

  if (rc != 0 || *plain == NULL)
    st = decrypt_failed (m->name, rc, error);
  mlrt_trace_data_end (span, st);
  return st;
}

/* Fills `m` from a compiled model or a package archive in memory. */
static MlrtStatus
fill_from_memory (MlrtModel *m, const uint8_t *data, size_t size,
                  const MlrtConfiguration *config, MlrtError *error)
{
  MlrtCompiledView view;
  char *compiled = NULL;
  MlrtStatus st;

  if (!mlrt_is_archive (data, size))
    {
      st = mlrt_compiled_view (data, size, m->name, &view, error);
      return st == MLRT_OK ? model_fill (m, m->name, &view, config, error)
                           : st;
    }
  st = mlrt_compile_archive (m->name, data, size, m->load_span, m->id,
                             &compiled, &view.weights, &view.weights_size,
                             error);
  if (st == MLRT_OK)
    {
      view.spec = compiled;
      view.spec_size = strlen (compiled);
      st = model_fill (m, m->name, &view, config, error);
    }
  free (compiled);
  return st;
}

MlrtStatus
mlrt_model_load_from_memory (const char *name, const void *data, size_t size,
                             MlrtDecryptFunc decrypt, void *user_data,
                             const MlrtConfiguration *config,
                             MlrtModel **model, MlrtError *error)
{
  void *plain = NULL;
  size_t plain_size = 0;
  MlrtModel *m;
  uint64_t span;
  MlrtStatus st = MLRT_OK;

  if (data == NULL || model == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_model_load_from_memory: NULL data or model");
  *model = NULL;
  m = model_new (name ? name : "memory");
  if (m == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  span = mlrt_trace_activity_begin (0, m->id, m->name, MLRT_ACTIVITY_LOAD, 0);
  m->load_span = span;
  if (decrypt)
    {
      st = decrypt_traced (m, data, size, decrypt, user_data, &plain,
                           &plain_size, error);
      data = plain;
      size = plain_size;
    }
  if (st == MLRT_OK)
    st = fill_from_memory (m, data, size, config, error);
  if (plain)
    explicit_bzero (plain, plain_size);
  free (plain);
  mlrt_trace_load_end (span, st, MLRT_CACHE_NONE, m->placement_result);
  if (st != MLRT_OK)
    {
      model_free (m);
      return st;
    }
  *model = m;
  return MLRT_OK;
}

void
mlrt_model_unload (MlrtModel *model)
{
  uint64_t span;

  if (model == NULL)
    return;
  span = mlrt_trace_activity_begin (0, model->id, model->name,
                                    MLRT_ACTIVITY_UNLOAD, 0);
  mlrt_async_free (model->async);
  model->async = NULL;
  mlrt_layer_observer_forget (model->id);
  mlrt_plan_free (model);
  mlrt_trace_activity_end (span, MLRT_OK, MLRT_CACHE_NONE);
  model_free (model);
}

const MlrtModelDescription *
mlrt_model_description (const MlrtModel *model)
{
  return model ? &model->description : NULL;
}
