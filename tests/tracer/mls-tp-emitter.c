/*
 * mls-tp-emitter.c: a small app that emits the mlrt tracepoints directly
 * through the provider header, in known numbers and patterns, so the
 * collector and `mlscope record` can be tested against exact expectations
 * without the runtime.
 *
 *   mls-tp-emitter pattern THREADS PREDICTIONS
 *     Main thread: compile + load "alpha" (cache miss), load "beta" (cache
 *     hit). Each of THREADS workers ("worker-N", model alpha for even N,
 *     beta for odd) runs PREDICTIONS predictions, each holding: input
 *     validation, input conversion (gray8 -> float32, 4096 bytes), a CPU
 *     compute request with two layers, output conversion (float32 -> gray8).
 *     Then one batch prediction of alpha (batch 4) begun on the main
 *     thread whose NPU compute request is begun by thread "submitter" and
 *     ended by thread "npu-device" (asynchronous completion), with an NPU
 *     busy interval; one prediction of beta with a GPU compute request and a
 *     GPU busy interval; finally unload alpha.
 *   mls-tp-emitter kill COMPLETE
 *     COMPLETE predictions of alpha, then a prediction and its compute
 *     request are begun and the process SIGKILLs itself.
 *   mls-tp-emitter burst EVENTS
 *     At least EVENTS events when layers are recorded (predictions of 14
 *     events each) as fast as possible, for the import benchmark.
 *   mls-tp-emitter loop SECONDS
 *     Prints "ready", then runs a prediction of alpha every 10 ms until
 *     stdin closes or SECONDS pass: an app already running, for --attach.
 *   mls-tp-emitter hold SECONDS
 *     As loop, inside batch predictions of alpha of 50 predictions each,
 *     one after the other: there is always a batch open, to be cut off
 *     when an attached recording stops.
 *   mls-tp-emitter fork N
 *     Forks (no exec): the child prints "pid C" and runs N predictions of
 *     beta, the parent N of alpha, then waits for the child.
 *   mls-tp-emitter strings N
 *     N input validations of alpha, numbered from 0, whose feature is
 *     "feature-I" for even I and empty for odd I: string fields that
 *     alternate empty and not; for I = 2 mod 4, "feature\xff-I", a byte
 *     that is not UTF-8 (apps name features as they please).
 *
 * Every mode first prints "pid N" on stdout, so tests can pick this
 * process's spans out of a recording that may hold other apps too.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <poll.h>

#include "mlrt-tp.h"

enum { UNIT_CPU, UNIT_GPU, UNIT_NPU, UNIT_NONE };
enum { ACT_COMPILE, ACT_LOAD, ACT_UNLOAD, ACT_PREDICT, ACT_BATCH };
enum { DATA_VALIDATE, DATA_IN_CONV, DATA_OUT_CONV };
enum { T_NONE, T_GRAY8, T_FLOAT32 = 5 };
enum { CACHE_NONE, CACHE_HIT, CACHE_MISS };

static atomic_uint_fast64_t next_span = 1;

static uint64_t
new_span (void)
{
  return atomic_fetch_add (&next_span, 1);
}

static uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static uint64_t
activity (uint64_t parent, uint64_t model_id, const char *model, int act,
          uint32_t batch)
{
  uint64_t id = new_span ();
  lttng_ust_tracepoint (mlrt, activity_begin, id, parent, model_id, model,
                        act, batch);
  return id;
}

static void
data (uint64_t parent, uint64_t model_id, const char *model, int op,
      const char *feature, int src, int dst, uint64_t bytes)
{
  uint64_t id = new_span ();
  lttng_ust_tracepoint (mlrt, data_begin, id, parent, model_id, model, op,
                        UNIT_CPU, feature, src, dst, bytes);
  lttng_ust_tracepoint (mlrt, data_end, id, 0);
}

static void
cpu_compute (uint64_t parent, uint64_t model_id, const char *model)
{
  uint64_t id = new_span ();
  lttng_ust_tracepoint (mlrt, compute_begin, id, parent, model_id, model,
                        UNIT_CPU, 0, 1, "conv1", "relu1");
  for (uint32_t l = 0; l < 2; l++)
    {
      uint64_t lid = new_span ();
      lttng_ust_tracepoint (mlrt, layer_begin, lid, id, model_id, model,
                            UNIT_CPU, l, l == 0 ? "conv1" : "relu1",
                            l == 0 ? "conv" : "relu");
      lttng_ust_tracepoint (mlrt, layer_end, lid, 0);
    }
  lttng_ust_tracepoint (mlrt, compute_end, id, 0);
}

/* One prediction: 10 events without layers, 14 with. */
static void
predict (uint64_t model_id, const char *model)
{
  uint64_t p = activity (0, model_id, model, ACT_PREDICT, 1);
  data (p, model_id, model, DATA_VALIDATE, "image", T_GRAY8, T_GRAY8, 0);
  data (p, model_id, model, DATA_IN_CONV, "image", T_GRAY8, T_FLOAT32, 4096);
  cpu_compute (p, model_id, model);
  data (p, model_id, model, DATA_OUT_CONV, "output", T_FLOAT32, T_GRAY8,
        1024);
  lttng_ust_tracepoint (mlrt, activity_end, p, 0, CACHE_NONE, 0);
}

