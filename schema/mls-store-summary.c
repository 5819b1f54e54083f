/*
 * mls-store-summary.c: span_summary, what a zoomed-out view draws instead
 * of millions of spans (schema.sql says what its rows hold). Level L cuts
 * time into buckets of 1000 << 2L ns and counts, for each stored set
 * (mls-store-sets.c), the spans that start in a bucket and are shorter
 * than it, and how busy they keep it.
 *
 * Built from the runs (mls-store-order.c), level by level: a finest set's
 * buckets at level L are those of its runs of classes up to L (spans as
 * long as a bucket or longer are read from `span`), each run in start
 * order so its buckets come out in order; a wider set's are its finest
 * members' merged. A wider set is kept at a level only where merging at
 * least halves its members' buckets: where it does not, a reader sums the
 * members for about the same number of buckets, and the file stays small.
 * Buckets go 64 to a row, packed (a few bytes each), so a strip of a
 * thousand pixels reads a few dozen rows, and a sparse set few.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

#define ROW_BUCKETS 64

typedef struct {
  int64_t bucket;
  int64_t busy_ns;
  int64_t count;
  int kind;                 /* the busiest kind in a lane set's bucket */
} Bucket;

typedef struct {
  Bucket *b;
  size_t n, allocated;
} List;

typedef struct {
  MlsSetKey key;
  size_t first_run, n_runs;
  List list;                /* at the level being written */
} Finest;

typedef struct {
  MlsSetKey key;
  size_t finest;            /* its own Finest, or SIZE_MAX when wider */
  size_t *members;          /* Finest indices */
  size_t n_members, allocated;
  unsigned levels;
} Set;

typedef struct {
  MlsWrite *w;
  int lane_of[MLS_MAX_KIND_ID];
  char lanes[MLS_MAX_KIND_ID][16];
  Finest *finest;
  size_t n_finest;
  MlsSetKey *keys;          /* the finest sets' keys, for mls-store-sets.c */
  Set *sets;
  size_t n_sets, allocated_sets;
  sqlite3_stmt *insert;
  MlsBytes blob;
  /* Working lists, kept from set to set and level to level: they reach
   * a bucket per span at the finest levels, and allocating them afresh
   * each time cost a page fault per 4 KiB. */
  List scratch, merged, wider;
} Summary;

int64_t
mls_summary_bucket_ns (int level)
{
  return INT64_C (1000) << (2 * level);
}

int
mls_summary_level_of (int64_t dur_ns)
{
  return mls_dur_class (dur_ns);
}

/* Room for n buckets in all. */
static int
reserve (List *l, size_t n)
{
  if (n > l->allocated)
    {
      size_t allocated = l->allocated ? 2 * l->allocated : 64;
      Bucket *bigger;

      while (allocated < n)
        allocated *= 2;
      if ((bigger = realloc (l->b, allocated * sizeof *bigger)) == NULL)
        return -1;
      l->b = bigger;
      l->allocated = allocated;
    }
  return 0;
}

static int
push (List *l, Bucket b)
{
  if (l->n == l->allocated && reserve (l, l->n + 1))
    return -1;
  l->b[l->n++] = b;
  return 0;
}

/* Adds a run's spans to `out` (empty or earlier runs' buckets): merged in
 * bucket order. */
static int
add_run (Summary *sum, const MlsRun *run, int level, List *out)
{
  List *scratch = &sum->scratch, *merged = &sum->merged, t;
  size_t i = 0, j = 0;

  scratch->n = 0;
  if (reserve (scratch, run->n))
    return -1;
  for (size_t k = 0; k < run->n; k++)
    {
      const MlsSpanRec *s = &run->spans[k];
      int64_t b = (s->start_ns / 1000) >> (2 * level);

      if (scratch->n > 0 && scratch->b[scratch->n - 1].bucket == b)
        {
          scratch->b[scratch->n - 1].count++;
          scratch->b[scratch->n - 1].busy_ns += s->dur_ns;
        }
      else
        scratch->b[scratch->n++] = (Bucket) { b, s->dur_ns, 1, run->kind };
    }
  if (out->n == 0)
    {
      t = *out;
      *out = *scratch;
      *scratch = t;
      return 0;
    }
  merged->n = 0;
  if (reserve (merged, out->n + scratch->n))
    return -1;
  while (i < out->n || j < scratch->n)
    {
      Bucket b;

      if (j == scratch->n || (i < out->n
                              && out->b[i].bucket < scratch->b[j].bucket))
        b = out->b[i++];
      else if (i == out->n || scratch->b[j].bucket < out->b[i].bucket)
        b = scratch->b[j++];
      else
        {
          b = out->b[i++];
          b.count += scratch->b[j].count;
          b.busy_ns += scratch->b[j++].busy_ns;
        }
      merged->b[merged->n++] = b;
    }
  t = *out;
  *out = *merged;
  *merged = t;
  return 0;
}

