/*
 * trace.c: process-wide counters behind span ids and model ids. Both only
 * grow, from any thread, so a relaxed atomic increment is enough.
 */
#include <stdatomic.h>

#include "trace.h"

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
