/*
 * mls-store-strings.c: the strings a store is given (layer names, ops,
 * features, ...), each kept once, and the small byte buffers and varints
 * the store encodes spans' arguments and summaries with.
 *
 * A trace names the same few hundred strings millions of times: each is
 * copied once into chunks that never move, behind a 4-byte header holding
 * its id (and whether an argument uses it), so a caller can keep the copy
 * and hand it back without it being looked up again. Lookup is by
 * open-addressing hash.
 */
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

#define CHUNK_BYTES (256 * 1024)
#define MARKED 0x80000000u

typedef struct {
  char *data;
  size_t used, size;
} Chunk;

struct MlsStrings {
  Chunk *chunks;
  size_t n_chunks;
  const char **by_id;       /* id - 1 -> text */
  size_t n, allocated;
  uint32_t *slots;          /* id, 0: empty */
  uint32_t *hashes;         /* by id - 1 */
  size_t slots_size;
};

MlsStrings *
mls_strings_new (void)
{
  return calloc (1, sizeof (MlsStrings));
}

void
mls_strings_free (MlsStrings *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->n_chunks; i++)
    free (s->chunks[i].data);
  free (s->chunks);
  free (s->by_id);
  free (s->slots);
  free (s->hashes);
  free (s);
}

static uint32_t
hash_text (const char *text, size_t len)
{
  uint32_t h = 2166136261u;

  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char) text[i]) * 16777619u;
  return h;
}

static uint32_t *
header (const char *text)
{
  return (uint32_t *) (void *) (text - sizeof (uint32_t));
}

static int
grow_slots (MlsStrings *s)
{
  size_t size = s->slots_size ? 2 * s->slots_size : 1024;
  uint32_t *slots = calloc (size, sizeof *slots);

  if (slots == NULL)
    return -1;
  for (size_t id = 1; id <= s->n; id++)
    {
      size_t i = s->hashes[id - 1] & (size - 1);

      while (slots[i])
        i = (i + 1) & (size - 1);
      slots[i] = (uint32_t) id;
    }
  free (s->slots);
  s->slots = slots;
  s->slots_size = size;
  return 0;
}

/* A copy of text (len bytes) in the chunks, behind its header. */
static char *
copy_text (MlsStrings *s, const char *text, size_t len, uint32_t id)
{
  size_t need = (sizeof (uint32_t) + len + 1 + 3) & ~(size_t) 3;
  Chunk *c = s->n_chunks ? &s->chunks[s->n_chunks - 1] : NULL;
  char *at;

  if (c == NULL || c->used + need > c->size)
    {
      size_t size = need > CHUNK_BYTES ? need : CHUNK_BYTES;
      Chunk *chunks = realloc (s->chunks, (s->n_chunks + 1) * sizeof *chunks);

      if (chunks == NULL)
        return NULL;
      s->chunks = chunks;
      c = &s->chunks[s->n_chunks];
      if ((c->data = malloc (size)) == NULL)
        return NULL;
      c->used = 0;
      c->size = size;
      s->n_chunks++;
    }
  at = c->data + c->used + sizeof (uint32_t);
  c->used += need;
  *header (at) = id;
  memcpy (at, text, len);
  at[len] = '\0';
  return at;
}

uint32_t
mls_strings_intern (MlsStrings *s, const char *text, const char **copy)
{
  size_t len = strlen (text);
  uint32_t h = hash_text (text, len);
  size_t i;
  char *at;

  if ((s->n + 1) * 2 > s->slots_size && grow_slots (s))
    return 0;
  for (i = h & (s->slots_size - 1); s->slots[i];
       i = (i + 1) & (s->slots_size - 1))
    {
      const char *known = s->by_id[s->slots[i] - 1];

      if (s->hashes[s->slots[i] - 1] == h && strcmp (known, text) == 0)
        {
          *copy = known;
          return s->slots[i];
        }
    }
  if (s->n == s->allocated)
    {
      size_t allocated = s->allocated ? 2 * s->allocated : 256;
      const char **by_id = realloc (s->by_id, allocated * sizeof *by_id);
      uint32_t *hashes = by_id ? realloc (s->hashes,
                                          allocated * sizeof *hashes) : NULL;

      if (by_id)
        s->by_id = by_id;
      if (hashes == NULL)
        return 0;
      s->hashes = hashes;
      s->allocated = allocated;
    }
  if ((at = copy_text (s, text, len, (uint32_t) s->n + 1)) == NULL)
    return 0;
  s->by_id[s->n] = at;
  s->hashes[s->n] = h;
  s->slots[i] = (uint32_t) ++s->n;
  *copy = at;
  return (uint32_t) s->n;
}

uint32_t
mls_strings_id_of_copy (MlsStrings *s, const char *text)
{
  for (size_t c = s->n_chunks; c-- > 0;)
    if (text > s->chunks[c].data
        && text < s->chunks[c].data + s->chunks[c].used)
      return *header (text) & ~MARKED;
  return 0;
}

const char *
mls_strings_text (MlsStrings *s, uint32_t id)
{
  return id >= 1 && id <= s->n ? s->by_id[id - 1] : NULL;
}

void
mls_strings_mark (MlsStrings *s, uint32_t id)
{
  if (id >= 1 && id <= s->n)
    *header (s->by_id[id - 1]) |= MARKED;
}

int
mls_strings_write (MlsStrings *s, sqlite3 *db)
{
  sqlite3_stmt *stmt;
  int rc = SQLITE_DONE;

  if (sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO string (id, text) VALUES (?1, ?2)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  for (size_t id = 1; id <= s->n && rc == SQLITE_DONE; id++)
    {
      if (!(*header (s->by_id[id - 1]) & MARKED))
        continue;
      sqlite3_bind_int64 (stmt, 1, (int64_t) id);
      sqlite3_bind_text (stmt, 2, s->by_id[id - 1], -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? 0 : -1;
}

int
mls_bytes_reserve (MlsBytes *b, size_t more)
{
  if (b->used + more > b->size)
    {
      size_t size = b->size ? 2 * b->size : 4096;
      char *data;

      while (size < b->used + more)
        size *= 2;
      if ((data = realloc (b->data, size)) == NULL)
        return -1;
      b->data = data;
      b->size = size;
    }
  return 0;
}

void
mls_bytes_free (MlsBytes *b)
{
  free (b->data);
  *b = (MlsBytes) { 0 };
}

size_t
mls_varint_put (unsigned char *out, uint64_t value)
{
  unsigned char tmp[10];
  size_t n = 0;

  do
    {
      tmp[n++] = (unsigned char) (value & 0x7f);
      value >>= 7;
    }
  while (value && n < 10);
  for (size_t i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i] | (i + 1 < n ? 0x80 : 0);
  return n;
}

size_t
mls_varint_get (const unsigned char *in, size_t n, uint64_t *value)
{
  uint64_t v = 0;

  for (size_t i = 0; i < n && i < 10; i++)
    {
      v = (v << 7) | (in[i] & 0x7f);
      if (!(in[i] & 0x80))
        {
          *value = v;
          return i + 1;
        }
    }
  *value = 0;
  return 0;
}
