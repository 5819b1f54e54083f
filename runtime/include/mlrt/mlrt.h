/*
 * mlrt.h: the public interface of mlrt, a small on-device inference runtime.
 *
 * The life of a model: a model package (NAME.mlpackage/, see
 * docs/model-format.md) is compiled into a compiled model (validated, shapes
 * inferred, layers fused, a placement plan chosen), which is cached on disk
 * keyed by the package's content; the compiled model is loaded for a set of
 * compute units; the loaded model predicts; it is unloaded when no longer
 * needed. Each of those steps is traced (tracer/provider/mlrt-tp.h).
 *
 * Every function that can fail returns an MlrtStatus and, when given a
 * non-NULL MlrtError, fills it with a message naming the file or feature at
 * fault. Nothing here aborts on bad input.
 *
 * A loaded MlrtModel may be used for predictions from several threads at
 * once, synchronous or asynchronous (see mlrt_model_predict_async for the
 * rules of the latter). Everything else is not thread-safe unless said so.
 */
#ifndef MLRT_H
#define MLRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the functions libmlrt exports: it is built with hidden symbol
 * visibility, so these, and nothing of its internals, are its ABI. */
#if defined(__GNUC__)
#define MLRT_API __attribute__ ((visibility ("default")))
#else
#define MLRT_API
#endif

typedef enum {
  MLRT_OK = 0,
  MLRT_ERROR_IO,            /* a file could not be read or written */
  MLRT_ERROR_FORMAT,        /* a package or compiled model is malformed */
  MLRT_ERROR_UNSUPPORTED,   /* an op, type or unit that mlrt cannot run */
  MLRT_ERROR_INVALID_INPUT, /* features given to predict do not fit the model */
  MLRT_ERROR_INVALID_ARGUMENT, /* a caller error: NULL, bad option value */
  MLRT_ERROR_NO_MEMORY,
  MLRT_ERROR_DEVICE,        /* a compute unit failed while running */
  MLRT_ERROR_CANCELLED,     /* an asynchronous prediction was cancelled */
  MLRT_ERROR_BUSY,          /* waiting here would deadlock (see
                               mlrt_model_predict_async) */
} MlrtStatus;

#define MLRT_ERROR_MESSAGE_MAX 1024

typedef struct {
  MlrtStatus status;
  char message[MLRT_ERROR_MESSAGE_MAX];
} MlrtError;

/* A short stable name for a status ("io", "format", ...). */
MLRT_API
const char *mlrt_status_name (MlrtStatus status);

/* Feature types. Images are {height, width} (Gray8, Gray16Half) or
 * {height, width} with 4 interleaved bytes per pixel (BGRA8); multi-arrays
 * have any shape of rank 1..MLRT_MAX_RANK. */
typedef enum {
  MLRT_TYPE_INVALID = 0,
  MLRT_TYPE_GRAY8,          /* image, uint8 per pixel */
  MLRT_TYPE_GRAY16_HALF,    /* image, IEEE half per pixel */
  MLRT_TYPE_BGRA8,          /* image, 4 x uint8 per pixel, alpha ignored */
  MLRT_TYPE_INT32,          /* multi-array */
  MLRT_TYPE_FLOAT32,        /* multi-array */
  MLRT_TYPE_FLOAT64,        /* multi-array */
  MLRT_TYPE_FLOAT16,        /* multi-array, IEEE half */
} MlrtFeatureType;

MLRT_API
const char *mlrt_feature_type_name (MlrtFeatureType type);  /* "gray8", ... */
MLRT_API
MlrtFeatureType mlrt_feature_type_from_name (const char *name);
MLRT_API
size_t mlrt_feature_type_element_size (MlrtFeatureType type);

typedef enum {
  MLRT_UNIT_CPU = 0,
  MLRT_UNIT_GPU = 1,
  MLRT_UNIT_NPU = 2,        /* an emulated neural engine, see docs */
} MlrtUnit;

#define MLRT_N_UNITS 3

MLRT_API
const char *mlrt_unit_name (MlrtUnit unit);  /* "cpu", "gpu", "npu" */

typedef enum {
  MLRT_COMPUTE_CPU_ONLY = 0,
  MLRT_COMPUTE_CPU_AND_GPU,
  MLRT_COMPUTE_CPU_AND_NPU,
  MLRT_COMPUTE_ALL,
} MlrtComputeUnits;

/* "cpu-only", "cpu-and-gpu", "cpu-and-npu", "all". */
MLRT_API
const char *mlrt_compute_units_name (MlrtComputeUnits units);
MLRT_API
MlrtStatus mlrt_compute_units_from_name (const char *name,
                                         MlrtComputeUnits *units,
                                         MlrtError *error);

