/*
 * mls-store-overlap.c: span_overlap, how many rows the timeline needs so
 * that no span hides another. For every set of spans drawn together at one
 * depth (a kind or a lane; one model or all; one thread or all), the most
 * that overlap at any instant: a lane with that many rows per depth can
 * place every span, first-fit in start order, without two sharing a row.
 *
 * One pass over every span in start order, merged from the runs (each in
 * start order, mls-store-order.c): each span belongs to eight sets, and each set keeps the
 * ends of its spans still open in a min-heap, so its count of open spans
 * is exact when a span starts. The sets are few (kinds x models x threads
 * x depths, thousands at most), found through an open-addressing table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

#define ALL (-1)

/* Spans deeper than this share their sets: the viewer stacks them in its
 * deepest band anyway. */
#define MLS_MAX_TRACKED_DEPTH 255

typedef struct {
  int kind;                 /* kind id, or -(lane index + 1) */
  int thread;               /* thread index or ALL */
  int64_t model;            /* model id, 0: none, or ALL */
  int depth;
} Key;

typedef struct {
  Key key;
  int64_t count;
  int64_t max;
  int64_t *ends;            /* min-heap of open spans' ends */
  size_t n_ends, allocated;
  size_t alias;             /* the set holding the same spans whose figures
                               are this one's, or SIZE_MAX */
} Set;

typedef struct {
  Set *sets;
  size_t n_sets, allocated;
  uint32_t *slots;          /* index + 1 into sets */
  size_t slots_size;
  char lanes[MLS_MAX_KIND_ID][16];
  int lane_of[MLS_MAX_KIND_ID];  /* lane index + 1, 0: unknown kind */
  int n_lanes;
  MlsSetKey *finest;        /* (kind, model, thread) of the runs */
  size_t n_finest;
} Overlap;

static size_t
hash_key (const Key *k, size_t size)
{
  uint64_t h = (uint64_t) (uint32_t) k->kind * 0x9E3779B97F4A7C15u;

  h ^= (uint64_t) (uint32_t) k->thread * 0xC2B2AE3D27D4EB4Fu;
  h ^= (uint64_t) k->model * 0x165667B19E3779F9u;
  h ^= (uint64_t) (uint32_t) k->depth * 0x27D4EB2F165667C5u;
  return (size_t) (h >> 20) & (size - 1);
}

static int
same_key (const Key *a, const Key *b)
{
  return a->kind == b->kind && a->thread == b->thread
         && a->model == b->model && a->depth == b->depth;
}

static int
grow_slots (Overlap *o)
{
  size_t size = o->slots_size ? 2 * o->slots_size : 1024;
  uint32_t *slots = calloc (size, sizeof *slots);

  if (slots == NULL)
    return -1;
  for (size_t s = 0; s < o->n_sets; s++)
    {
      size_t i = hash_key (&o->sets[s].key, size);

      while (slots[i])
        i = (i + 1) & (size - 1);
      slots[i] = (uint32_t) s + 1;
    }
  free (o->slots);
  o->slots = slots;
  o->slots_size = size;
  return 0;
}

static Set *
find_set (Overlap *o, const Key *key)
{
  size_t i;

  if ((o->n_sets + 1) * 2 > o->slots_size && grow_slots (o))
    return NULL;
  i = hash_key (key, o->slots_size);
  while (o->slots[i])
    {
      Set *set = &o->sets[o->slots[i] - 1];

      if (same_key (&set->key, key))
        return set;
      i = (i + 1) & (o->slots_size - 1);
    }
  if (o->n_sets == o->allocated)
    {
      size_t allocated = o->allocated ? 2 * o->allocated : 256;
      Set *bigger = realloc (o->sets, allocated * sizeof *bigger);

      if (bigger == NULL)
        return NULL;
      o->sets = bigger;
      o->allocated = allocated;
    }
  o->sets[o->n_sets] = (Set) { *key, 0, 0, NULL, 0, 0, SIZE_MAX };
  o->slots[i] = (uint32_t) ++o->n_sets;
  return &o->sets[o->n_sets - 1];
}

static void
heap_pop (Set *s)
{
  size_t i = 0;
  int64_t last = s->ends[--s->n_ends];

  for (;;)
    {
      size_t c = 2 * i + 1;

      if (c >= s->n_ends)
        break;
      if (c + 1 < s->n_ends && s->ends[c + 1] < s->ends[c])
        c++;
      if (last <= s->ends[c])
        break;
      s->ends[i] = s->ends[c];
      i = c;
    }
  if (s->n_ends > 0)
    s->ends[i] = last;
}

