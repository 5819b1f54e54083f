/*
 * mlrt-trace-enums.h: the values the mlrt tracepoints carry in their enum
 * fields, defined once. The provider (mlrt-tp.h) turns each list into a
 * CTF enum, the runtime (runtime/src/trace.h) emits the C enums, and a
 * reader of the trace (the collector) names and decodes values with the
 * functions below. Plain C: including it needs no LTTng.
 *
 * Each list is X (ID, name, value). Values are part of the trace format:
 * add at the end, never renumber. Units follow MlrtUnit and types
 * MlrtFeatureType (mlrt.h), each with a value of its own for "none"; the
 * runtime checks that they agree (runtime/src/trace.c).
 */
#ifndef MLRT_TRACE_ENUMS_H
#define MLRT_TRACE_ENUMS_H

#include <string.h>

/* The `unit` field: the compute unit a span ran on. */
#define MLRT_TRACE_UNITS(X) \
  X (CPU, cpu, 0) \
  X (GPU, gpu, 1) \
  X (NPU, npu, 2) \
  X (NONE, none, 3)

/* The `activity` field of activity_begin. */
#define MLRT_TRACE_ACTIVITIES(X) \
  X (COMPILE, compile, 0) \
  X (LOAD, load, 1) \
  X (UNLOAD, unload, 2) \
  X (PREDICT, predict, 3) \
  X (BATCH_PREDICT, batch_predict, 4)

/* The `op` field of data_begin. DECRYPTION is a model load's run of the
 * app's decrypt callback (parent: the load). */
#define MLRT_TRACE_DATA_OPS(X) \
  X (INPUT_VALIDATION, input_validation, 0) \
  X (INPUT_CONVERSION, input_conversion, 1) \
  X (OUTPUT_CONVERSION, output_conversion, 2) \
  X (COPY_TO_UNIT, copy_to_unit, 3) \
  X (COPY_FROM_UNIT, copy_from_unit, 4) \
  X (OUTPUT_BACKING_FILL, output_backing_fill, 5) \
  X (DECRYPTION, decryption, 6)

/* The `src_type` and `dst_type` fields of data_begin. */
#define MLRT_TRACE_TYPES(X) \
  X (NONE, none, 0) \
  X (GRAY8, gray8, 1) \
  X (GRAY16_HALF, gray16_half, 2) \
  X (BGRA8, bgra8, 3) \
  X (INT32, int32, 4) \
  X (FLOAT32, float32, 5) \
  X (FLOAT64, float64, 6) \
  X (FLOAT16, float16, 7)

/* The `cache` field of activity_end: whether a load or compile found its
 * compiled form in the cache. */
#define MLRT_TRACE_CACHE_RESULTS(X) \
  X (NONE, none, 0) \
  X (HIT, hit, 1) \
  X (MISS, miss, 2)

/* The `placement` field of activity_end, for a load: whether its placement
 * was measured now (and stored), reused from the placement cache
 * (docs/placement.md), or needed no measuring (one unit to choose from,
 * an estimated or priority plan, or a load that failed first). */
#define MLRT_TRACE_PLACEMENTS(X) \
  X (NONE, none, 0) \
  X (MEASURED, measured, 1) \
  X (CACHED, cached, 2)

#define MLRT_TRACE_UNIT_ITEM(ID, name, v) MLRT_TRACE_UNIT_##ID = v,
#define MLRT_TRACE_ACTIVITY_ITEM(ID, name, v) MLRT_ACTIVITY_##ID = v,
#define MLRT_TRACE_DATA_OP_ITEM(ID, name, v) MLRT_DATA_##ID = v,
#define MLRT_TRACE_TYPE_ITEM(ID, name, v) MLRT_TRACE_TYPE_##ID = v,
#define MLRT_TRACE_CACHE_ITEM(ID, name, v) MLRT_CACHE_##ID = v,
#define MLRT_TRACE_PLACEMENT_ITEM(ID, name, v) MLRT_PLACEMENT_TRACE_##ID = v,

typedef enum { MLRT_TRACE_UNITS (MLRT_TRACE_UNIT_ITEM) } MlrtTraceUnit;
typedef enum { MLRT_TRACE_ACTIVITIES (MLRT_TRACE_ACTIVITY_ITEM) } MlrtActivity;
typedef enum { MLRT_TRACE_DATA_OPS (MLRT_TRACE_DATA_OP_ITEM) } MlrtDataOp;
typedef enum { MLRT_TRACE_TYPES (MLRT_TRACE_TYPE_ITEM) } MlrtTraceType;
typedef enum {
  MLRT_TRACE_CACHE_RESULTS (MLRT_TRACE_CACHE_ITEM)
} MlrtCacheResult;
typedef enum {
  MLRT_TRACE_PLACEMENTS (MLRT_TRACE_PLACEMENT_ITEM)
} MlrtPlacementResult;

/* mlrt_trace_NAME_name (value): the value's name as the CTF enum spells
 * it, or NULL for a value the list does not have; and
 * mlrt_trace_NAME_from_name (name): the value, or -1. */
#define MLRT_TRACE_ENUM_CASE(ID, name, value) case value: return #name;
#define MLRT_TRACE_ENUM_MATCH(ID, name, value) \
  if (strcmp (s, #name) == 0) return value;
#define MLRT_TRACE_ENUM_FUNCS(fname, LIST)                 \
  static inline const char *                               \
  mlrt_trace_##fname##_name (int v)                        \
  {                                                        \
    switch (v)                                             \
      {                                                    \
      LIST (MLRT_TRACE_ENUM_CASE)                          \
      default: return NULL;                                \
      }                                                    \
  }                                                        \
  static inline int                                        \
  mlrt_trace_##fname##_from_name (const char *s)           \
  {                                                        \
    LIST (MLRT_TRACE_ENUM_MATCH)                           \
    return -1;                                             \
  }

MLRT_TRACE_ENUM_FUNCS (unit, MLRT_TRACE_UNITS)
MLRT_TRACE_ENUM_FUNCS (activity, MLRT_TRACE_ACTIVITIES)
MLRT_TRACE_ENUM_FUNCS (data_op, MLRT_TRACE_DATA_OPS)
MLRT_TRACE_ENUM_FUNCS (type, MLRT_TRACE_TYPES)
MLRT_TRACE_ENUM_FUNCS (cache, MLRT_TRACE_CACHE_RESULTS)
MLRT_TRACE_ENUM_FUNCS (placement, MLRT_TRACE_PLACEMENTS)

#endif /* MLRT_TRACE_ENUMS_H */
