/*
 * mls-store-args.c: a span's arguments on their way to the span table's
 * typed columns (span_id, arg_int1..2, arg_str1..3, other_args).
 *
 * Which argument of which kind goes to which column is schema.sql's
 * span_arg, read when a store is created: the same table span_view.args is
 * built from, so the two cannot disagree. Until finish writes them, a
 * span's arguments are a few bytes in MlsStore.args: a byte saying which
 * columns have a value, then each value as a varint (integers zigzagged,
 * strings as their MlsStrings id).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

enum {
  COL_SPAN_ID, COL_INT1, COL_INT2, COL_STR1, COL_STR2, COL_STR3,
  COL_OTHER = MLS_ARG_COLUMN_OTHER, N_COLS = MLS_N_ARG_COLUMNS
};

static const char *const col_names[COL_OTHER] = {
  "span_id", "arg_int1", "arg_int2", "arg_str1", "arg_str2", "arg_str3",
};

/* MlsSpanArgs' fields by span_arg.name. */
typedef struct {
  const char *name;
  size_t offset;
  int is_string;
  unsigned present;         /* MLS_ARG_* of an integer */
} Field;

#define INT(f, bit) { #f, offsetof (MlsSpanArgs, f), 0, bit }
#define STR(f) { #f, offsetof (MlsSpanArgs, f), 1, 0 }
static const Field fields[] = {
  INT (batch_size, MLS_ARG_BATCH_SIZE), STR (cache), STR (feature),
  STR (src_type), STR (dst_type), INT (bytes, MLS_ARG_BYTES),
  INT (first_layer, MLS_ARG_FIRST_LAYER), INT (last_layer, MLS_ARG_LAST_LAYER),
  STR (first_layer_name), STR (last_layer_name), INT (index, MLS_ARG_INDEX),
  STR (name), STR (op), STR (what),
};
#undef INT
#undef STR

/* Per kind, the field each column takes (NULL: none). */
typedef struct MlsArgMap {
  const Field *col[MLS_MAX_KIND_ID][COL_OTHER];
} ArgMap;

static int
column_index (const char *name)
{
  for (int c = 0; c < COL_OTHER; c++)
    if (strcmp (name, col_names[c]) == 0)
      return c;
  return -1;
}

static const Field *
field_named (const char *name)
{
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (strcmp (name, fields[i].name) == 0)
      return &fields[i];
  return NULL;
}

int
mls_store_load_arg_map (MlsStore *store, MlsError *error)
{
  static const Field span_id = { "span_id", 0, 0, 0 };
  ArgMap *map = calloc (1, sizeof *map);
  sqlite3_stmt *stmt = NULL;
  int rc = map ? sqlite3_prepare_v2 (store->db, "SELECT kind_id, name, col"
                                     " FROM span_arg", -1, &stmt, NULL)
               : SQLITE_NOMEM;

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int kind = sqlite3_column_int (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      int col = column_index ((const char *) sqlite3_column_text (stmt, 2));
      const Field *f = col == COL_SPAN_ID ? &span_id : field_named (name);

      if (kind <= 0 || kind >= MLS_MAX_KIND_ID || col < 0 || f == NULL)
        {
          mls_error_set (error, "%s: span_arg names an argument this mlscope "
                         "does not know (kind %d, %s)", store->path, kind,
                         name);
          sqlite3_finalize (stmt);
          free (map);
          return -1;
        }
      map->col[kind][col] = f;
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      mls_error_sqlite (store, error, "cannot read span_arg");
      free (map);
      return -1;
    }
  store->arg_map = map;
  return 0;
}

int
mls_store_kind_has_arg (MlsStore *store, int kind, const char *name)
{
  if (kind <= 0 || kind >= MLS_MAX_KIND_ID)
    return 0;
  for (int c = 0; c < COL_OTHER; c++)
    if (store->arg_map->col[kind][c]
        && strcmp (store->arg_map->col[kind][c]->name, name) == 0)
      return 1;
  return 0;
}

void
mls_store_free_arg_map (MlsStore *store)
{
  free (store->arg_map);
  store->arg_map = NULL;
}

