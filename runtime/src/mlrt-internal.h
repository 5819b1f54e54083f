/*
 * mlrt-internal.h: the runtime's internal data model, shared by the core
 * (spec parsing, compile, load, plan, predict) and the compute units.
 *
 * A model is held as an MlrtSpec: its metadata, features, a table of tensors
 * (every tensor the network names, with its inferred shape) and its layers,
 * each pointing at tensors by index and at its op's row (ops/ops.h). Every
 * frontend makes one (frontends/json/ from a package's model.json, which
 * also reads a compiled model's spec); the passes (passes/passes.h) infer
 * and fuse it, loading adds decoded weights.
 */
#ifndef MLRT_INTERNAL_H
#define MLRT_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "mlrt/mlrt.h"
#include "ops/ops.h"

/* Limits that keep every size computation far from overflow. */
#define MLRT_MAX_DIM (1 << 24)
#define MLRT_MAX_ELEMENTS (1 << 30)
#define MLRT_MAX_WEIGHTS 6

/* ---- errors (error.c) ---- */

/* Fills `error` (if not NULL) and returns `status`. */
MlrtStatus mlrt_set_error (MlrtError *error, MlrtStatus status,
                           const char *format, ...)
  __attribute__ ((format (printf, 3, 4)));
/* Prepends "prefix: " to an error's message. */
void mlrt_error_prefix (MlrtError *error, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));
/* A format error (MLRT_ERROR_FORMAT) "ORIGIN: MESSAGE", or, when `layer`
 * is not NULL, "ORIGIN: layer 'LAYER' (OP): MESSAGE", or, when the layer
 * came from a node of another name, "ORIGIN: layer 'LAYER' (OP, node
 * 'NODE'): MESSAGE". */
MlrtStatus mlrt_set_format_error (MlrtError *error, const char *origin,
                                  const char *layer, const char *op,
                                  const char *node, const char *format,
                                  va_list ap)
  __attribute__ ((format (printf, 6, 0)));
char *mlrt_strdup (const char *s);
char *mlrt_strdup_printf (const char *format, ...)
  __attribute__ ((format (printf, 1, 2)));

/* ---- text (utf8.c) ---- */

/* How many bytes of `text` are well-formed UTF-8 before the first that is
 * not; `len` when all are. */
size_t mlrt_utf8_valid_prefix (const char *text, size_t len);

/* ---- float16 (half.c) ---- */

void mlrt_half_to_float_n (const uint16_t *in, float *out, size_t n);
void mlrt_float_to_half_n (const float *in, uint16_t *out, size_t n);

/* ---- weights (weights.c) ---- */

typedef enum {
  MLRT_ENC_FLOAT32,
  MLRT_ENC_FLOAT16,
  MLRT_ENC_INT8,
  MLRT_ENC_PALETTE,         /* `bits` = N */
  MLRT_ENC_SPARSE,
} MlrtEncoding;

typedef struct {
  char *name;               /* role: "weight", "bias", "mean", ... */
  int rank;
  int64_t shape[MLRT_MAX_RANK];
  MlrtEncoding encoding;
  int bits;
  uint64_t offset, size;
  float *data;              /* decoded (at load), count() floats */
} MlrtWeight;

size_t mlrt_weight_count (const MlrtWeight *w);
const char *mlrt_encoding_name (const MlrtWeight *w, char *buf, size_t len);
int mlrt_encoding_parse (const char *name, MlrtEncoding *enc, int *bits);
/* Checks that `w` lies inside the blob and has the size its encoding and
 * shape need; `what` names it in the message. */
MlrtStatus mlrt_weight_check (const MlrtWeight *w, const uint8_t *blob,
                              size_t blob_size, const char *what,
                              MlrtError *error);
/* Decodes `w` into w->data (allocated). Call only after mlrt_weight_check. */
MlrtStatus mlrt_weight_decode (MlrtWeight *w, const uint8_t *blob,
                               MlrtError *error);

/* Encoding weights (weights-encode.c). The bytes `enc` (`bits` for a
 * palette) takes for n values with `channels` rows on axis 0 (the int8
 * scales are per row; sparse depends on the values). */