/*
 * MlrtBuffer: memory that every compute unit reads and writes in place (the
 * role IOSurface-backed buffers play elsewhere). Feeding a prediction from,
 * or backing its outputs with, MlrtBuffers avoids copies between units.
 * Reference counted; thread-safe.
 */
typedef struct MlrtBuffer MlrtBuffer;

MLRT_API
MlrtBuffer *mlrt_buffer_new (size_t size, MlrtError *error);
MLRT_API
MlrtBuffer *mlrt_buffer_ref (MlrtBuffer *buffer);
MLRT_API
void mlrt_buffer_unref (MlrtBuffer *buffer);
MLRT_API
void *mlrt_buffer_data (MlrtBuffer *buffer);
MLRT_API
size_t mlrt_buffer_size (const MlrtBuffer *buffer);

#define MLRT_MAX_RANK 5

/*
 * MlrtValue: one feature value. `data` points at the elements, dense and
 * row-major. When `buffer` is set, data lies inside it. Values handed to the
 * runtime are borrowed, never freed by it.
 */
typedef struct {
  MlrtFeatureType type;
  int rank;
  int64_t shape[MLRT_MAX_RANK];
  void *data;
  MlrtBuffer *buffer;       /* optional */
} MlrtValue;

MLRT_API
size_t mlrt_value_element_count (const MlrtValue *value);
MLRT_API
size_t mlrt_value_byte_size (const MlrtValue *value);

/* MlrtFeatures: a set of named values (a prediction's inputs or outputs). */
typedef struct MlrtFeatures MlrtFeatures;

MLRT_API
MlrtFeatures *mlrt_features_new (void);
MLRT_API
void mlrt_features_free (MlrtFeatures *features);
/* Adds or replaces `name`. The value's memory is borrowed. */
MLRT_API
MlrtStatus mlrt_features_set (MlrtFeatures *features, const char *name,
                              const MlrtValue *value, MlrtError *error);
MLRT_API
const MlrtValue *mlrt_features_get (const MlrtFeatures *features,
                                    const char *name);
MLRT_API
size_t mlrt_features_count (const MlrtFeatures *features);
MLRT_API
const char *mlrt_features_name (const MlrtFeatures *features, size_t index);

/* What a model expects or produces under one name. */
typedef struct {
  const char *name;
  MlrtFeatureType type;
  int rank;
  int64_t shape[MLRT_MAX_RANK];
  const char *description;
} MlrtFeatureDescription;

typedef struct {
  const char *name;
  const char *author;
  const char *description;
  const char *version;
  const char *compute_precision;   /* "float32" or "float16" */
  const char *storage_precision;   /* "float32", "float16", "int8",
                                      "palette<N>" or "sparse" */
  size_t n_inputs;
  const MlrtFeatureDescription *inputs;
  size_t n_outputs;
  const MlrtFeatureDescription *outputs;
  size_t n_class_labels;
  const char *const *class_labels;
  size_t n_layers;
  /* Free-form metadata (coremltools' user_defined_metadata): a converted
   * model carries its source's producer, opset and metadata here. */
  size_t n_user_metadata;
  const char *const *user_metadata_keys;
  const char *const *user_metadata_values;
} MlrtModelDescription;

/*
 * Compiling. `cache_dir` NULL means $MLRT_CACHE_DIR, else
 * $XDG_CACHE_HOME/mlrt, else ~/.cache/mlrt. On success *compiled_path is a
 * newly allocated path (free() it) to the compiled model; *cache_hit, if
 * given, tells whether it was already in the cache.
 */
MLRT_API
MlrtStatus mlrt_compile (const char *package_path, const char *cache_dir,
                         char **compiled_path, int *cache_hit,
                         MlrtError *error);

/*
 * How a load places layers when more than one unit is allowed (see
 * docs/placement.md). MEASURED runs every layer on every allowed unit that
 * supports it and plans on those timings: placement right for this
 * machine, at the price of about one pass of the network per unit in the
 * first load of a model on the machine; later loads reuse the figures,
 * kept in the cache directory. ESTIMATED plans on the units' cost models,
 * fitted to this machine once per cache directory: a fast load, a plan
 * that may miss what the models do not capture.
 * PRIORITY ignores costs, as ONNX Runtime's execution-provider order does:
 * each layer goes to the first allowed unit, in the order NPU, GPU, CPU,
 * that supports it; the plan depends only on the model and the units
 * built and present, never on this machine's speed.
 * DEFAULT (zero) is $MLRT_PLACEMENT ("measured", "estimated" or
 * "priority"), else MEASURED.
 */
