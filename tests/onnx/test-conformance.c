/*
 * test-conformance.c: ONNX's own backend node tests (Debian's
 * libonnx-testdata) run through mlrt. Every test whose op mlrt converts
 * (a row of the importer's map table) is converted, run on each unit
 * (cpu-only; cpu-and-gpu and cpu-and-npu with priority placement, so the
 * unit runs every layer it can) and its outputs compared with the test's
 * expected ones. Inputs a real model would store (weights, shapes, bounds:
 * those beyond the op's data inputs) are frozen into the model with the
 * test's values, as an exporter would have stored them.
 *
 * It prints a table, per op: tests, converted, passed on cpu / gpu / npu
 * (on the GPU and NPU: of the tests whose layers that unit ran; the rest
 * fell back to the CPU, counted apart), and every test skipped with the
 * importer's reason. A unit that is not built or not on this machine is
 * said so. Any converted test that fails on any unit fails the test, as
 * does a conversion error that is not a refusal.
 *
 * Tolerances (|got - want| <= atol + rtol |want|): the CPU and the GPU
 * compute in float32 as ONNX's reference does, in other orders: rtol 1e-3,
 * atol 1e-5 (ONNX's own backend tests use rtol 1e-3). The NPU stores
 * inputs, weights and every result as float16 (11 significant bits, a
 * relative step of 2^-11 = 4.9e-4, values up to 65504): rtol 1e-2, atol
 * 1e-2. Some tests feed values float16 cannot tell apart (softmax of
 * 10000, 10001, ...): where the NPU misses the expected output but matches
 * the CPU run on the inputs rounded to float16, as a float16 machine
 * must, the test counts as passed on float16 inputs, listed apart.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mlrt-run.h"
#include "onnx-map.h"
#include "onnx-test.h"

typedef struct {
  double rtol, atol;
} Tol;

static const Tol tol[MLRT_N_UNITS] = {
  [MLRT_UNIT_CPU] = { 1e-3, 1e-5 },
  [MLRT_UNIT_GPU] = { 1e-3, 1e-5 },
  [MLRT_UNIT_NPU] = { 1e-2, 1e-2 },
};

typedef struct {
  int tests, converted;
  int passed[MLRT_N_UNITS];      /* ran on the unit and matched */
  int half_inputs;               /* npu: matched on float16 inputs */
  int ran[MLRT_N_UNITS];         /* ran (some layers) on the unit */
  int fell_back[MLRT_N_UNITS];   /* every layer went to the CPU */
} OpRow;

typedef struct {
  GHashTable *rows;              /* op -> OpRow */
  GPtrArray *skips;              /* "test: reason" */
  GPtrArray *half;               /* tests passed on float16 inputs */
  GPtrArray *failures;
  int available[MLRT_N_UNITS];
} Run;

static OpRow *
row_of (Run *r, const char *op)
{
  OpRow *row = g_hash_table_lookup (r->rows, op);

  if (row == NULL)
    {
      row = g_new0 (OpRow, 1);
      g_hash_table_insert (r->rows, g_strdup (op), row);
    }
  return row;
}

static MlrtOnnxTensor *
read_pb (const char *dir, const char *kind, size_t i, MlrtOnnxType stated)
{
  g_autofree char *file = g_strdup_printf ("%s_%zu.pb", kind, i);
  g_autofree char *path = g_build_filename (dir, "test_data_set_0", file,
                                            NULL);
  MlrtOnnxTensor *t = NULL;
  MlrtError error = { 0 };

  if (!g_file_test (path, G_FILE_TEST_EXISTS)
      || mlrt_onnx_read_tensor_file (path, &t, NULL, &error) != MLRT_OK)
    return NULL;
  /* ONNX 1.12's data stores bfloat16 tensors as uint16 */
  if (stated == MLRT_ONNX_BFLOAT16 && t->type == MLRT_ONNX_UINT16)
    t->type = MLRT_ONNX_BFLOAT16;
  return t;
}

