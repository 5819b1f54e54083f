/*
 * mls-import-open.c: a process's open spans by span id (MlsOpenTable): the
 * collector looks one up at every begin (its parent) and end event, so
 * the table is open addressing over the ids, with entries removed by
 * shifting the ones after them back (no tombstones to skip over as
 * spans come and go by the million). An entry is a pointer to a struct
 * whose first member is its uint64_t span id.
 *
 * And its ended compute requests (MlsClosedList), which device busy
 * intervals, reported after them, name as parents: many are added, few
 * looked for, and those just ended. So they are appended to a list, and a
 * search looks through the newest first, indexing the rest by hash only
 * once a search has to go further back.
 */
#include "mls-import.h"

static gsize
slot_of (uint64_t id, gsize size)
{
  return (gsize) ((id * 0x9E3779B97F4A7C15ull) >> 24) & (size - 1);
}

static uint64_t
key_of (gconstpointer entry)
{
  return *(const uint64_t *) entry;
}

static void
grow (MlsOpenTable *t)
{
  gsize size = t->size ? 2 * t->size : 256;
  gpointer *slots = g_new0 (gpointer, size);

  for (gsize i = 0; i < t->size; i++)
    if (t->slots[i])
      {
        gsize j = slot_of (key_of (t->slots[i]), size);

        while (slots[j])
          j = (j + 1) & (size - 1);
        slots[j] = t->slots[i];
      }
  g_free (t->slots);
  t->slots = slots;
  t->size = size;
}

/* The slot holding id, or the empty one where it would go. */
static gsize
find (const MlsOpenTable *t, uint64_t id)
{
  gsize i = slot_of (id, t->size);

  while (t->slots[i] && key_of (t->slots[i]) != id)
    i = (i + 1) & (t->size - 1);
  return i;
}

gpointer
mls_open_get (const MlsOpenTable *t, uint64_t id)
{
  return t->size ? t->slots[find (t, id)] : NULL;
}

gpointer
mls_open_put (MlsOpenTable *t, gpointer entry)
{
  gsize i;
  gpointer old;

  if ((t->used + 1) * 2 > t->size)
    grow (t);
  i = find (t, key_of (entry));
  old = t->slots[i];
  t->used += old == NULL;
  t->slots[i] = entry;
  return old;
}

gpointer
mls_open_take (MlsOpenTable *t, uint64_t id)
{
  gsize i, j;
  gpointer entry;

  if (t->size == 0 || (entry = t->slots[i = find (t, id)]) == NULL)
    return NULL;
  t->slots[i] = NULL;
  t->used--;
  /* Entries after the hole that it would have kept from their slot move
   * back into it. */
  for (j = (i + 1) & (t->size - 1); t->slots[j]; j = (j + 1) & (t->size - 1))
    {
      gsize home = slot_of (key_of (t->slots[j]), t->size);

      if ((j > i && (home <= i || home > j))
          || (j < i && home <= i && home > j))
        {
          t->slots[i] = t->slots[j];
          t->slots[j] = NULL;
          i = j;
        }
    }
  return entry;
}

void
mls_open_clear (MlsOpenTable *t, GDestroyNotify free_entry)
{
  for (gsize i = 0; i < t->size; i++)
    if (t->slots[i] && free_entry)
      free_entry (t->slots[i]);
  g_free (t->slots);
  *t = (MlsOpenTable) { 0 };
}

/* How far back a search looks before it indexes the list. */
#define RECENT 256

void
mls_closed_add (MlsClosedList *l, uint64_t span_id, int64_t db_id, int depth)
{
  if (l->n == l->allocated)
    {
      l->allocated = l->allocated ? 2 * l->allocated : 256;
      l->items = g_renew (MlsClosedSpan, l->items, l->allocated);
    }
  l->items[l->n++] = (MlsClosedSpan) { span_id, db_id, depth };
}

/* Index entry: position + 1 in items, 0: empty. */
static gsize *
index_slot (MlsClosedList *l, uint64_t span_id)
{
  gsize i = slot_of (span_id, l->index_size);

  while (l->index[i] && l->items[l->index[i] - 1].span_id != span_id)
    i = (i + 1) & (l->index_size - 1);
  return &l->index[i];
}

/* Adds items [indexed, n) to the index, later ones replacing earlier. */
static void
index_rest (MlsClosedList *l)
{
  if (l->n * 2 > l->index_size)
    {
      gsize size = l->index_size ? l->index_size : 1024;

      while (l->n * 2 > size)
        size *= 2;
      g_free (l->index);
      l->index = g_new0 (gsize, size);
      l->index_size = size;
      l->indexed = 0;
    }
  for (; l->indexed < l->n; l->indexed++)
    *index_slot (l, l->items[l->indexed].span_id) = l->indexed + 1;
}

const MlsClosedSpan *
mls_closed_find (MlsClosedList *l, uint64_t span_id)
{
  gsize at;

  for (gsize i = l->n; i > l->indexed && i + RECENT > l->n; i--)
    if (l->items[i - 1].span_id == span_id)
      return &l->items[i - 1];
  if (l->n == 0)
    return NULL;
  index_rest (l);
  at = *index_slot (l, span_id);
  return at ? &l->items[at - 1] : NULL;
}

void
mls_closed_clear (MlsClosedList *l)
{
  g_free (l->items);
  g_free (l->index);
  *l = (MlsClosedList) { 0 };
}
