/*
 * run-memory.c: the host buffers a model's predictions give back, kept
 * for the next prediction. A prediction asks for the same sizes every
 * time (the memory plan's slots, the CPU's scratch, float16 working
 * copies); handing them back to malloc returns large blocks to the
 * kernel (munmap, or a trimmed heap top), and the next prediction then
 * takes a page fault for every 4 KiB it touches again: a fifth of the
 * detector's CPU prediction on a 2-core machine. onnxruntime keeps its
 * arena between runs for the same reason.
 *
 * A buffer is kept under the size it was asked for and given only to an
 * exact request, so a kept buffer is never too small; the model keeps at
 * most twice what its widest prediction held and frees it all at unload;
 * without one (NULL) a buffer comes from malloc and goes back to it.
 */
#include <pthread.h>
#include <stdlib.h>

#include "mlrt-internal.h"

#define KEPT_MAX 64

struct MlrtRunMemory {
  pthread_mutex_t lock;
  size_t n, bytes;
  struct {
    void *p;
    size_t bytes;
  } kept[KEPT_MAX];
};

MlrtRunMemory *
mlrt_run_memory_new (void)
{
  MlrtRunMemory *rm = calloc (1, sizeof *rm);

  if (rm)
    pthread_mutex_init (&rm->lock, NULL);
  return rm;
}

void
mlrt_run_memory_free (MlrtRunMemory *rm)
{
  if (rm == NULL)
    return;
  for (size_t i = 0; i < rm->n; i++)
    free (rm->kept[i].p);
  pthread_mutex_destroy (&rm->lock);
  free (rm);
}

void *
mlrt_run_memory_take (MlrtRunMemory *rm, size_t bytes)
{
  void *p = NULL;

  if (rm == NULL)
    return malloc (bytes ? bytes : 1);
  pthread_mutex_lock (&rm->lock);
  for (size_t i = rm->n; i-- > 0;)
    if (rm->kept[i].bytes == bytes)
      {
        p = rm->kept[i].p;
        rm->bytes -= bytes;
        rm->kept[i] = rm->kept[--rm->n];
        break;
      }
  pthread_mutex_unlock (&rm->lock);
  return p ? p : malloc (bytes ? bytes : 1);
}

void
mlrt_run_memory_give (MlrtRunMemory *rm, void *p, size_t bytes,
                      size_t limit)
{
  if (rm == NULL)
    {
      free (p);
      return;
    }
  pthread_mutex_lock (&rm->lock);
  if (rm->n < KEPT_MAX && rm->bytes + bytes <= limit)
    {
      rm->kept[rm->n].p = p;
      rm->kept[rm->n++].bytes = bytes;
      rm->bytes += bytes;
      p = NULL;
    }
  pthread_mutex_unlock (&rm->lock);
  free (p);
}
