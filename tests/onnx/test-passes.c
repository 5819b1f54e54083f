/*
 * test-passes.c: the frontend's graph passes and the errors a user meets
 * on the way: Identity and Dropout removal, shape arithmetic folded once
 * the input is pinned, dead nodes, cycles, inputs nothing writes, ops
 * without a shape rule, and --input names and dims that do not fit. Then
 * PaddleOCR's classifier and detector: with their inputs pinned every
 * tensor has a static shape, the shape arithmetic is gone, and the output
 * shapes are those ONNX Runtime gives.
 */
#include <string.h>

#include "onnx-build.h"
#include "onnx-test.h"

static const int64_t dyn4[4] = { -1, 3, -1, -1 };

static char *
write_model (OnnxBuild *b, const char *name)
{
  char *path = g_build_filename (onnx_test_tmpdir (), name, NULL);
  GError *error = NULL;

  g_assert_true (onnx_build_write (b, path, &error));
  onnx_build_free (b);
  return path;
}

static MlrtOnnxGraph *
read_model (const char *path)
{
  MlrtOnnxGraph *graph;
  MlrtError error = { 0 };

  if (mlrt_onnx_read_file (path, &graph, &error) != MLRT_OK)
    g_error ("%s", error.message);
  return graph;
}

static char *
op_list (const MlrtOnnxGraph *graph)
{
  GString *s = g_string_new (NULL);

  for (size_t n = 0; n < graph->n_nodes; n++)
    g_string_append_printf (s, "%s%s", n ? " " : "",
                            graph->nodes[n]->op_type);
  return g_string_free (s, FALSE);
}

static void
test_identity_dropout (void)
{
  OnnxBuild *b = onnx_build_new (13);
  g_autofree char *path = NULL, *ops = NULL;
  MlrtOnnxGraph *graph;
  MlrtError error = { 0 };

  onnx_build_input (b, "x", MLRT_ONNX_FLOAT, 4, (int64_t[]) { 1, 3, 8, 8 });
  onnx_build_input (b, "z", MLRT_ONNX_FLOAT, 1, (int64_t[]) { 4 });
  onnx_build_output (b, "y", MLRT_ONNX_FLOAT, -1, NULL);
  onnx_build_output (b, "z_out", MLRT_ONNX_FLOAT, -1, NULL);
  onnx_build_node (b, "Identity", "id1", "x", "a");
  onnx_build_node (b, "Relu", "relu", "a", "b");
  onnx_build_node (b, "Dropout", "drop", "b", "c,mask");
  onnx_build_node (b, "Identity", "id2", "c", "y");
  /* a graph input passed straight out must keep its Identity */
  onnx_build_node (b, "Identity", "id3", "z", "z_out");
  path = write_model (b, "identity.onnx");
  graph = read_model (path);
  if (mlrt_onnx_graph_prepare (graph, NULL, 0, &error) != MLRT_OK)
    g_error ("%s", error.message);
  ops = op_list (graph);
  g_assert_cmpstr (ops, ==, "Relu Identity");
  g_assert_cmpstr (graph->values[graph->nodes[0]->outputs[0]]->name, ==, "y");
  g_assert_cmpstr (graph->values[graph->nodes[0]->inputs[0]]->name, ==, "x");
  g_assert_true (mlrt_onnx_graph_check_static (graph, &error) == MLRT_OK);
  mlrt_onnx_graph_free (graph);
}

static MlrtOnnxTensor *
int64s (int rank, size_t n, const int64_t *values)
{
  int64_t dim = (int64_t) n;
  MlrtOnnxTensor *t = mlrt_onnx_tensor_new (MLRT_ONNX_INT64, rank, &dim,
                                            NULL);

  memcpy (t->data, values, n * sizeof *values);
  return t;
}

static void
add_initializer (OnnxBuild *b, const char *name, MlrtOnnxTensor *t)
{
  onnx_build_initializer (b, name, t);
  mlrt_onnx_tensor_free (t);
}

/* Shape -> Gather -> Unsqueeze -> Concat -> Cast -> Reshape, as exporters
 * write a flatten, plus a node nothing reads; `concat_axis` false leaves
 * Concat's required axis out. */
