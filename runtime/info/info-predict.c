/*
 * info-predict.c: mlrt-info --predict, Xcode's Preview tab on the
 * command line: one prediction of the model on inputs read from files,
 * through the public API as an app makes it, its outputs shown the way
 * they read best: the top class labels of a classifier's probabilities,
 * a PNG for an image, a summary for any other array.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "info.h"

#define HEAD_VALUES 8

typedef struct {
  size_t index;
  double value;
} Ranked;

static double
element (const MlrtValue *v, size_t i)
{
  switch (v->type)
    {
    case MLRT_TYPE_FLOAT32: return ((const float *) v->data)[i];
    case MLRT_TYPE_FLOAT64: return ((const double *) v->data)[i];
    case MLRT_TYPE_INT32: return ((const int32_t *) v->data)[i];
    case MLRT_TYPE_FLOAT16:
    case MLRT_TYPE_GRAY16_HALF:
      return mlrt_half_to_float (((const uint16_t *) v->data)[i]);
    case MLRT_TYPE_GRAY8:
    case MLRT_TYPE_BGRA8: return ((const uint8_t *) v->data)[i];
    case MLRT_TYPE_INVALID:
    default: break;
    }
  return NAN;
}

static int
compare_ranked (const void *a, const void *b)
{
  const Ranked *x = a, *y = b;

  if (x->value != y->value)
    return x->value < y->value ? 1 : -1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static json_object *
shape_json (const MlrtValue *v)
{
  json_object *a = json_object_new_array ();

  for (int i = 0; i < v->rank; i++)
    json_object_array_add (a, json_object_new_int64 (v->shape[i]));
  return a;
}

static json_object *
top_labels (const MlrtSpec *spec, const MlrtValue *v, int k)
{
  size_t n = mlrt_value_element_count (v);
  Ranked *r = malloc (n * sizeof *r);
  json_object *top = json_object_new_array ();

  for (size_t i = 0; r && i < n; i++)
    r[i] = (Ranked) { i, element (v, i) };
  if (r)
    qsort (r, n, sizeof *r, compare_ranked);
  for (size_t i = 0; r && i < n && i < (size_t) k; i++)
    {
      json_object *o = json_object_new_object ();
      json_object_object_add (o, "label", json_object_new_string (
                                  spec->class_labels[r[i].index]));
      json_object_object_add (o, "index", json_object_new_int64 (
                                  (int64_t) r[i].index));
      json_object_object_add (o, "probability",
                              json_object_new_double (r[i].value));
      json_object_array_add (top, o);
    }
  free (r);
  return top;
}

static json_object *
summary (const MlrtValue *v)
{
  size_t n = mlrt_value_element_count (v), argmax = 0;
  double min = DBL_MAX, max = -DBL_MAX, sum = 0.0;
  json_object *s = json_object_new_object ();
  json_object *head = json_object_new_array ();

  for (size_t i = 0; i < n; i++)
    {
      double x = element (v, i);
      if (x > max)
        {
          max = x;
          argmax = i;
        }
      min = x < min ? x : min;
      sum += x;
      if (i < HEAD_VALUES)
        json_object_array_add (head, json_object_new_double (x));
    }
  json_object_object_add (s, "min", json_object_new_double (min));
  json_object_object_add (s, "max", json_object_new_double (max));
  json_object_object_add (s, "mean", json_object_new_double (
                              n ? sum / (double) n : 0.0));
  json_object_object_add (s, "argmax", json_object_new_int64 (
                              (int64_t) argmax));
  json_object_object_add (s, "first", head);
  return s;
}

/* One output, as JSON; image outputs are written to DIR/NAME.png. */
static MlrtStatus
show_output (const MlrtSpec *spec, const char *name, const MlrtValue *v,
             const InfoPredictOptions *o, json_object **out,
             MlrtError *error)
{
  json_object *j = json_object_new_object ();

  json_object_object_add (j, "name", json_object_new_string (name));
  json_object_object_add (j, "type", json_object_new_string (
                              mlrt_feature_type_name (v->type)));
  json_object_object_add (j, "shape", shape_json (v));
  *out = j;
  if (mlrt_feature_type_is_image (v->type))
    {
      char *path = mlrt_strdup_printf ("%s/%s.png", o->output_dir, name);
      MlrtStatus st = path ? info_write_png (path, v, error)
                           : mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                                             "out of memory");
      if (st == MLRT_OK)
        json_object_object_add (j, "png", json_object_new_string (path));
      free (path);
      return st;
    }
  if (spec->n_class_labels > 0
      && mlrt_value_element_count (v) == spec->n_class_labels)
    json_object_object_add (j, "top", top_labels (spec, v, o->top_k));
  else
    json_object_object_add (j, "summary", summary (v));
  return MLRT_OK;
}

static void
print_output_text (FILE *out, json_object *j)
{
  json_object *shape = json_object_object_get (j, "shape");
  json_object *png, *top, *s;

  fprintf (out, "%s (%s, [", json_object_get_string (
               json_object_object_get (j, "name")),
           json_object_get_string (json_object_object_get (j, "type")));
  for (size_t i = 0; i < json_object_array_length (shape); i++)
    fprintf (out, "%s%s", i ? ", " : "", json_object_get_string (
                 json_object_array_get_idx (shape, i)));
  fprintf (out, "])");
  if (json_object_object_get_ex (j, "png", &png))
    fprintf (out, " written to %s\n", json_object_get_string (png));
  else if (json_object_object_get_ex (j, "top", &top))
    {
      fprintf (out, "\n");
      for (size_t i = 0; i < json_object_array_length (top); i++)
        {
          json_object *t = json_object_array_get_idx (top, i);
          fprintf (out, "  %zu. %-24s %.6f\n", i + 1,
                   json_object_get_string (json_object_object_get (t,
                                                                  "label")),
                   json_object_get_double (json_object_object_get
                                           (t, "probability")));
        }
    }
  else if (json_object_object_get_ex (j, "summary", &s))
    fprintf (out, "\n  min %g  max %g  mean %g  argmax %s\n",
             json_object_get_double (json_object_object_get (s, "min")),
             json_object_get_double (json_object_object_get (s, "max")),
             json_object_get_double (json_object_object_get (s, "mean")),
             json_object_get_string (json_object_object_get (s, "argmax")));
}

