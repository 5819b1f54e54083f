/*
 * test-op-table.c: the op table (runtime/src/ops/ops.h) and the import
 * boundary, from inside the runtime: every built-in row is complete; an op
 * added to a scratch copy of the table without a shape rule, or without a
 * kernel, is refused with a clear error naming it, never given a guessed
 * shape; params a frontend sets directly are range-checked by the passes,
 * and names it copies from a binary format are checked to be UTF-8; the
 * source node of a layer survives fusion and serialization.
 */
#include <glib.h>
#include <string.h>

#include "frontends/json/json-frontend.h"
#include "mlrt-internal.h"
#include "passes/passes.h"

/* A model.json with input x [1, 2, 2] and `layers`, ending in y of
 * `y_shape`. */
static char *
model_json (const char *y_shape, const char *layers)
{
  return g_strdup_printf (
    "{\"format_version\": 1, \"name\": \"scratch\","
    " \"inputs\": [{\"name\": \"x\", \"type\": \"float32\", \"shape\": [1, 2, 2]}],"
    " \"outputs\": [{\"name\": \"y\", \"type\": \"float32\", \"shape\": %s}],"
    " \"layers\": [%s]}", y_shape, layers);
}

static void
read_spec (const char *json, const MlrtOpTable *ops, MlrtSpec *spec)
{
  MlrtError error = { 0 };

  if (mlrt_json_spec_read (json, strlen (json), "scratch/model.json", 0, ops,
                           spec, &error) != MLRT_OK)
    g_error ("reading the spec: %s", error.message);
}

static void
assert_message (const MlrtError *error, const char *want)
{
  g_test_message ("error: %s", error->message);
  if (strstr (error->message, want) == NULL)
    g_error ("'%s' not in the message: %s", want, error->message);
}

static void
test_builtin_rows_complete (void)
{
  const MlrtOpTable *t = &mlrt_op_table;

  g_assert_cmpuint (t->n_ops, ==, MLRT_N_OPS);
  for (size_t i = 0; i < t->n_ops; i++)
    {
      const MlrtOpDef *op = t->ops[i];

      g_test_message ("op %s", op->name);
      g_assert_cmpint (op->id, ==, (int) i);
      g_assert_true (mlrt_op_lookup (t, op->name) == op);
      g_assert_nonnull (op->shape);
      g_assert_nonnull (op->cost);
      g_assert_true (mlrt_cpu_unit_ops.has_kernel (op));
      for (const MlrtParamDesc *d = op->params; d && d->name; d++)
        {
          g_assert_true (mlrt_param_find (op, d->name) == d);
          if (d->default_from)
            g_assert_true (mlrt_param_find (op, d->default_from) < d);
          if (d->kind == MLRT_PARAM_CHOICE)
            g_assert_nonnull (d->choices);
        }
    }
}

static const char scratch_layer[] =
  "{\"name\": \"g\", \"op\": \"scratch_gather\", \"inputs\": [\"x\"],"
  " \"outputs\": [\"y\"]}";

/* Reads a model of one scratch_gather layer with the built-in table plus
 * `row`, as a test (or a future op) would extend it, and infers it. */
static MlrtStatus
infer_scratch (const MlrtOpDef *row, MlrtSpec *spec, MlrtError *error)
{
  const MlrtOpDef *rows[MLRT_N_OPS + 1];
  MlrtOpTable table = { MLRT_N_OPS + 1, rows };
  char *json = model_json ("[1, 2, 2]", scratch_layer);

  memcpy (rows, mlrt_op_table.ops, MLRT_N_OPS * sizeof rows[0]);
  rows[MLRT_N_OPS] = row;
  read_spec (json, &table, spec);
  g_free (json);
  return mlrt_spec_infer (spec, "scratch/model.json", error);
}

