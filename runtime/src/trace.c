/*
 * trace.c: process-wide counters behind span ids and model ids. Both only
 * grow, from any thread, so a relaxed atomic increment is enough. Also the
 * check that the public enums the tracepoints carry (units, feature types)
 * have the values the trace vocabulary gives them.
 */
#include <stdatomic.h>

#include "mlrt/mlrt.h"
#include "trace.h"

#define SAME(a, b) ((int) (a) == (int) (b))
_Static_assert (SAME (MLRT_UNIT_CPU, MLRT_TRACE_UNIT_CPU)
                && SAME (MLRT_UNIT_GPU, MLRT_TRACE_UNIT_GPU)
                && SAME (MLRT_UNIT_NPU, MLRT_TRACE_UNIT_NPU)
                && SAME (MLRT_N_UNITS, MLRT_TRACE_UNIT_NONE),
                "MlrtUnit matches the trace's units");
_Static_assert (SAME (MLRT_TYPE_INVALID, MLRT_TRACE_TYPE_NONE)
                && SAME (MLRT_TYPE_GRAY8, MLRT_TRACE_TYPE_GRAY8)
                && SAME (MLRT_TYPE_GRAY16_HALF, MLRT_TRACE_TYPE_GRAY16_HALF)
                && SAME (MLRT_TYPE_BGRA8, MLRT_TRACE_TYPE_BGRA8)
                && SAME (MLRT_TYPE_INT32, MLRT_TRACE_TYPE_INT32)
                && SAME (MLRT_TYPE_FLOAT32, MLRT_TRACE_TYPE_FLOAT32)
                && SAME (MLRT_TYPE_FLOAT64, MLRT_TRACE_TYPE_FLOAT64)
                && SAME (MLRT_TYPE_FLOAT16, MLRT_TRACE_TYPE_FLOAT16),
                "MlrtFeatureType matches the trace's types");
#undef SAME

static _Atomic uint64_t next_span_id = 1;
static _Atomic uint64_t next_model_id = 1;

uint64_t
mlrt_trace_new_id (void)
{
  return atomic_fetch_add_explicit (&next_span_id, 1, memory_order_relaxed);
}

uint64_t
mlrt_trace_new_model_id (void)
{
  return atomic_fetch_add_explicit (&next_model_id, 1, memory_order_relaxed);
}
