/*
 * layer-observer.c: the per-model layer observers of
 * mlrt_model_set_layer_observer(). Observers are kept by model id in a small
 * locked table (models set them rarely); the layer being run is remembered
 * per thread between its begin and its end, because a unit's device thread
 * runs layers as well as the predicting threads. Units that time layers on
 * the device (the GPU, from OpenCL profiling) report them after the fact.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layer-observer.h"
#include "mlrt-internal.h"

typedef struct {
  uint64_t model_id;
  MlrtLayerObserver observer;
  void *user_data;
} Entry;

typedef struct {
  int open;
  MlrtLayerObserver observer;
  void *user_data;
  MlrtLayerEvent event;
} Pending;

atomic_int mlrt_layer_observer_count;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Entry *entries;
static size_t n_entries;
static size_t n_allocated;
static __thread Pending pending;

static uint64_t
monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* With the lock held. */
static Entry *
find (uint64_t model_id)
{
  for (size_t i = 0; i < n_entries; i++)
    if (entries[i].model_id == model_id)
      return &entries[i];
  return NULL;
}

static void
remove_locked (uint64_t model_id)
{
  Entry *e = find (model_id);

  if (e != NULL)
    *e = entries[--n_entries];
}

static void
add_locked (uint64_t model_id, MlrtLayerObserver observer, void *user_data)
{
  Entry *e = find (model_id);

  if (e == NULL && n_entries == n_allocated)
    {
      size_t n = n_allocated ? 2 * n_allocated : 8;
      Entry *grown = realloc (entries, n * sizeof *grown);

      /* Out of memory: the model stays unobserved, as before the call. */
      if (grown == NULL)
        return;
      entries = grown;
      n_allocated = n;
    }
  if (e == NULL)
    e = &entries[n_entries++];
  e->model_id = model_id;
  e->observer = observer;
  e->user_data = user_data;
}

void
mlrt_model_set_layer_observer (MlrtModel *model, MlrtLayerObserver observer,
                               void *user_data)
{
  if (model == NULL)
    return;
  pthread_mutex_lock (&lock);
  if (observer != NULL)
    add_locked (model->id, observer, user_data);
  else
    remove_locked (model->id);
  atomic_store (&mlrt_layer_observer_count, (int) n_entries);
  pthread_mutex_unlock (&lock);
}

void
mlrt_layer_observer_forget (uint64_t model_id)
{
  pthread_mutex_lock (&lock);
  remove_locked (model_id);
  atomic_store (&mlrt_layer_observer_count, (int) n_entries);
  pthread_mutex_unlock (&lock);
}

/* The observer of a model, or NULL. */
static MlrtLayerObserver
lookup (uint64_t model_id, void **user_data)
{
  MlrtLayerObserver observer = NULL;
  Entry *e;

  pthread_mutex_lock (&lock);
  e = find (model_id);
  if (e != NULL)
    {
      observer = e->observer;
      *user_data = e->user_data;
    }
  pthread_mutex_unlock (&lock);
  return observer;
}

void
mlrt_layer_observer_begin (uint64_t model_id, int unit, uint32_t index)
{
  pending.observer = lookup (model_id, &pending.user_data);
  pending.open = pending.observer != NULL;
  if (!pending.open)
    return;
  pending.event.layer = index;
  pending.event.unit = (MlrtUnit) unit;
  pending.event.end_ns = 0;
  pending.event.start_ns = monotonic_ns ();
}

void
mlrt_layer_observer_end (void)
{
  if (!pending.open)
    return;
  pending.event.end_ns = monotonic_ns ();
  pending.open = 0;
  pending.observer (&pending.event, pending.user_data);
}

void
mlrt_layer_observer_device (const MlrtModel *model, int first, int last,
                            int unit, const char *what, uint64_t start_ns,
                            uint64_t end_ns)
{
  void *user_data = NULL;
  MlrtLayerObserver observer = lookup (model->id, &user_data);

  if (observer == NULL || what == NULL)
    return;
  for (int li = first; li <= last; li++)
    if (strcmp (model->spec.layers[li].name, what) == 0)
      {
        MlrtLayerEvent event = { (size_t) li, (MlrtUnit) unit, start_ns,
                                 end_ns };

        observer (&event, user_data);
        return;
      }
}
