/*
 * test-codegen-model.c: one model's generated interface against the
 * untyped API. Built once per model (runtime/codegen/meson.build) with
 * MODEL (the generated prefix), MODEL_UPPER and MODEL_HEADER defined, and
 * with -Wall -Wextra -Werror, as an app would build it.
 *
 * Checks: MODEL_load finds the compiled model through $MLRT_MODEL_PATH;
 * the typed prediction of random inputs fills the caller's output
 * memory with exactly what mlrt_model_predict gives for the same inputs;
 * MODEL_load finds the model beside the program and, from a copy of the
 * program elsewhere, says it found none; an unset field, output backings
 * in the options and another model's file are refused with messages that
 * name them.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include MODEL_HEADER

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_ (a, b)
#define FN(x) CAT (MODEL, x)
#define LIST(x) CAT (MODEL_UPPER, x)

typedef FN (input) Input;
typedef FN (output) Output;
typedef MODEL Model;

/* Random values of the element type: bytes for images, halves in 0..1,
 * floats in -1..1, small integers. */
static void
fill (void *data, MlrtFeatureType type, size_t count, GRand *rng)
{
  for (size_t i = 0; i < count; i++)
    switch (type)
      {
      case MLRT_TYPE_GRAY8:
      case MLRT_TYPE_BGRA8:
        ((uint8_t *) data)[i] = (uint8_t) g_rand_int_range (rng, 0, 256);
        break;
      case MLRT_TYPE_GRAY16_HALF:
      case MLRT_TYPE_FLOAT16:
        ((uint16_t *) data)[i]
          = mlrt_float_to_half ((float) g_rand_double (rng));
        break;
      case MLRT_TYPE_INT32:
        ((int32_t *) data)[i] = g_rand_int_range (rng, -100, 100);
        break;
      case MLRT_TYPE_FLOAT32:
        ((float *) data)[i] = (float) g_rand_double_range (rng, -1, 1);
        break;
      case MLRT_TYPE_FLOAT64:
        ((double *) data)[i] = g_rand_double_range (rng, -1, 1);
        break;
      case MLRT_TYPE_INVALID:
      default:
        g_assert_not_reached ();
      }
}

static const MlrtFeatureDescription *
described (size_t n, const MlrtFeatureDescription *list, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (list[i].name, name) == 0)
      return &list[i];
  g_error ("the model has no feature '%s'", name);
  return NULL;
}

static Model *
load_ok (void)
{
  MlrtError error = { 0 };
  Model *model = FN (load) (MLRT_COMPUTE_CPU_ONLY, &error);

  if (model == NULL)
    g_error ("%s", error.message);
  return model;
}

static void
test_same_as_untyped (void)
{
  Model *model = load_ok ();
  const MlrtModelDescription *d = mlrt_model_description (model->model);
  GRand *rng = g_rand_new_with_seed (16);
  Input in;
  Output out, backing;
  MlrtFeatures *inputs = mlrt_features_new (), *outputs = NULL;
  MlrtError error = { 0 };

#define ALLOC_INPUT(field, ctype, mtype, count, name) \
  { \
    ctype *data = g_new (ctype, count); \
    const MlrtFeatureDescription *f = described (d->n_inputs, d->inputs, \
                                                 name); \
    MlrtValue v = { mtype, f->rank, { 0 }, data, NULL }; \
    fill (data, mtype, count, rng); \
    memcpy (v.shape, f->shape, sizeof v.shape); \
    g_assert_cmpint (mlrt_features_set (inputs, name, &v, NULL), ==, \
                     MLRT_OK); \
    in.field = data; \
  }
  LIST (INPUTS) (ALLOC_INPUT)

  g_assert_cmpint (FN (output_alloc) (&out, &error), ==, MLRT_OK);
  backing = out;
  if (FN (predict) (model, &in, &out, NULL, &error) != MLRT_OK)
    g_error ("typed predict: %s", error.message);
  if (mlrt_model_predict (model->model, inputs, NULL, &outputs, &error)
      != MLRT_OK)
    g_error ("untyped predict: %s", error.message);

#define COMPARE_OUTPUT(field, ctype, mtype, count, name) \
  { \
    const MlrtValue *v = mlrt_features_get (outputs, name); \
    g_assert_nonnull (v); \
    g_assert_cmpint (v->type, ==, mtype); \
    g_assert_cmpuint (mlrt_value_byte_size (v), ==, count * sizeof (ctype)); \
    g_assert_true (out.field == backing.field); \
    if (memcmp (out.field, v->data, count * sizeof (ctype)) != 0) \
      g_error ("output '%s' differs from the untyped API's", name); \
  }
  LIST (OUTPUTS) (COMPARE_OUTPUT)

#define FREE_INPUT(field, ctype, mtype, count, name) \
  g_free ((void *) in.field);
  LIST (INPUTS) (FREE_INPUT)

  mlrt_features_free (outputs);
  mlrt_features_free (inputs);
  FN (output_free) (&out);
  g_rand_free (rng);
  FN (free) (model);
}

