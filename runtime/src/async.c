/*
 * async.c: asynchronous predictions (mlrt_model_predict_async, mlrt.h;
 * docs/async.md). Each loaded model has a pool: a FIFO of submitted
 * predictions and up to max_in_flight worker threads ("mlrt-async-N"),
 * started as predictions come, each running one prediction at a time
 * exactly as mlrt_model_predict does. A prediction in flight can always
 * have a worker of its own, so while one waits for the NPU or the GPU to
 * finish its request, another's CPU work goes on: the units pipeline with
 * no scheduler of their own. The bound on predictions in flight is the
 * pool's places: a submit takes one (waiting for it), a completion gives
 * it back before the callback runs.
 *
 * Locks: the pool's guards its queue, counts and the running predictions;
 * each prediction's guards its result. No lock is held while a prediction
 * runs or a callback is called. A prediction holds two references, the
 * handle's and the pool's, so a handle freed early and a callback that
 * uses it are both fine.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"
#include "trace.h"

struct MlrtPrediction {
  pthread_mutex_t lock;
  pthread_cond_t completed;
  int refs;
  atomic_int done;
  atomic_int cancel;
  MlrtStatus status;
  MlrtError error;
  MlrtFeatures *outputs;    /* until taken by a wait */
  MlrtAsync *pool;          /* while in flight */
  const MlrtFeatures *inputs, *backings;
  MlrtPredictionDone callback;
  void *user_data;
  uint64_t span;
  MlrtPrediction *next;     /* in the queue */
};

struct MlrtAsync {
  pthread_mutex_t lock;
  pthread_cond_t work;      /* a prediction queued, or closing */
  pthread_cond_t room;      /* a place given back, or closing */
  MlrtModel *model;
  MlrtPrediction *head, *tail;
  unsigned max_in_flight, in_flight, queued, idle, n_threads;
  pthread_t *threads;
  MlrtPrediction **running; /* per worker, what it runs, or NULL */
  int closing;
};

/* The pool whose worker this thread is, if it is one: what the rules of
 * mlrt.h about callbacks are checked against. */
static __thread const MlrtAsync *worker_of;

MlrtAsync *
mlrt_async_new (MlrtModel *model, unsigned max_in_flight)
{
  MlrtAsync *pool = calloc (1, sizeof *pool);

  if (pool == NULL)
    return NULL;
  pool->threads = calloc (max_in_flight, sizeof *pool->threads);
  pool->running = calloc (max_in_flight, sizeof *pool->running);
  if (pool->threads == NULL || pool->running == NULL)
    {
      free (pool->threads);
      free (pool->running);
      free (pool);
      return NULL;
    }
  pthread_mutex_init (&pool->lock, NULL);
  pthread_cond_init (&pool->work, NULL);
  pthread_cond_init (&pool->room, NULL);
  pool->model = model;
  pool->max_in_flight = max_in_flight;
  return pool;
}

static void
prediction_unref (MlrtPrediction *p)
{
  int last;

  pthread_mutex_lock (&p->lock);
  last = --p->refs == 0;
  pthread_mutex_unlock (&p->lock);
  if (!last)
    return;
  mlrt_features_free (p->outputs);
  pthread_mutex_destroy (&p->lock);
  pthread_cond_destroy (&p->completed);
  free (p);
}

/* Runs `p` (or not, when cancelled) and stores its result. */
static void
run (MlrtAsync *pool, MlrtPrediction *p)
{
  MlrtModel *m = pool->model;
  MlrtFeatures *outputs = NULL;
  MlrtStatus st;

  if (atomic_load (&p->cancel))
    st = mlrt_set_error (&p->error, MLRT_ERROR_CANCELLED, "cancelled "
                         "before it started");
  else
    st = mlrt_predict_one (m, p->inputs, p->backings, p->span, &p->cancel,
                           &outputs, &p->error);
  if (st != MLRT_OK)
    mlrt_error_prefix (&p->error, "%s", m->name);
  mlrt_trace_activity_end (p->span, st, MLRT_CACHE_NONE);
  pthread_mutex_lock (&p->lock);
  p->status = st;
  p->outputs = outputs;
  p->pool = NULL;
  atomic_store (&p->done, 1);
  pthread_cond_broadcast (&p->completed);
  pthread_mutex_unlock (&p->lock);
}