/* The op a test is about: the claimed op whose name (lower case, no
 * underscores) the test's name starts with, longest first; else its
 * graph's last node's. */
static const char *
test_op (const char *test, const MlrtOnnxGraph *graph)
{
  g_autofree char *flat = g_strdup (test + strlen ("test_"));
  const char *best = NULL;
  size_t best_len = 0;
  char *w = flat;

  for (const char *p = flat; *p; p++)
    if (*p != '_')
      *w++ = *p;
  *w = '\0';
  for (size_t n = 0; n < graph->n_nodes; n++)
    {
      g_autofree char *op = g_ascii_strdown (graph->nodes[n]->op_type, -1);
      size_t len = strlen (op);

      if (len > best_len && strncmp (flat, op, len) == 0)
        {
          best = graph->nodes[n]->op_type;
          best_len = len;
        }
    }
  return best ? best : graph->nodes[graph->n_nodes - 1]->op_type;
}

/* Whether every node of the graph is of an op mlrt converts. */
static gboolean
all_claimed (const MlrtOnnxGraph *graph)
{
  for (size_t n = 0; n < graph->n_nodes; n++)
    if (mlrt_onnx_map_rule (graph->nodes[n]) == NULL)
      return FALSE;
  return graph->n_nodes > 0;
}

/* Graph input i is data (fed at prediction) when some node reads it in
 * one of its data inputs. */
static gboolean
is_data_input (const MlrtOnnxGraph *graph, int value)
{
  for (size_t n = 0; n < graph->n_nodes; n++)
    {
      const MlrtOnnxNode *node = graph->nodes[n];
      const MlrtOnnxOpRule *rule = mlrt_onnx_map_rule (node);

      for (size_t i = 0; i < node->n_inputs; i++)
        if (node->inputs[i] == value && rule
            && (int) i < rule->data_inputs)
          return TRUE;
    }
  return FALSE;
}

static gboolean
close_enough (const MlrtOnnxTensor *got, const MlrtOnnxTensor *want,
              const Tol *t, char *why, size_t len)
{
  if (got->count != want->count)
    {
      snprintf (why, len, "%zu values, expected %zu", got->count,
                want->count);
      return FALSE;
    }
  for (size_t i = 0; i < want->count; i++)
    {
      double a = mlrt_onnx_tensor_get_double (got, i);
      double b = mlrt_onnx_tensor_get_double (want, i);

      if (isnan (a) && isnan (b))
        continue;
      if (isinf (b) && a == b)
        continue;
      if (!(fabs (a - b) <= t->atol + t->rtol * fabs (b)))
        {
          snprintf (why, len, "value %zu is %.7g, expected %.7g", i, a, b);
          return FALSE;
        }
    }
  return TRUE;
}

typedef struct {
  const char *test;
  GPtrArray *names;              /* the inputs fed, and their values */
  GPtrArray *values;
  GPtrArray *expected;
} Case;

/* The outputs of the package on one setting, fed `values`; how many
 * layers ran on the setting's unit in *on. NULL with the reason in `why`. */
static GPtrArray *
predict_on (const Case *c, GPtrArray *values, const char *package,
            const RunSetting *s, size_t *on, char *why, size_t len)
{
  MlrtError error = { 0 };
  MlrtModel *model = mlrt_run_load (package, s->units, onnx_test_tmpdir (),
                                    &error);
  const MlrtLayerPlan *plan;
  GPtrArray *out;
  size_t n;

  *on = 0;
  if (model == NULL)
    {
      snprintf (why, len, "load: %s", error.message);
      return NULL;
    }
  n = mlrt_model_plan (model, &plan);
  for (size_t i = 0; i < n; i++)
    *on += plan[i].unit == s->unit;
  out = mlrt_run_predict (model, (const char *const *) c->names->pdata,
                          (MlrtOnnxTensor *const *) values->pdata,
                          c->names->len, &error);
  if (out == NULL)
    snprintf (why, len, "predict: %s", error.message);
  mlrt_model_unload (model);
  return out;
}