static char *
flatten_model (gboolean concat_axis)
{
  OnnxBuild *b = onnx_build_new (13);
  OnnxBuildNode *concat;

  onnx_build_input (b, "x", MLRT_ONNX_FLOAT, 4, dyn4);
  onnx_build_output (b, "y", MLRT_ONNX_FLOAT, 2, (int64_t[]) { -1, -1 });
  add_initializer (b, "idx", int64s (0, 1, (int64_t[]) { 0 }));
  add_initializer (b, "axes", int64s (1, 1, (int64_t[]) { 0 }));
  add_initializer (b, "rest", int64s (1, 1, (int64_t[]) { -1 }));
  onnx_build_node (b, "Relu", "relu", "x", "r");
  onnx_build_node (b, "Shape", "shape", "r", "s");
  onnx_build_node (b, "Gather", "batch", "s,idx", "n");
  onnx_build_node (b, "Unsqueeze", "batch_1d", "n,axes", "n1");
  concat = onnx_build_node (b, "Concat", "target", "n1,rest", "t");
  if (concat_axis)
    onnx_build_attr_int (concat, "axis", 0);
  onnx_build_attr_int (onnx_build_node (b, "Cast", "as_int64", "t", "t64"),
                       "to", MLRT_ONNX_INT64);
  onnx_build_node (b, "Sigmoid", "unused", "r", "u");
  onnx_build_node (b, "Reshape", "flatten", "r,t64", "y");
  return write_model (b, concat_axis ? "flatten.onnx" : "no-axis.onnx");
}

static void
test_fold_after_pin (void)
{
  g_autofree char *path = flatten_model (TRUE), *ops = NULL;
  MlrtOnnxGraph *graph = read_model (path);
  MlrtOnnxInputShape shape;
  const MlrtOnnxValue *y, *target;
  MlrtError error = { 0 };
  char buf[64];

  g_assert_cmpint (mlrt_onnx_parse_input_shape ("x:2,3,4,5", &shape, &error),
                   ==, MLRT_OK);
  if (mlrt_onnx_graph_prepare (graph, &shape, 1, &error) != MLRT_OK
      || mlrt_onnx_graph_check_static (graph, &error) != MLRT_OK)
    g_error ("%s", error.message);
  ops = op_list (graph);
  g_assert_cmpstr (ops, ==, "Relu Reshape");
  y = graph->values[graph->outputs[0]];
  g_assert_cmpstr (mlrt_onnx_value_shape_string (y, buf, sizeof buf), ==,
                   "[2,60]");
  target = mlrt_onnx_node_input (graph, graph->nodes[1], 1);
  g_assert_nonnull (target->constant);
  g_assert_cmpint (mlrt_onnx_tensor_get_int (target->constant, 0), ==, 2);
  g_assert_cmpint (mlrt_onnx_tensor_get_int (target->constant, 1), ==, -1);
  mlrt_onnx_graph_free (graph);
  mlrt_onnx_input_shape_clear (&shape);

  /* without the pin the dims stay unknown, and the check says what to do */
  graph = read_model (path);
  if (mlrt_onnx_graph_prepare (graph, NULL, 0, &error) != MLRT_OK)
    g_error ("%s", error.message);
  g_assert_cmpint (mlrt_onnx_graph_check_static (graph, &error), ==,
                   MLRT_ERROR_UNSUPPORTED);
  onnx_test_assert_error (&error, MLRT_ERROR_UNSUPPORTED, path, "'x'",
                          "--input x:", NULL);
  mlrt_onnx_graph_free (graph);
}

static void
assert_prepare_fails (const char *path, const char *input, MlrtStatus status,
                      const char *what, const char *detail)
{
  MlrtOnnxGraph *graph = read_model (path);
  MlrtOnnxInputShape shape = { 0 };
  MlrtError error = { 0 };

  if (input && mlrt_onnx_parse_input_shape (input, &shape, &error) != MLRT_OK)
    g_error ("%s", error.message);
  g_assert_cmpint (mlrt_onnx_graph_prepare (graph, &shape, input ? 1 : 0,
                                            &error), ==, status);
  onnx_test_assert_error (&error, status, path, what, detail, NULL);
  mlrt_onnx_graph_free (graph);
  mlrt_onnx_input_shape_clear (&shape);
}