size_t mlrt_weight_encoded_size (MlrtEncoding enc, int bits,
                                 const float *values, size_t n,
                                 size_t channels);
/* Writes the encoding into `out`, mlrt_weight_encoded_size() bytes. A
 * palette is the k-means clustering of the values. */
MlrtStatus mlrt_weight_encode (MlrtEncoding enc, int bits,
                               const float *values, size_t n,
                               size_t channels, uint8_t *out,
                               MlrtError *error);
/* Magnitude pruning: sets the `ratio` (0..1) of the values smallest in
 * magnitude to zero. */
MlrtStatus mlrt_weight_prune (float *values, size_t n, double ratio,
                              MlrtError *error);

/* ---- spec (spec.c) ---- */

struct MlrtTensor {
  char *name;
  int rank;
  int64_t shape[MLRT_MAX_RANK];
  int producer;             /* layer index, -1 for a model input */
  int last_consumer;        /* layer index, -1 if none */
  int n_readers;            /* layer inputs naming it (a layer may name it
                               twice) */
  int is_output;
};

/* A layer: one op applied to tensors. A frontend names a layer after the
 * node of the source model it came from (an ONNX node) where that name is
 * usable, so what carries the layer's name (plans, layer spans) names the
 * node; `origin` keeps the node's name where the layer's differs (made
 * unique, or made by a rule), through fusion. NULL when the layer is its
 * own source (model.json). */
struct MlrtLayer {
  char *name;
  char *origin;
  const MlrtOpDef *op;
  int n_inputs;
  char *input_names[MLRT_MAX_LAYER_INPUTS];
  int inputs[MLRT_MAX_LAYER_INPUTS];      /* tensor indices */
  char *output_name;
  int output;                             /* tensor index */
  MlrtParams p;
  MlrtActivation act;                     /* fused activation */
  float act_alpha;
  int fold_bn;                            /* conv2d: fold bn_* weights */
  float bn_epsilon;
  int n_fused;
  char **fused;                           /* names of layers merged in */
  int n_weights;
  MlrtWeight weights[MLRT_MAX_WEIGHTS];
};

typedef struct {
  MlrtFeatureDescription d;               /* strings owned */
  int tensor;
} MlrtFeature;

struct MlrtSpec {
  char *name, *author, *description, *version, *license;
  char *compute_precision, *storage_precision;
  size_t n_class_labels;
  char **class_labels;
  size_t n_user_metadata;   /* metadata.user_defined, in file order */
  char **user_metadata_keys, **user_metadata_values;
  size_t n_inputs, n_outputs;
  MlrtFeature *inputs, *outputs;
  size_t n_layers;
  MlrtLayer *layers;
  size_t n_tensors;
  MlrtTensor *tensors;
  int half;                 /* activations stored as float16 */
};

void mlrt_spec_clear (MlrtSpec *spec);
/* Frees what a layer owns (names, fused names, weights), not the layer. */
void mlrt_layer_clear (MlrtLayer *layer);
const MlrtWeight *mlrt_layer_weight (const MlrtLayer *layer,
                                     const char *name);
MlrtWeight *mlrt_layer_weight_mut (MlrtLayer *layer, const char *name);
/* "layer 'NAME' (OP)", or "layer 'NAME' (OP, node 'NODE')" for a layer
 * that came from a node of another name: how messages name a layer. */
void mlrt_layer_describe (const MlrtLayer *layer, char *buf, size_t len);
size_t mlrt_tensor_count (const MlrtTensor *t);
/* Whether a shape has at most MLRT_MAX_ELEMENTS values. */
int mlrt_shape_fits (int rank, const int64_t *shape);
/* The layer's cost, from its op's cost rule (shapes inferred). */
MlrtOpCost mlrt_layer_cost (const MlrtSpec *spec, const MlrtLayer *layer);

/* ---- cache (cache.c) ---- */

char *mlrt_cache_dir_default (void);
/* A 64-bit hash of data that goes on from `hash` (the previous piece's,
 * or MLRT_HASH_START), for cache keys. */