typedef enum {
  MLRT_PLACEMENT_DEFAULT = 0,
  MLRT_PLACEMENT_MEASURED = 1,
  MLRT_PLACEMENT_ESTIMATED = 2,
  MLRT_PLACEMENT_PRIORITY = 3,
} MlrtPlacement;

typedef struct {
  MlrtComputeUnits compute_units;
  const char *cache_dir;           /* NULL: as for mlrt_compile() */
  MlrtPlacement placement;
  /* How many asynchronous predictions (mlrt_model_predict_async) may be
   * in flight at once, submitted and not yet completed; 0: 4. */
  unsigned max_in_flight;
} MlrtConfiguration;

/* Defaults: all units, default cache, default placement, 4 predictions in
 * flight. */
MLRT_API
void mlrt_configuration_init (MlrtConfiguration *config);

typedef struct MlrtModel MlrtModel;

/*
 * Loads a model package (compiling it, or taking its compiled form from the
 * cache) or a compiled model file. `config` may be NULL for the defaults.
 */
MLRT_API
MlrtStatus mlrt_model_load (const char *path, const MlrtConfiguration *config,
                            MlrtModel **model, MlrtError *error);

/*
 * Decrypts `size` bytes of `data` into a malloc()ed buffer; returns 0 on
 * success. Lets an app keep its models encrypted at rest. A callback that
 * fails returns non-zero: one of the MlrtDecryptResult values below when
 * one fits (mlrt_decrypt returns them), so the load's message says what
 * went wrong, or any other value, which the message quotes.
 */
typedef int (*MlrtDecryptFunc) (const void *data, size_t size,
                                void **plain, size_t *plain_size,
                                void *user_data);

/*
 * Loads a model held in memory, optionally decrypting it first: the bytes
 * of a compiled model file, or a package archive (mlrt_package_archive),
 * which is compiled in memory (a Model Compile span inside the Model Load
 * one, no cache). No file is read or written. `name` names the model in
 * traces and messages. `decrypt` may be NULL; when given it runs inside
 * the load (a Model Decryption span) and the decrypted bytes are wiped
 * before they are freed.
 */
MLRT_API
MlrtStatus mlrt_model_load_from_memory (const char *name,
                                        const void *data, size_t size,
                                        MlrtDecryptFunc decrypt,
                                        void *user_data,
                                        const MlrtConfiguration *config,
                                        MlrtModel **model, MlrtError *error);

/*
 * Reads the model package `package_path` (NAME.mlpackage/) into one
 * malloc()ed buffer, a package archive: "MLRTP001", the length of
 * model.json as a little-endian uint64, model.json, weights.bin
 * (docs/model-format.md). That is what mlrt_model_load_from_memory
 * compiles and what `mlrt-encrypt encrypt` encrypts a package into.
 */
MLRT_API
MlrtStatus mlrt_package_archive (const char *package_path, void **data,
                                 size_t *size, MlrtError *error);

/*
 * Encrypted models (docs/encryption.md). `mlrt-encrypt keygen` makes a
 * key, `mlrt-encrypt encrypt` a model encrypted with it (XChaCha20-
 * Poly1305 from libsodium: authenticated, so a wrong key or an altered
 * byte is refused, never decrypted into garbage). At run time the app
 * gets the key its own way and its decrypt callback calls mlrt_decrypt:
 *
 *   static int
 *   decrypt_model (const void *data, size_t size, void **plain,
 *                  size_t *plain_size, void *user_data)
 *   {
 *     return mlrt_decrypt (data, size, user_data, plain, plain_size);
 *   }
 *   ...
 *   mlrt_key_read ("app.mlrtkey", &key, &error);
 *   mlrt_model_load_from_memory ("style", bytes, n, decrypt_model, &key,
 *                                NULL, &model, &error);
 */
#define MLRT_KEY_SIZE 32

typedef struct {
  uint8_t bytes[MLRT_KEY_SIZE];
} MlrtKey;

/* What mlrt_decrypt returns (and a decrypt callback may). */
typedef enum {
  MLRT_DECRYPT_OK = 0,
  MLRT_DECRYPT_NOT_ENCRYPTED = 1,  /* no mlrt-encrypt header, or cut short */
  MLRT_DECRYPT_OTHER_KEY = 2,      /* encrypted with another key */
  MLRT_DECRYPT_ALTERED = 3,        /* authentication failed: the bytes were
                                      changed after encryption */
  MLRT_DECRYPT_NO_MEMORY = 4,
  MLRT_DECRYPT_FAILED = 5,         /* NULL key or result, or libsodium
                                      could not start */
} MlrtDecryptResult;

