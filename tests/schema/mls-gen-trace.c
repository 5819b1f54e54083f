/*
 * mls-gen-trace.c: writes a synthetic trace database of N spans through the
 * store's write API, for tests and scale benchmarks (the viewer draws it,
 * the store's own benchmark times it).
 *
 *   mls-gen-trace [--threads T] OUT.mlscope N [SEED]
 *   mls-gen-trace [--threads T] --scratch N [SEED]   (benchmark: writes a
 *                         temporary file, prints the times, removes it)
 *
 * The trace looks like a recording of mlrt apps: two processes, T threads
 * each (3 by default), predicting at once, four models compiled and loaded, then predictions on each
 * thread, each with its data spans (validation, conversions, copies), one to
 * three compute requests on cpu / gpu / npu with their layers nested
 * inside, and GPU / Neural Engine busy spans under the requests. One model
 * is reloaded before some predictions, like the classic mistake. It ends
 * with 42 lost events and one incomplete prediction. The same N and SEED
 * give the same file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mls-store.h"

typedef struct {
  MlsStore *store;
  MlsError error;
  uint64_t rng;
  int64_t next_id;
  int64_t n_spans;
  int64_t max_spans;
  int64_t models[4];
  int dry;                  /* only advance ids and the random sequence */
  int threads;              /* per process */
} Gen;

#define MAX_THREADS 32

static const char *const model_names[4] = {
  "style-candy", "style-mosaic", "sharpen-gray8", "detector-f16",
};

static uint64_t
next_random (Gen *gen)
{
  /* xorshift64* */
  gen->rng ^= gen->rng >> 12;
  gen->rng ^= gen->rng << 25;
  gen->rng ^= gen->rng >> 27;
  return gen->rng * UINT64_C (2685821657736338717);
}

/* A duration around `mean` ns: uniform in [mean / 2, 3 * mean / 2). */
static int64_t
jitter (Gen *gen, int64_t mean)
{
  return mean / 2 + (int64_t) (next_random (gen) % (uint64_t) (mean > 0 ? mean : 1));
}

static int64_t
add (Gen *gen, int kind, int64_t model, int64_t parent, int depth,
     const char *unit, int64_t pid, int64_t tid, int64_t start, int64_t end,
     const MlsSpanArgs *args)
{
  MlsSpan span = {
    .id = gen->next_id++, .kind_id = kind, .model_id = model,
    .parent_id = parent, .depth = depth, .unit = unit, .pid = pid,
    .tid = tid, .start_ns = start, .end_ns = end, .complete = 1,
  };

  if (args)
    span.args = *args;

  if (gen->dry)
    return span.id;
  if (gen->n_spans >= gen->max_spans)
    return 0;
  if (mls_store_add_span (gen->store, &span, &gen->error) < 0)
    {
      fprintf (stderr, "mls-gen-trace: %s\n", gen->error.message);
      exit (1);
    }
  gen->n_spans++;
  return span.id;
}

/* One compute request on `unit` from `t`, with its layers and, off the
 * cpu, the device's busy span; returns its end. */
static int64_t
compute (Gen *gen, int64_t model, int64_t pred, int64_t pid, int64_t tid,
         int64_t t, int unit)
{
  static const int kinds[3] = { MLS_KIND_CPU_COMPUTE, MLS_KIND_GPU_COMPUTE,
                                MLS_KIND_NPU_COMPUTE };
  static const char *const units[3] = { "cpu", "gpu", "npu" };
  static const char *const ops[4] = { "conv", "relu", "pool", "dense" };
  int n_layers = 3 + (int) (next_random (gen) % 6);
  int64_t layer_t = t + jitter (gen, 8000);
  int64_t request = gen->next_id;
  int64_t end;
  MlsSpanArgs args = { .present = MLS_ARG_FIRST_LAYER | MLS_ARG_LAST_LAYER,
                       .first_layer = 0, .last_layer = n_layers - 1 };

  for (int i = 0; i < n_layers; i++)
    layer_t += jitter (gen, 60000);
  end = layer_t + jitter (gen, 5000);
  add (gen, kinds[unit], model, pred, 1, units[unit], pid, tid, t, end,
       &args);
  layer_t = t + jitter (gen, 8000);
  for (int i = 0; i < n_layers; i++)
    {
      int64_t d = jitter (gen, 60000);

      args = (MlsSpanArgs) { .present = MLS_ARG_INDEX, .index = i,
                             .op = ops[i % 4] };
      add (gen, MLS_KIND_LAYER, model, request, 2, units[unit], pid, tid,
           layer_t, layer_t + d, &args);
      layer_t += d;
    }
  if (unit != 0)
    add (gen, unit == 1 ? MLS_KIND_GPU_BUSY : MLS_KIND_NPU_BUSY, model, 0, 0,
         units[unit], pid, tid, t + 6000, end - 2000, NULL);
  return end;
}