static void
test_input_errors (void)
{
  g_autofree char *path = flatten_model (TRUE);
  static const char *const bad_args[] = {
    "x", "x:", ":1,2", "x:1,,2", "x:0,3", "x:1,3,", "x:1,two",
    "x:1,1,1,1,1,1,1,1,1",
  };

  for (size_t i = 0; i < G_N_ELEMENTS (bad_args); i++)
    {
      MlrtOnnxInputShape shape;
      MlrtError error = { 0 };

      g_assert_cmpint (mlrt_onnx_parse_input_shape (bad_args[i], &shape,
                                                    &error), ==,
                       MLRT_ERROR_INVALID_ARGUMENT);
      onnx_test_assert_error (&error, MLRT_ERROR_INVALID_ARGUMENT,
                              bad_args[i], NULL);
    }
  assert_prepare_fails (path, "image:1,3,48,192", MLRT_ERROR_INVALID_ARGUMENT,
                        "no input of that name", "its inputs: 'x'");
  assert_prepare_fails (path, "x:1,3,48", MLRT_ERROR_INVALID_ARGUMENT,
                        "3 dims given", "[d0,3,d2,d3]");
  assert_prepare_fails (path, "x:1,4,48,192", MLRT_ERROR_INVALID_ARGUMENT,
                        "dim 1 is 3 in the model", "not 4");
  /* an initializer is not an input one may pin */
  assert_prepare_fails (path, "rest:1", MLRT_ERROR_INVALID_ARGUMENT,
                        "no input of that name", "'rest'");
}

static void
test_graph_errors (void)
{
  g_autofree char *no_axis = flatten_model (FALSE);
  g_autofree char *cycle = NULL, *ghost = NULL, *unknown = NULL;
  OnnxBuild *b;

  assert_prepare_fails (no_axis, "x:2,3,4,5", MLRT_ERROR_FORMAT,
                        "node 'target' (Concat, opset 13)", "axis");

  cycle = write_model (onnx_build_cycle (), "cycle.onnx");
  assert_prepare_fails (cycle, NULL, MLRT_ERROR_FORMAT, "cycle",
                        "node 'loop_relu' (Relu, opset 13) -> node 'mix' "
                        "(Add, opset 13) -> node 'loop_relu'");

  b = onnx_build_new (13);
  onnx_build_input (b, "x", MLRT_ONNX_FLOAT, 1, (int64_t[]) { 4 });
  onnx_build_output (b, "y", MLRT_ONNX_FLOAT, -1, NULL);
  onnx_build_node (b, "Add", "", "x,ghost", "y");
  ghost = write_model (b, "ghost.onnx");
  assert_prepare_fails (ghost, NULL, MLRT_ERROR_FORMAT,
                        "node #0 (Add, opset 13) writing 'y'", "'ghost'");

  b = onnx_build_new (13);
  onnx_build_input (b, "x", MLRT_ONNX_FLOAT, 1, (int64_t[]) { 4 });
  onnx_build_output (b, "y", MLRT_ONNX_FLOAT, -1, NULL);
  onnx_build_node (b, "Frobnicate", "first", "x", "a");
  onnx_build_node (b, "Relu", "ok", "a", "b");
  onnx_build_node (b, "Twiddle", "second", "b", "y");
  unknown = write_model (b, "unknown.onnx");
  assert_prepare_fails (unknown, NULL, MLRT_ERROR_UNSUPPORTED,
                        "no shape rule for the op of 2 nodes",
                        "node 'first' (Frobnicate, opset 13), node 'second' "
                        "(Twiddle, opset 13)");
}

/* Prepares a PaddleOCR model with its input pinned, checks every shape is
 * static and the shape arithmetic gone, and compares the output's shape
 * with ONNX Runtime's on the same input size. */
