/*
 * cpu-pool.h: the CPU unit's own parallelism. OpenBLAS's threads split a
 * matrix product statically and spin until the slowest part is done, so a
 * prediction that shares the cores with a busy neighbour runs 1.3-2.5x
 * slower with them than on one thread (issue 13). Instead, OpenBLAS runs
 * on one thread and the kernels cut their work into many small tasks that
 * the calling thread and the pool's helpers claim one at a time: a helper
 * the scheduler keeps waiting simply claims nothing, and the caller does
 * the work itself, never slower than one thread by more than one task.
 */
#ifndef MLRT_CPU_POOL_H
#define MLRT_CPU_POOL_H

#include <stddef.h>

/* Runs task `task` of a job; `worker` (0 .. mlrt_cpu_pool_workers() - 1)
 * is unique among the tasks running at once, for per-worker scratch. */
typedef void (*MlrtCpuTask) (void *ctx, int task, int worker);

/* Workers of the pool at most, whatever the core count. */
#define MLRT_CPU_MAX_WORKERS 16

/* How many workers a job may have at most: the calling thread and the
 * helpers ($MLRT_CPU_THREADS, else the online cores, at most 16). */
int mlrt_cpu_pool_workers (void);

/* Runs tasks 0 .. n_tasks - 1 and returns when all are done. When the pool
 * is busy with another caller's job, or its helpers were late for the last
 * ones (cpu-pool.c), the calling thread runs them all. */
void mlrt_cpu_parallel (int n_tasks, MlrtCpuTask fn, void *ctx);

/* Runs fn over [0, n) cut into ranges of at least `min_task` items
 * (cpu-split.c), on the pool when there are two such ranges or more:
 * for the element-wise kernels, whose results do not depend on the cut. */
typedef void (*MlrtCpuRange) (void *ctx, size_t lo, size_t hi);
void mlrt_cpu_parallel_range (size_t n, size_t min_task, MlrtCpuRange fn,
                              void *ctx);

/* Sets the workers of later jobs (1: the calling thread only); for the
 * benchmarks, which compare settings in one process. At most the number
 * mlrt_cpu_pool_workers() gave first. */
void mlrt_cpu_pool_set_workers (int workers);

#endif /* MLRT_CPU_POOL_H */
