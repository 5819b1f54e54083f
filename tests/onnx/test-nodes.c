/*
 * test-nodes.c: the frontend's shape rules and folds against ONNX's own
 * node tests. For every node test whose ops all have a rule, the test's
 * inputs (test_data_set_0/input_N.pb) are made known, the outputs' stated
 * shapes are forgotten, and propagation must give each output the shape of
 * output_N.pb; where the op folds, the folded values must equal the
 * expected ones. Prints a table per op; any mismatch fails.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-ops.h"
#include "onnx-test.h"

typedef struct {
  int tests, shape_ok, fold_tried, fold_ok, refused;
} OpCount;

typedef struct {
  GHashTable *ops;               /* op -> OpCount */
  GHashTable *no_rule;           /* op -> count of tests skipped */
  GPtrArray *failures;
} Tally;

static OpCount *
op_count (Tally *t, const char *op)
{
  OpCount *c = g_hash_table_lookup (t->ops, op);

  if (c == NULL)
    {
      c = g_new0 (OpCount, 1);
      g_hash_table_insert (t->ops, g_strdup (op), c);
    }
  return c;
}

static MlrtOnnxTensor *
read_pb (const char *dir, const char *kind, size_t i)
{
  g_autofree char *file = g_strdup_printf ("%s_%zu.pb", kind, i);
  g_autofree char *path = g_build_filename (dir, "test_data_set_0", file,
                                            NULL);
  MlrtOnnxTensor *t = NULL;
  MlrtError error = { 0 };

  if (g_file_test (path, G_FILE_TEST_EXISTS)
      && mlrt_onnx_read_tensor_file (path, &t, NULL, &error) != MLRT_OK)
    g_test_message ("%s", error.message);
  return t;
}

/* ONNX 1.12's test data stores bfloat16 tensors as uint16 (the same
 * bits); read them as what the model says they are. */
static void
bfloat16_quirk (MlrtOnnxTensor *t, MlrtOnnxType stated)
{
  if (t && stated == MLRT_ONNX_BFLOAT16 && t->type == MLRT_ONNX_UINT16)
    t->type = MLRT_ONNX_BFLOAT16;
}

/* Makes the test's inputs known; 0 when a .pb is missing or unreadable. */
static int
feed_inputs (MlrtOnnxGraph *graph, const char *dir)
{
  for (size_t i = 0; i < graph->n_inputs; i++)
    {
      MlrtOnnxValue *v = graph->values[graph->inputs[i]];

      if ((v->constant = read_pb (dir, "input", i)) == NULL)
        return 0;
      bfloat16_quirk (v->constant, v->type);
      v->type = v->constant->type;
      mlrt_onnx_value_set_dims (v, v->constant->rank, v->constant->dims);
    }
  for (size_t o = 0; o < graph->n_outputs; o++)
    graph->values[graph->outputs[o]]->rank = -1;
  return 1;
}

static int
same_values (const MlrtOnnxTensor *got, const MlrtOnnxTensor *want)
{
  int coarse = want->type == MLRT_ONNX_FLOAT16
    || want->type == MLRT_ONNX_BFLOAT16;

  for (size_t i = 0; i < want->count; i++)
    if (mlrt_onnx_type_is_float (want->type))
      {
        double a = mlrt_onnx_tensor_get_double (got, i);
        double b = mlrt_onnx_tensor_get_double (want, i);

        if (a != b && !(isnan (a) && isnan (b))
            && !(fabs (a - b) <= 1e-6 + (coarse ? 1e-2 : 1e-5) * fabs (b)))
          return 0;
      }
    else if (mlrt_onnx_tensor_get_int (got, i)
             != mlrt_onnx_tensor_get_int (want, i))
      return 0;
  return 1;
}

static const char *
tensor_dims (const MlrtOnnxTensor *t, char *buf, size_t size)
{
  size_t at = snprintf (buf, size, "%s[", mlrt_onnx_type_name (t->type));

  for (int d = 0; d < t->rank && at < size; d++)
    at += snprintf (buf + at, size - at, "%s%lld", d ? "," : "",
                    (long long) t->dims[d]);
  if (at < size)
    snprintf (buf + at, size - at, "]");
  return buf;
}