static gboolean
outputs_close (GPtrArray *out, GPtrArray *want, MlrtUnit unit, char *why,
               size_t len)
{
  if (out->len != want->len)
    {
      snprintf (why, len, "%u outputs, expected %u", out->len, want->len);
      return FALSE;
    }
  for (guint o = 0; o < want->len; o++)
    if (!close_enough (out->pdata[o], want->pdata[o], &tol[unit], why, len))
      return FALSE;
  return TRUE;
}

/* Whether the NPU's outputs are the CPU's on the test's inputs rounded to
 * float16: what a float16 machine computes. */
static gboolean
matches_on_half_inputs (const Case *c, GPtrArray *npu, const char *package)
{
  GPtrArray *half = g_ptr_array_new_with_free_func
    ((GDestroyNotify) mlrt_onnx_tensor_free);
  GPtrArray *cpu;
  char why[MLRT_ERROR_MESSAGE_MAX + 16];
  size_t on;
  gboolean same;

  for (guint i = 0; i < c->values->len; i++)
    {
      const MlrtOnnxTensor *t = c->values->pdata[i];
      MlrtOnnxTensor *h = mlrt_onnx_tensor_new (MLRT_ONNX_FLOAT, t->rank,
                                                t->dims, NULL);

      for (size_t k = 0; k < t->count; k++)
        ((float *) h->data)[k] = mlrt_half_to_float (mlrt_float_to_half
          ((float) mlrt_onnx_tensor_get_double (t, k)));
      g_ptr_array_add (half, h);
    }
  cpu = predict_on (c, half, package, &run_settings[0], &on, why,
                    sizeof why);
  same = cpu && outputs_close (npu, cpu, MLRT_UNIT_NPU, why, sizeof why);
  mlrt_run_outputs_free (cpu);
  g_ptr_array_free (half, TRUE);
  return same;
}

/* Runs the converted package on one setting; 1 passed, 0 failed, -1
 * nothing ran on the unit (and passed), 2 passed on float16 inputs. */
static int
run_on (Run *r, const Case *c, const char *package, const RunSetting *s)
{
  char why[MLRT_ERROR_MESSAGE_MAX + 16] = "";
  size_t on;
  GPtrArray *out = predict_on (c, c->values, package, s, &on, why,
                               sizeof why);
  int ok = out && outputs_close (out, c->expected, s->unit, why, sizeof why);

  if (!ok && out && s->unit == MLRT_UNIT_NPU && on > 0
      && matches_on_half_inputs (c, out, package))
    {
      g_ptr_array_add (r->half, g_strdup_printf ("%s (%s)", c->test, why));
      ok = 2;
    }
  if (!ok)
    g_ptr_array_add (r->failures,
                     g_strdup_printf ("%s on the %s%s: %s", c->test, s->name,
                                      on ? "" : " (all layers on the cpu)",
                                      why));
  mlrt_run_outputs_free (out);
  return s->unit != MLRT_UNIT_CPU && on == 0 ? (ok ? -1 : 0) : ok;
}

static void
case_clear (Case *c)
{
  g_ptr_array_free (c->names, TRUE);
  for (guint i = 0; i < c->values->len; i++)
    mlrt_onnx_tensor_free (c->values->pdata[i]);
  g_ptr_array_free (c->values, TRUE);
  for (guint i = 0; i < c->expected->len; i++)
    mlrt_onnx_tensor_free (c->expected->pdata[i]);
  g_ptr_array_free (c->expected, TRUE);
}

/* Reads the test's inputs, freezing those that are not data; 0 when a
 * file is missing. */