static int
heap_push (Set *s, int64_t end)
{
  size_t i;

  if (s->n_ends == s->allocated)
    {
      size_t allocated = s->allocated ? 2 * s->allocated : 8;
      int64_t *bigger = realloc (s->ends, allocated * sizeof *bigger);

      if (bigger == NULL)
        return -1;
      s->ends = bigger;
      s->allocated = allocated;
    }
  i = s->n_ends++;
  while (i > 0 && s->ends[(i - 1) / 2] > end)
    {
      s->ends[i] = s->ends[(i - 1) / 2];
      i = (i - 1) / 2;
    }
  s->ends[i] = end;
  return 0;
}

/* A span [start, end) joins a set: spans that ended by its start close. */
static int
add_to_set (Set *s, int64_t start, int64_t end)
{
  while (s->n_ends > 0 && s->ends[0] <= start)
    heap_pop (s);
  if (heap_push (s, end))
    return -1;
  s->count++;
  if ((int64_t) s->n_ends > s->max)
    s->max = (int64_t) s->n_ends;
  return 0;
}

/* The eight sets of a run's spans at one depth, as indices into
 * Overlap.sets: found once for the run and depth, not per span. */
typedef struct {
  int depth;                /* -1: none found yet */
  size_t set[8];
} RunSets;

/* A set's key with its kind, model and thread as narrow as they go while
 * holding the same spans (mls-store-sets.c): sets that are the same spans
 * are swept once. */
static Key
canonical (const Overlap *o, const MlsWrite *w, const MlsRun *run,
           const Key *key)
{
  const MlsPair *thread = &w->store->threads.keys[run->thread];
  MlsSetKey k = {
    key->kind, key->model == ALL ? MLS_SET_ALL : key->model,
    key->thread == ALL ? MLS_SET_ALL : thread->a,
    key->thread == ALL ? MLS_SET_ALL : thread->b,
  };

  mls_set_canonical (&k, o->finest, o->n_finest, o->lane_of);
  /* Narrowed, each part is the run's own. */
  return (Key) { k.kind, k.tid == MLS_SET_ALL ? ALL : (int) run->thread,
                 k.model == MLS_SET_ALL ? ALL : k.model, key->depth };
}

static int
find_run_sets (Overlap *o, const MlsWrite *w, const MlsRun *run, int lane,
               int depth, RunSets *cache)
{
  for (int k = 0; k < 8; k++)
    {
      Key key = {
        k & 1 ? -lane : run->kind,
        k & 2 ? ALL : (int) run->thread,
        k & 4 ? ALL : (int64_t) run->model,
        depth,
      };
      Key narrow = canonical (o, w, run, &key);
      Set *s = find_set (o, &key);
      size_t index;

      if (s == NULL)
        return -1;
      index = (size_t) (s - o->sets);
      if (!same_key (&narrow, &key))
        {
          Set *c = find_set (o, &narrow);

          if (c == NULL)
            return -1;
          o->sets[index].alias = (size_t) (c - o->sets);
          index = o->sets[index].alias;
        }
      cache->set[k] = index;
    }
  cache->depth = depth;
  return 0;
}

static int
add_span (Overlap *o, const MlsWrite *w, const MlsRun *run, RunSets *cache,
          const MlsSpanRec *t)
{
  int lane = o->lane_of[run->kind];
  int depth = t->depth < MLS_MAX_TRACKED_DEPTH ? t->depth
                                               : MLS_MAX_TRACKED_DEPTH;
  int64_t end = t->start_ns + (t->dur_ns > 0 ? t->dur_ns : 1);

  if (lane == 0)
    return 0;
  if (cache->depth != depth
      && find_run_sets (o, w, run, lane, depth, cache))
    return -1;
  for (int k = 0; k < 8; k++)
    {
      int seen = 0;

      for (int j = 0; j < k && !seen; j++)
        seen = cache->set[j] == cache->set[k];
      if (!seen && add_to_set (&o->sets[cache->set[k]], t->start_ns, end))
        return -1;
    }
  return 0;
}

/* Every span, in start order across the runs: a heap of the runs' next
 * spans. */
static int
sweep (Overlap *o, MlsWrite *w)
{
  size_t n = w->n_runs, n_heap = 0;
  size_t *heap = malloc ((n ? n : 1) * sizeof *heap);
  size_t *next = calloc (n ? n : 1, sizeof *next);
  RunSets *cache = malloc ((n ? n : 1) * sizeof *cache);
  int rc = heap && next && cache ? 0 : -1;

  for (size_t r = 0; rc == 0 && r < n; r++)
    cache[r].depth = -1;
#define START(r) (w->runs[r].spans[next[r]].start_ns)
  for (size_t r = 0; rc == 0 && r < n; r++)
    if (w->runs[r].n > 0)
      {
        size_t i = n_heap++;

        while (i > 0 && START (heap[(i - 1) / 2]) > START (r))
          {
            heap[i] = heap[(i - 1) / 2];
            i = (i - 1) / 2;
          }
        heap[i] = r;
      }
  while (rc == 0 && n_heap > 0)
    {
      size_t r = heap[0], i = 0;
      const MlsRun *run = &w->runs[r];

      rc = add_span (o, w, run, &cache[r], &run->spans[next[r]]);
      if (++next[r] == run->n)
        r = heap[--n_heap];
      for (;;)
        {
          size_t c = 2 * i + 1;

          if (c >= n_heap)
            break;
          if (c + 1 < n_heap && START (heap[c + 1]) < START (heap[c]))
            c++;
          if (START (r) <= START (heap[c]))
            break;
          heap[i] = heap[c];
          i = c;
        }
      if (n_heap > 0)
        heap[i] = r;
    }
#undef START
  free (heap);
  free (next);
  free (cache);
  return rc;
}

