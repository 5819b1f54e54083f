/*
 * passes.h: what happens to a model spec after a frontend made it,
 * whichever frontend that was (frontends/json/ for model.json; an importer
 * of another format is another frontend): check that its text is UTF-8
 * (check-text.c) and its weights lie in their blob (check-weights.c),
 * resolve names and infer shapes (infer.c), apply
 * the fusion rules (fuse.c, one file per rule), serialize the compiled
 * spec (serialize.c). mlrt_compile_spec runs them in that order.
 *
 * A fusion rule is onnxruntime's rewrite rule in small: the ops it
 * targets, a match on a layer of those ops (and the layers after it), and
 * an apply step that rewrites the spec, absorbing the layers it merged
 * (mlrt_fuse_absorb keeps their names in the survivor's `fused`; the
 * survivor keeps its own name and origin).
 */
#ifndef MLRT_PASSES_H
#define MLRT_PASSES_H

#include "mlrt-internal.h"

/* Resolves tensor names, checks every layer against its op's row (inputs,
 * weights, params, shape rule, cost rule) and infers every tensor's shape,
 * naming `origin` and the layer at fault. */
MlrtStatus mlrt_spec_infer (MlrtSpec *spec, const char *origin,
                            MlrtError *error);

/* Checks that every name and text of `spec` is well-formed UTF-8. */
MlrtStatus mlrt_spec_check_text (const MlrtSpec *spec, const char *origin,
                                 MlrtError *error);

/* Checks every weight of `spec` against the blob; `origin` names the
 * weights' file in messages. */
MlrtStatus mlrt_spec_check_weights (const MlrtSpec *spec, const uint8_t *blob,
                                    size_t blob_size, const char *origin,
                                    MlrtError *error);

/* What a fusion rule sees: the spec (inferred), the weights blob its
 * layers point into (the bytes are as the frontend stored them: a rule
 * that changes values numerically leaves that to load, as the batch-norm
 * fold does with bn_* weights), and where messages point. */
typedef struct {
  MlrtSpec *spec;
  const uint8_t *weights;
  size_t weights_size;
  const char *origin;
  MlrtError *error;
} MlrtFuseCtx;

typedef struct {
  const char *name;
  /* Whether the rule looks at layers of this op. */
  int (*targets) (const MlrtOpDef *op);
  /* Whether the rule applies to layer i. */
  int (*match) (const MlrtFuseCtx *c, size_t i);
  /* Rewrites the spec around layer i; may absorb later layers. */
  MlrtStatus (*apply) (MlrtFuseCtx *c, size_t i);
} MlrtFusionRule;

extern const MlrtFusionRule mlrt_rule_fold_batch_norm;
extern const MlrtFusionRule mlrt_rule_fuse_bias;
extern const MlrtFusionRule mlrt_rule_fuse_activation;
extern const MlrtFusionRule mlrt_rule_fuse_output_scale;

/* Applies the rules, in order, to every layer until none matches; the
 * spec must have been inferred, and is re-inferred after. */
MlrtStatus mlrt_spec_fuse (MlrtSpec *spec, const uint8_t *weights,
                           size_t weights_size, const char *origin,
                           MlrtError *error);

/* For rules: the index of the next layer after i that is still in the
 * spec, if it reads layer i's output and nothing else does (and the
 * output is not a model output), so the two can run as one; else -1. */
long mlrt_fuse_sole_next (const MlrtSpec *spec, size_t i);
/* Merges layer j into layer i: i takes over j's output, j's name goes
 * into i's `fused`, and j leaves the spec when the pass ends. */
void mlrt_fuse_absorb (MlrtSpec *spec, size_t i, size_t j);

/* Serialises a spec (after compile) as the compiled model's JSON. */
char *mlrt_spec_to_json (const MlrtSpec *spec);
/* The same, or, when not `compiled`, as a package's model.json (no
 * tensor table; indented for people), what a converter writes. */
char *mlrt_spec_write_json (const MlrtSpec *spec, int compiled);

/* The shared half of compiling: check the text and the weights against
 * `weights`, infer, fuse, serialize. `spec_origin` and `weights_origin` name
 * where the spec and the weights came from in messages. On success
 * *compiled_spec (free() it) is the spec to store with `weights`
 * (compiled.h); `spec` is left fused. */
MlrtStatus mlrt_compile_spec (MlrtSpec *spec, const uint8_t *weights,
                              size_t weights_size, const char *spec_origin,
                              const char *weights_origin,
                              char **compiled_spec, MlrtError *error);

#endif /* MLRT_PASSES_H */