static void
expect_error (MlrtStatus got, const MlrtError *error, MlrtStatus status,
              const char *needle)
{
  if (got != status || strstr (error->message, needle) == NULL)
    g_error ("expected %s and \"%s\", got %s: %s",
             mlrt_status_name (status), needle, mlrt_status_name (got),
             error->message);
}

static void
test_refusals (void)
{
  Model *model = load_ok ();
  MlrtFeatures *backings = mlrt_features_new ();
  MlrtPredictOptions options = { backings };
  Input in;
  Output out;
  MlrtError error = { 0 };
  const char *other = g_getenv ("MLRT_OTHER_MODEL");

  memset (&in, 0, sizeof in);
  g_assert_cmpint (FN (output_alloc) (&out, &error), ==, MLRT_OK);
  expect_error (FN (predict) (model, &in, &out, NULL, &error), &error,
                MLRT_ERROR_INVALID_ARGUMENT, "the field is not set");
  expect_error (FN (predict) (model, &in, &out, &options, &error), &error,
                MLRT_ERROR_INVALID_ARGUMENT, "output_backings must be NULL");
  g_assert_null (FN (load_file) (other, NULL, &error));
  expect_error (error.status, &error, MLRT_ERROR_FORMAT, "not the model");
  g_assert_nonnull (strstr (error.message, other));
  FN (output_free) (&out);
  mlrt_features_free (backings);
  FN (free) (model);
}

/* This program, copied where no model is, run with $MLRT_MODEL_PATH
 * leading nowhere: there MODEL_load must say what it did not find. */
static void
not_found (void)
{
  MlrtError error = { 0 };

  if (FN (load) (MLRT_COMPUTE_CPU_ONLY, &error) != NULL)
    g_error ("a model was found with no model beside the program");
  expect_error (error.status, &error, MLRT_ERROR_IO,
                "not found in $MLRT_MODEL_PATH nor beside the program");
  exit (0);
}

/* The compiled model lies beside this program: found with no
 * $MLRT_MODEL_PATH; a copy of the program elsewhere finds nothing. */
static void
test_lookup (void)
{
  char *self = g_file_read_link ("/proc/self/exe", NULL);
  char *dir = g_dir_make_tmp ("codegen-XXXXXX", NULL);
  char *copy = g_build_filename (dir, "alone", NULL);
  char *argv[] = { copy, NULL };
  char **envp = g_environ_setenv (g_get_environ (), "MLRT_MODEL_PATH",
                                  "/nonexistent:", TRUE);
  char *contents, *err;
  gsize size;
  int status;
  Model *model;
  MlrtError error = { 0 };

  g_unsetenv ("MLRT_MODEL_PATH");
  model = FN (load) (MLRT_COMPUTE_CPU_ONLY, &error);
  if (model == NULL)
    g_error ("not found beside the program: %s", error.message);
  FN (free) (model);
  g_assert_true (g_file_get_contents (self, &contents, &size, NULL));
  g_assert_true (g_file_set_contents (copy, contents, (gssize) size, NULL));
  g_assert_cmpint (g_chmod (copy, 0700), ==, 0);
  envp = g_environ_setenv (envp, "CODEGEN_TEST_NOT_FOUND", "1", TRUE);
  g_assert_true (g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the copy without a model: %s", err);
  g_remove (copy);
  g_rmdir (dir);
  g_free (err);
  g_free (contents);
  g_strfreev (envp);
  g_free (copy);
  g_free (dir);
  g_free (self);
}

int
main (int argc, char **argv)
{
  if (g_getenv ("CODEGEN_TEST_NOT_FOUND"))
    not_found ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/codegen/same-as-untyped", test_same_as_untyped);
  g_test_add_func ("/codegen/refusals", test_refusals);
  g_test_add_func ("/codegen/lookup", test_lookup);
  return g_test_run ();
}