uint64_t mlrt_hash64 (uint64_t hash, const void *data, size_t len);
#define MLRT_HASH_START 0xcbf29ce484222325ULL
MlrtStatus mlrt_read_file (const char *path, uint8_t **data, size_t *size,
                           MlrtError *error);
/* Writes `n` pieces to `path` through a temporary file and rename(). */
MlrtStatus mlrt_write_file_atomic (const char *path, const void *const *parts,
                                   const size_t *sizes, int n,
                                   MlrtError *error);
MlrtStatus mlrt_mkdir_p (const char *path, MlrtError *error);

/* ---- compile (compile.c) ---- */

/* Compiles a package; `parent_span` nests the compile activity. */
MlrtStatus mlrt_compile_internal (const char *package_path,
                                  const char *cache_dir, uint64_t parent_span,
                                  uint64_t model_id, const char *model_name,
                                  char **compiled_path, int *cache_hit,
                                  MlrtError *error);
/* Compiles the package archive of `size` bytes at `data` (compiled.h) in
 * memory, as a compile activity under `parent_span`: *compiled receives
 * the compiled spec (free() it), *weights the archive's weights blob. */
MlrtStatus mlrt_compile_archive (const char *name, const uint8_t *data,
                                 size_t size, uint64_t parent_span,
                                 uint64_t model_id, char **compiled,
                                 const uint8_t **weights,
                                 size_t *weights_size, MlrtError *error);
/* The name of a package or compiled file: its base name without the
 * extension. Newly allocated. */
char *mlrt_path_stem (const char *path);

/* ---- the liveness plan (memory-plan.c) ---- */

/* Where a prediction keeps each tensor's host memory and when it lets it
 * go, made once at load from the layer order. Tensors whose lives do not
 * overlap share a slot; a model output has none (it is handed over). */
typedef struct {
  int *slot;                /* per tensor: its slot, or -1 */
  size_t n_slots;
  size_t *slot_bytes;       /* per slot: its size */
  int *done_start;          /* per layer, and one past: where its list in
                               `done` starts */
  int *done;                /* the tensors whose last reader is the layer
                               (or, read by none, whose producer is) */
} MlrtMemoryPlan;

MlrtStatus mlrt_memory_plan_build (const MlrtSpec *spec, MlrtMemoryPlan *plan,
                                   MlrtError *error);
void mlrt_memory_plan_clear (MlrtMemoryPlan *plan);

/* ---- units and plan (plan.c, cpu/cpu-unit.c) ---- */

typedef struct MlrtModel MlrtModel;
typedef struct MlrtRun MlrtRun;
typedef struct MlrtRunMemory MlrtRunMemory;
typedef struct MlrtAsync MlrtAsync;

/* A run of consecutive layers placed on one unit. */
typedef struct {
  MlrtUnit unit;
  int first, last;          /* layer indices, inclusive */
  void *unit_data;          /* the unit's own per-segment state */
} MlrtSegment;

/*
 * MlrtUnitOps: what a compute unit offers the planner and executor. The
 * CPU's is mlrt_cpu_unit_ops (cpu/cpu-unit.c). The GPU and NPU units define
 * mlrt_gpu_unit_ops / mlrt_npu_unit_ops in their own sources; plan.c refers
 * to them weakly, so a unit that is not built is simply absent.
 *
 * available may be NULL (always available). A unit supports a layer when
 * it has a kernel for the layer's op (has_kernel: its kernel table has a
 * row for it) and, if it has limits of its own, `supports` accepts the
 * layer (its shapes, params or fused activation); `supports` may be NULL
 * (no limits), and the reason it gives for a refusal must be a static
 * string. estimate_us is asked at load for every supported layer.
 * prepare (may be NULL) runs at load for each segment placed on the unit
 * (upload weights, build kernels) and may set segment->unit_data; release
 * (may be NULL) is called at unload for each segment whose unit_data is
 * set.
 * run_segment computes layers first..last of one prediction: it reads its
 * input tensors from run->tensors (activation type: float, or uint16_t
 * halves when spec.half), writes its outputs there (mlrt_run_tensor()),
 * emits copy_to_unit / copy_from_unit data spans and layer spans (parent
 * run->compute_span) and, for a device, device_busy. It must not modify
 * the model: several predictions run at once.
 */
