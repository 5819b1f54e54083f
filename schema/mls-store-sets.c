/*
 * mls-store-sets.c: the sets of spans span_summary keeps buckets for, as
 * the writer (mls-store-summary.c) and the timeline (mls-store-timeline*.c)
 * both name them: a kind or every kind of a lane, of a model or every
 * model, of a thread or every thread.
 *
 * Many such sets hold the same spans as a narrower one (a lane with one
 * kind in it is that kind; every model of a thread that ran one model is
 * that model): only the narrowest of each is stored, its canonical form,
 * which both sides find the same way from the finest sets present (one
 * kind, model and thread each): one dimension at a time, a set of every X
 * whose spans all have one X becomes that X's.
 */
#include "mls-store-private.h"

static int
member (const MlsSetKey *set, const MlsSetKey *f, const int *lane_of)
{
  if (set->kind > 0 ? f->kind != set->kind
                    : lane_of[f->kind] != -set->kind)
    return 0;
  if (set->model != MLS_SET_ALL && f->model != set->model)
    return 0;
  return set->tid == MLS_SET_ALL || (f->pid == set->pid
                                     && f->tid == set->tid);
}

void
mls_set_canonical (MlsSetKey *set, const MlsSetKey *finest, size_t n,
                   const int *lane_of)
{
  for (int changed = 1; changed;)
    {
      const MlsSetKey *first = NULL;
      int kinds = 1, models = 1, threads = 1;

      for (size_t i = 0; i < n; i++)
        {
          const MlsSetKey *f = &finest[i];

          if (!member (set, f, lane_of))
            continue;
          if (first == NULL)
            {
              first = f;
              continue;
            }
          kinds += kinds == 1 && f->kind != first->kind;
          models += models == 1 && f->model != first->model;
          threads += threads == 1 && (f->pid != first->pid
                                      || f->tid != first->tid);
        }
      changed = 0;
      if (first == NULL)
        return;
      if (set->kind < 0 && kinds == 1)
        set->kind = first->kind, changed = 1;
      if (set->model == MLS_SET_ALL && models == 1)
        set->model = first->model, changed = 1;
      if (set->tid == MLS_SET_ALL && threads == 1)
        set->pid = first->pid, set->tid = first->tid, changed = 1;
    }
}

int
mls_set_is_member (const MlsSetKey *set, const MlsSetKey *finest,
                   const int *lane_of)
{
  return member (set, finest, lane_of);
}

int
mls_set_same (const MlsSetKey *a, const MlsSetKey *b)
{
  return a->kind == b->kind && a->model == b->model && a->pid == b->pid
         && a->tid == b->tid;
}

/* The sets one step narrower than `set` that a reader sums when `set`
 * lacks a level: its threads, else its models, else its kinds. */
size_t
mls_set_split (const MlsSetKey *set, const MlsSetKey *finest, size_t n,
               const int *lane_of, MlsSetKey *parts, size_t max_parts)
{
  size_t n_parts = 0;

  for (size_t i = 0; i < n; i++)
    {
      MlsSetKey part = *set;
      size_t p;

      if (!member (set, &finest[i], lane_of))
        continue;
      if (set->tid == MLS_SET_ALL)
        part.pid = finest[i].pid, part.tid = finest[i].tid;
      else if (set->model == MLS_SET_ALL)
        part.model = finest[i].model;
      else if (set->kind < 0)
        part.kind = finest[i].kind;
      else
        return 0;
      for (p = 0; p < n_parts && !mls_set_same (&parts[p], &part); p++)
        ;
      if (p == n_parts && n_parts < max_parts)
        parts[n_parts++] = part;
    }
  return n_parts;
}
