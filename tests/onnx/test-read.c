/*
 * test-read.c: the ONNX reader on real files: every model of ONNX's own
 * node tests and PaddleOCR's three models, and the bad files a user may
 * hand mlrt-convert (truncated, not protobuf, empty, missing), each a clear
 * error naming the file.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "onnx-test.h"

/* Reads and sorts every node test's model. What the frontend cannot hold
 * (subgraphs, strings, sequences) must be an "unsupported" error; any other
 * error is a reader bug. */
static void
test_node_models (void)
{
  GDir *dir = g_dir_open (ONNX_NODE_TESTS, 0, NULL);
  g_autoptr (GHashTable) reasons = g_hash_table_new_full (g_str_hash,
                                                          g_str_equal,
                                                          g_free, NULL);
  g_autoptr (GRegex) quoted = g_regex_new ("'[^']*'", 0, 0, NULL);
  const char *name;
  int read = 0, unsupported = 0, failed = 0;
  GHashTableIter iter;
  gpointer key, value;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (ONNX_NODE_TESTS, name,
                                                "model.onnx", NULL);
      MlrtOnnxGraph *graph;
      MlrtError error = { 0 };

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (mlrt_onnx_read_file (path, &graph, &error) == MLRT_OK
          && mlrt_onnx_graph_sort (graph, &error) == MLRT_OK)
        read++;
      else if (error.status == MLRT_ERROR_UNSUPPORTED
               && strstr (error.message, path))
        {
          /* the reason is what follows the last ": ", names left out */
          const char *why = strrchr (error.message, ':');
          char *reason = g_regex_replace_literal (quoted, why ? why + 2
                                                  : error.message, -1, 0,
                                                  "'*'", 0, NULL);
          g_hash_table_insert (reasons, reason, GINT_TO_POINTER (
            GPOINTER_TO_INT (g_hash_table_lookup (reasons, reason)) + 1));
          unsupported++;
        }
      else
        {
          g_printerr ("%s\n", error.message);
          failed++;
        }
      mlrt_onnx_graph_free (graph);
    }
  g_dir_close (dir);
  g_print ("# node test models: %d read, %d refused as unsupported, %d "
           "failed\n", read, unsupported, failed);
  g_hash_table_iter_init (&iter, reasons);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_print ("#   %4d  %s\n", GPOINTER_TO_INT (value), (char *) key);
  g_assert_cmpint (failed, ==, 0);
  /* the set of ONNX 1.12's node tests: nearly all are plain tensor graphs */
  g_assert_cmpint (read, >, 800);
}

static void
test_paddle_models (void)
{
  const char *files[] = { PADDLE_CLS, PADDLE_DET, PADDLE_REC };

  for (size_t i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = onnx_test_paddle_model (files[i]);
      MlrtOnnxGraph *graph;
      MlrtError error = { 0 };

      if (path == NULL)
        return;
      if (mlrt_onnx_read_file (path, &graph, &error) != MLRT_OK
          || mlrt_onnx_graph_sort (graph, &error) != MLRT_OK)
        g_error ("%s", error.message);
      g_print ("# %s: %zu nodes, opset %lld, input %s\n", files[i],
               graph->n_nodes, (long long) mlrt_onnx_graph_opset (graph, ""),
               graph->values[graph->inputs[0]]->name);
      g_assert_cmpuint (graph->n_inputs, ==, 1);
      g_assert_cmpuint (graph->n_outputs, ==, 1);
      g_assert_cmpint (graph->values[graph->inputs[0]]->rank, ==, 4);
      g_assert_cmpuint (graph->n_nodes, >, 400);
      mlrt_onnx_graph_free (graph);
    }
}

static char *
scratch_file (const char *name, const void *data, gsize size)
{
  char *path = g_build_filename (onnx_test_tmpdir (), name, NULL);

  g_assert_true (g_file_set_contents (path, data, (gssize) size, NULL));
  return path;
}

static void
assert_read_fails (const char *path, MlrtStatus status, const char *what)
{
  MlrtOnnxGraph *graph = (MlrtOnnxGraph *) 0x1;
  MlrtError error = { 0 };

  g_assert_cmpint (mlrt_onnx_read_file (path, &graph, &error), ==, status);
  g_assert_null (graph);
  onnx_test_assert_error (&error, status, path, what, NULL);
}

/* A model cut short anywhere is refused: at every 97th byte of a real
 * model, none reads as a graph. */
static void
test_truncated (void)
{
  g_autofree char *model = g_build_filename (ONNX_NODE_TESTS,
                                             "test_conv_with_strides_padding",
                                             "model.onnx", NULL);
  g_autofree char *data = NULL;
  gsize size;
  int refused = 0, cuts = 0;

  g_assert_true (g_file_get_contents (model, &data, &size, NULL));
  for (gsize cut = 1; cut < size; cut += 97, cuts++)
    {
      g_autofree char *path = scratch_file ("truncated.onnx", data, cut);
      MlrtOnnxGraph *graph;
      MlrtError error = { 0 };

      if (mlrt_onnx_read_file (path, &graph, &error) != MLRT_OK)
        {
          g_assert_nonnull (strstr (error.message, path));
          refused++;
        }
      else
        g_error ("%s cut at %zu bytes of %zu read as a model", model, cut,
                 size);
      mlrt_onnx_graph_free (graph);
    }
  g_assert_cmpint (refused, ==, cuts);
  {
    g_autofree char *path = scratch_file ("truncated.onnx", data, size / 2);

    assert_read_fails (path, MLRT_ERROR_FORMAT, "truncated");
  }
}

static void
test_not_protobuf (void)
{
  static const char text[] = "# this is a README, not a model\n";
  g_autofree char *path = scratch_file ("readme.onnx", text, strlen (text));
  g_autofree char *empty = scratch_file ("empty.onnx", "", 0);
  g_autofree char *missing = g_build_filename (onnx_test_tmpdir (),
                                               "missing.onnx", NULL);
  g_autofree char *tensor = g_build_filename (ONNX_NODE_TESTS,
                                              "test_abs", "test_data_set_0",
                                              "input_0.pb", NULL);

  assert_read_fails (path, MLRT_ERROR_FORMAT, "not an ONNX model");
  assert_read_fails (empty, MLRT_ERROR_FORMAT, "empty");
  assert_read_fails (missing, MLRT_ERROR_IO, "cannot open");
  /* a protobuf, but a TensorProto, not a ModelProto */
  assert_read_fails (tensor, MLRT_ERROR_FORMAT, "not an ONNX model");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/onnx/read/node-models", test_node_models);
  g_test_add_func ("/onnx/read/paddle-models", test_paddle_models);
  g_test_add_func ("/onnx/read/truncated", test_truncated);
  g_test_add_func ("/onnx/read/not-protobuf", test_not_protobuf);
  return g_test_run ();
}
