/*
 * cpu-split.c: element-wise work (activations, add, mul, scale, resize,
 * concat) on the CPU pool. Those ops are a pass over memory each; on one
 * thread the detector spent a fifth of its time in them while the other
 * core idled. The range is cut into tasks of whole 16-float runs (a cache
 * line each side of a cut belongs to one task), about as many tasks as
 * conv.c cuts a layer into, and small ranges stay on the caller, where
 * waking helpers costs more than the pass.
 */
#include "cpu-pool.h"

#define SPLIT_TASKS 16
#define SPLIT_ALIGN 16

typedef struct {
  MlrtCpuRange fn;
  void *ctx;
  size_t n, step;
} Split;

static void
split_task (void *ctx, int task, int worker)
{
  const Split *s = ctx;
  size_t lo = (size_t) task * s->step;
  size_t hi = lo + s->step < s->n ? lo + s->step : s->n;

  (void) worker;
  if (lo < hi)
    s->fn (s->ctx, lo, hi);
}

void
mlrt_cpu_parallel_range (size_t n, size_t min_task, MlrtCpuRange fn,
                         void *ctx)
{
  Split s = { fn, ctx, n, 0 };
  size_t tasks;

  if (min_task < 1)
    min_task = 1;
  tasks = n / min_task;
  if (tasks > SPLIT_TASKS)
    tasks = SPLIT_TASKS;
  if (tasks < 2)
    {
      if (n > 0)
        fn (ctx, 0, n);
      return;
    }
  s.step = (n + tasks - 1) / tasks;
  if (min_task >= SPLIT_ALIGN)
    s.step = (s.step + SPLIT_ALIGN - 1) / SPLIT_ALIGN * SPLIT_ALIGN;
  mlrt_cpu_parallel ((int) ((n + s.step - 1) / s.step), split_task, &s);
}