static void
test_scratch_op_without_shape_rule (void)
{
  const MlrtOpDef row = {
    .id = MLRT_N_OPS, .name = "scratch_gather", .n_inputs = 1,
    .cost = mlrt_cost_per_output,
  };
  char *json = model_json ("[1, 2, 2]", scratch_layer);
  MlrtSpec spec;
  MlrtError error = { 0 };

  /* Not an op of the built-in table: refused by name when read. */
  g_assert_cmpint (mlrt_json_spec_read (json, strlen (json), "m.json", 0,
                                        &mlrt_op_table, &spec, &error), ==,
                   MLRT_ERROR_FORMAT);
  assert_message (&error, "unknown op 'scratch_gather'");

  /* In the scratch table it reads, and inference refuses it, naming the
   * file, the layer and the missing rule, instead of guessing a shape. */
  g_assert_cmpint (infer_scratch (&row, &spec, &error), ==,
                   MLRT_ERROR_UNSUPPORTED);
  assert_message (&error, "scratch/model.json: layer 'g' (scratch_gather): "
                  "op 'scratch_gather' has no shape rule");
  mlrt_spec_clear (&spec);
  g_free (json);
}

static void
test_scratch_op_without_cost_rule (void)
{
  const MlrtOpDef row = {
    .id = MLRT_N_OPS, .name = "scratch_gather", .n_inputs = 1,
    .shape = mlrt_shape_same,
  };
  MlrtSpec spec;
  MlrtError error = { 0 };

  g_assert_cmpint (infer_scratch (&row, &spec, &error), ==,
                   MLRT_ERROR_UNSUPPORTED);
  assert_message (&error, "op 'scratch_gather' has no cost rule");
  mlrt_spec_clear (&spec);
}

/* Complete rules but no unit has a kernel: the load's plan says so. */
static void
test_scratch_op_without_kernel (void)
{
  const MlrtOpDef row = {
    .id = MLRT_N_OPS, .name = "scratch_gather", .n_inputs = 1,
    .shape = mlrt_shape_same, .cost = mlrt_cost_per_output,
  };
  MlrtModel m = { 0 };
  MlrtError error = { 0 };

  g_assert_cmpint (infer_scratch (&row, &m.spec, &error), ==, MLRT_OK);
  m.name = "scratch";
  m.compute_units = MLRT_COMPUTE_ALL;
  m.placement = MLRT_PLACEMENT_ESTIMATED;
  g_assert_cmpint (mlrt_plan_build (&m, &error), ==, MLRT_ERROR_UNSUPPORTED);
  assert_message (&error, "scratch: layer 'g' (scratch_gather): no allowed "
                  "compute unit supports it (cpu: the cpu has no kernel for "
                  "this op)");
  for (int u = 0; u < MLRT_N_UNITS; u++)
    g_assert_false (m.plan[0].supported[u]);
  mlrt_plan_free (&m);
  mlrt_spec_clear (&m.spec);
}

/* A frontend other than model.json sets params directly: the passes
 * check their ranges all the same, naming the source node. */
static void
test_params_checked_for_any_frontend (void)
{
  char *json = model_json ("[1, 2, 2]",
    "{\"name\": \"c\", \"op\": \"conv2d\", \"inputs\": [\"x\"],"
    " \"outputs\": [\"y\"], \"params\": {\"out_channels\": 1,"
    " \"kernel\": [1, 1]}, \"weights\": {\"weight\": {\"shape\": [1, 1, 1, 1],"
    " \"encoding\": \"float32\", \"offset\": 0, \"size\": 4}}}");
  MlrtSpec spec;
  MlrtError error = { 0 };

  read_spec (json, &mlrt_op_table, &spec);
  g_assert_cmpint (mlrt_spec_infer (&spec, "m.onnx", &error), ==, MLRT_OK);
  spec.layers[0].origin = g_strdup ("Conv_7");
  spec.layers[0].p.stride[1] = 0;
  g_assert_cmpint (mlrt_spec_infer (&spec, "m.onnx", &error), ==,
                   MLRT_ERROR_FORMAT);
  assert_message (&error, "m.onnx: layer 'c' (conv2d, node 'Conv_7'): param "
                  "'stride' is 0, must be 1 to");
  spec.layers[0].p.stride[1] = 1;
  spec.layers[0].p.groups = MLRT_PARAM_INT_MAX + 1;
  g_assert_cmpint (mlrt_spec_infer (&spec, "m.onnx", &error), ==,
                   MLRT_ERROR_FORMAT);
  assert_message (&error, "param 'groups' is 16777217");
  mlrt_spec_clear (&spec);
  g_free (json);
}

/* A frontend that copies names out of a binary format (ONNX's protobuf
 * strings) may hand the compiler bytes that are not UTF-8: refused before
 * any other work, naming the layer and what. */
