/*
 * cpu-pool.c: the pool of cpu-pool.h. One job at a time: a caller opens it
 * under the lock, helpers that wake while it is open join it, every
 * participant claims tasks from an atomic counter until none are left,
 * and the caller closes the job and waits only for the helpers that
 * joined to finish the task each holds. A caller that finds the pool busy
 * (another thread's prediction, an asynchronous one) runs its tasks alone.
 *
 * That wait is the one way the pool can lose to a single thread: a helper
 * the scheduler takes off its core in the middle of a task. When a job
 * took longer than the caller alone would have (at the pace it kept on
 * its own tasks), the next jobs run on the caller alone, 1, 2, 4 ... up
 * to 64 of them as it keeps happening, before the helpers are tried
 * again.
 */
#include <cblas.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cpu-pool.h"

#define MLRT_CPU_MAX_BACKOFF 64

static struct {
  pthread_once_t once;
  pthread_mutex_t lock;
  pthread_cond_t wake;          /* helpers: a job was opened */
  pthread_cond_t idle;          /* caller: the last joined helper left */
  int max_workers;              /* fixed at start */
  atomic_int workers;           /* used by the next job */
  int helpers_started;
  /* the job, valid while open; busy from its opening until its last
   * helper left (a helper still in a closed job claims from its counter:
   * no other job may start before) */
  int open, busy;
  unsigned long generation;
  MlrtCpuTask fn;
  void *ctx;
  int n_tasks;
  atomic_int next;              /* the next task to claim */
  int active;                   /* helpers inside the job */
  /* after late helpers */
  int serial_left;              /* jobs to run on their caller alone */
  int backoff;                  /* how many the next late job sets */
} pool = { PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER,
           PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER };

/* Runs tasks until none are left; returns how many it ran. */
static int
claim_tasks (MlrtCpuTask fn, void *ctx, int n_tasks, int worker)
{
  int task, done = 0;
  while ((task = atomic_fetch_add (&pool.next, 1)) < n_tasks)
    {
      fn (ctx, task, worker);
      done++;
    }
  return done;
}

static void *
helper_main (void *data)
{
  int worker = (int) (long) data;
  unsigned long seen = 0;

  pthread_mutex_lock (&pool.lock);
  for (;;)
    {
      /* a job it has not joined yet, and room for this worker in it */
      while (!pool.open || pool.generation == seen
             || worker >= atomic_load (&pool.workers))
        pthread_cond_wait (&pool.wake, &pool.lock);
      seen = pool.generation;
      pool.active++;
      MlrtCpuTask fn = pool.fn;
      void *ctx = pool.ctx;
      int n = pool.n_tasks;
      pthread_mutex_unlock (&pool.lock);
      claim_tasks (fn, ctx, n, worker);
      pthread_mutex_lock (&pool.lock);
      if (--pool.active == 0)
        pthread_cond_signal (&pool.idle);
    }
  return NULL;
}

static void
pool_init (void)
{
  const char *env = getenv ("MLRT_CPU_THREADS");
  long n = env && *env ? strtol (env, NULL, 10)
                       : sysconf (_SC_NPROCESSORS_ONLN);

  n = n < 1 ? 1 : n > MLRT_CPU_MAX_WORKERS ? MLRT_CPU_MAX_WORKERS : n;
  pool.max_workers = (int) n;
  atomic_store (&pool.workers, (int) n);
  /* the pool is the parallelism: OpenBLAS works inside one task */
  openblas_set_num_threads (1);
}

int
mlrt_cpu_pool_workers (void)
{
  pthread_once (&pool.once, pool_init);
  return pool.max_workers;
}

void
mlrt_cpu_pool_set_workers (int workers)
{
  int max = mlrt_cpu_pool_workers ();
  atomic_store (&pool.workers, workers < 1 ? 1 : workers > max ? max
                                                                : workers);
}

/* Starts the helpers once; they live as long as the process. */
static void
start_helpers (void)
{
  pthread_attr_t attr;

  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  for (int i = 1; i < pool.max_workers; i++)
    {
      pthread_t thread;
      if (pthread_create (&thread, &attr, helper_main, (void *) (long) i)
          != 0)
        break;
      pool.helpers_started++;
    }
  pthread_attr_destroy (&attr);
}

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Runs the job on the pool; the lock is held on entry and released. */
static void
run_job (int n_tasks, MlrtCpuTask fn, void *ctx)
{
  if (pool.helpers_started == 0)
    start_helpers ();
  pool.open = 1;
  pool.busy = 1;
  pool.generation++;
  pool.fn = fn;
  pool.ctx = ctx;
  pool.n_tasks = n_tasks;
  atomic_store (&pool.next, 0);
  pthread_cond_broadcast (&pool.wake);
  pthread_mutex_unlock (&pool.lock);

  double start = now_s ();
  int mine = claim_tasks (fn, ctx, n_tasks, 0);
  double claimed = now_s ();
  pthread_mutex_lock (&pool.lock);
  pool.open = 0;
  while (pool.active > 0)
    pthread_cond_wait (&pool.idle, &pool.lock);
  pool.busy = 0;
  double end = now_s ();
  /* late: the job took longer than the caller alone would have, at the
   * pace it kept on its own tasks */
  if (mine > 0 && end - start > (claimed - start) / mine * n_tasks)
    {
      pool.backoff = pool.backoff ? 2 * pool.backoff : 1;
      if (pool.backoff > MLRT_CPU_MAX_BACKOFF)
        pool.backoff = MLRT_CPU_MAX_BACKOFF;
      pool.serial_left = pool.backoff;
    }
  else
    pool.backoff = 0;
  pthread_mutex_unlock (&pool.lock);
}

void
mlrt_cpu_parallel (int n_tasks, MlrtCpuTask fn, void *ctx)
{
  mlrt_cpu_pool_workers ();     /* started */
  if (n_tasks > 1 && atomic_load (&pool.workers) > 1)
    {
      pthread_mutex_lock (&pool.lock);
      if (!pool.busy && pool.serial_left == 0)
        {
          run_job (n_tasks, fn, ctx);
          return;
        }
      if (!pool.busy)
        pool.serial_left--;
      pthread_mutex_unlock (&pool.lock);
    }
  for (int task = 0; task < n_tasks; task++)
    fn (ctx, task, 0);
}