/* Creates a key file at `path` holding a new random key (as hexadecimal
 * text, readable by its owner only); refuses to replace a file. */
MLRT_API
MlrtStatus mlrt_key_create (const char *path, MlrtError *error);

/* Reads a key file made by mlrt_key_create or `mlrt-encrypt keygen`. */
MLRT_API
MlrtStatus mlrt_key_read (const char *path, MlrtKey *key, MlrtError *error);

/* Encrypts `size` bytes of `data` with `key` into a malloc()ed buffer
 * (`size` + 56 bytes: header, nonce and authentication tag). */
MLRT_API
MlrtStatus mlrt_encrypt (const void *data, size_t size, const MlrtKey *key,
                         void **sealed, size_t *sealed_size,
                         MlrtError *error);

/* Decrypts what mlrt_encrypt made into a malloc()ed buffer; returns an
 * MlrtDecryptResult. Thread-safe. */
MLRT_API
int mlrt_decrypt (const void *data, size_t size, const MlrtKey *key,
                  void **plain, size_t *plain_size);

/* Unloads and frees the model. NULL is ignored. */
MLRT_API
void mlrt_model_unload (MlrtModel *model);

MLRT_API
const MlrtModelDescription *mlrt_model_description (const MlrtModel *model);

typedef struct {
  /* Optional preallocated outputs (output backings): for every output named
   * here, predict writes into this value instead of allocating. Its type
   * and shape must match the model's output description. */
  const MlrtFeatures *output_backings;
} MlrtPredictOptions;

/*
 * Runs one prediction. `inputs` must hold every input the model describes;
 * a value of another type is converted. On success *outputs is a new
 * MlrtFeatures (free with mlrt_features_free) whose values the runtime owns,
 * except for the backed outputs, which point at the caller's memory.
 * `options` may be NULL.
 */
MLRT_API
MlrtStatus mlrt_model_predict (MlrtModel *model, const MlrtFeatures *inputs,
                               const MlrtPredictOptions *options,
                               MlrtFeatures **outputs, MlrtError *error);

/* Runs `count` predictions as one batch; outputs[i] as for predict.
 * `options` (may be NULL) applies to every item and may not carry output
 * backings. */
MLRT_API
MlrtStatus mlrt_model_predict_batch (MlrtModel *model, size_t count,
                                     const MlrtFeatures *const *inputs,
                                     const MlrtPredictOptions *options,
                                     MlrtFeatures **outputs,
                                     MlrtError *error);

/*
 * Asynchronous predictions (docs/async.md): submitted without waiting,
 * several in flight on one model, each completed on one of the model's
 * worker threads, so that while the NPU or GPU runs one prediction the CPU
 * works on the next.
 *
 * mlrt_model_predict_async queues a prediction of `inputs` and returns.
 * When it completes (its outputs made, or an error, or cancelled),
 * `done`, if given, is called on a worker thread, and
 * mlrt_prediction_wait returns its result. *prediction, if not NULL,
 * receives a handle to wait on, poll and cancel; free it with
 * mlrt_prediction_free whether or not the prediction has completed.
 * Without a handle (prediction NULL) the callback is the only way to the
 * outputs.
 *
 * Rules:
 * - `inputs`, the output backings of `options`, and the memory their
 *   values point at are borrowed until the prediction completes: keep them
 *   unchanged and alive until then.
 * - At most MlrtConfiguration.max_in_flight predictions of a model are in
 *   flight: submitting more waits until one completes (a completion frees
 *   its place before its callback runs).
 * - Any thread may submit, wait, poll, cancel or free. A completion
 *   callback may submit to the same model, but there it never waits for a
 *   place: it fails with MLRT_ERROR_BUSY when all are taken; and waiting
 *   there on a prediction of the same model that has not completed fails
 *   with MLRT_ERROR_BUSY too (its worker could be the one waiting).
 * - Inside the callback, mlrt_prediction_wait on the prediction itself
 *   returns at once. The callback must not unload the model.
 * - mlrt_model_unload cancels the model's predictions in flight, waits for
 *   them to complete and for every callback to return. Handles stay valid
 *   until freed.
 * - Traces: a prediction's span begins on the submitting thread and ends
 *   on the worker; its data and compute spans run on the worker.
 */
typedef struct MlrtPrediction MlrtPrediction;

typedef void (*MlrtPredictionDone) (MlrtPrediction *prediction,
                                    void *user_data);