/* 7 bits a byte, least significant first, the high bit set on all but
 * the last: the arguments' own encoding, cheaper than the summary's. */
static unsigned char *
put (unsigned char *out, uint64_t v)
{
  while (v >= 0x80)
    {
      *out++ = (unsigned char) (v | 0x80);
      v >>= 7;
    }
  *out++ = (unsigned char) v;
  return out;
}

static const unsigned char *
get (const unsigned char *in, uint64_t *v)
{
  uint64_t value = 0;
  int shift = 0;

  while (*in & 0x80)
    {
      value |= (uint64_t) (*in++ & 0x7f) << shift;
      shift += 7;
    }
  *v = value | (uint64_t) *in++ << shift;
  return in;
}

static uint64_t
zigzag (int64_t v)
{
  return ((uint64_t) v << 1) ^ (uint64_t) (v >> 63);
}

static int64_t
unzigzag (uint64_t v)
{
  return (int64_t) (v >> 1) ^ -(int64_t) (v & 1);
}

/* The id of a string argument, interned unless it is the store's copy. */
static uint32_t
string_id (MlsStore *store, const char *text)
{
  const char *copy;
  uint32_t id = mls_strings_id_of_copy (store->strings, text);

  return id ? id : mls_strings_intern (store->strings, text, &copy);
}

int
mls_store_encode_args (MlsStore *store, const MlsSpan *span, uint32_t *offset)
{
  const Field *const *map = store->arg_map->col[span->kind_id];
  const MlsSpanArgs *a = &span->args;
  uint64_t value[N_COLS];
  unsigned mask = 0;
  unsigned char *out;

  for (int c = 0; c < COL_OTHER; c++)
    {
      const Field *f = map[c];
      const char *base = (const char *) a;

      if (f == NULL)
        continue;
      if (c == COL_SPAN_ID)
        {
          if (a->span_id == 0)
            continue;
          value[c] = a->span_id;
        }
      else if (f->is_string)
        {
          const char *text = *(const char *const *) (const void *) (base
                                                            + f->offset);

          if (text == NULL)
            continue;
          if ((value[c] = string_id (store, text)) == 0)
            return -1;
          mls_strings_mark (store->strings, (uint32_t) value[c]);
        }
      else if (a->present & f->present)
        value[c] = zigzag (*(const int64_t *) (const void *) (base
                                                              + f->offset));
      else
        continue;
      mask |= 1u << c;
    }
  if (span->args_json)
    {
      if ((value[COL_OTHER] = string_id (store, span->args_json)) == 0)
        return -1;
      mask |= 1u << COL_OTHER;
    }
  *offset = 0;
  if (mask == 0)
    return 0;
  if (store->args.used == 0 && mls_bytes_reserve (&store->args, 1) == 0)
    store->args.data[store->args.used++] = 0;   /* offset 0: no arguments */
  if (mls_bytes_reserve (&store->args, 1 + N_COLS * 10)
      || store->args.used > UINT32_MAX - 1 - N_COLS * 10)
    return -1;
  *offset = (uint32_t) store->args.used;
  out = (unsigned char *) store->args.data + store->args.used;
  *out++ = (unsigned char) mask;
  for (int c = 0; c < N_COLS; c++)
    if (mask & (1u << c))
      out = put (out, value[c]);
  store->args.used = (size_t) (out - (unsigned char *) store->args.data);
  return 0;
}

unsigned
mls_store_args_mask (MlsStore *store, uint32_t offset)
{
  return offset ? ((const unsigned char *) store->args.data)[offset] : 0;
}

unsigned
mls_store_decode_args (MlsStore *store, uint32_t offset,
                       int64_t value[MLS_N_ARG_COLUMNS])
{
  const unsigned char *in = offset ? (const unsigned char *) store->args.data
                                     + offset : NULL;
  unsigned mask = in ? *in++ : 0;

  for (int c = 0; c < N_COLS; c++)
    {
      uint64_t v;

      if (!(mask & (1u << c)))
        continue;
      in = get (in, &v);
      value[c] = c == COL_INT1 || c == COL_INT2 ? unzigzag (v) : (int64_t) v;
    }
  return mask;
}
