/*
 * trace.h: the runtime's side of the "mlrt" tracepoint provider. Each begin
 * helper returns a new span id, or 0 when its event is disabled, and the
 * matching end helper does nothing for span 0: tracing that is off costs a
 * branch per span and nothing else (no id, no argument preparation).
 */
#ifndef MLRT_TRACE_H
#define MLRT_TRACE_H

#include <stdint.h>
#include <stdlib.h>

#include "mlrt-tp.h"
#include "layer-observer.h"

/* The activities, data ops and cache results the helpers take are the
 * trace vocabulary's (tracer/provider/mlrt-trace-enums.h, included by
 * mlrt-tp.h); units and types are mlrt.h's, which trace.c checks against
 * it. */
#define MLRT_TRACE_NO_UNIT MLRT_TRACE_UNIT_NONE

/* A span id unique within the process, never 0. */
uint64_t mlrt_trace_new_id (void);
/* A model's per-process id. */
uint64_t mlrt_trace_new_model_id (void);

static inline uint64_t
mlrt_trace_activity_begin (uint64_t parent, uint64_t model_id,
                           const char *model_name, MlrtActivity activity,
                           uint32_t batch_size)
{
  uint64_t id = 0;

  if (lttng_ust_tracepoint_enabled (mlrt, activity_begin))
    {
      id = mlrt_trace_new_id ();
      lttng_ust_do_tracepoint (mlrt, activity_begin, id, parent, model_id,
                               model_name ? model_name : "", activity,
                               batch_size);
    }
  return id;
}

static inline void
mlrt_trace_activity_end (uint64_t id, int status, MlrtCacheResult cache)
{
  if (id != 0)
    lttng_ust_tracepoint (mlrt, activity_end, id, status, cache,
                          MLRT_PLACEMENT_TRACE_NONE);
}

/* A load's end, saying where its placement came from. */
static inline void
mlrt_trace_load_end (uint64_t id, int status, MlrtCacheResult cache,
                     MlrtPlacementResult placement)
{
  if (id != 0)
    lttng_ust_tracepoint (mlrt, activity_end, id, status, cache, placement);
}

/* The file a load reads its model from, made absolute only when the
 * event is recorded. */
static inline void
mlrt_trace_model_source (uint64_t model_id, const char *model_name,
                         const char *path)
{
  if (lttng_ust_tracepoint_enabled (mlrt, model_source))
    {
      char *absolute = realpath (path, NULL);

      lttng_ust_do_tracepoint (mlrt, model_source, model_id, model_name,
                               absolute ? absolute : path);
      free (absolute);
    }
}

static inline uint64_t
mlrt_trace_data_begin (uint64_t parent, uint64_t model_id,
                       const char *model_name, MlrtDataOp op, int unit,
                       const char *feature, int src_type, int dst_type,
                       uint64_t bytes)
{
  uint64_t id = 0;

  if (lttng_ust_tracepoint_enabled (mlrt, data_begin))
    {
      id = mlrt_trace_new_id ();
      lttng_ust_do_tracepoint (mlrt, data_begin, id, parent, model_id,
                               model_name ? model_name : "", op, unit,
                               feature ? feature : "", src_type, dst_type,
                               bytes);
    }
  return id;
}

static inline void
mlrt_trace_data_end (uint64_t id, int status)
{
  if (id != 0)
    lttng_ust_tracepoint (mlrt, data_end, id, status);
}

static inline uint64_t
mlrt_trace_compute_begin (uint64_t parent, uint64_t model_id,
                          const char *model_name, int unit,
                          uint32_t first, uint32_t last,
                          const char *first_name, const char *last_name)
{
  uint64_t id = 0;

  if (lttng_ust_tracepoint_enabled (mlrt, compute_begin))
    {
      id = mlrt_trace_new_id ();
      lttng_ust_do_tracepoint (mlrt, compute_begin, id, parent, model_id,
                               model_name ? model_name : "", unit, first,
                               last, first_name, last_name);
    }
  return id;
}

static inline void
mlrt_trace_compute_end (uint64_t id, int status)
{
  if (id != 0)
    lttng_ust_tracepoint (mlrt, compute_end, id, status);
}

/* Layer spans are debug level: recorded only with `mlscope record
 * --layers`. */
static inline uint64_t
mlrt_trace_layer_begin (uint64_t parent, uint64_t model_id,
                        const char *model_name, int unit, uint32_t index,
                        const char *name, const char *op)
{
  uint64_t id = 0;

  if (lttng_ust_tracepoint_enabled (mlrt, layer_begin))
    {
      id = mlrt_trace_new_id ();
      lttng_ust_do_tracepoint (mlrt, layer_begin, id, parent, model_id,
                               model_name ? model_name : "", unit, index,
                               name, op);
    }
  if (mlrt_layer_observed ())
    mlrt_layer_observer_begin (model_id, unit, index);
  return id;
}

static inline void
mlrt_trace_layer_end (uint64_t id, int status)
{
  if (mlrt_layer_observed ())
    mlrt_layer_observer_end ();
  if (id != 0)
    lttng_ust_tracepoint (mlrt, layer_end, id, status);
}

/* A device's busy interval for compute request `parent`, measured on the
 * device and emitted after the fact (CLOCK_MONOTONIC nanoseconds). */
static inline void
mlrt_trace_device_busy (uint64_t parent, uint64_t model_id,
                        const char *model_name, int unit, uint64_t start_ns,
                        uint64_t end_ns, const char *what)
{
  if (lttng_ust_tracepoint_enabled (mlrt, device_busy))
    lttng_ust_do_tracepoint (mlrt, device_busy, mlrt_trace_new_id (), parent,
                             model_id, model_name ? model_name : "", unit,
                             start_ns, end_ns, what ? what : "");
}

#endif /* MLRT_TRACE_H */
