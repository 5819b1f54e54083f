/*
 * json-spec.c: frontend 1, the model.json reader. Parses a package's
 * model.json into an MlrtSpec, checking every field's presence and type;
 * messages name the file, the layer and the field at fault. Ops and their
 * params come from an op table (ops/ops.h): the reader knows no op by
 * name. The compiled model's spec is the same JSON with the fusion results
 * added (passes/serialize.c), so the loader reads it here too. Shapes and
 * semantics are checked after, by the passes every frontend shares. Text
 * that is not UTF-8 is refused whole, with the byte it goes wrong at.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-frontend.h"
#include "mlrt-internal.h"

typedef struct {
  const char *origin;
  const MlrtOpTable *ops;
  const char *layer;        /* NULL outside layers */
  const char *op;
  const char *node;
  MlrtError *error;
} Ctx;

static MlrtStatus
fail (Ctx *c, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

static MlrtStatus
fail (Ctx *c, const char *format, ...)
{
  MlrtStatus st;
  va_list ap;

  va_start (ap, format);
  st = mlrt_set_format_error (c->error, c->origin, c->layer,
                              c->op ? c->op : "?", c->node, format, ap);
  va_end (ap);
  return st;
}

static json_object *
member (json_object *obj, const char *key)
{
  json_object *v = NULL;

  if (obj && json_object_is_type (obj, json_type_object)
      && json_object_object_get_ex (obj, key, &v))
    return v;
  return NULL;
}

/* Reads an optional string; a missing key leaves *out as NULL. */
static MlrtStatus
get_string (Ctx *c, json_object *obj, const char *key, int required,
            char **out)
{
  json_object *v = member (obj, key);

  *out = NULL;
  if (v == NULL)
    return required ? fail (c, "missing '%s'", key) : MLRT_OK;
  if (!json_object_is_type (v, json_type_string))
    return fail (c, "'%s' must be a string", key);
  *out = strdup (json_object_get_string (v));
  return MLRT_OK;
}

static MlrtStatus
get_int (Ctx *c, json_object *obj, const char *key, int required, int min,
         int *out)
{
  json_object *v = member (obj, key);
  int64_t x;

  if (v == NULL)
    return required ? fail (c, "missing param '%s'", key) : MLRT_OK;
  if (!json_object_is_type (v, json_type_int))
    return fail (c, "param '%s' must be an integer", key);
  x = json_object_get_int64 (v);
  if (x < min || x > MLRT_PARAM_INT_MAX)
    return fail (c, "param '%s' is %lld, must be at least %d", key,
                 (long long) x, min);
  *out = (int) x;
  return MLRT_OK;
}

static MlrtStatus
get_float (Ctx *c, json_object *obj, const char *key, float *out)
{
  json_object *v = member (obj, key);

  if (v == NULL)
    return MLRT_OK;
  if (!json_object_is_type (v, json_type_double)
      && !json_object_is_type (v, json_type_int))
    return fail (c, "param '%s' must be a number", key);
  *out = (float) json_object_get_double (v);
  return MLRT_OK;
}

/* An array of integers >= min, of length 1..max_len (or exactly max_len
 * when `exact`). */
static MlrtStatus
get_ints (Ctx *c, json_object *obj, const char *key, int required,
          int max_len, int exact, int64_t min, int *len, int64_t *out)
{
  json_object *v = member (obj, key);
  size_t n;

  if (v == NULL)
    return required ? fail (c, "missing '%s'", key) : MLRT_OK;
  if (!json_object_is_type (v, json_type_array))
    return fail (c, "'%s' must be an array of integers", key);
  n = json_object_array_length (v);
  if (n < 1 || (int) n > max_len || (exact && (int) n != max_len))
    return fail (c, "'%s' must have %s%d elements, not %zu", key,
                 exact ? "" : "1 to ", max_len, n);
  for (size_t i = 0; i < n; i++)
    {
      json_object *e = json_object_array_get_idx (v, i);
      if (!json_object_is_type (e, json_type_int)
          || json_object_get_int64 (e) < min)
        return fail (c, "'%s' must hold integers >= %lld", key,
                     (long long) min);
      if (json_object_get_int64 (e) > MLRT_MAX_DIM)
        return fail (c, "'%s' holds %lld, more than mlrt's limit of %d",
                     key, (long long) json_object_get_int64 (e),
                     MLRT_MAX_DIM);
      out[i] = json_object_get_int64 (e);
    }
  if (len)
    *len = (int) n;
  return MLRT_OK;
}

static MlrtStatus
get_pair (Ctx *c, json_object *obj, const char *key, int required, int min,
          int *out)
{
  int64_t v[2] = { out[0], out[1] };  /* the default, when absent */
  MlrtStatus st = get_ints (c, obj, key, required, 2, 1, min, NULL, v);

  if (st == MLRT_OK
      && (v[0] > MLRT_PARAM_PAIR_MAX || v[1] > MLRT_PARAM_PAIR_MAX))
    return fail (c, "param '%s' is too large", key);
  out[0] = (int) v[0];
  out[1] = (int) v[1];
  return st;
}

#define TRY(x) do { MlrtStatus st_ = (x); if (st_ != MLRT_OK) return st_; } while (0)

/* "'a', 'b' or 'c'" */
static void
choices_str (const char *const *choices, char *buf, size_t len)
{
  size_t at = 0;

  buf[0] = '\0';
  for (int i = 0; choices[i] && at < len; i++)
    at += (size_t) snprintf (buf + at, len - at, "%s'%s'",
                             i == 0 ? "" : choices[i + 1] ? ", " : " or ",
                             choices[i]);
}

static MlrtStatus
get_choice (Ctx *c, json_object *obj, const MlrtParamDesc *d, int *out)
{
  char *name = NULL, expected[128];
  MlrtStatus st;

  TRY (get_string (c, obj, d->name, 0, &name));
  if (name == NULL)
    return MLRT_OK;
  for (int i = 0; d->choices[i]; i++)
    if (strcmp (name, d->choices[i]) == 0)
      {
        *out = i;
        free (name);
        return MLRT_OK;
      }
  choices_str (d->choices, expected, sizeof expected);
  st = fail (c, "param '%s' is '%s', expected %s", d->name, name, expected);
  free (name);
  return st;
}

/* Reads one param as its descriptor says; an absent one keeps the
 * default mlrt_params_init gave it. */
static MlrtStatus
read_param (Ctx *c, json_object *params, const MlrtOpDef *op,
            const MlrtParamDesc *d, MlrtParams *p)
{
  int required = (d->flags & MLRT_PARAM_REQUIRED) != 0;
  int given = member (params, d->name) != NULL;
  void *v = mlrt_param_at (p, d->offset);

  if ((d->flags & MLRT_PARAM_MAY_BE_ABSENT) && given)
    *(int *) mlrt_param_at (p, d->given) = 1;
  switch (d->kind)
    {
    case MLRT_PARAM_INT:
      return get_int (c, params, d->name, required, d->min, v);
    case MLRT_PARAM_PAIR:
      if (!given && d->default_from)
        {
          const MlrtParamDesc *from = mlrt_param_find (op, d->default_from);
          memcpy (v, mlrt_param_at (p, from->offset), 2 * sizeof (int));
        }
      return get_pair (c, params, d->name, required, d->min, v);
    case MLRT_PARAM_FLOAT:
      TRY (get_float (c, params, d->name, v));
      if ((d->flags & MLRT_PARAM_NONNEGATIVE) && !(*(float *) v >= 0))
        return fail (c, "param '%s' must not be negative", d->name);
      return MLRT_OK;
    case MLRT_PARAM_CHOICE:
      return get_choice (c, params, d, v);
    case MLRT_PARAM_DIMS:
      return get_ints (c, params, d->name, required, MLRT_MAX_RANK, 0,
                       d->min, mlrt_param_at (p, d->count), v);
    default:
      return fail (c, "param '%s' is of a kind this reader does not know",
                   d->name);
    }
}

static MlrtStatus
parse_params (Ctx *c, MlrtLayer *l, json_object *params)
{
  if (params && !json_object_is_type (params, json_type_object))
    return fail (c, "'params' must be an object");
  mlrt_params_init (l->op, &l->p);
  for (const MlrtParamDesc *d = l->op->params; d && d->name; d++)
    TRY (read_param (c, params, l->op, d, &l->p));
  return MLRT_OK;
}

static MlrtStatus
parse_weights (Ctx *c, MlrtLayer *l, json_object *weights)
{
  if (weights == NULL)
    return MLRT_OK;
  if (!json_object_is_type (weights, json_type_object))
    return fail (c, "'weights' must be an object");
  json_object_object_foreach (weights, key, val)
    {
      MlrtWeight *w;
      char *enc = NULL;
      int64_t offset[1] = { 0 }, size[1] = { 0 };
      json_object *o = member (val, "offset"), *s = member (val, "size");

      if (l->n_weights == MLRT_MAX_WEIGHTS)
        return fail (c, "too many weights (at most %d)", MLRT_MAX_WEIGHTS);
      w = &l->weights[l->n_weights++];
      w->name = strdup (key);
      if (!json_object_is_type (val, json_type_object))
        return fail (c, "weight '%s' must be an object", key);
      TRY (get_ints (c, val, "shape", 1, 4, 0, 1, &w->rank, w->shape));
      if (!mlrt_shape_fits (w->rank, w->shape))
        return fail (c, "weight '%s' has more than %d values", key,
                     MLRT_MAX_ELEMENTS);
      TRY (get_string (c, val, "encoding", 1, &enc));
      if (!mlrt_encoding_parse (enc, &w->encoding, &w->bits))
        {
          MlrtStatus st = fail (c, "weight '%s': unknown encoding '%s'", key,
                                enc);
          free (enc);
          return st;
        }
      free (enc);
      if (o == NULL || s == NULL || !json_object_is_type (o, json_type_int)
          || !json_object_is_type (s, json_type_int))
        return fail (c, "weight '%s' needs integer 'offset' and 'size'", key);
      offset[0] = json_object_get_int64 (o);
      size[0] = json_object_get_int64 (s);
      if (offset[0] < 0 || size[0] < 0)
        return fail (c, "weight '%s': negative offset or size", key);
      w->offset = (uint64_t) offset[0];
      w->size = (uint64_t) size[0];
    }
  return MLRT_OK;
}

/* The fields only a compiled spec carries: fusion results. */
static MlrtStatus
parse_compiled_layer (Ctx *c, MlrtLayer *l, json_object *obj)
{
  json_object *act = member (obj, "activation");
  json_object *fold = member (obj, "fold_batch_norm");
  json_object *fused = member (obj, "fused");

  if (act)
    {
      char *type = NULL;
      TRY (get_string (c, act, "type", 1, &type));
      int ok = mlrt_activation_from_name (type, &l->act);
      free (type);
      if (!ok)
        return fail (c, "unknown fused activation");
      l->act_alpha = 0;
      TRY (get_float (c, act, "alpha", &l->act_alpha));
    }
  if (fold)
    {
      l->fold_bn = 1;
      TRY (get_float (c, fold, "epsilon", &l->bn_epsilon));
    }
  if (fused && json_object_is_type (fused, json_type_array))
    {
      size_t n = json_object_array_length (fused);
      l->fused = calloc (n + 1, sizeof (char *));
      for (size_t i = 0; i < n; i++)
        {
          json_object *e = json_object_array_get_idx (fused, i);
          if (!json_object_is_type (e, json_type_string))
            return fail (c, "'fused' must hold layer names");
          l->fused[l->n_fused++] = strdup (json_object_get_string (e));
        }
    }
  return MLRT_OK;
}

static MlrtStatus
parse_names (Ctx *c, json_object *obj, const char *key, int max,
             int *n, char **names)
{
  json_object *v = member (obj, key);
  size_t len;

  if (v == NULL || !json_object_is_type (v, json_type_array))
    return fail (c, "'%s' must be an array of tensor names", key);
  len = json_object_array_length (v);
  if (len < 1 || (int) len > max)
    return fail (c, "'%s' must name 1 to %d tensors, not %zu", key, max, len);
  for (size_t i = 0; i < len; i++)
    {
      json_object *e = json_object_array_get_idx (v, i);
      if (!json_object_is_type (e, json_type_string))
        return fail (c, "'%s' must be an array of tensor names", key);
      names[i] = strdup (json_object_get_string (e));
      (*n)++;
    }
  return MLRT_OK;
}

static MlrtStatus
parse_layer (Ctx *c, json_object *obj, int compiled, MlrtLayer *l)
{
  char *op = NULL;
  char *outs[1] = { NULL };
  int n_out = 0;
  json_object *out_arr = member (obj, "outputs");

  if (!json_object_is_type (obj, json_type_object))
    return fail (c, "every layer must be an object");
  TRY (get_string (c, obj, "name", 1, &l->name));
  c->layer = l->name;
  TRY (get_string (c, obj, "origin", 0, &l->origin));
  c->node = l->origin;
  TRY (get_string (c, obj, "op", 1, &op));
  l->op = mlrt_op_lookup (c->ops, op);
  if (l->op == NULL)
    {
      MlrtStatus st;
      c->op = op;
      st = fail (c, "unknown op '%s'", op);
      c->op = NULL;
      free (op);
      return st;
    }
  free (op);
  c->op = l->op->name;
  TRY (parse_names (c, obj, "inputs", MLRT_MAX_LAYER_INPUTS, &l->n_inputs,
                    l->input_names));
  if (out_arr && json_object_is_type (out_arr, json_type_array)
      && json_object_array_length (out_arr) != 1)
    return fail (c, "'outputs' must name exactly one tensor");
  TRY (parse_names (c, obj, "outputs", 1, &n_out, outs));
  l->output_name = outs[0];
  TRY (parse_params (c, l, member (obj, "params")));
  TRY (parse_weights (c, l, member (obj, "weights")));
  if (compiled)
    TRY (parse_compiled_layer (c, l, obj));
  return MLRT_OK;
}

static MlrtStatus
parse_features (Ctx *c, json_object *root, const char *key, size_t *n,
                MlrtFeature **out)
{
  json_object *arr = member (root, key);

  if (arr == NULL || !json_object_is_type (arr, json_type_array)
      || json_object_array_length (arr) == 0)
    return fail (c, "'%s' must be a non-empty array", key);
  *n = json_object_array_length (arr);
  *out = calloc (*n, sizeof (MlrtFeature));
  for (size_t i = 0; i < *n; i++)
    {
      json_object *f = json_object_array_get_idx (arr, i);
      MlrtFeatureDescription *d = &(*out)[i].d;
      char *name = NULL, *type = NULL, *desc = NULL;

      TRY (get_string (c, f, "name", 1, &name));
      d->name = name;
      TRY (get_string (c, f, "type", 1, &type));
      d->type = mlrt_feature_type_from_name (type);
      free (type);
      if (d->type == MLRT_TYPE_INVALID)
        return fail (c, "%s '%s': unknown type (expected gray8, gray16_half, "
                     "bgra8, int32, float32, float64 or float16)",
                     key, name);
      TRY (get_ints (c, f, "shape", 1, MLRT_MAX_RANK, 0, 1, &d->rank,
                     d->shape));
      if (d->type <= MLRT_TYPE_BGRA8 && d->rank != 2)
        return fail (c, "%s '%s': an image's shape is [height, width]", key,
                     name);
      TRY (get_string (c, f, "description", 0, &desc));
      d->description = desc;
      (*out)[i].tensor = -1;
    }
  return MLRT_OK;
}

/* metadata.user_defined: string values under any keys, as coremltools'
 * user_defined_metadata. */
static MlrtStatus
parse_user_metadata (Ctx *c, json_object *user, MlrtSpec *spec)
{
  size_t n, i = 0;

  if (user == NULL)
    return MLRT_OK;
  if (!json_object_is_type (user, json_type_object))
    return fail (c, "metadata 'user_defined' must be an object");
  n = (size_t) json_object_object_length (user);
  spec->user_metadata_keys = calloc (n + 1, sizeof (char *));
  spec->user_metadata_values = calloc (n + 1, sizeof (char *));
  if (spec->user_metadata_keys == NULL || spec->user_metadata_values == NULL)
    return mlrt_set_error (c->error, MLRT_ERROR_NO_MEMORY, "out of memory");
  json_object_object_foreach (user, key, val)
    {
      if (!json_object_is_type (val, json_type_string))
        return fail (c, "metadata 'user_defined' value '%s' must be a "
                     "string", key);
      spec->user_metadata_keys[i] = strdup (key);
      spec->user_metadata_values[i] = strdup (json_object_get_string (val));
      spec->n_user_metadata = ++i;
    }
  return MLRT_OK;
}

static MlrtStatus
parse_metadata (Ctx *c, json_object *meta, MlrtSpec *spec)
{
  json_object *labels = member (meta, "class_labels");

  if (meta && !json_object_is_type (meta, json_type_object))
    return fail (c, "'metadata' must be an object");
  TRY (get_string (c, meta, "author", 0, &spec->author));
  TRY (get_string (c, meta, "description", 0, &spec->description));
  TRY (get_string (c, meta, "version", 0, &spec->version));
  TRY (get_string (c, meta, "license", 0, &spec->license));
  TRY (get_string (c, meta, "compute_precision", 0,
                   &spec->compute_precision));
  TRY (get_string (c, meta, "storage_precision", 0,
                   &spec->storage_precision));
  if (spec->compute_precision == NULL)
    spec->compute_precision = strdup ("float32");
  if (strcmp (spec->compute_precision, "float16") == 0)
    spec->half = 1;
  else if (strcmp (spec->compute_precision, "float32") != 0)
    return fail (c, "metadata 'compute_precision' is '%s', expected "
                 "'float32' or 'float16'", spec->compute_precision);
  if (spec->storage_precision == NULL)
    spec->storage_precision = strdup ("float32");
  TRY (parse_user_metadata (c, member (meta, "user_defined"), spec));
  if (labels)
    {
      if (!json_object_is_type (labels, json_type_array))
        return fail (c, "metadata 'class_labels' must be an array");
      spec->n_class_labels = json_object_array_length (labels);
      spec->class_labels = calloc (spec->n_class_labels + 1, sizeof (char *));
      for (size_t i = 0; i < spec->n_class_labels; i++)
        {
          json_object *e = json_object_array_get_idx (labels, i);
          if (!json_object_is_type (e, json_type_string))
            return fail (c, "metadata 'class_labels' must hold strings");
          spec->class_labels[i] = strdup (json_object_get_string (e));
        }
    }
  return MLRT_OK;
}

static MlrtStatus
parse_root (Ctx *c, json_object *root, int compiled, MlrtSpec *spec)
{
  json_object *version = member (root, "format_version");
  json_object *layers = member (root, "layers");

  if (!json_object_is_type (root, json_type_object))
    return fail (c, "the spec must be a JSON object");
  if (version == NULL || !json_object_is_type (version, json_type_int)
      || json_object_get_int64 (version) != 1)
    return fail (c, "'format_version' must be 1");
  TRY (get_string (c, root, "name", 1, &spec->name));
  TRY (parse_metadata (c, member (root, "metadata"), spec));
  TRY (parse_features (c, root, "inputs", &spec->n_inputs, &spec->inputs));
  TRY (parse_features (c, root, "outputs", &spec->n_outputs,
                       &spec->outputs));
  if (layers == NULL || !json_object_is_type (layers, json_type_array)
      || json_object_array_length (layers) == 0)
    return fail (c, "'layers' must be a non-empty array");
  spec->n_layers = json_object_array_length (layers);
  spec->layers = calloc (spec->n_layers, sizeof (MlrtLayer));
  for (size_t i = 0; i < spec->n_layers; i++)
    {
      TRY (parse_layer (c, json_object_array_get_idx (layers, i), compiled,
                        &spec->layers[i]));
      c->layer = NULL;
      c->op = NULL;
      c->node = NULL;
    }
  return MLRT_OK;
}

MlrtStatus
mlrt_json_spec_read (const char *json, size_t len, const char *origin,
                     int compiled, const MlrtOpTable *ops, MlrtSpec *spec,
                     MlrtError *error)
{
  Ctx c = { origin, ops, NULL, NULL, NULL, error };
  size_t valid = mlrt_utf8_valid_prefix (json, len);
  json_tokener *tok;
  json_object *root;
  MlrtStatus st;

  memset (spec, 0, sizeof *spec);
  /* json-c copies string bytes as they are: names that are not UTF-8
   * would reach traces and JSON that other tools read. */
  if (valid < len)
    return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                           "%s: invalid UTF-8 at byte %zu (0x%02x): the "
                           "spec must be UTF-8 text", origin, valid,
                           (unsigned) (unsigned char) json[valid]);
  tok = json_tokener_new ();
  if (tok == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: out of memory",
                           origin);
  root = json_tokener_parse_ex (tok, json, (int) len);
  if (root == NULL || json_tokener_get_parse_end (tok) < len)
    {
      enum json_tokener_error jerr = json_tokener_get_error (tok);
      size_t at = json_tokener_get_parse_end (tok);
      if (root == NULL && jerr == json_tokener_continue)
        jerr = json_tokener_error_parse_eof;
      json_object_put (root);
      json_tokener_free (tok);
      return mlrt_set_error (error, MLRT_ERROR_FORMAT,
                             "%s: invalid JSON at byte %zu: %s", origin, at,
                             jerr == json_tokener_success
                             ? "unexpected data after the end"
                             : json_tokener_error_desc (jerr));
    }
  json_tokener_free (tok);
  st = parse_root (&c, root, compiled, spec);
  json_object_put (root);
  if (st != MLRT_OK)
    mlrt_spec_clear (spec);
  return st;
}
