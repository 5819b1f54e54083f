/*
 * infer.c: the first pass: resolves a spec's tensor names and infers every
 * tensor's shape, layer by layer, checking each layer against its op's
 * row (ops/ops.h): input count and rank, the weights it accepts, its
 * params' ranges, then the op's own shape rule, which checks the rest.
 * Every message names the file and the layer; an op whose row lacks a
 * shape or cost rule is refused here, by name, never given a guess.
 *
 * Names are resolved through a hash table (glibc's hsearch_r), so the
 * pass is linear in the number of layers: models of 100k layers exist.
 */
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "passes.h"

#define TRY(x) do { MlrtStatus st_ = (x); if (st_ != MLRT_OK) return st_; } while (0)

/* The row of a layer's op can size and cost it. */
static MlrtStatus
check_row (MlrtShapeCtx *c)
{
  const MlrtOpDef *op = c->layer->op;
  const char *missing = op->shape == NULL ? "shape" : op->cost == NULL
                        ? "cost" : NULL;

  if (missing == NULL)
    return MLRT_OK;
  mlrt_shape_fail (c, "op '%s' has no %s rule in this mlrt, so its layers "
                   "cannot be checked or planned", op->name, missing);
  if (c->error)
    c->error->status = MLRT_ERROR_UNSUPPORTED;
  return MLRT_ERROR_UNSUPPORTED;
}

static MlrtStatus
check_weights (MlrtShapeCtx *c)
{
  const MlrtLayer *l = c->layer;
  const char *const *allowed = l->op->weights;

  for (int i = 0; i < l->n_weights; i++)
    {
      int ok = 0;
      if (allowed == NULL)
        return mlrt_shape_fail (c, "takes no weights");
      for (int j = 0; allowed[j]; j++)
        ok |= strcmp (l->weights[i].name, allowed[j]) == 0;
      if (!ok)
        return mlrt_shape_fail (c, "unexpected weight '%s'",
                                l->weights[i].name);
    }
  return MLRT_OK;
}

static MlrtStatus
infer_layer (MlrtShapeCtx *c, MlrtTensor *out)
{
  const MlrtLayer *l = c->layer;
  const MlrtOpDef *op = l->op;
  const MlrtTensor *in[MLRT_MAX_LAYER_INPUTS];
  int want_inputs = op->n_inputs == MLRT_OP_ANY_INPUTS ? l->n_inputs
                                                        : op->n_inputs;

  TRY (check_row (c));
  if (l->n_inputs != want_inputs)
    return mlrt_shape_fail (c, "takes %d input%s, not %d", want_inputs,
                            want_inputs > 1 ? "s" : "", l->n_inputs);
  for (int i = 0; i < l->n_inputs; i++)
    in[i] = &c->spec->tensors[l->inputs[i]];
  if ((op->flags & MLRT_OP_CHW_INPUT) && !mlrt_shape_is_chw (in[0]))
    return mlrt_shape_fail (c, "input '%s' has rank %d, expected a [C, H, W] "
                            "or [1, C, H, W] tensor", in[0]->name,
                            in[0]->rank);
  TRY (check_weights (c));
  TRY (mlrt_params_check (c));
  TRY (op->shape (c, in, out));
  for (int i = 0; i < out->rank; i++)
    if (out->shape[i] < 1)
      return mlrt_shape_fail (c, "the output '%s' would be empty (input too "
                              "small for the kernel?)", l->output_name);
  if (!mlrt_shape_fits (out->rank, out->shape))
    return mlrt_shape_fail (c, "the output '%s' would have more than %d "
                            "values", l->output_name, MLRT_MAX_ELEMENTS);
  return MLRT_OK;
}

/* The tensors named so far, by name: the keys are the tensors' own names,
 * which outlive the table. */
typedef struct hsearch_data Names;

static int
find_tensor (Names *names, const char *name)
{
  ENTRY want = { (char *) name, NULL }, *found = NULL;

  if (!hsearch_r (want, FIND, &found, names) || found == NULL)
    return -1;
  return (int) (intptr_t) found->data;
}

/* Names tensor t; the table was made with room for every tensor. */
static void
name_tensor (Names *names, const MlrtSpec *spec, int t)
{
  ENTRY e = { spec->tensors[t].name, (void *) (intptr_t) t }, *added;

  hsearch_r (e, ENTER, &added, names);
}

