/*
 * mls-import-writer.c: writes spans to the store on a thread of its own,
 * so SQLite's inserts overlap babeltrace2's decoding instead of following
 * it (on two cores, the import takes about the longer of the two rather
 * than their sum). Spans travel in batches through a queue; any other store
 * call from the reading thread takes the same lock as a batch write.
 */
#include "mls-import.h"

#define BATCH_SPANS 4096
#define MAX_QUEUED_BATCHES 16

typedef struct {
  MlsSpan rows[BATCH_SPANS];
  guint n;
} Batch;

struct MlsSpanWriter {
  MlsStore *store;
  GMutex lock;              /* the store */
  GAsyncQueue *full;        /* Batch, or the writer itself to end */
  GThread *thread;
  Batch *batch;             /* being filled by the reading thread */
  gint queued;              /* batches in `full` */
  GMutex error_lock;
  char *error;              /* first store error */
  volatile gint failed;
};

static void
batch_free (Batch *batch)
{
  for (guint i = 0; i < batch->n; i++)
    g_free ((char *) batch->rows[i].args_json);
  g_free (batch);
}

/* Rows end in end order but their ids are given at their begin: a batch
 * sorted by id lets SQLite append to the table's B-tree for most rows
 * instead of splitting pages in its middle. */
static int
compare_id (const void *a, const void *b)
{
  const MlsSpan *x = a, *y = b;
  return x->id < y->id ? -1 : x->id > y->id;
}

static gpointer
writer_main (gpointer data)
{
  MlsSpanWriter *w = data;
  for (;;)
    {
      gpointer item = g_async_queue_pop (w->full);
      if (item == w)
        break;
      Batch *batch = item;
      MlsError err = { 0 };
      qsort (batch->rows, batch->n, sizeof batch->rows[0], compare_id);
      g_mutex_lock (&w->lock);
      for (guint i = 0; i < batch->n && !g_atomic_int_get (&w->failed); i++)
        if (mls_store_add_span (w->store, &batch->rows[i], &err) < 0)
          {
            g_mutex_lock (&w->error_lock);
            w->error = g_strdup (err.message);
            g_mutex_unlock (&w->error_lock);
            g_atomic_int_set (&w->failed, 1);
          }
      g_mutex_unlock (&w->lock);
      batch_free (batch);
      g_atomic_int_add (&w->queued, -1);
      /* The reader may be waiting for room: this is progress too. */
      mls_import_progress++;
    }
  return NULL;
}

MlsSpanWriter *
mls_span_writer_new (MlsStore *store)
{
  MlsSpanWriter *w = g_new0 (MlsSpanWriter, 1);
  w->store = store;
  g_mutex_init (&w->lock);
  g_mutex_init (&w->error_lock);
  w->full = g_async_queue_new ();
  w->batch = g_new0 (Batch, 1);
  w->thread = g_thread_new ("mlscope-writer", writer_main, w);
  return w;
}

static gboolean
writer_error (MlsSpanWriter *w, GError **error)
{
  if (!g_atomic_int_get (&w->failed))
    return FALSE;
  g_mutex_lock (&w->error_lock);
  g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s", w->error);
  g_mutex_unlock (&w->error_lock);
  return TRUE;
}

static void
push_batch (MlsSpanWriter *w)
{
  /* Bounded: a reader much faster than SQLite must not buffer the whole
   * trace in memory. */
  while (g_atomic_int_get (&w->queued) >= MAX_QUEUED_BATCHES
         && !g_atomic_int_get (&w->failed))
    g_usleep (500);
  g_atomic_int_inc (&w->queued);
  g_async_queue_push (w->full, w->batch);
  w->batch = g_new0 (Batch, 1);
}

gboolean
mls_span_writer_add (MlsSpanWriter *w, const MlsSpan *row, char *args_json,
                     GError **error)
{
  Batch *b = w->batch;
  b->rows[b->n] = *row;
  b->rows[b->n].args_json = args_json;
  if (++b->n == BATCH_SPANS)
    {
      if (writer_error (w, error))
        return FALSE;
      push_batch (w);
    }
  return TRUE;
}

void
mls_span_writer_lock (MlsSpanWriter *w)
{
  g_mutex_lock (&w->lock);
}

void
mls_span_writer_unlock (MlsSpanWriter *w)
{
  g_mutex_unlock (&w->lock);
}

gboolean
mls_span_writer_finish (MlsSpanWriter *w, GError **error)
{
  if (w->thread != NULL)
    {
      if (w->batch->n > 0)
        push_batch (w);
      g_async_queue_push (w->full, w);
      g_thread_join (w->thread);
      w->thread = NULL;
    }
  return !writer_error (w, error);
}

void
mls_span_writer_free (MlsSpanWriter *w)
{
  if (w == NULL)
    return;
  g_atomic_int_set (&w->failed, 1);
  mls_span_writer_finish (w, NULL);
  batch_free (w->batch);
  g_async_queue_unref (w->full);
  g_mutex_clear (&w->lock);
  g_mutex_clear (&w->error_lock);
  g_free (w->error);
  g_free (w);
}
