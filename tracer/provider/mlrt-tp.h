/*
 * mlrt-tp.h: the event catalogue of the mlrt runtime, as an LTTng-UST
 * tracepoint provider named "mlrt".
 *
 * Every costly operation is a begin / end pair. The begin event carries a
 * span id unique within the process, the id of the enclosing span (a
 * prediction for a data or compute span, a compute request for a layer; 0 at
 * top level), and the model's per-process id and name. The end event carries
 * only the span id and a status, so the collector pairs the two by
 * (vpid, span_id) whatever thread or order they arrive in; asynchronous
 * completions on a device thread pair the same way.
 *
 * Device busy intervals (GPU, NPU overlays) are measured on the device's side
 * and emitted once, after the fact, with explicit start and end times on
 * CLOCK_MONOTONIC, the trace clock.
 *
 * The values of the enum fields are listed once, in mlrt-trace-enums.h,
 * which the runtime and the collector include too. The collector
 * (tracer/mls-import*.c) reads these names and fields; change them only
 * together with it.
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER mlrt

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "mlrt-tp.h"

#if !defined(MLRT_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define MLRT_TP_H

#include <lttng/tracepoint.h>
#include <stdint.h>

#include "mlrt-trace-enums.h"

/* The enums' values and names are mlrt-trace-enums.h's, defined once. */
#define MLRT_TP_ENUM_VALUE(ID, name, value) \
  lttng_ust_field_enum_value (#name, value)

LTTNG_UST_TRACEPOINT_ENUM(mlrt, unit,
    LTTNG_UST_TP_ENUM_VALUES(MLRT_TRACE_UNITS (MLRT_TP_ENUM_VALUE)))

LTTNG_UST_TRACEPOINT_ENUM(mlrt, activity,
    LTTNG_UST_TP_ENUM_VALUES(MLRT_TRACE_ACTIVITIES (MLRT_TP_ENUM_VALUE)))

LTTNG_UST_TRACEPOINT_ENUM(mlrt, data_op,
    LTTNG_UST_TP_ENUM_VALUES(MLRT_TRACE_DATA_OPS (MLRT_TP_ENUM_VALUE)))

LTTNG_UST_TRACEPOINT_ENUM(mlrt, dtype,
    LTTNG_UST_TP_ENUM_VALUES(MLRT_TRACE_TYPES (MLRT_TP_ENUM_VALUE)))

LTTNG_UST_TRACEPOINT_ENUM(mlrt, cache,
    LTTNG_UST_TP_ENUM_VALUES(MLRT_TRACE_CACHE_RESULTS (MLRT_TP_ENUM_VALUE)))

LTTNG_UST_TRACEPOINT_ENUM(mlrt, placement,
    LTTNG_UST_TP_ENUM_VALUES(MLRT_TRACE_PLACEMENTS (MLRT_TP_ENUM_VALUE)))

/* Activity: compile, load, unload, prediction, batch prediction. */
LTTNG_UST_TRACEPOINT_EVENT(mlrt, activity_begin,
    LTTNG_UST_TP_ARGS(uint64_t, span_id, uint64_t, parent_id,
        uint64_t, model_id, const char *, model_name,
        int, activity, uint32_t, batch_size),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, span_id, span_id)
        lttng_ust_field_integer(uint64_t, parent_id, parent_id)
        lttng_ust_field_integer(uint64_t, model_id, model_id)
        lttng_ust_field_string(model_name, model_name)
        lttng_ust_field_enum(mlrt, activity, int, activity, activity)
        lttng_ust_field_integer(uint32_t, batch_size, batch_size)))

LTTNG_UST_TRACEPOINT_EVENT(mlrt, activity_end,
    LTTNG_UST_TP_ARGS(uint64_t, span_id, int, status, int, cache,
        int, placement),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, span_id, span_id)
        lttng_ust_field_integer(int32_t, status, status)
        lttng_ust_field_enum(mlrt, cache, int, cache, cache)
        lttng_ust_field_enum(mlrt, placement, int, placement, placement)))

/* Where a model was loaded from: its file, absolute as the loading
 * process resolved it, once per load from a file (after the load's
 * activity_begin), so a recording leads back to the model it ran. A model
 * loaded from memory has none. */
LTTNG_UST_TRACEPOINT_EVENT(mlrt, model_source,
    LTTNG_UST_TP_ARGS(uint64_t, model_id, const char *, model_name,
        const char *, path),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, model_id, model_id)
        lttng_ust_field_string(model_name, model_name)
        lttng_ust_field_string(path, path)))