/* A finest set's buckets at `level` from its buckets at the level below
 * (four to one) and its runs of the level's class: each span is placed
 * once, at the first level it is shorter than a bucket of. */
static int
fill_finest (Summary *sum, Finest *f, int level)
{
  List *l = &f->list;
  size_t n = 0;

  for (size_t i = 0; level > 0 && i < l->n; i++)
    {
      Bucket b = l->b[i];

      b.bucket >>= 2;
      if (n > 0 && l->b[n - 1].bucket == b.bucket)
        {
          l->b[n - 1].count += b.count;
          l->b[n - 1].busy_ns += b.busy_ns;
        }
      else
        l->b[n++] = b;
    }
  l->n = n;
  for (size_t r = f->first_run; r < f->first_run + f->n_runs; r++)
    {
      const MlsRun *run = &sum->w->runs[r];

      if (run->dur_class == level && add_run (sum, run, level, l))
        return -1;
    }
  return 0;
}

/* The busy time of each kind in one bucket of a lane set (a lane has a
 * few kinds), for naming the busiest. */
typedef struct {
  int kind[16];
  int64_t busy_ns[16];
  int n;
} KindBusy;

static int
busiest_after (KindBusy *k, int kind, int64_t busy_ns, int best)
{
  int i;

  for (i = 0; i < k->n && k->kind[i] != kind; i++)
    ;
  if (i == k->n)
    {
      if (k->n == 16)
        return best;
      k->kind[k->n] = kind;
      k->busy_ns[k->n++] = 0;
    }
  k->busy_ns[i] += busy_ns;
  for (int j = 0; j < k->n; j++)
    if (k->kind[j] == best && k->busy_ns[j] >= k->busy_ns[i])
      return best;
  return kind;
}

/* A wider set's buckets: its members' merged (a heap of their next
 * buckets), each bucket naming its busiest kind. */
static int
merge_members (Summary *sum, const Set *set, List *out)
{
  size_t *heap = malloc (set->n_members * sizeof *heap);
  size_t *next = calloc (set->n_members, sizeof *next);
  KindBusy kinds = { .n = 0 };
  int rc = heap && next ? 0 : -1;
  size_t n_heap = 0;

  out->n = 0;
#define AT(m) (sum->finest[set->members[m]].list.b[next[m]])
#define SIFT_DOWN(start)                                                  \
  for (size_t i = (start), c; (c = 2 * i + 1) < n_heap; i = c)            \
    {                                                                     \
      if (c + 1 < n_heap && AT (heap[c + 1]).bucket < AT (heap[c]).bucket) \
        c++;                                                              \
      if (AT (heap[i]).bucket <= AT (heap[c]).bucket)                     \
        break;                                                            \
      size_t t = heap[i]; heap[i] = heap[c]; heap[c] = t;                 \
    }
  for (size_t m = 0; rc == 0 && m < set->n_members; m++)
    if (sum->finest[set->members[m]].list.n > 0)
      heap[n_heap++] = m;
  for (size_t s = n_heap / 2 + 1; rc == 0 && s-- > 0;)
    SIFT_DOWN (s);
  while (rc == 0 && n_heap > 0)
    {
      size_t m = heap[0];
      const Bucket *b = &AT (m);
      Bucket *last = out->n ? &out->b[out->n - 1] : NULL;

      if (last == NULL || last->bucket != b->bucket)
        {
          kinds.n = 0;
          if ((rc = push (out, (Bucket) { b->bucket, 0, 0, b->kind })))
            break;
          last = &out->b[out->n - 1];
        }
      last->kind = busiest_after (&kinds, b->kind, b->busy_ns, last->kind);
      last->count += b->count;
      last->busy_ns += b->busy_ns;
      if (++next[m] == sum->finest[set->members[m]].list.n)
        heap[0] = heap[--n_heap];
      SIFT_DOWN (0);
    }
#undef SIFT_DOWN
#undef AT
  free (heap);
  free (next);
  return rc;
}

