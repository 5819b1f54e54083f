/*
 * mls-store-overlap.c: span_overlap, how many rows the timeline needs so
 * that no span hides another. For every set of spans drawn together at one
 * depth (a kind or a lane; one model or all; one thread or all), the most
 * that overlap at any instant: a lane with that many rows per depth can
 * place every span, first-fit in start order, without two sharing a row.
 *
 * One pass over every span in start order, merged from the per kind and
 * model groups the store gathered while writing (each sorted by start for
 * span_summary): each span belongs to eight sets, and each set keeps the
 * ends of its spans still open in a min-heap, so its count of open spans
 * is exact when a span starts. The sets are few (kinds x models x threads
 * x depths, thousands at most), found through an open-addressing table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

#define ALL (-1)

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
} Set;

typedef struct {
  Set *sets;
  size_t n_sets, allocated;
  uint32_t *slots;          /* index + 1 into sets */
  size_t slots_size;
  char lanes[MLS_MAX_KIND_ID][16];
  int lane_of[MLS_MAX_KIND_ID];  /* lane index + 1, 0: unknown kind */
  int n_lanes;
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
  o->sets[o->n_sets] = (Set) { *key, 0, 0, NULL, 0, 0 };
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
add_to_set (Overlap *o, const Key *key, int64_t start, int64_t end)
{
  Set *s = find_set (o, key);

  if (s == NULL)
    return -1;
  while (s->n_ends > 0 && s->ends[0] <= start)
    heap_pop (s);
  if (heap_push (s, end))
    return -1;
  s->count++;
  if ((int64_t) s->n_ends > s->max)
    s->max = (int64_t) s->n_ends;
  return 0;
}

static int
add_span (Overlap *o, const MlsSpanGroup *g, const MlsSpanTime *t)
{
  int lane = g->kind_id < MLS_MAX_KIND_ID ? o->lane_of[g->kind_id] : 0;
  int64_t end = t->start_ns + (t->dur_ns > 0 ? t->dur_ns : 1);

  if (lane == 0)
    return 0;
  for (int k = 0; k < 8; k++)
    {
      Key key = {
        k & 1 ? -lane : g->kind_id,
        k & 2 ? ALL : (int) t->thread,
        k & 4 ? ALL : g->model_id,
        (int) t->depth,
      };

      if (add_to_set (o, &key, t->start_ns, end))
        return -1;
    }
  return 0;
}

/* Every span, in start order across the groups: a heap of the groups'
 * next spans. */
static int
sweep (Overlap *o, MlsStore *store)
{
  size_t n = store->n_groups, n_heap = 0;
  size_t *heap = malloc ((n ? n : 1) * sizeof *heap);
  size_t *next = calloc (n ? n : 1, sizeof *next);
  int rc = heap && next ? 0 : -1;

#define START(g) (store->groups[g].spans[next[g]].start_ns)
  for (size_t g = 0; rc == 0 && g < n; g++)
    if (store->groups[g].n > 0)
      {
        size_t i = n_heap++;

        while (i > 0 && START (heap[(i - 1) / 2]) > START (g))
          {
            heap[i] = heap[(i - 1) / 2];
            i = (i - 1) / 2;
          }
        heap[i] = g;
      }
  while (rc == 0 && n_heap > 0)
    {
      size_t g = heap[0], i = 0;

      rc = add_span (o, &store->groups[g], &store->groups[g].spans[next[g]]);
      if (++next[g] == store->groups[g].n)
        g = heap[--n_heap];
      for (;;)
        {
          size_t c = 2 * i + 1;

          if (c >= n_heap)
            break;
          if (c + 1 < n_heap && START (heap[c + 1]) < START (heap[c]))
            c++;
          if (START (g) <= START (heap[c]))
            break;
          heap[i] = heap[c];
          i = c;
        }
      if (n_heap > 0)
        heap[i] = g;
    }
#undef START
  free (heap);
  free (next);
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

static int
write_sets (Overlap *o, MlsStore *store)
{
  sqlite3_stmt *stmt;
  int rc = SQLITE_DONE;

  if (sqlite3_prepare_v2 (store->db, "INSERT INTO span_overlap VALUES"
                          " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &stmt,
                          NULL) != SQLITE_OK)
    return -1;
  for (size_t i = 0; i < o->n_sets && rc == SQLITE_DONE; i++)
    {
      const Set *s = &o->sets[i];
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
      sqlite3_bind_int64 (stmt, 7, s->count);
      sqlite3_bind_int64 (stmt, 8, s->max);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? 0 : -1;
}

int
mls_store_build_overlap (MlsStore *store, MlsError *error)
{
  Overlap *o = calloc (1, sizeof *o);
  int rc = o ? 0 : -1;

  if (rc == 0)
    rc = load_lanes (o, store) || sweep (o, store) || write_sets (o, store);
  if (rc != 0)
    mls_error_sqlite (store, error, "cannot compute span_overlap");
  for (size_t i = 0; o && i < o->n_sets; i++)
    free (o->sets[i].ends);
  if (o)
    {
      free (o->sets);
      free (o->slots);
    }
  free (o);
  return rc;
}