/* Data: validation, conversions, copies between units, backing fills. */
LTTNG_UST_TRACEPOINT_EVENT(mlrt, data_begin,
    LTTNG_UST_TP_ARGS(uint64_t, span_id, uint64_t, parent_id,
        uint64_t, model_id, const char *, model_name,
        int, op, int, unit, const char *, feature,
        int, src_type, int, dst_type, uint64_t, bytes),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, span_id, span_id)
        lttng_ust_field_integer(uint64_t, parent_id, parent_id)
        lttng_ust_field_integer(uint64_t, model_id, model_id)
        lttng_ust_field_string(model_name, model_name)
        lttng_ust_field_enum(mlrt, data_op, int, op, op)
        lttng_ust_field_enum(mlrt, unit, int, unit, unit)
        lttng_ust_field_string(feature, feature)
        lttng_ust_field_enum(mlrt, dtype, int, src_type, src_type)
        lttng_ust_field_enum(mlrt, dtype, int, dst_type, dst_type)
        lttng_ust_field_integer(uint64_t, bytes, bytes)))

/* Compute: one request to a unit for one segment of consecutive layers. */
LTTNG_UST_TRACEPOINT_EVENT(mlrt, compute_begin,
    LTTNG_UST_TP_ARGS(uint64_t, span_id, uint64_t, parent_id,
        uint64_t, model_id, const char *, model_name, int, unit,
        uint32_t, first_layer, uint32_t, last_layer,
        const char *, first_layer_name, const char *, last_layer_name),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, span_id, span_id)
        lttng_ust_field_integer(uint64_t, parent_id, parent_id)
        lttng_ust_field_integer(uint64_t, model_id, model_id)
        lttng_ust_field_string(model_name, model_name)
        lttng_ust_field_enum(mlrt, unit, int, unit, unit)
        lttng_ust_field_integer(uint32_t, first_layer, first_layer)
        lttng_ust_field_integer(uint32_t, last_layer, last_layer)
        lttng_ust_field_string(first_layer_name, first_layer_name)
        lttng_ust_field_string(last_layer_name, last_layer_name)))

/* The end of a data, compute or layer span. */
LTTNG_UST_TRACEPOINT_EVENT_CLASS(mlrt, span_end,
    LTTNG_UST_TP_ARGS(uint64_t, span_id, int, status),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, span_id, span_id)
        lttng_ust_field_integer(int32_t, status, status)))

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(mlrt, span_end, mlrt, data_end,
    LTTNG_UST_TP_ARGS(uint64_t, span_id, int, status))
LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(mlrt, span_end, mlrt, compute_end,
    LTTNG_UST_TP_ARGS(uint64_t, span_id, int, status))

/* GPU / NPU overlays: when the device was executing for a compute request
 * (parent_id), in CLOCK_MONOTONIC nanoseconds. */
LTTNG_UST_TRACEPOINT_EVENT(mlrt, device_busy,
    LTTNG_UST_TP_ARGS(uint64_t, span_id, uint64_t, parent_id,
        uint64_t, model_id, const char *, model_name, int, unit,
        uint64_t, start_ns, uint64_t, end_ns, const char *, what),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, span_id, span_id)
        lttng_ust_field_integer(uint64_t, parent_id, parent_id)
        lttng_ust_field_integer(uint64_t, model_id, model_id)
        lttng_ust_field_string(model_name, model_name)
        lttng_ust_field_enum(mlrt, unit, int, unit, unit)
        lttng_ust_field_integer(uint64_t, start_ns, start_ns)
        lttng_ust_field_integer(uint64_t, end_ns, end_ns)
        lttng_ust_field_string(what, what)))

/* Layers (opt-in): per-layer execution. Recorded only when the session
 * enables debug log levels (`mlscope record --layers`). */
LTTNG_UST_TRACEPOINT_EVENT(mlrt, layer_begin,
    LTTNG_UST_TP_ARGS(uint64_t, span_id, uint64_t, parent_id,
        uint64_t, model_id, const char *, model_name, int, unit,
        uint32_t, index, const char *, name, const char *, op),
    LTTNG_UST_TP_FIELDS(
        lttng_ust_field_integer(uint64_t, span_id, span_id)
        lttng_ust_field_integer(uint64_t, parent_id, parent_id)
        lttng_ust_field_integer(uint64_t, model_id, model_id)
        lttng_ust_field_string(model_name, model_name)
        lttng_ust_field_enum(mlrt, unit, int, unit, unit)
        lttng_ust_field_integer(uint32_t, index, index)
        lttng_ust_field_string(name, name)
        lttng_ust_field_string(op, op)))
LTTNG_UST_TRACEPOINT_LOGLEVEL(mlrt, layer_begin, LTTNG_UST_TRACEPOINT_LOGLEVEL_DEBUG)

LTTNG_UST_TRACEPOINT_EVENT_INSTANCE(mlrt, span_end, mlrt, layer_end,
    LTTNG_UST_TP_ARGS(uint64_t, span_id, int, status))
LTTNG_UST_TRACEPOINT_LOGLEVEL(mlrt, layer_end, LTTNG_UST_TRACEPOINT_LOGLEVEL_DEBUG)

#endif /* MLRT_TP_H */

#include <lttng/tracepoint-event.h>