/* Checks every output's shape and, where its node folds, its values. */
static void
check_outputs (MlrtOnnxGraph *graph, const char *dir, const char *test,
               OpCount *c, Tally *t)
{
  int shapes_ok = 1, fold_ok = 1, tried = 0;

  for (size_t o = 0; o < graph->n_outputs; o++)
    {
      MlrtOnnxValue *v = graph->values[graph->outputs[o]];
      g_autoptr (GString) got = g_string_new (NULL);
      MlrtOnnxTensor *want = read_pb (dir, "output", o);
      MlrtOnnxNode *node = v->producer >= 0 ? graph->nodes[v->producer] : NULL;
      const MlrtOnnxOpRule *rule = node ? mlrt_onnx_op_rule (node) : NULL;
      char shape[256], expected[256];
      int folded = 0;
      MlrtError error = { 0 };

      if (want == NULL)
        continue;
      bfloat16_quirk (want, v->type);
      g_string_printf (got, "%s%s", mlrt_onnx_type_name (v->type),
                       mlrt_onnx_value_shape_string (v, shape, sizeof shape));
      tensor_dims (want, expected, sizeof expected);
      if (strcmp (got->str, expected) != 0)
        {
          g_ptr_array_add (t->failures, g_strdup_printf (
            "%s: output '%s' is %s by the shape rule, %s in the test", test,
            v->name, got->str, expected));
          shapes_ok = 0;
        }
      else if (rule && rule->fold && node)
        {
          gboolean known = TRUE;

          for (size_t i = 0; i < node->n_inputs; i++)
            known &= node->inputs[i] < 0
              || mlrt_onnx_in_const (graph, node, i) != NULL;
          if (known && rule->fold_when != MLRT_ONNX_FOLD_NEVER)
            {
              /* a fold may decline (variadic Max with three inputs) */
              if (mlrt_onnx_node_fold (graph, node, &folded, &error)
                  != MLRT_OK)
                g_ptr_array_add (t->failures, g_strdup (error.message));
              tried |= folded || error.status != MLRT_OK;
              if (folded && !same_values (v->constant, want))
                g_ptr_array_add (t->failures, g_strdup_printf (
                  "%s: folding gives other values than the test's (first "
                  "%g, expected %g)", test,
                  mlrt_onnx_tensor_get_double (v->constant, 0),
                  mlrt_onnx_tensor_get_double (want, 0)));
              fold_ok &= !folded || same_values (v->constant, want);
            }
        }
      mlrt_onnx_tensor_free (want);
    }
  c->shape_ok += shapes_ok;
  c->fold_tried += tried;
  c->fold_ok += tried && fold_ok;
}

static void
run_one (const char *test, Tally *t)
{
  g_autofree char *dir = g_build_filename (ONNX_NODE_TESTS, test, NULL);
  g_autofree char *path = g_build_filename (dir, "model.onnx", NULL);
  MlrtOnnxGraph *graph = NULL;
  MlrtError error = { 0 };
  const char *op;
  OpCount *c;

  if (mlrt_onnx_read_file (path, &graph, &error) != MLRT_OK
      || mlrt_onnx_graph_sort (graph, &error) != MLRT_OK || graph->n_nodes == 0)
    goto out;
  for (size_t n = 0; n < graph->n_nodes; n++)
    if (mlrt_onnx_op_rule (graph->nodes[n]) == NULL)
      {
        op = graph->nodes[n]->op_type;
        g_hash_table_insert (t->no_rule, g_strdup (op), GINT_TO_POINTER (
          GPOINTER_TO_INT (g_hash_table_lookup (t->no_rule, op)) + 1));
        goto out;
      }
  if (!feed_inputs (graph, dir))
    goto out;
  op = graph->nodes[graph->n_nodes - 1]->op_type;
  c = op_count (t, op);
  c->tests++;
  if (mlrt_onnx_pass_propagate (graph, &error) != MLRT_OK)
    {
      if (error.status == MLRT_ERROR_UNSUPPORTED)
        {
          c->refused++;
          g_test_message ("%s: %s", test, error.message);
        }
      else
        g_ptr_array_add (t->failures, g_strdup (error.message));
      goto out;
    }
  check_outputs (graph, dir, test, c, t);
 out:
  mlrt_onnx_graph_free (graph);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
print_table (Tally *t)
{
  g_autofree gpointer *ops = g_hash_table_get_keys_as_array (t->ops, NULL);
  guint n = g_hash_table_size (t->ops);
  int totals[5] = { 0 };

  qsort (ops, n, sizeof *ops, compare_names);
  g_print ("# %-22s %5s %6s %10s %8s\n", "op", "tests", "shape", "fold",
           "refused");
  for (guint i = 0; i < n; i++)
    {
      OpCount *c = g_hash_table_lookup (t->ops, ops[i]);
      char fold[32];

      snprintf (fold, sizeof fold, "%d/%d", c->fold_ok, c->fold_tried);
      g_print ("# %-22s %5d %6d %10s %8d\n", (char *) ops[i], c->tests,
               c->shape_ok, c->fold_tried ? fold : "-", c->refused);
      totals[0] += c->tests;
      totals[1] += c->shape_ok;
      totals[2] += c->fold_ok;
      totals[3] += c->fold_tried;
      totals[4] += c->refused;
    }
  g_print ("# %-22s %5d %6d %5d/%-4d %8d\n", "all", totals[0], totals[1],
           totals[2], totals[3], totals[4]);
}

static void
test_node_shapes (void)
{
  GDir *dir = g_dir_open (ONNX_NODE_TESTS, 0, NULL);
  Tally t = {
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    g_ptr_array_new_with_free_func (g_free),
  };
  const char *name;
  GHashTableIter iter;
  gpointer key, value;
  int skipped = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)))
    run_one (name, &t);
  g_dir_close (dir);
  print_table (&t);
  g_hash_table_iter_init (&iter, t.no_rule);
  while (g_hash_table_iter_next (&iter, &key, &value))
    skipped += GPOINTER_TO_INT (value);
  g_print ("# %d tests use an op without a shape rule (%u ops)\n", skipped,
           g_hash_table_size (t.no_rule));
  for (guint i = 0; i < t.failures->len; i++)
    g_printerr ("%s\n", (char *) t.failures->pdata[i]);
  g_assert_cmpuint (t.failures->len, ==, 0);
  g_hash_table_destroy (t.ops);
  g_hash_table_destroy (t.no_rule);
  g_ptr_array_free (t.failures, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/onnx/nodes/shapes-and-folds", test_node_shapes);
  return g_test_run ();
}