/* Takes the next prediction off the queue, waiting for one; NULL when the
 * pool closes with nothing left. Called with the pool locked. */
static MlrtPrediction *
next_prediction (MlrtAsync *pool)
{
  MlrtPrediction *p;

  while (pool->head == NULL && !pool->closing)
    {
      pool->idle++;
      pthread_cond_wait (&pool->work, &pool->lock);
      pool->idle--;
    }
  p = pool->head;
  if (p == NULL)
    return NULL;
  pool->head = p->next;
  if (pool->head == NULL)
    pool->tail = NULL;
  pool->queued--;
  if (pool->closing)
    atomic_store (&p->cancel, 1);
  return p;
}

typedef struct {
  MlrtAsync *pool;
  unsigned index;
} Worker;

static void *
worker_main (void *data)
{
  Worker w = *(Worker *) data;
  MlrtAsync *pool = w.pool;
  char name[16];

  free (data);
  worker_of = pool;
  snprintf (name, sizeof name, "mlrt-async-%u", w.index);
  pthread_setname_np (pthread_self (), name);
  pthread_mutex_lock (&pool->lock);
  for (MlrtPrediction *p; (p = next_prediction (pool)) != NULL; )
    {
      pool->running[w.index] = p;
      pthread_mutex_unlock (&pool->lock);
      run (pool, p);
      pthread_mutex_lock (&pool->lock);
      pool->running[w.index] = NULL;
      pool->in_flight--;
      pthread_cond_signal (&pool->room);
      pthread_mutex_unlock (&pool->lock);
      if (p->callback)
        p->callback (p, p->user_data);
      prediction_unref (p);
      pthread_mutex_lock (&pool->lock);
    }
  pthread_mutex_unlock (&pool->lock);
  return NULL;
}

/* Starts another worker when the queue holds more than the idle workers
 * will take. Called with the pool locked. */
static MlrtStatus
grow (MlrtAsync *pool, MlrtError *error)
{
  Worker *w;
  int rc;

  if (pool->queued <= pool->idle || pool->n_threads == pool->max_in_flight)
    return MLRT_OK;
  w = malloc (sizeof *w);
  if (w == NULL)
    return pool->n_threads ? MLRT_OK
           : mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  *w = (Worker) { pool, pool->n_threads };
  rc = pthread_create (&pool->threads[pool->n_threads], NULL, worker_main, w);
  if (rc == 0)
    {
      pool->n_threads++;
      return MLRT_OK;
    }
  free (w);
  /* The workers there are will get to it. */
  if (pool->n_threads > 0)
    return MLRT_OK;
  return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "%s: cannot start a "
                         "worker thread: %s", pool->model->name,
                         strerror (rc));
}

/* Takes a place in flight, waiting for one unless this thread is one of
 * the pool's workers. Called with the pool locked. */
static MlrtStatus
take_place (MlrtAsync *pool, MlrtError *error)
{
  while (pool->in_flight == pool->max_in_flight && !pool->closing)
    {
      if (worker_of == pool)
        return mlrt_set_error (error, MLRT_ERROR_BUSY, "%s: all %u places "
                               "for predictions in flight are taken, and a "
                               "completion callback must not wait for one",
                               pool->model->name, pool->max_in_flight);
      pthread_cond_wait (&pool->room, &pool->lock);
    }
  if (pool->closing)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT, "%s: the "
                           "model is being unloaded", pool->model->name);
  pool->in_flight++;
  return MLRT_OK;
}

static MlrtPrediction *
prediction_new (const MlrtFeatures *inputs, const MlrtPredictOptions *options,
                MlrtPredictionDone callback, void *user_data, int refs)
{
  MlrtPrediction *p = calloc (1, sizeof *p);

  if (p == NULL)
    return NULL;
  pthread_mutex_init (&p->lock, NULL);
  pthread_cond_init (&p->completed, NULL);
  p->refs = refs;
  p->inputs = inputs;
  p->backings = options ? options->output_backings : NULL;
  p->callback = callback;
  p->user_data = user_data;
  return p;
}