static void
test_text_checked_for_any_frontend (void)
{
  char *json = model_json ("[1, 2, 2]",
    "{\"name\": \"r\", \"op\": \"relu\", \"inputs\": [\"x\"],"
    " \"outputs\": [\"y\"]}");
  MlrtSpec spec;
  MlrtError error = { 0 };
  char *compiled = NULL;

  read_spec (json, &mlrt_op_table, &spec);
  spec.layers[0].origin = g_strdup ("Relu\xc3\x28");
  g_assert_cmpint (mlrt_compile_spec (&spec, NULL, 0, "m.onnx", "m.onnx",
                                      &compiled, &error), ==,
                   MLRT_ERROR_FORMAT);
  g_assert_null (compiled);
  g_assert_cmpuint (spec.n_tensors, ==, 0);
  assert_message (&error, "m.onnx: layer 0: the origin is not UTF-8 text "
                  "(byte 4 is 0xc3)");
  g_free (spec.layers[0].origin);
  spec.layers[0].origin = NULL;
  g_free (spec.layers[0].input_names[0]);
  spec.layers[0].input_names[0] = g_strdup ("\xe0\x80\xaf");
  g_assert_cmpint (mlrt_compile_spec (&spec, NULL, 0, "m.onnx", "m.onnx",
                                      &compiled, &error), ==,
                   MLRT_ERROR_FORMAT);
  assert_message (&error, "m.onnx: layer 'r' (relu): an input name is not "
                  "UTF-8 text (byte 0 is 0xe0)");
  mlrt_spec_clear (&spec);
  g_free (json);
}

/* Reads and compiles a model.json (every weight the float 1), failing
 * the test on any error; returns the compiled spec (free() it). */
static char *
compile_json (const char *json, MlrtSpec *spec)
{
  const float one = 1.0f;
  MlrtError error = { 0 };
  char *compiled = NULL;

  read_spec (json, &mlrt_op_table, spec);
  if (mlrt_compile_spec (spec, (const uint8_t *) &one, sizeof one,
                         "m.json", "m.bin", &compiled, &error) != MLRT_OK)
    g_error ("%s", error.message);
  return compiled;
}

/* conv -> batch_norm -> relu fuse into one layer that keeps the conv's
 * source node, through the compiled spec and back. */
static void
test_origin_survives_fusion (void)
{
  char *json = model_json ("[1, 2, 2]",
    "{\"name\": \"c\", \"origin\": \"Conv_0\", \"op\": \"conv2d\","
    " \"inputs\": [\"x\"], \"outputs\": [\"t1\"],"
    " \"params\": {\"out_channels\": 1, \"kernel\": [1, 1]},"
    " \"weights\": {\"weight\": {\"shape\": [1, 1, 1, 1],"
    " \"encoding\": \"float32\", \"offset\": 0, \"size\": 4}}},"
    "{\"name\": \"bn\", \"origin\": \"BatchNormalization_1\","
    " \"op\": \"batch_norm\", \"inputs\": [\"t1\"], \"outputs\": [\"t2\"],"
    " \"weights\": {"
    "  \"mean\": {\"shape\": [1], \"encoding\": \"float32\", \"offset\": 0, \"size\": 4},"
    "  \"variance\": {\"shape\": [1], \"encoding\": \"float32\", \"offset\": 0, \"size\": 4},"
    "  \"gamma\": {\"shape\": [1], \"encoding\": \"float32\", \"offset\": 0, \"size\": 4},"
    "  \"beta\": {\"shape\": [1], \"encoding\": \"float32\", \"offset\": 0, \"size\": 4}}},"
    "{\"name\": \"r\", \"op\": \"relu\", \"inputs\": [\"t2\"],"
    " \"outputs\": [\"y\"]}");
  MlrtSpec spec, back;
  MlrtError error = { 0 };
  char *compiled = compile_json (json, &spec);

  g_assert_cmpuint (spec.n_layers, ==, 1);
  g_assert_cmpstr (spec.layers[0].origin, ==, "Conv_0");
  g_assert_cmpint (spec.layers[0].n_fused, ==, 2);
  g_assert_cmpstr (spec.layers[0].fused[0], ==, "bn");
  g_assert_cmpstr (spec.layers[0].fused[1], ==, "r");
  g_assert_true (spec.layers[0].fold_bn);
  g_assert_cmpint (spec.layers[0].act, ==, MLRT_ACT_RELU);
  if (mlrt_json_spec_read (compiled, strlen (compiled), "m.mlmodelc", 1,
                           &mlrt_op_table, &back, &error) != MLRT_OK)
    g_error ("%s", error.message);
  g_assert_cmpstr (back.layers[0].origin, ==, "Conv_0");
  mlrt_spec_clear (&back);
  mlrt_spec_clear (&spec);
  free (compiled);
  g_free (json);
}