typedef struct {
  int index;
  int predictions;
} Worker;

static void *
worker_main (void *data_)
{
  Worker *w = data_;
  char name[16];
  snprintf (name, sizeof name, "worker-%d", w->index);
  pthread_setname_np (pthread_self (), name);
  for (int i = 0; i < w->predictions; i++)
    predict (w->index % 2 ? 2 : 1, w->index % 2 ? "beta" : "alpha");
  return NULL;
}

typedef struct {
  uint64_t prediction;
  uint64_t compute;
  int fd[2];
} AsyncRequest;

/* The NPU device thread: waits for the submitter's request, then completes
 * it, as an asynchronous device would. */
static void *
device_main (void *data_)
{
  AsyncRequest *r = data_;
  uint64_t compute;
  pthread_setname_np (pthread_self (), "npu-device");
  if (read (r->fd[0], &compute, sizeof compute) != sizeof compute)
    return NULL;
  uint64_t start = now_ns ();
  usleep (2000);
  uint64_t end = now_ns ();
  lttng_ust_tracepoint (mlrt, device_busy, new_span (), compute, 1, "alpha",
                        UNIT_NPU, start, end, "segment 0-3");
  lttng_ust_tracepoint (mlrt, compute_end, compute, 0);
  return NULL;
}

static void *
submitter_main (void *data_)
{
  AsyncRequest *r = data_;
  pthread_setname_np (pthread_self (), "submitter");
  r->compute = new_span ();
  lttng_ust_tracepoint (mlrt, compute_begin, r->compute, r->prediction, 1,
                        "alpha", UNIT_NPU, 0, 3, "conv1", "fc");
  if (write (r->fd[1], &r->compute, sizeof r->compute) != sizeof r->compute)
    abort ();
  return NULL;
}

static void
async_batch (void)
{
  AsyncRequest r = { 0 };
  pthread_t device, submitter;
  if (pipe (r.fd) != 0)
    abort ();
  r.prediction = activity (0, 1, "alpha", ACT_BATCH, 4);
  pthread_create (&device, NULL, device_main, &r);
  pthread_create (&submitter, NULL, submitter_main, &r);
  pthread_join (submitter, NULL);
  pthread_join (device, NULL);
  lttng_ust_tracepoint (mlrt, activity_end, r.prediction, 0, CACHE_NONE, 0);
  close (r.fd[0]);
  close (r.fd[1]);
}

static void
gpu_prediction (void)
{
  uint64_t p = activity (0, 2, "beta", ACT_PREDICT, 1);
  uint64_t c = new_span ();
  lttng_ust_tracepoint (mlrt, compute_begin, c, p, 2, "beta", UNIT_GPU, 0, 0,
                        "conv1", "conv1");
  uint64_t start = now_ns ();
  usleep (1000);
  uint64_t end = now_ns ();
  lttng_ust_tracepoint (mlrt, device_busy, new_span (), c, 2, "beta",
                        UNIT_GPU, start, end, "conv1");
  lttng_ust_tracepoint (mlrt, compute_end, c, 0);
  lttng_ust_tracepoint (mlrt, activity_end, p, 0, CACHE_NONE, 0);
}

static void
pattern (int threads, int predictions)
{
  uint64_t s = activity (0, 1, "alpha", ACT_COMPILE, 0);
  lttng_ust_tracepoint (mlrt, activity_end, s, 0, CACHE_NONE, 0);
  s = activity (0, 1, "alpha", ACT_LOAD, 0);
  lttng_ust_tracepoint (mlrt, activity_end, s, 0, CACHE_MISS, 0);
  s = activity (0, 2, "beta", ACT_LOAD, 0);
  lttng_ust_tracepoint (mlrt, activity_end, s, 0, CACHE_HIT, 0);

  pthread_t tids[threads];
  Worker workers[threads];
  for (int i = 0; i < threads; i++)
    {
      workers[i] = (Worker) { i, predictions };
      pthread_create (&tids[i], NULL, worker_main, &workers[i]);
    }
  for (int i = 0; i < threads; i++)
    pthread_join (tids[i], NULL);

  async_batch ();
  gpu_prediction ();
  s = activity (0, 1, "alpha", ACT_UNLOAD, 0);
  lttng_ust_tracepoint (mlrt, activity_end, s, 0, CACHE_NONE, 0);
}