static int
insert_row (Summary *sum, int64_t set_id, int level, int64_t first)
{
  sqlite3_stmt *stmt = sum->insert;
  int rc;

  sqlite3_bind_int64 (stmt, 1, set_id);
  sqlite3_bind_int (stmt, 2, level);
  sqlite3_bind_int64 (stmt, 3, first);
  sqlite3_bind_blob (stmt, 4, sum->blob.data, (int) sum->blob.used,
                     SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sum->blob.used = 0;
  return rc == SQLITE_DONE ? 0 : -1;
}

/* A set's buckets at one level, up to 64 to a row (schema.sql). */
static int
write_list (Summary *sum, int64_t set_id, int level, const List *l,
            int with_kind)
{
  double per_64th = (double) (INT64_C (1000) << (2 * level)) / 64;
  int64_t first = 0, prev = 0;

  sum->blob.used = 0;
  for (size_t i = 0; i < l->n; i++)
    {
      const Bucket *b = &l->b[i];
      double q = ceil ((double) b->busy_ns / per_64th);
      unsigned char *out;

      if (i % ROW_BUCKETS == 0)
        {
          if (i > 0 && insert_row (sum, set_id, level, first))
            return -1;
          first = b->bucket;
          prev = first - 1;
        }
      if (mls_bytes_reserve (&sum->blob, 32))
        return -1;
      out = (unsigned char *) sum->blob.data + sum->blob.used;
      out += mls_varint_put (out, (uint64_t) (b->bucket - prev - 1));
      out += mls_varint_put (out, (uint64_t) b->count);
      *out++ = (unsigned char) (q > 255 ? 255 : q);
      if (with_kind)
        *out++ = (unsigned char) b->kind;
      sum->blob.used = (size_t) (out - (unsigned char *) sum->blob.data);
      prev = b->bucket;
    }
  return l->n > 0 ? insert_row (sum, set_id, level, first) : 0;
}

static int
write_level (Summary *sum, int level)
{
  int rc = 0;

  for (size_t f = 0; f < sum->n_finest && rc == 0; f++)
    rc = fill_finest (sum, &sum->finest[f], level);
  for (size_t s = 0; s < sum->n_sets && rc == 0; s++)
    {
      Set *set = &sum->sets[s];
      const List *l = &sum->wider;

      if (set->finest != SIZE_MAX)
        l = &sum->finest[set->finest].list;
      else
        {
          size_t members = 0;

          rc = merge_members (sum, set, &sum->wider);
          for (size_t m = 0; m < set->n_members; m++)
            members += sum->finest[set->members[m]].list.n;
          if (rc || sum->wider.n * 2 > members)
            continue;
        }
      if (l->n == 0)
        continue;
      set->levels |= 1u << level;
      rc = write_list (sum, (int64_t) s + 1, level, l, set->key.kind < 0);
    }
  return rc;
}

/* The stored set for `key` (added when new), with finest set f a member. */
static int
add_member (Summary *sum, const MlsSetKey *key, size_t f)
{
  Set *set = NULL;

  for (size_t s = sum->n_sets; s-- > 0 && set == NULL;)
    if (mls_set_same (&sum->sets[s].key, key))
      set = &sum->sets[s];
  if (set == NULL)
    {
      if (sum->n_sets == sum->allocated_sets)
        {
          size_t allocated = sum->allocated_sets ? 2 * sum->allocated_sets
                                                 : 64;
          Set *bigger = realloc (sum->sets, allocated * sizeof *bigger);

          if (bigger == NULL)
            return -1;
          sum->sets = bigger;
          sum->allocated_sets = allocated;
        }
      set = &sum->sets[sum->n_sets++];
      *set = (Set) { *key, SIZE_MAX, NULL, 0, 0, 0 };
    }
  if (set->n_members > 0 && set->members[set->n_members - 1] == f)
    return 0;
  if (set->n_members == set->allocated)
    {
      size_t allocated = set->allocated ? 2 * set->allocated : 4;
      size_t *bigger = realloc (set->members, allocated * sizeof *bigger);

      if (bigger == NULL)
        return -1;
      set->members = bigger;
      set->allocated = allocated;
    }
  set->members[set->n_members++] = f;
  if (mls_set_same (key, &sum->finest[f].key))
    set->finest = f;
  return 0;
}

/* The finest sets (consecutive runs of one thread, kind and model), then
 * every set of each, in canonical form, with its members. */
static int
find_sets (Summary *sum)
{
  const MlsWrite *w = sum->w;

  sum->finest = calloc (w->n_runs ? w->n_runs : 1, sizeof *sum->finest);
  sum->keys = calloc (w->n_runs ? w->n_runs : 1, sizeof *sum->keys);
  if (sum->finest == NULL || sum->keys == NULL)
    return -1;
  for (size_t r = 0; r < w->n_runs; r++)
    {
      const MlsRun *run = &w->runs[r];
      const MlsPair *thread = &w->store->threads.keys[run->thread];
      MlsSetKey key = { run->kind, run->model, thread->a, thread->b };
      Finest *last = sum->n_finest ? &sum->finest[sum->n_finest - 1] : NULL;

      if (sum->lane_of[run->kind] == 0)
        continue;
      if (last && mls_set_same (&last->key, &key)
          && last->first_run + last->n_runs == r)
        {
          last->n_runs++;
          continue;
        }
      sum->keys[sum->n_finest] = key;
      sum->finest[sum->n_finest++] = (Finest) { key, r, 1, { 0 } };
    }
  for (size_t f = 0; f < sum->n_finest; f++)
    for (int c = 0; c < 8; c++)
      {
        const MlsSetKey *fk = &sum->finest[f].key;
        MlsSetKey key = {
          c & 1 ? -sum->lane_of[fk->kind] : fk->kind,
          c & 2 ? MLS_SET_ALL : fk->model,
          c & 4 ? MLS_SET_ALL : fk->pid,
          c & 4 ? MLS_SET_ALL : fk->tid,
        };

        mls_set_canonical (&key, sum->keys, sum->n_finest, sum->lane_of);
        if (add_member (sum, &key, f))
          return -1;
      }
  return 0;
}

static int
load_lanes (Summary *sum, sqlite3 *db)
{
  sqlite3_stmt *stmt;
  int n_lanes = 0;

  if (sqlite3_prepare_v2 (db, "SELECT id, lane FROM span_kind", -1, &stmt,
                          NULL) != SQLITE_OK)
    return -1;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      int id = sqlite3_column_int (stmt, 0);
      const char *lane = (const char *) sqlite3_column_text (stmt, 1);
      int l;

      if (id <= 0 || id >= MLS_MAX_KIND_ID || lane == NULL)
        continue;
      for (l = 1; l <= n_lanes && strcmp (sum->lanes[l], lane) != 0; l++)
        ;
      if (l > n_lanes && n_lanes + 1 < MLS_MAX_KIND_ID)
        snprintf (sum->lanes[++n_lanes], sizeof sum->lanes[0], "%s", lane);
      sum->lane_of[id] = l;
    }
  return sqlite3_finalize (stmt) == SQLITE_OK ? 0 : -1;
}