/* conv -> relu -> scale by one value -> add one value -> add one value:
 * the first three fuse into the conv as its output affine (out_scale,
 * out_bias, shape [1]); the second add stays, as nothing may follow a
 * fused bias; a conv without an activation keeps its scale layer. */
static void
test_output_scale_fusion (void)
{
#define SCALAR(name) \
    " \"" name "\": {\"shape\": [1], \"encoding\": \"float32\"," \
    " \"offset\": 0, \"size\": 4}"
#define CONV(name, in, out) \
    "{\"name\": \"" name "\", \"op\": \"conv2d\"," \
    " \"inputs\": [\"" in "\"], \"outputs\": [\"" out "\"]," \
    " \"params\": {\"out_channels\": 1, \"kernel\": [1, 1]}," \
    " \"weights\": {\"weight\": {\"shape\": [1, 1, 1, 1]," \
    " \"encoding\": \"float32\", \"offset\": 0, \"size\": 4}}}"
#define SCALE(name, in, out, weights) \
    "{\"name\": \"" name "\", \"op\": \"scale\"," \
    " \"inputs\": [\"" in "\"], \"outputs\": [\"" out "\"]," \
    " \"weights\": {" weights "}}"
  char *json = model_json ("[1, 2, 2]",
    CONV ("c", "x", "t1") ","
    "{\"name\": \"r\", \"op\": \"relu\", \"inputs\": [\"t1\"],"
    " \"outputs\": [\"t2\"]},"
    SCALE ("mul", "t2", "t3", SCALAR ("scale")) ","
    SCALE ("add", "t3", "t4", SCALAR ("bias")) ","
    SCALE ("add2", "t4", "t5", SCALAR ("bias")) ","
    CONV ("c2", "t5", "t6") ","
    SCALE ("mul2", "t6", "y", SCALAR ("scale") "," SCALAR ("bias")));
#undef SCALAR
#undef CONV
#undef SCALE
  MlrtSpec spec;
  char *compiled = compile_json (json, &spec);

  g_assert_cmpuint (spec.n_layers, ==, 4);
  g_assert_cmpstr (spec.layers[0].name, ==, "c");
  g_assert_cmpint (spec.layers[0].n_fused, ==, 3);
  g_assert_cmpstr (spec.layers[0].fused[2], ==, "add");
  g_assert_nonnull (mlrt_layer_weight (&spec.layers[0], "out_scale"));
  g_assert_nonnull (mlrt_layer_weight (&spec.layers[0], "out_bias"));
  g_assert_cmpint (mlrt_layer_weight (&spec.layers[0], "out_bias")->rank,
                   ==, 1);
  g_assert_cmpstr (spec.layers[1].name, ==, "add2");
  g_assert_cmpstr (spec.layers[2].name, ==, "c2");
  g_assert_null (mlrt_layer_weight (&spec.layers[2], "out_scale"));
  g_assert_cmpstr (spec.layers[3].name, ==, "mul2");
  mlrt_spec_clear (&spec);
  free (compiled);
  g_free (json);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/op-table/builtin-rows-complete",
                   test_builtin_rows_complete);
  g_test_add_func ("/core/op-table/scratch-op-without-shape-rule",
                   test_scratch_op_without_shape_rule);
  g_test_add_func ("/core/op-table/scratch-op-without-cost-rule",
                   test_scratch_op_without_cost_rule);
  g_test_add_func ("/core/op-table/scratch-op-without-kernel",
                   test_scratch_op_without_kernel);
  g_test_add_func ("/core/op-table/params-checked-for-any-frontend",
                   test_params_checked_for_any_frontend);
  g_test_add_func ("/core/op-table/text-checked-for-any-frontend",
                   test_text_checked_for_any_frontend);
  g_test_add_func ("/core/op-table/output-scale-fusion",
                   test_output_scale_fusion);
  g_test_add_func ("/core/op-table/origin-survives-fusion",
                   test_origin_survives_fusion);
  return g_test_run ();
}