typedef struct {
  MlrtUnit unit;
  int (*available) (void);
  int (*has_kernel) (const MlrtOpDef *op);
  int (*supports) (const MlrtModel *model, const MlrtLayer *layer,
                   const char **reason);
  double (*estimate_us) (const MlrtModel *model, const MlrtLayer *layer);
  MlrtStatus (*prepare) (MlrtModel *model, MlrtSegment *segment,
                         MlrtError *error);
  void (*release) (MlrtModel *model, MlrtSegment *segment);
  MlrtStatus (*run_segment) (MlrtRun *run, const MlrtSegment *segment,
                             MlrtError *error);
  /* Optional (NULL: free, as for the CPU, which works in host memory): the
   * planner's data-movement terms. transfer_us is the cost of moving
   * tensor `tensor` between host memory and the unit, one way;
   * request_us the fixed cost of one compute request (one segment). */
  double (*transfer_us) (const MlrtModel *model, int tensor);
  double (*request_us) (const MlrtModel *model);
  /* Optional (NULL: the unit's name): the device behind the unit and its
   * driver's version, one line, for the placement cache's key; asked only
   * when the unit is allowed and available. */
  const char *(*device) (void);
} MlrtUnitOps;

extern const MlrtUnitOps mlrt_cpu_unit_ops;
/* The processor, for the placement cache's key (cpu-device.c). */
const char *mlrt_cpu_device (void);
/* NULL when the unit is not built into this library. */
const MlrtUnitOps *mlrt_unit_ops (MlrtUnit unit);

/* Data movement measured at load (calibrate.c), per unit: what the
 * planner uses in place of transfer_us and request_us when `measured`. */
typedef struct {
  int measured;
  double byte_us;           /* host <-> unit, per byte of activation */
  double request_us;        /* a request's cost beyond compute and copies */
} MlrtUnitCosts;

struct MlrtModel {
  uint64_t id;              /* per process, for traces */
  char *name;
  MlrtSpec spec;
  MlrtComputeUnits compute_units;
  MlrtPlacement placement;
  uint64_t load_span;       /* the Model Load span: parent of its work */
  MlrtUnitCosts unit_costs[MLRT_N_UNITS];
  MlrtModelDescription description;
  MlrtFeatureDescription *input_descs, *output_descs;
  MlrtLayerPlan *plan;
  size_t n_segments;
  MlrtSegment *segments;
  MlrtMemoryPlan memory;
  /* The most host memory a prediction of this model has held, as buffers
   * and bytes (tensors, slots and units' working copies): what the tests
   * check to know that memory follows the model's width. */
  atomic_size_t peak_run_buffers, peak_run_bytes;
  /* The buffers its predictions gave back, for the next (run-memory.c). */
  MlrtRunMemory *run_memory;
  MlrtAsync *async;         /* its asynchronous predictions */
  char *cache_stem;         /* where its placement cache files go (the
                               compiled model's path without extension),
                               NULL for a model loaded from memory */
  int placement_result;     /* measured, cached or neither: an
                               MlrtPlacementResult (mlrt-trace-enums.h) */
  char *cache_dir;          /* the configuration's, NULL for the default */
};

/* Chooses a unit per layer within model->compute_units and groups layers
 * into segments, then prepares each segment on its unit. */
MlrtStatus mlrt_plan_build (MlrtModel *model, MlrtError *error);
void mlrt_plan_free (MlrtModel *model);
/* How much more than its figures a layer on a unit other than the CPU
 * counts when placing by cost (plan.c, docs/placement.md). */
#define MLRT_PLAN_MARGIN 0.25
/* Fills chosen[i] with the unit of each layer: the cheapest path through
 * the units ok[i * MLRT_N_UNITS + u] allows, by the plan's figures (the
 * margin above counted). */
