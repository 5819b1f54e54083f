/*
 * check-text.c: the pass that checks that every text of a spec (names,
 * metadata, class labels, feature descriptions) is well-formed UTF-8
 * (utf8.c). The model.json reader refuses a file that is not, but another
 * frontend copies names out of a binary format (ONNX's protobuf strings
 * are not checked by protobuf-c), and these names reach traces, trace
 * databases and JSON that other tools read.
 */
#include <stdio.h>
#include <string.h>

#include "passes.h"

typedef struct {
  const char *origin;
  MlrtError *error;
} Ctx;

static MlrtStatus
check (Ctx *c, const char *text, const char *what, const char *owner)
{
  size_t len, valid;

  if (text == NULL)
    return MLRT_OK;
  len = strlen (text);
  valid = mlrt_utf8_valid_prefix (text, len);
  if (valid == len)
    return MLRT_OK;
  return mlrt_set_error (c->error, MLRT_ERROR_FORMAT,
                         "%s: %s%s%s is not UTF-8 text (byte %zu is 0x%02x)",
                         c->origin, owner ? owner : "", owner ? ": " : "",
                         what, valid, (unsigned) (unsigned char) text[valid]);
}

#define TRY(x) do { MlrtStatus st_ = (x); if (st_ != MLRT_OK) return st_; } while (0)

static MlrtStatus
check_features (Ctx *c, size_t n, const MlrtFeature *f, const char *kind)
{
  for (size_t i = 0; i < n; i++)
    {
      TRY (check (c, f[i].d.name, "the name", kind));
      TRY (check (c, f[i].d.description, "the description", kind));
    }
  return MLRT_OK;
}

/* Layer names come first: the others' messages name the layer. */
static MlrtStatus
check_layer (Ctx *c, const MlrtLayer *l, size_t index)
{
  char owner[384];

  snprintf (owner, sizeof owner, "layer %zu", index);
  TRY (check (c, l->name, "the name", owner));
  TRY (check (c, l->origin, "the origin", owner));
  mlrt_layer_describe (l, owner, sizeof owner);
  for (int j = 0; j < l->n_inputs; j++)
    TRY (check (c, l->input_names[j], "an input name", owner));
  TRY (check (c, l->output_name, "the output name", owner));
  for (int j = 0; j < l->n_fused; j++)
    TRY (check (c, l->fused[j], "a fused layer's name", owner));
  for (int j = 0; j < l->n_weights; j++)
    TRY (check (c, l->weights[j].name, "a weight's name", owner));
  return MLRT_OK;
}

MlrtStatus
mlrt_spec_check_text (const MlrtSpec *spec, const char *origin,
                      MlrtError *error)
{
  Ctx c = { origin, error };
  const char *const meta[][2] = {
    { spec->name, "the model's name" },
    { spec->author, "metadata 'author'" },
    { spec->description, "metadata 'description'" },
    { spec->version, "metadata 'version'" },
    { spec->license, "metadata 'license'" },
    { spec->compute_precision, "metadata 'compute_precision'" },
    { spec->storage_precision, "metadata 'storage_precision'" },
  };

  for (size_t i = 0; i < sizeof meta / sizeof meta[0]; i++)
    TRY (check (&c, meta[i][0], meta[i][1], NULL));
  for (size_t i = 0; i < spec->n_class_labels; i++)
    TRY (check (&c, spec->class_labels[i], "a class label", NULL));
  TRY (check_features (&c, spec->n_inputs, spec->inputs, "an input"));
  TRY (check_features (&c, spec->n_outputs, spec->outputs, "an output"));
  for (size_t i = 0; i < spec->n_layers; i++)
    TRY (check_layer (&c, &spec->layers[i], i));
  return MLRT_OK;
}