static gboolean
read_case (const char *dir, const MlrtOnnxGraph *graph, Case *c,
           MlrtOnnxConvertOptions *o, GPtrArray *frozen_names,
           GPtrArray *frozen_values)
{
  for (size_t i = 0; i < graph->n_inputs; i++)
    {
      const MlrtOnnxValue *v = graph->values[graph->inputs[i]];
      MlrtOnnxTensor *t = read_pb (dir, "input", i, v->type);

      if (t == NULL)
        return FALSE;
      if (is_data_input (graph, graph->inputs[i]))
        {
          g_ptr_array_add (c->names, v->name);
          g_ptr_array_add (c->values, t);
        }
      else
        {
          g_ptr_array_add (frozen_names, v->name);
          g_ptr_array_add (frozen_values, t);
        }
    }
  for (size_t i = 0; i < graph->n_outputs; i++)
    {
      MlrtOnnxTensor *t = read_pb (dir, "output", i,
                                   graph->values[graph->outputs[i]]->type);
      if (t == NULL)
        return FALSE;
      g_ptr_array_add (c->expected, t);
    }
  o->frozen_names = (const char *const *) frozen_names->pdata;
  o->frozen_values = (MlrtOnnxTensor *const *) frozen_values->pdata;
  o->n_frozen = frozen_names->len;
  return TRUE;
}

static void
skip (Run *r, const char *test, const char *why)
{
  g_ptr_array_add (r->skips, g_strdup_printf ("%s: %s", test, why));
}