MlrtStatus mlrt_plan_choose (const MlrtModel *model, const int *ok,
                             int *chosen, MlrtError *error);
/* Whether a unit may be used under `units` (the CPU always may). */
int mlrt_unit_allowed (MlrtComputeUnits units, MlrtUnit unit);

/* Measures, when more than one unit is allowed and placement is measured,
 * each layer on each unit where ok[layer * MLRT_N_UNITS + unit] and each
 * unit's data movement, as compute requests under the Model Load span, and
 * puts the timings into model->plan and model->unit_costs (calibrate.c). */
MlrtStatus mlrt_calibrate (MlrtModel *model, const int *ok,
                           MlrtError *error);

/* The placement cache (placement-cache.c): fills model->plan's measured
 * figures and model->unit_costs from the file for the model's content,
 * compute units and devices; returns 0, leaving them as they were, when
 * there is none or it does not fit the model. */
int mlrt_placement_cache_read (MlrtModel *model, const int *ok);
/* Stores the measured figures; returns 0 if they could not be written. */
int mlrt_placement_cache_write (const MlrtModel *model);
/* The devices `units` may use, one "device UNIT: DESCRIPTION" line each
 * into buf, and a hash of them (and of the cache's format) for keys. */
uint64_t mlrt_describe_devices (MlrtComputeUnits units, char *buf,
                                size_t len);

/* How many units the plan may choose between (calibrate.c). */
int mlrt_plan_n_choices (const MlrtModel *model, const int *ok);

/* Estimated placement calibrated on this machine (calibrate-machine.c):
 * puts into model->plan and model->unit_costs each allowed unit's cost
 * model with its rates measured here, once per process and cache
 * directory (`cache_dir`, NULL for the default), where they are kept when
 * `store`. */
MlrtStatus mlrt_calibrate_estimates (MlrtModel *model, const int *ok,
                                     const char *cache_dir, int store,
                                     MlrtError *error);

/* ---- one prediction's state (predict.c) ---- */

/* What a unit's run_segment reports when MlrtRun.timing is set (measuring
 * at load): the unit's own execution of the layers, on its own clock (the
 * GPU's event profiling, the NPU's device thread), and the copies between
 * host and unit, wall time and host bytes. A unit that leaves `filled` 0
 * (the CPU, which works in host memory) is timed by the caller. */
typedef struct {
  int filled;
  double exec_us;
  double copy_us;
  double copy_bytes;
} MlrtRunTiming;

struct MlrtRun {
  const MlrtModel *model;
  uint64_t parent_span;     /* the prediction or batch */
  uint64_t compute_span;    /* the compute request being run */
  void **tensors;           /* per tensor, activation type, or NULL */
  uint8_t *owned;           /* tensors[i] was allocated by the run */
  MlrtBuffer **buffers;     /* per tensor, the caller's MlrtBuffer its
                               storage lies in (inputs used in place,
                               outputs placed in backings), or NULL */
  void **slots;             /* per slot of model->memory, allocated on
                               first use; NULL: no plan, every tensor is
                               kept (measuring at load) */
  float **views;            /* per tensor, for the unit running a segment
                               (the CPU's float32 views); all NULL between
                               segments */
  MlrtRunTiming *timing;    /* NULL but when measuring at load */
  size_t live_buffers, live_bytes, peak_buffers, peak_bytes;
  const atomic_int *cancel; /* set: stop before the next compute request
                               (an asynchronous prediction), or NULL */
};

/* One prediction (predict.c), its spans parented to `parent`; `cancel`
 * as in MlrtRun. */
MlrtStatus mlrt_predict_one (MlrtModel *model, const MlrtFeatures *inputs,
                             const MlrtFeatures *backings, uint64_t parent,
                             const atomic_int *cancel,
                             MlrtFeatures **outputs, MlrtError *error);

/* CLOCK_MONOTONIC in microseconds (calibrate.c). */
double mlrt_now_us (void);
/* Adds a copy of `bytes` host bytes begun at `start_us` to run->timing, if
 * set (a unit's copy_in / copy_out). */
void mlrt_run_note_copy (MlrtRun *run, double start_us, size_t bytes);