/* A data span of `kind` at t; returns its end. */
static int64_t
data (Gen *gen, int kind, int64_t model, int64_t pred, int64_t pid,
      int64_t tid, int64_t t, int64_t mean)
{
  int64_t end = t + jitter (gen, mean);
  MlsSpanArgs conversion = { .present = MLS_ARG_BYTES, .src_type = "bgra8",
                             .dst_type = "float32", .bytes = 786432 };

  add (gen, kind, model, pred, 1, NULL, pid, tid, t, end,
       kind == MLS_KIND_INPUT_CONVERSION ? &conversion : NULL);
  return end + 1000;
}

/* One prediction from t; returns its end. Children are added after the
 * parent, so the parent's end is worked out on a copy of the generator. */
static int64_t
prediction (Gen *gen, int64_t model, int64_t pid, int64_t tid, int64_t t,
            int first_unit, int n_requests)
{
  Gen dry = *gen;
  int64_t pred = gen->next_id;
  int64_t end = t;

  for (int pass = 0; pass < 2; pass++)
    {
      Gen *g = pass == 0 ? &dry : gen;
      int64_t c = t + 2000;

      if (pass == 1)
        add (gen, MLS_KIND_PREDICTION, model, 0, 0, NULL, pid, tid, t, end,
             NULL);
      else
        {
          g->dry = 1;
          g->next_id++;
        }
      c = data (g, MLS_KIND_INPUT_VALIDATION, model, pred, pid, tid, c, 4000);
      c = data (g, MLS_KIND_INPUT_CONVERSION, model, pred, pid, tid, c, 90000);
      c = data (g, MLS_KIND_COPY_TO_UNIT, model, pred, pid, tid, c, 20000);
      for (int r = 0; r < n_requests; r++)
        c = compute (g, model, pred, pid, tid, c, (first_unit + r) % 3);
      c = data (g, MLS_KIND_COPY_FROM_UNIT, model, pred, pid, tid, c, 20000);
      c = data (g, MLS_KIND_OUTPUT_CONVERSION, model, pred, pid, tid, c,
                60000);
      end = c + 2000;
    }
  return end;
}

static void
setup (Gen *gen, int64_t t0)
{
  for (int m = 0; m < 4; m++)
    {
      int64_t t = t0 + m * 200000000;
      gen->models[m] = mls_store_intern_model (gen->store, model_names[m],
                                               &gen->error);
      if (gen->models[m] < 0)
        {
          fprintf (stderr, "mls-gen-trace: %s\n", gen->error.message);
          exit (1);
        }
      add (gen, MLS_KIND_MODEL_COMPILE, gen->models[m], 0, 0, NULL, 4100,
           4100, t, t + jitter (gen, 80000000), NULL);
      add (gen, MLS_KIND_MODEL_LOAD, gen->models[m], 0, 0, NULL, 4100, 4100,
           t + 100000000, t + 100000000 + jitter (gen, 30000000), NULL);
    }
  for (int p = 0; p < 2; p++)
    {
      int64_t pid = 4100 + p * 100;
      mls_store_intern_process (gen->store, pid,
                                p ? "detect-demo" : "style-demo",
                                &gen->error);
      for (int i = 0; i < gen->threads; i++)
        mls_store_intern_thread (gen->store, pid, pid + i,
                                 i ? "mlrt-worker" : NULL, &gen->error);
    }
}

/* How recordings end: LTTng dropped a few events somewhere, and the app
 * was killed in a prediction whose end was never seen (it ends at the
 * process's last event, complete = 0). */
static void
finish_recording (Gen *gen, int64_t *clock, int add_incomplete)
{
  MlsSpan span = {
    .id = gen->next_id++, .kind_id = MLS_KIND_PREDICTION,
    .model_id = gen->models[3], .pid = 4200, .tid = 4200,
    .start_ns = clock[gen->threads], .end_ns = clock[gen->threads] + 50000,
    .complete = 0,
  };

  if (mls_store_add_lost_events (gen->store, clock[0] / 2, clock[0] / 2
                                 + 1000000, 42, 0, "channel0_1",
                                 &gen->error) != 0
      || (add_incomplete
          && mls_store_add_span (gen->store, &span, &gen->error) < 0))
    {
      fprintf (stderr, "mls-gen-trace: %s\n", gen->error.message);
      exit (1);
    }
  gen->n_spans += add_incomplete;
}