static void
run_test (Run *r, const char *test)
{
  g_autofree char *dir = g_build_filename (ONNX_NODE_TESTS, test, NULL);
  g_autofree char *model = g_build_filename (dir, "model.onnx", NULL);
  g_autofree char *package = NULL;
  GPtrArray *frozen_names = g_ptr_array_new ();
  GPtrArray *frozen_values = g_ptr_array_new_with_free_func
    ((GDestroyNotify) mlrt_onnx_tensor_free);
  Case c = { test, g_ptr_array_new (), g_ptr_array_new (),
             g_ptr_array_new () };
  MlrtOnnxGraph *graph = NULL;
  MlrtOnnxConvertOptions o;
  MlrtOnnxProblems problems = { 0 };
  MlrtError error = { 0 };
  OpRow *row;

  mlrt_onnx_convert_options_init (&o);
  if (mlrt_onnx_read_file (model, &graph, &error) != MLRT_OK
      || mlrt_onnx_graph_sort (graph, &error) != MLRT_OK
      || !all_claimed (graph))
    goto out;
  row = row_of (r, test_op (test, graph));
  row->tests++;
  if (!read_case (dir, graph, &c, &o, frozen_names, frozen_values))
    {
      skip (r, test, "its test data cannot be read (strings?)");
      goto out;
    }
  package = mlrt_run_convert (model, onnx_test_tmpdir (), test, &o, &error,
                              &problems);
  if (package == NULL)
    {
      if (error.status == MLRT_ERROR_UNSUPPORTED && problems.n > 0)
        skip (r, test, problems.lines[0]);
      else
        g_ptr_array_add (r->failures,
                         g_strdup_printf ("%s: conversion failed: %s", test,
                                          error.message));
      goto out;
    }
  row->converted++;
  for (size_t u = 0; u < G_N_ELEMENTS (run_settings); u++)
    {
      const RunSetting *s = &run_settings[u];
      int result;

      if (!r->available[s->unit])
        continue;
      result = run_on (r, &c, package, s);
      if (result < 0)
        row->fell_back[s->unit]++;
      else
        {
          row->ran[s->unit]++;
          row->passed[s->unit] += result > 0;
          row->half_inputs += result == 2;
        }
    }
out:
  mlrt_onnx_problems_clear (&problems);
  mlrt_onnx_graph_free (graph);
  case_clear (&c);
  g_ptr_array_free (frozen_names, TRUE);
  g_ptr_array_free (frozen_values, TRUE);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
cell (char *buf, size_t len, const Run *r, MlrtUnit u, const OpRow *row)
{
  if (!r->available[u])
    snprintf (buf, len, "-");
  else if (u == MLRT_UNIT_CPU || row->fell_back[u] == 0)
    snprintf (buf, len, "%d/%d", row->passed[u], row->ran[u]);
  else
    snprintf (buf, len, "%d/%d +%d cpu", row->passed[u], row->ran[u],
              row->fell_back[u]);
}

static void
print_table (const Run *r)
{
  guint n;
  g_autofree gpointer *ops = g_hash_table_get_keys_as_array (r->rows, &n);
  OpRow total = { 0 };
  char cells[MLRT_N_UNITS][32];

  qsort (ops, n, sizeof *ops, compare_names);
  g_print ("# %-20s %5s %9s %8s %14s %14s %7s\n", "op", "tests",
           "converted", "cpu", "gpu", "npu", "skipped");
  for (guint i = 0; i <= n; i++)
    {
      const OpRow *row = i < n ? g_hash_table_lookup (r->rows, ops[i])
                               : &total;

      for (int u = 0; u < MLRT_N_UNITS; u++)
        cell (cells[u], sizeof cells[u], r, (MlrtUnit) u, row);
      g_print ("# %-20s %5d %9d %8s %14s %14s %7d\n",
               i < n ? (const char *) ops[i] : "all", row->tests,
               row->converted, cells[MLRT_UNIT_CPU], cells[MLRT_UNIT_GPU],
               cells[MLRT_UNIT_NPU], row->tests - row->converted);
      if (i == n)
        break;
      total.tests += row->tests;
      total.converted += row->converted;
      for (int u = 0; u < MLRT_N_UNITS; u++)
        {
          total.passed[u] += row->passed[u];
          total.ran[u] += row->ran[u];
          total.fell_back[u] += row->fell_back[u];
        }
    }
  g_print ("# gpu and npu: passed / ran there; +N cpu: tests the unit could "
           "run no layer of, so the cpu ran them\n");
  g_print ("# passed on the npu on inputs rounded to float16 (%u), which "
           "float16 cannot tell apart:\n", r->half->len);
  for (guint i = 0; i < r->half->len; i++)
    g_print ("#   %s\n", (char *) r->half->pdata[i]);
  g_print ("# skipped, with the importer's reason:\n");
  for (guint i = 0; i < r->skips->len; i++)
    g_print ("#   %s\n", (char *) r->skips->pdata[i]);
}

static void
test_conformance (void)
{
  GDir *dir = g_dir_open (ONNX_NODE_TESTS, 0, NULL);
  Run r = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
            g_ptr_array_new_with_free_func (g_free),
            g_ptr_array_new_with_free_func (g_free),
            g_ptr_array_new_with_free_func (g_free), { 0 } };
  GPtrArray *tests = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      g_test_skip ("ONNX's node tests are not installed (Debian package "
                   "libonnx-testdata)");
      return;
    }
  for (size_t u = 0; u < G_N_ELEMENTS (run_settings); u++)
    {
      r.available[run_settings[u].unit] = run_setting_available
                                            (&run_settings[u]);
      if (!r.available[run_settings[u].unit])
        g_print ("# %s: not run (not built into this mlrt, or no device "
                 "here)\n", run_settings[u].name);
    }
  while ((name = g_dir_read_name (dir)))
    g_ptr_array_add (tests, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (tests, compare_names);
  for (guint i = 0; i < tests->len; i++)
    run_test (&r, tests->pdata[i]);
  print_table (&r);
  for (guint i = 0; i < r.failures->len; i++)
    g_printerr ("FAILED %s\n", (char *) r.failures->pdata[i]);
  g_assert_cmpuint (r.failures->len, ==, 0);
  g_hash_table_destroy (r.rows);
  g_ptr_array_free (r.skips, TRUE);
  g_ptr_array_free (r.half, TRUE);
  g_ptr_array_free (r.failures, TRUE);
  g_ptr_array_free (tests, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/onnx/conformance/node-tests", test_conformance);
  return g_test_run ();
}
