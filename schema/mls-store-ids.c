/*
 * mls-store-ids.c: small dense indexes for the processes and threads of
 * the spans a store is given while it is filled (MlsPairIndex, see
 * mls-store-private.h). The finishing steps keep per-process and
 * per-thread figures in arrays indexed by them; open addressing keeps a
 * fleet's thousands of processes, and their threads, cheap to look up.
 */
#include <stdlib.h>

#include "mls-store-private.h"

static size_t
slot_of (int64_t a, int64_t b, size_t size)
{
  uint64_t h = (uint64_t) a * 0x9E3779B97F4A7C15u ^ (uint64_t) b * 0xC2B2AE3D27D4EB4Fu;

  return (size_t) (h >> 17) & (size - 1);
}

static int
grow (MlsPairIndex *index)
{
  size_t size = index->slots_size ? 2 * index->slots_size : 64;
  uint32_t *slots = calloc (size, sizeof *slots);
  MlsPair *keys = realloc (index->keys, size / 2 * sizeof *keys);

  if (slots == NULL || keys == NULL)
    {
      free (slots);
      if (keys)
        index->keys = keys;
      return -1;
    }
  index->keys = keys;
  for (size_t k = 0; k < index->n; k++)
    {
      size_t i = slot_of (keys[k].a, keys[k].b, size);

      while (slots[i])
        i = (i + 1) & (size - 1);
      slots[i] = (uint32_t) k + 1;
    }
  free (index->slots);
  index->slots = slots;
  index->slots_size = size;
  return 0;
}

int64_t
mls_pair_index (MlsPairIndex *index, int64_t a, int64_t b)
{
  size_t mask, i;

  if (index->n > 0 && index->keys[index->last].a == a
      && index->keys[index->last].b == b)
    return (int64_t) index->last;
  if ((index->n + 1) * 2 > index->slots_size && grow (index) != 0)
    return -1;
  mask = index->slots_size - 1;
  i = slot_of (a, b, index->slots_size);
  while (index->slots[i]
         && (index->keys[index->slots[i] - 1].a != a
             || index->keys[index->slots[i] - 1].b != b))
    i = (i + 1) & mask;
  if (!index->slots[i])
    {
      index->keys[index->n] = (MlsPair) { a, b };
      index->slots[i] = (uint32_t) ++index->n;
    }
  index->last = index->slots[i] - 1;
  return (int64_t) index->last;
}

int64_t
mls_pair_find (const MlsPairIndex *index, int64_t a, int64_t b)
{
  size_t mask, i;

  if (index->n == 0)
    return -1;
  mask = index->slots_size - 1;
  i = slot_of (a, b, index->slots_size);
  while (index->slots[i])
    {
      const MlsPair *k = &index->keys[index->slots[i] - 1];

      if (k->a == a && k->b == b)
        return (int64_t) index->slots[i] - 1;
      i = (i + 1) & mask;
    }
  return -1;
}

void
mls_pair_index_clear (MlsPairIndex *index)
{
  free (index->keys);
  free (index->slots);
  *index = (MlsPairIndex) { 0 };
}