static void
check_paddle (const char *file, const char *pin, const int64_t *dims)
{
  g_autofree char *path = onnx_test_paddle_model (file), *ops = NULL;
  static const char *const gone[] = {
    "Constant", "Shape", "Cast", "Gather", "Unsqueeze", "Identity",
    "Dropout",
  };
  const char *names[] = { "x" };
  MlrtOnnxInputShape shape;
  MlrtOnnxTensor *input;
  MlrtOnnxGraph *graph;
  MlrtOnnxValue *out;
  GPtrArray *ort;
  MlrtError error = { 0 };
  GError *gerror = NULL;

  if (path == NULL)
    return;
  graph = read_model (path);
  g_assert_cmpint (mlrt_onnx_parse_input_shape (pin, &shape, &error), ==,
                   MLRT_OK);
  if (mlrt_onnx_graph_prepare (graph, &shape, 1, &error) != MLRT_OK
      || mlrt_onnx_graph_check_static (graph, &error) != MLRT_OK)
    g_error ("%s", error.message);
  ops = op_list (graph);
  g_print ("# %s at %s: %zu nodes\n", file, pin, graph->n_nodes);
  for (size_t i = 0; i < G_N_ELEMENTS (gone); i++)
    for (size_t n = 0; n < graph->n_nodes; n++)
      if (strcmp (graph->nodes[n]->op_type, gone[i]) == 0)
        g_error ("%s: a %s node is left after the passes", file, gone[i]);
  out = graph->values[graph->outputs[0]];
  if (!onnx_test_have_ort ())
    goto out;
  input = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, 4, dims, NULL);
  for (size_t i = 0; i < input->count; i++)
    ((float *) input->data)[i] = (float) ((i * 7919 % 1000) / 500.0 - 1.0);
  ort = ort_run (path, names, &input, 1, &gerror);
  g_assert_no_error (gerror);
  g_assert_cmpuint (ort->len, ==, 1);
  {
    const MlrtOnnxTensor *ref = ((OrtOutput *) ort->pdata[0])->tensor;
    char mine[128];

    g_print ("# output %s: %s here, rank %d on ONNX Runtime\n", out->name,
             mlrt_onnx_value_shape_string (out, mine, sizeof mine), ref->rank);
    g_assert_cmpstr (((OrtOutput *) ort->pdata[0])->name, ==, out->name);
    g_assert_cmpint (ref->rank, ==, out->rank);
    for (int d = 0; d < ref->rank; d++)
      g_assert_cmpint (ref->dims[d], ==, out->dims[d].value);
  }
  ort_outputs_free (ort);
  mlrt_onnx_tensor_free (input);
 out:
  mlrt_onnx_input_shape_clear (&shape);
  mlrt_onnx_graph_free (graph);
}

static void
test_paddle_cls (void)
{
  check_paddle (PADDLE_CLS, "x:1,3,48,192", (int64_t[]) { 1, 3, 48, 192 });
  check_paddle (PADDLE_CLS, "x:3,3,48,320", (int64_t[]) { 3, 3, 48, 320 });
}

static void
test_paddle_det (void)
{
  check_paddle (PADDLE_DET, "x:1,3,640,640", (int64_t[]) { 1, 3, 640, 640 });
  check_paddle (PADDLE_DET, "x:1,3,320,480", (int64_t[]) { 1, 3, 320, 480 });
}

static void
test_paddle_rec (void)
{
  check_paddle (PADDLE_REC, "x:1,3,48,320", (int64_t[]) { 1, 3, 48, 320 });
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/onnx/passes/identity-dropout", test_identity_dropout);
  g_test_add_func ("/onnx/passes/fold-after-pin", test_fold_after_pin);
  g_test_add_func ("/onnx/passes/input-errors", test_input_errors);
  g_test_add_func ("/onnx/passes/graph-errors", test_graph_errors);
  g_test_add_func ("/onnx/passes/paddle-cls", test_paddle_cls);
  g_test_add_func ("/onnx/passes/paddle-det", test_paddle_det);
  g_test_add_func ("/onnx/passes/paddle-rec", test_paddle_rec);
  return g_test_run ();
}