static int
load_lanes (Overlap *o, MlsStore *store)
{
  sqlite3_stmt *stmt;

  if (sqlite3_prepare_v2 (store->db, "SELECT id, lane FROM span_kind", -1,
                          &stmt, NULL) != SQLITE_OK)
    return -1;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      int id = sqlite3_column_int (stmt, 0);
      const char *lane = (const char *) sqlite3_column_text (stmt, 1);
      int l;

      if (id <= 0 || id >= MLS_MAX_KIND_ID || lane == NULL)
        continue;
      for (l = 0; l < o->n_lanes && strcmp (o->lanes[l], lane) != 0; l++)
        ;
      if (l == o->n_lanes)
        snprintf (o->lanes[o->n_lanes++], sizeof o->lanes[0], "%s", lane);
      o->lane_of[id] = l + 1;
    }
  return sqlite3_finalize (stmt) == SQLITE_OK ? 0 : -1;
}

/* The (kind, model, thread) of each run, once: runs come by thread, kind
 * and model. */
static int
find_finest (Overlap *o, const MlsWrite *w)
{
  o->finest = malloc ((w->n_runs ? w->n_runs : 1) * sizeof *o->finest);
  if (o->finest == NULL)
    return -1;
  for (size_t r = 0; r < w->n_runs; r++)
    {
      const MlsRun *run = &w->runs[r];
      const MlsPair *thread = &w->store->threads.keys[run->thread];
      MlsSetKey key = { run->kind, run->model, thread->a, thread->b };

      if (o->lane_of[run->kind] && (o->n_finest == 0
          || !mls_set_same (&o->finest[o->n_finest - 1], &key)))
        o->finest[o->n_finest++] = key;
    }
  return 0;
}

static int
write_sets (Overlap *o, MlsWrite *w)
{
  MlsStore *store = w->store;
  sqlite3_stmt *stmt;
  int rc = SQLITE_DONE;

  if (sqlite3_prepare_v2 (store->db, "INSERT INTO span_overlap VALUES"
                          " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &stmt,
                          NULL) != SQLITE_OK)
    return -1;
  for (size_t i = 0; i < o->n_sets && rc == SQLITE_DONE; i++)
    {
      const Set *s = &o->sets[i];
      const Set *figures = s->alias != SIZE_MAX ? &o->sets[s->alias] : s;
      int lane = s->key.kind < 0 ? -s->key.kind : o->lane_of[s->key.kind];

      sqlite3_clear_bindings (stmt);
      sqlite3_bind_text (stmt, 1, o->lanes[lane - 1], -1, SQLITE_STATIC);
      if (s->key.kind > 0)
        sqlite3_bind_int (stmt, 2, s->key.kind);
      if (s->key.model != ALL)
        sqlite3_bind_int64 (stmt, 3, s->key.model);
      if (s->key.thread != ALL)
        {
          sqlite3_bind_int64 (stmt, 4, store->threads.keys[s->key.thread].a);
          sqlite3_bind_int64 (stmt, 5, store->threads.keys[s->key.thread].b);
        }
      sqlite3_bind_int (stmt, 6, s->key.depth);
      sqlite3_bind_int64 (stmt, 7, figures->count);
      sqlite3_bind_int64 (stmt, 8, figures->max);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? 0 : -1;
}

int
mls_write_overlap (MlsWrite *w, MlsError *error)
{
  Overlap *o = calloc (1, sizeof *o);
  int rc = o ? 0 : -1;

  if (rc == 0)
    rc = load_lanes (o, w->store) || find_finest (o, w) || sweep (o, w)
         || write_sets (o, w);
  if (rc != 0)
    mls_error_sqlite (w->store, error, "cannot compute span_overlap");
  for (size_t i = 0; o && i < o->n_sets; i++)
    free (o->sets[i].ends);
  if (o)
    {
      free (o->sets);
      free (o->slots);
      free (o->finest);
    }
  free (o);
  return rc;
}
