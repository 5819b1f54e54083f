/*
 * memory-plan.c: the liveness plan of a model's host tensors, made once at
 * load (mlrt-internal.h, MlrtMemoryPlan). A prediction runs the layers in
 * order, so each tensor is live from the layer that makes it (model
 * inputs: from the start) to its last reader; after that its memory can
 * hold another tensor. The plan says, per layer, which tensors die after
 * it, and gives every tensor a slot: tensors whose lives do not overlap
 * share one, sized for the largest. A prediction then holds memory for
 * the model's widest point, not for its layer count (a 100k-layer chain
 * needs three buffers).
 *
 * Model outputs are not planned: they live to the end and are handed to
 * the caller. Slots are chosen by size class (the power of two below a
 * tensor's size), so choosing is constant time whatever the width: a
 * freed slot of the tensor's class or a larger one, else the largest
 * smaller one, grown; sizes stay within a factor of two of the tensors
 * they hold.
 */
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"

#define N_CLASSES 64

/* The free slots of each size class, as stacks threaded through `next`. */
typedef struct {
  MlrtMemoryPlan *plan;
  size_t cap_slots;
  int *next;                /* per slot: the next free slot of its class */
  int top[N_CLASSES];       /* per class: a free slot, or -1 */
} Planner;

static int
size_class (size_t bytes)
{
  return bytes ? 63 - __builtin_clzll ((unsigned long long) bytes) : 0;
}

static size_t
tensor_bytes (const MlrtSpec *spec, int t)
{
  return mlrt_tensor_count (&spec->tensors[t])
         * (spec->half ? sizeof (uint16_t) : sizeof (float));
}

static int
pop (Planner *p, int c)
{
  int s = p->top[c];

  p->top[c] = p->next[s];
  return s;
}

static void
give (Planner *p, int s)
{
  int c = size_class (p->plan->slot_bytes[s]);

  p->next[s] = p->top[c];
  p->top[c] = s;
}

/* A slot of at least `bytes`: a free one, else a new one; -1 if out of
 * memory. */
static int
take (Planner *p, size_t bytes)
{
  MlrtMemoryPlan *plan = p->plan;
  int c = size_class (bytes), s = -1;

  if (p->top[c] >= 0 && plan->slot_bytes[p->top[c]] >= bytes)
    return pop (p, c);
  for (int k = c + 1; k < N_CLASSES; k++)
    if (p->top[k] >= 0)
      return pop (p, k);
  for (int k = c; k >= 0 && s < 0; k--)
    if (p->top[k] >= 0)
      s = pop (p, k);
  if (s < 0)
    {
      if (plan->n_slots == p->cap_slots)
        {
          size_t cap = p->cap_slots ? 2 * p->cap_slots : 16;
          size_t *bytes_of = realloc (plan->slot_bytes,
                                      cap * sizeof *bytes_of);
          int *next = bytes_of ? realloc (p->next, cap * sizeof *next) : NULL;

          if (bytes_of)
            plan->slot_bytes = bytes_of;
          if (next == NULL)
            return -1;
          p->next = next;
          p->cap_slots = cap;
        }
      s = (int) plan->n_slots++;
      plan->slot_bytes[s] = 0;
    }
  if (plan->slot_bytes[s] < bytes)
    plan->slot_bytes[s] = bytes;
  return s;
}

/* The layer after which tensor t dies, or -1 when it never does (a model
 * output, or a model input no layer reads). */
static int
death (const MlrtTensor *t)
{
  if (t->is_output)
    return -1;
  return t->last_consumer >= 0 ? t->last_consumer : t->producer;
}

/* Per layer, the tensors that die after it (counting sort by layer). */
static MlrtStatus
plan_deaths (const MlrtSpec *spec, MlrtMemoryPlan *plan, MlrtError *error)
{
  size_t n = spec->n_layers;

  plan->done_start = calloc (n + 2, sizeof (int));
  plan->done = malloc ((spec->n_tensors + 1) * sizeof (int));
  if (plan->done_start == NULL || plan->done == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (size_t t = 0; t < spec->n_tensors; t++)
    if (death (&spec->tensors[t]) >= 0)
      plan->done_start[death (&spec->tensors[t]) + 2]++;
  for (size_t i = 0; i < n; i++)
    plan->done_start[i + 2] += plan->done_start[i + 1];
  for (size_t t = 0; t < spec->n_tensors; t++)
    if (death (&spec->tensors[t]) >= 0)
      plan->done[plan->done_start[death (&spec->tensors[t]) + 1]++] = (int) t;
  return MLRT_OK;
}

static MlrtStatus
plan_slots (const MlrtSpec *spec, MlrtMemoryPlan *plan, MlrtError *error)
{
  Planner p = { plan, 0, NULL, { 0 } };
  MlrtStatus st = MLRT_OK;

  plan->slot = malloc ((spec->n_tensors + 1) * sizeof (int));
  if (plan->slot == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (int c = 0; c < N_CLASSES; c++)
    p.top[c] = -1;
  for (size_t t = 0; t < spec->n_tensors; t++)
    plan->slot[t] = -1;
  for (size_t i = 0; i < spec->n_inputs && st == MLRT_OK; i++)
    {
      int t = spec->inputs[i].tensor;
      if (death (&spec->tensors[t]) >= 0
          && (plan->slot[t] = take (&p, tensor_bytes (spec, t))) < 0)
        st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
    }
  for (size_t li = 0; li < spec->n_layers && st == MLRT_OK; li++)
    {
      int out = spec->layers[li].output;

      if (death (&spec->tensors[out]) >= 0
          && (plan->slot[out] = take (&p, tensor_bytes (spec, out))) < 0)
        st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
      for (int k = plan->done_start[li]; k < plan->done_start[li + 1]; k++)
        if (plan->slot[plan->done[k]] >= 0)
          give (&p, plan->slot[plan->done[k]]);
    }
  free (p.next);
  return st;
}

MlrtStatus
mlrt_memory_plan_build (const MlrtSpec *spec, MlrtMemoryPlan *plan,
                        MlrtError *error)
{
  MlrtStatus st;

  memset (plan, 0, sizeof *plan);
  st = plan_deaths (spec, plan, error);
  if (st == MLRT_OK)
    st = plan_slots (spec, plan, error);
  if (st != MLRT_OK)
    mlrt_memory_plan_clear (plan);
  return st;
}

void
mlrt_memory_plan_clear (MlrtMemoryPlan *plan)
{
  free (plan->slot);
  free (plan->slot_bytes);
  free (plan->done_start);
  free (plan->done);
  memset (plan, 0, sizeof *plan);
}