MLRT_API
MlrtStatus mlrt_model_predict_async (MlrtModel *model,
                                     const MlrtFeatures *inputs,
                                     const MlrtPredictOptions *options,
                                     MlrtPredictionDone done, void *user_data,
                                     MlrtPrediction **prediction,
                                     MlrtError *error);

/* Waits until the prediction completes and returns its status (with its
 * message in `error`). On success the first call that asks (`outputs` not
 * NULL) receives the outputs, as mlrt_model_predict gives them; later
 * calls receive NULL. */
MLRT_API
MlrtStatus mlrt_prediction_wait (MlrtPrediction *prediction,
                                 MlrtFeatures **outputs, MlrtError *error);

/* Whether the prediction has completed (wait would not block). */
MLRT_API
int mlrt_prediction_is_done (const MlrtPrediction *prediction);

/* Asks the prediction to stop: one not yet started never starts, one
 * running stops before its next compute request; it then completes with
 * MLRT_ERROR_CANCELLED, unless it completed first. */
MLRT_API
void mlrt_prediction_cancel (MlrtPrediction *prediction);

/* Releases the handle. A prediction in flight goes on (cancel it first
 * if its result is not wanted); what it holds is freed when it completes.
 * NULL is ignored. */
MLRT_API
void mlrt_prediction_free (MlrtPrediction *prediction);

/*
 * The compute plan: where each layer of a loaded model runs. For each unit,
 * `supported[unit]` says whether the layer can run there, and if not,
 * `unsupported_reason[unit]` says why (op type, data type, shape or
 * parameter); `estimated_cost_us[unit]` is the cost the planner used for
 * it. When the load measured the layer on that unit (`measured[unit]`,
 * MLRT_PLACEMENT_MEASURED with more than one unit allowed), that cost is
 * the measured one and `model_estimate_us[unit]` keeps the unit's cost
 * model figure; otherwise both hold the cost model's figure. A unit the
 * compute units exclude is not started for the load (a cpu-only load never
 * initialises OpenCL): `supported[unit]` then says whether the unit's
 * kernels accept the layer, whether or not the machine has the device, and
 * both costs are -1.
 */
typedef struct {
  const char *name;
  const char *op;
  MlrtUnit unit;
  int segment;
  int supported[MLRT_N_UNITS];
  const char *unsupported_reason[MLRT_N_UNITS];
  double estimated_cost_us[MLRT_N_UNITS];
  int measured[MLRT_N_UNITS];
  double model_estimate_us[MLRT_N_UNITS];
  /* The node of the source model the layer came from (for a model
   * imported from another format), else the layer's name. */
  const char *origin;
} MlrtLayerPlan;

/* Returns the number of layers and points *layers at the model's plan. */
MLRT_API
size_t mlrt_model_plan (const MlrtModel *model, const MlrtLayerPlan **layers);

/*
 * Layer observer: an in-process view of the points the layer tracepoints
 * (mlrt:layer_begin / mlrt:layer_end) mark, delivered whether or not a
 * tracing session is running. mlrt-report uses it to time each layer.
 *
 * The observer is called once per layer executed, when the layer ends, on
 * the thread that ran it (for asynchronous units, the unit's device thread),
 * before the prediction that ran the layer returns. A unit that times
 * layers on the device itself (the GPU, from OpenCL profiling) reports its
 * layers when its compute request finishes, with the device's times, and
 * may report a layer made of several device commands in several pieces.
 * The observer must be quick, must not call back into the model, and must
 * be thread-safe if the model predicts from several threads at once.
 */
typedef struct {
  size_t layer;             /* index into mlrt_model_plan()'s layers */
  MlrtUnit unit;            /* the unit that ran the layer */
  uint64_t start_ns;        /* CLOCK_MONOTONIC, where layer_begin fires */
  uint64_t end_ns;          /* CLOCK_MONOTONIC, where layer_end fires */
} MlrtLayerEvent;

typedef void (*MlrtLayerObserver) (const MlrtLayerEvent *event,
                                   void *user_data);

/* Sets the model's layer observer, replacing any previous one; NULL clears
 * it. Not to be called while a prediction on `model` is running. */
MLRT_API
void mlrt_model_set_layer_observer (MlrtModel *model,
                                    MlrtLayerObserver observer,
                                    void *user_data);

/* Whether a compute unit exists on this machine (the NPU always does: it is
 * emulated; the GPU needs an OpenCL device). */
MLRT_API
int mlrt_unit_available (MlrtUnit unit);

/* Converts between IEEE half and single precision (round to nearest even). */
MLRT_API
uint16_t mlrt_float_to_half (float value);
MLRT_API
float mlrt_half_to_float (uint16_t half);

#ifdef __cplusplus
}
#endif

#endif /* MLRT_H */