static void
generate (Gen *gen, int64_t t0)
{
  int64_t clock[2 * MAX_THREADS];
  int add_incomplete;

  for (int i = 0; i < 2 * gen->threads; i++)
    clock[i] = t0 + 900000000 + i * 300000;
  /* The last span is the incomplete prediction. */
  add_incomplete = gen->max_spans > 0;
  gen->max_spans -= add_incomplete;
  setup (gen, t0);
  while (gen->n_spans < gen->max_spans)
    {
      int thread = (int) (next_random (gen) % (2 * gen->threads));
      int64_t pid = 4100 + (thread / gen->threads) * 100;
      int64_t tid = pid + thread % gen->threads;
      int m = thread / gen->threads ? 3 : (int) (next_random (gen) % 3);
      int64_t t = clock[thread];

      if (m == 0 && next_random (gen) % 4 == 0)
        {
          int64_t end = t + jitter (gen, 12000000);
          add (gen, MLS_KIND_MODEL_LOAD, gen->models[m], 0, 0, NULL, pid, tid,
               t, end, NULL);
          t = end + 50000;
        }
      t = prediction (gen, gen->models[m], pid, tid, t,
                      (int) (next_random (gen) % 3),
                      1 + (int) (next_random (gen) % 3));
      clock[thread] = t + jitter (gen, 400000);
    }
  finish_recording (gen, clock, add_incomplete);
}

static double
seconds_since (const struct timespec *start)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (double) (now.tv_sec - start->tv_sec)
         + (double) (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* A path in a fresh temporary directory (TMPDIR or /tmp). */
static char *
scratch_path (void)
{
  const char *tmp = getenv ("TMPDIR");
  static char dir[4096];
  static char path[4200];

  snprintf (dir, sizeof dir, "%s/mls-gen-trace-XXXXXX", tmp ? tmp : "/tmp");
  if (mkdtemp (dir) == NULL)
    {
      perror ("mls-gen-trace: mkdtemp");
      exit (1);
    }
  snprintf (path, sizeof path, "%s/bench.mlscope", dir);
  return path;
}

static void
remove_scratch (const char *path)
{
  char dir[4200];
  const char *slash = strrchr (path, '/');

  unlink (path);
  snprintf (dir, sizeof dir, "%.*s", (int) (slash - path), path);
  rmdir (dir);
}

int
main (int argc, char **argv)
{
  Gen gen = { .rng = 0x9e3779b97f4a7c15, .next_id = 1, .threads = 3 };
  struct timespec start;
  double add_s, total_s;
  const char *path;
  int scratch;

  if (argc > 2 && strcmp (argv[1], "--threads") == 0)
    {
      gen.threads = atoi (argv[2]);
      argc -= 2;
      argv += 2;
    }
  if (argc < 3 || argc > 4 || atoll (argv[2]) < 0 || gen.threads < 1
      || gen.threads > MAX_THREADS)
    {
      fprintf (stderr, "Usage: mls-gen-trace [--threads 1..%d] OUT.mlscope "
               "N_SPANS [SEED]\n"
               "       mls-gen-trace [--threads T] --scratch N_SPANS "
               "[SEED]\n", MAX_THREADS);
      return 2;
    }
  scratch = strcmp (argv[1], "--scratch") == 0;
  path = scratch ? scratch_path () : argv[1];
  gen.max_spans = atoll (argv[2]);
  if (argc == 4)
    gen.rng ^= strtoull (argv[3], NULL, 0) * 0x100000001b3;
  clock_gettime (CLOCK_MONOTONIC, &start);
  gen.store = mls_store_create (path, &gen.error);
  if (gen.store == NULL)
    {
      fprintf (stderr, "mls-gen-trace: %s\n", gen.error.message);
      return 1;
    }
  mls_store_set_meta_text (gen.store, "host", "mls-gen-trace", &gen.error);
  mls_store_set_meta_text (gen.store, "command", "synthetic", &gen.error);
  generate (&gen, INT64_C (1000000000000));
  add_s = seconds_since (&start);
  if (mls_store_finish (gen.store, &gen.error) != 0)
    {
      fprintf (stderr, "mls-gen-trace: %s\n", gen.error.message);
      mls_store_close (gen.store);
      return 1;
    }
  mls_store_close (gen.store);
  total_s = seconds_since (&start);
  printf ("mls-gen-trace: %lld spans: write %.2f s (%.2f us/span), "
          "finish %.2f s, total %.2f s\n", (long long) gen.n_spans, add_s,
          gen.n_spans ? 1e6 * add_s / (double) gen.n_spans : 0.0,
          total_s - add_s, total_s);
  if (scratch)
    remove_scratch (path);
  return 0;
}