static MlrtStatus
check_output (MlrtShapeCtx *c, Names *names, MlrtSpec *spec, MlrtFeature *f)
{
  MlrtTensor want = { 0 };
  const MlrtTensor *t;
  char sa[96], sb[96];

  f->tensor = find_tensor (names, f->d.name);
  if (f->tensor < 0)
    return mlrt_shape_fail (c, "output '%s' names no tensor of the network",
                            f->d.name);
  t = &spec->tensors[f->tensor];
  mlrt_feature_tensor_shape (&f->d, &want.rank, want.shape);
  if (t->rank != want.rank
      || memcmp (t->shape, want.shape, t->rank * sizeof (int64_t)))
    {
      mlrt_shape_str (t->rank, t->shape, sa, sizeof sa);
      mlrt_shape_str (want.rank, want.shape, sb, sizeof sb);
      return mlrt_shape_fail (c, "output '%s' is declared %s (tensor %s) but "
                              "the network makes %s", f->d.name,
                              mlrt_feature_type_name (f->d.type), sb, sa);
    }
  spec->tensors[f->tensor].is_output = 1;
  return MLRT_OK;
}

static MlrtStatus
add_inputs (MlrtShapeCtx *c, Names *names, MlrtSpec *spec)
{
  for (size_t i = 0; i < spec->n_inputs; i++)
    {
      MlrtTensor *t = &spec->tensors[spec->n_tensors];
      if (find_tensor (names, spec->inputs[i].d.name) >= 0)
        return mlrt_shape_fail (c, "input '%s' is declared twice",
                                spec->inputs[i].d.name);
      mlrt_feature_tensor_shape (&spec->inputs[i].d, &t->rank, t->shape);
      if (!mlrt_shape_fits (t->rank, t->shape))
        return mlrt_shape_fail (c, "input '%s' has more than %d values",
                                spec->inputs[i].d.name, MLRT_MAX_ELEMENTS);
      t->name = strdup (spec->inputs[i].d.name);
      if (t->name == NULL)
        return mlrt_set_error (c->error, MLRT_ERROR_NO_MEMORY,
                               "out of memory");
      t->producer = -1;
      t->last_consumer = -1;
      spec->inputs[i].tensor = (int) spec->n_tensors++;
      name_tensor (names, spec, spec->inputs[i].tensor);
    }
  return MLRT_OK;
}

static MlrtStatus
add_layer (MlrtShapeCtx *c, Names *names, MlrtSpec *spec, size_t li)
{
  MlrtLayer *l = &spec->layers[li];
  MlrtTensor out = { 0 };

  for (int j = 0; j < l->n_inputs; j++)
    {
      l->inputs[j] = find_tensor (names, l->input_names[j]);
      if (l->inputs[j] < 0)
        return mlrt_shape_fail (c, "input '%s' is not a model input or an "
                                "earlier layer's output", l->input_names[j]);
      spec->tensors[l->inputs[j]].last_consumer = (int) li;
      spec->tensors[l->inputs[j]].n_readers++;
    }
  if (find_tensor (names, l->output_name) >= 0)
    return mlrt_shape_fail (c, "output '%s' is already defined earlier",
                            l->output_name);
  TRY (infer_layer (c, &out));
  out.name = strdup (l->output_name);
  if (out.name == NULL)
    return mlrt_set_error (c->error, MLRT_ERROR_NO_MEMORY, "out of memory");
  out.producer = (int) li;
  out.last_consumer = -1;
  out.n_readers = 0;
  out.is_output = 0;
  l->output = (int) spec->n_tensors;
  spec->tensors[spec->n_tensors++] = out;
  name_tensor (names, spec, l->output);
  return MLRT_OK;
}

static MlrtStatus
infer_all (MlrtShapeCtx *c, Names *names, MlrtSpec *spec)
{
  TRY (add_inputs (c, names, spec));
  for (size_t li = 0; li < spec->n_layers; li++)
    {
      c->layer = &spec->layers[li];
      TRY (add_layer (c, names, spec, li));
    }
  c->layer = NULL;
  for (size_t i = 0; i < spec->n_outputs; i++)
    TRY (check_output (c, names, spec, &spec->outputs[i]));
  return MLRT_OK;
}

MlrtStatus
mlrt_spec_infer (MlrtSpec *spec, const char *origin, MlrtError *error)
{
  MlrtShapeCtx c = { spec, NULL, origin, error };
  size_t cap = spec->n_inputs + spec->n_layers;
  Names names;
  MlrtStatus st;

  for (size_t i = 0; spec->tensors && i < spec->n_tensors; i++)
    free (spec->tensors[i].name);
  free (spec->tensors);
  spec->n_tensors = 0;
  spec->tensors = calloc (cap, sizeof (MlrtTensor));
  memset (&names, 0, sizeof names);
  /* Half full at most, so a lookup probes once or twice. */
  if (spec->tensors == NULL || !hcreate_r (2 * cap + 1, &names))
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  st = infer_all (&c, &names, spec);
  hdestroy_r (&names);
  return st;
}