MlrtStatus
mlrt_model_predict_async (MlrtModel *model, const MlrtFeatures *inputs,
                          const MlrtPredictOptions *options,
                          MlrtPredictionDone done, void *user_data,
                          MlrtPrediction **prediction, MlrtError *error)
{
  MlrtAsync *pool;
  MlrtPrediction *p;
  MlrtStatus st;

  if (prediction)
    *prediction = NULL;
  if (model == NULL || inputs == NULL || (done == NULL && prediction == NULL))
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_model_predict_async: NULL model or inputs, "
                           "or neither a callback nor a handle to deliver "
                           "the result");
  pool = model->async;
  p = prediction_new (inputs, options, done, user_data, prediction ? 2 : 1);
  if (p == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  pthread_mutex_lock (&pool->lock);
  st = take_place (pool, error);
  if (st == MLRT_OK)
    {
      p->pool = pool;
      p->span = mlrt_trace_activity_begin (0, model->id, model->name,
                                           MLRT_ACTIVITY_PREDICT, 1);
      if (pool->tail)
        pool->tail->next = p;
      else
        pool->head = p;
      pool->tail = p;
      pool->queued++;
      st = grow (pool, error);
      if (st == MLRT_OK)
        pthread_cond_signal (&pool->work);
      else
        {
          /* No worker at all: take it back. */
          pool->head = pool->tail = NULL;
          pool->queued = 0;
          pool->in_flight--;
          mlrt_trace_activity_end (p->span, st, MLRT_CACHE_NONE);
        }
    }
  pthread_mutex_unlock (&pool->lock);
  if (st != MLRT_OK)
    {
      p->refs = 1;
      prediction_unref (p);
      return st;
    }
  if (prediction)
    *prediction = p;
  return MLRT_OK;
}

MlrtStatus
mlrt_prediction_wait (MlrtPrediction *p, MlrtFeatures **outputs,
                      MlrtError *error)
{
  MlrtStatus st;

  if (outputs)
    *outputs = NULL;
  if (p == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_prediction_wait: NULL prediction");
  pthread_mutex_lock (&p->lock);
  if (!atomic_load (&p->done) && worker_of != NULL && worker_of == p->pool)
    {
      pthread_mutex_unlock (&p->lock);
      return mlrt_set_error (error, MLRT_ERROR_BUSY, "a completion callback "
                             "must not wait on another prediction of its "
                             "model: the worker it runs on may be the one "
                             "that prediction needs");
    }
  while (!atomic_load (&p->done))
    pthread_cond_wait (&p->completed, &p->lock);
  st = p->status;
  if (st != MLRT_OK && error)
    *error = p->error;
  if (st == MLRT_OK && outputs)
    {
      *outputs = p->outputs;
      p->outputs = NULL;
    }
  pthread_mutex_unlock (&p->lock);
  return st;
}

int
mlrt_prediction_is_done (const MlrtPrediction *p)
{
  return p != NULL && atomic_load (&p->done);
}

void
mlrt_prediction_cancel (MlrtPrediction *p)
{
  if (p != NULL)
    atomic_store (&p->cancel, 1);
}

void
mlrt_prediction_free (MlrtPrediction *p)
{
  if (p != NULL)
    prediction_unref (p);
}

void
mlrt_async_free (MlrtAsync *pool)
{
  if (pool == NULL)
    return;
  pthread_mutex_lock (&pool->lock);
  pool->closing = 1;
  for (unsigned i = 0; i < pool->n_threads; i++)
    if (pool->running[i])
      atomic_store (&pool->running[i]->cancel, 1);
  pthread_cond_broadcast (&pool->work);
  pthread_cond_broadcast (&pool->room);
  pthread_mutex_unlock (&pool->lock);
  for (unsigned i = 0; i < pool->n_threads; i++)
    pthread_join (pool->threads[i], NULL);
  pthread_mutex_destroy (&pool->lock);
  pthread_cond_destroy (&pool->work);
  pthread_cond_destroy (&pool->room);
  free (pool->threads);
  free (pool->running);
  free (pool);
}