static void
alternate_strings (int n)
{
  for (int i = 0; i < n; i++)
    {
      char feature[32] = "";
      if (i % 2 == 0)
        snprintf (feature, sizeof feature, "feature%s-%d",
                  i % 4 == 2 ? "\xff" : "", i);
      data (0, 1, "alpha", DATA_VALIDATE, feature, T_NONE, T_NONE, i);
    }
}

/* Predictions every 10 ms until stdin closes or `seconds` pass. */
static void
loop (int seconds, int hold)
{
  struct pollfd pfd = { .fd = 0, .events = POLLIN };
  uint64_t until = now_ns () + (uint64_t) seconds * 1000000000u;
  uint64_t held = hold ? activity (0, 1, "alpha", ACT_BATCH, 50) : 0;

  printf ("ready\n");
  fflush (stdout);
  for (int n = 1; now_ns () < until && poll (&pfd, 1, 10) == 0; n++)
    {
      predict (1, "alpha");
      if (held && n % 50 == 0)
        {
          lttng_ust_tracepoint (mlrt, activity_end, held, 0, CACHE_NONE, 0);
          held = activity (0, 1, "alpha", ACT_BATCH, 50);
        }
    }
  if (held)
    lttng_ust_tracepoint (mlrt, activity_end, held, 0, CACHE_NONE, 0);
}

static void
fork_and_predict (int n)
{
  pid_t child = fork ();

  if (child == 0)
    {
      printf ("pid %d\n", (int) getpid ());
      fflush (stdout);
      for (int i = 0; i < n; i++)
        predict (2, "beta");
      _exit (0);
    }
  for (int i = 0; i < n; i++)
    predict (1, "alpha");
  if (child < 0 || waitpid (child, NULL, 0) != child)
    abort ();
}

static void
die_mid_prediction (int complete)
{
  for (int i = 0; i < complete; i++)
    predict (1, "alpha");
  uint64_t p = activity (0, 1, "alpha", ACT_PREDICT, 1);
  uint64_t c = new_span ();
  lttng_ust_tracepoint (mlrt, compute_begin, c, p, 1, "alpha", UNIT_CPU, 0,
                        1, "conv1", "relu1");
  raise (SIGKILL);
}

/* In the sanitizer build (docs/sanitizers.md) the tests record this app
 * with `mlscope record`, which follows it with ptrace, and LeakSanitizer
 * cannot run in a traced process (it fails the exit): the app's default
 * is no leak check (ASAN_OPTIONS=detect_leaks=1 still turns it on).
 * Unused in other builds. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "detect_leaks=0";
}

int
main (int argc, char **argv)
{
  printf ("pid %d\n", (int) getpid ());
  fflush (stdout);
  if (argc >= 4 && strcmp (argv[1], "pattern") == 0)
    pattern (atoi (argv[2]), atoi (argv[3]));
  else if (argc >= 3 && strcmp (argv[1], "kill") == 0)
    die_mid_prediction (atoi (argv[2]));
  else if (argc >= 3 && strcmp (argv[1], "burst") == 0)
    {
      long events = atol (argv[2]);
      for (long n = 0; n < events; n += 14)
        predict (1, "alpha");
    }
  else if (argc >= 3 && strcmp (argv[1], "loop") == 0)
    loop (atoi (argv[2]), 0);
  else if (argc >= 3 && strcmp (argv[1], "hold") == 0)
    loop (atoi (argv[2]), 1);
  else if (argc >= 3 && strcmp (argv[1], "fork") == 0)
    fork_and_predict (atoi (argv[2]));
  else if (argc >= 3 && strcmp (argv[1], "strings") == 0)
    alternate_strings (atoi (argv[2]));
  else
    {
      fprintf (stderr, "usage: mls-tp-emitter pattern THREADS PREDICTIONS | "
               "kill COMPLETE | burst EVENTS | loop SECONDS | hold SECONDS | "
               "fork N | strings N\n");
      return 2;
    }
  return 0;
}
