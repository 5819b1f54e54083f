/*
 * layer-observer.h: delivers the layer begin / end points to the per-model
 * observers set with mlrt_model_set_layer_observer() (mlrt.h). The layer
 * trace helpers in trace.h call it, so every unit that emits layer spans
 * feeds observers with no code of its own. While no model has an observer
 * the cost is one relaxed atomic load per layer.
 */
#ifndef MLRT_LAYER_OBSERVER_H
#define MLRT_LAYER_OBSERVER_H

#include <stdatomic.h>
#include <stdint.h>

/* How many models have an observer set. */
extern atomic_int mlrt_layer_observer_count;

static inline int
mlrt_layer_observed (void)
{
  return atomic_load_explicit (&mlrt_layer_observer_count,
                               memory_order_relaxed) > 0;
}

/* Begin and end of one layer, on the thread that runs it; a begin is
 * always followed by its end on the same thread before the next begin. */
void mlrt_layer_observer_begin (uint64_t model_id, int unit, uint32_t index);
void mlrt_layer_observer_end (void);

/* A layer a device timed itself (GPU command profiling), reported after
 * the fact: the layer of `model` in first..last named `what`, if any, ran
 * on `unit` from start_ns to end_ns (CLOCK_MONOTONIC). A layer made of
 * several device commands may be reported in several pieces. */
struct MlrtModel;
void mlrt_layer_observer_device (const struct MlrtModel *model, int first,
                                 int last, int unit, const char *what,
                                 uint64_t start_ns, uint64_t end_ns);

/* Drops the model's observer (at unload). */
void mlrt_layer_observer_forget (uint64_t model_id);

#endif /* MLRT_LAYER_OBSERVER_H */