size_t mlrt_run_elem_size (const MlrtRun *run);
/* Sets up a run of `m` (arrays per tensor; with `memory_plan`, the slots
 * of the model's liveness plan) and frees it. */
MlrtStatus mlrt_run_init (MlrtRun *run, const MlrtModel *m, uint64_t parent,
                          int memory_plan, MlrtError *error);
void mlrt_run_clear (MlrtRun *run);
/* The storage of tensor `t`, allocated on first use (in its slot, when
 * the run follows the plan); NULL if out of memory. */
void *mlrt_run_tensor (MlrtRun *run, int t);
/* Lets go of the tensors whose last reader is layer `layer` (when the run
 * follows the plan): a unit calls it once the layer has run, the
 * executor for every layer of a segment once the segment has run. */
void mlrt_run_layer_done (MlrtRun *run, int layer);
/* Host memory a unit holds during a request (working copies), counted
 * with the run's tensors. */
void *mlrt_run_alloc (MlrtRun *run, size_t bytes);
void mlrt_run_free (MlrtRun *run, void *p, size_t bytes);

/* A model's kept prediction buffers (run-memory.c): take returns a kept
 * buffer of exactly `bytes`, else a new one (NULL if out of memory); give
 * keeps `p` while the kept total stays within `limit` bytes, else frees
 * it. */
MlrtRunMemory *mlrt_run_memory_new (void);
void mlrt_run_memory_free (MlrtRunMemory *rm);
void *mlrt_run_memory_take (MlrtRunMemory *rm, size_t bytes);
void mlrt_run_memory_give (MlrtRunMemory *rm, void *p, size_t bytes,
                           size_t limit);
/* Whether a tensor is read outside layers first..last. */
int mlrt_tensor_needed_outside (const MlrtSpec *spec, int t, int first,
                                int last);

/* ---- asynchronous predictions (async.c) ---- */

/* The most predictions in flight a model may be configured for, and how
 * many when its configuration says 0 (mlrt.h). */
#define MLRT_MAX_IN_FLIGHT 64
#define MLRT_DEFAULT_IN_FLIGHT 4

/* A model's queue and workers for up to `max_in_flight` predictions in
 * flight; NULL when out of memory. No thread starts before the first
 * prediction. */
MlrtAsync *mlrt_async_new (MlrtModel *model, unsigned max_in_flight);
/* Cancels the predictions in flight, waits for them to complete (their
 * callbacks returned) and for the workers to exit, and frees the pool.
 * NULL is ignored. */
void mlrt_async_free (MlrtAsync *pool);

/* ---- features (features.c, convert.c) ---- */

/* Adds a value whose data `features` will free(). */
MlrtStatus mlrt_features_take (MlrtFeatures *features, const char *name,
                               const MlrtValue *value, MlrtError *error);

/* The tensor shape a feature maps to inside the network. */
void mlrt_feature_tensor_shape (const MlrtFeatureDescription *d, int *rank,
                                int64_t *shape);
/* Checks that `value` can feed input `d`; names the feature. */
MlrtStatus mlrt_convert_check_input (const MlrtFeatureDescription *d,
                                     const MlrtValue *value,
                                     MlrtError *error);
/* Whether `value` already is the tensor's bytes (no conversion needed). */
int mlrt_convert_input_is_identity (const MlrtFeatureDescription *d,
                                    const MlrtValue *value, int half);
/* Converts `value` to the tensor (float or half, per `half`). */
void mlrt_convert_input (const MlrtFeatureDescription *d,
                         const MlrtValue *value, int half, void *tensor);
int mlrt_convert_output_is_identity (const MlrtFeatureDescription *d,
                                     int half);
/* Converts a tensor into output `d`'s type at `out`. */
void mlrt_convert_output (const MlrtFeatureDescription *d, const void *tensor,
                          int half, void *out);
/* The MlrtValue shape of output `d` (with its type). */
void mlrt_output_value_init (const MlrtFeatureDescription *d,
                             MlrtValue *value);

#endif /* MLRT_INTERNAL_H */