static MlrtStatus
load (const MlrtModelInfo *info, MlrtComputeUnits units, MlrtModel **model,
      MlrtError *error)
{
  MlrtConfiguration config;
  uint8_t *data = NULL;
  size_t size = 0;
  MlrtStatus st;

  mlrt_configuration_init (&config);
  config.compute_units = units;
  if (info->archive)
    return mlrt_model_load_from_memory (info->spec.name, info->archive,
                                        info->archive_size, NULL, NULL,
                                        &config, model, error);
  if (info->kind != MLRT_MODEL_FILE_ARCHIVE)
    return mlrt_model_load (info->path, &config, model, error);
  st = mlrt_read_file (info->path, &data, &size, error);
  if (st == MLRT_OK)
    st = mlrt_model_load_from_memory (info->spec.name, data, size, NULL,
                                      NULL, &config, model, error);
  free (data);
  return st;
}

/* Which of the model's inputs `arg` feeds: the one it names (NAME=FILE),
 * else the `position`th; and the file. read_inputs has checked that
 * there are as many arguments as inputs. */
static const MlrtFeatureDescription *
input_for (const MlrtSpec *spec, const char *arg, size_t position,
           const char **file)
{
  const char *eq = strchr (arg, '=');

  *file = arg;
  for (size_t i = 0; eq && i < spec->n_inputs; i++)
    if (strncmp (spec->inputs[i].d.name, arg, (size_t) (eq - arg)) == 0
        && spec->inputs[i].d.name[eq - arg] == '\0')
      {
        *file = eq + 1;
        return &spec->inputs[i].d;
      }
  return &spec->inputs[position].d;
}

static MlrtStatus
read_inputs (const MlrtSpec *spec, const InfoPredictOptions *o,
             MlrtFeatures *inputs, MlrtError *error)
{
  if (o->n_inputs != spec->n_inputs)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "the model takes %zu input%s, %zu file%s given",
                           spec->n_inputs, spec->n_inputs == 1 ? "" : "s",
                           o->n_inputs, o->n_inputs == 1 ? "" : "s");
  for (size_t i = 0; i < o->n_inputs; i++)
    {
      const char *file;
      const MlrtFeatureDescription *d
        = input_for (spec, o->inputs[i], i, &file);
      MlrtValue v;
      MlrtStatus st = info_read_input (file, d, &v, error);
      if (st == MLRT_OK)
        st = mlrt_features_take (inputs, d->name, &v, error);
      if (st != MLRT_OK)
        {
          free (v.data);
          return st;
        }
    }
  return MLRT_OK;
}

static MlrtStatus
show_outputs (const MlrtModelInfo *info, const InfoPredictOptions *o,
              const MlrtFeatures *outputs, FILE *out, MlrtError *error)
{
  json_object *root = json_object_new_object ();
  json_object *list = json_object_new_array ();
  MlrtStatus st = MLRT_OK;

  json_object_object_add (root, "schema", json_object_new_string (
                              "mlrt-info-predict"));
  json_object_object_add (root, "schema_version",
                          json_object_new_int (MLRT_INFO_SCHEMA_VERSION));
  json_object_object_add (root, "model", json_object_new_string (
                              info->spec.name));
  json_object_object_add (root, "compute_units", json_object_new_string (
                              mlrt_compute_units_name (o->units)));
  json_object_object_add (root, "outputs", list);
  for (size_t i = 0; st == MLRT_OK && i < info->spec.n_outputs; i++)
    {
      const char *name = info->spec.outputs[i].d.name;
      json_object *j = NULL;
      st = show_output (&info->spec, name, mlrt_features_get (outputs, name),
                        o, &j, error);
      json_object_array_add (list, j);
      if (st == MLRT_OK && !o->json)
        print_output_text (out, j);
    }
  if (st == MLRT_OK && o->json)
    info_print_json (out, root);
  json_object_put (root);
  return st;
}

MlrtStatus
info_predict (const MlrtModelInfo *info, const InfoPredictOptions *o,
              FILE *out, MlrtError *error)
{
  MlrtFeatures *inputs = mlrt_features_new ();
  MlrtFeatures *outputs = NULL;
  MlrtModel *model = NULL;
  MlrtStatus st = inputs ? MLRT_OK
                         : mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                                           "out of memory");

  if (st == MLRT_OK)
    st = read_inputs (&info->spec, o, inputs, error);
  if (st == MLRT_OK)
    st = load (info, o->units, &model, error);
  if (st == MLRT_OK)
    st = mlrt_model_predict (model, inputs, NULL, &outputs, error);
  if (st == MLRT_OK)
    st = show_outputs (info, o, outputs, out, error);
  mlrt_features_free (outputs);
  mlrt_model_unload (model);
  mlrt_features_free (inputs);
  return st;
}