static int
write_sets (Summary *sum, sqlite3 *db)
{
  sqlite3_stmt *stmt;
  int rc = SQLITE_DONE;

  if (sqlite3_prepare_v2 (db, "INSERT INTO span_summary_set VALUES"
                          " (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &stmt, NULL)
      != SQLITE_OK)
    return -1;
  for (size_t s = 0; s < sum->n_sets && rc == SQLITE_DONE; s++)
    {
      const MlsSetKey *k = &sum->sets[s].key;
      int lane = k->kind < 0 ? -k->kind : sum->lane_of[k->kind];

      sqlite3_clear_bindings (stmt);
      sqlite3_bind_int64 (stmt, 1, (int64_t) s + 1);
      sqlite3_bind_text (stmt, 2, sum->lanes[lane], -1, SQLITE_STATIC);
      if (k->kind > 0)
        sqlite3_bind_int (stmt, 3, k->kind);
      if (k->model != MLS_SET_ALL)
        sqlite3_bind_int64 (stmt, 4, k->model);
      if (k->tid != MLS_SET_ALL)
        {
          sqlite3_bind_int64 (stmt, 5, k->pid);
          sqlite3_bind_int64 (stmt, 6, k->tid);
        }
      sqlite3_bind_int64 (stmt, 7, sum->sets[s].levels);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? 0 : -1;
}

int
mls_write_summary (MlsWrite *w, MlsError *error)
{
  sqlite3 *db = w->store->db;
  Summary *sum = calloc (1, sizeof *sum);
  int rc = sum ? 0 : -1;

  if (rc == 0)
    {
      sum->w = w;
      rc = load_lanes (sum, db) || find_sets (sum);
    }
  if (rc == 0)
    rc = sqlite3_prepare_v2 (db, "INSERT INTO span_summary VALUES"
                             " (?1, ?2, ?3, ?4)", -1, &sum->insert, NULL)
         != SQLITE_OK;
  for (int level = 0; rc == 0 && level <= w->top_level; level++)
    rc = write_level (sum, level);
  if (rc == 0)
    rc = write_sets (sum, db);
  if (rc != 0)
    mls_error_sqlite (w->store, error, "cannot compute span_summary");
  if (sum)
    {
      sqlite3_finalize (sum->insert);
      for (size_t f = 0; f < sum->n_finest; f++)
        free (sum->finest[f].list.b);
      for (size_t s = 0; s < sum->n_sets; s++)
        free (sum->sets[s].members);
      free (sum->finest);
      free (sum->keys);
      free (sum->sets);
      mls_bytes_free (&sum->blob);
      free (sum->scratch.b);
      free (sum->merged.b);
      free (sum->wider.b);
    }
  free (sum);
  return rc;
}
