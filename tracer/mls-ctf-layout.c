/*
 * mls-ctf-layout.c: the packet layout of a CTF 1.8 trace, from its
 * metadata (see mls-ctf-layout.h): the types mls-ctf-tsdl.c parses are
 * placed the way CTF aligns fields (offsets absolute in the packet), and a
 * field after one of unknown size is reported unknown rather than guessed.
 */
#include <stdlib.h>
#include <string.h>

#include "mls-ctf-layout.h"
#include "mls-ctf-tsdl.h"
#include "mls-import.h"

#define METADATA_MAGIC 0x75d11d57u
#define METADATA_HEADER_BYTES 37
#define PACKET_MAGIC 0xc1fc1fc1u
/* As mls-ctf-tsdl.c's: nothing sane nests deeper. */
#define MAX_DEPTH 16

typedef MlsTsdlType Type;

/* ---- placing fields ---- */

static guint64
align_up (guint64 offset, guint64 align)
{
  return align > 1 ? (offset + align - 1) / align * align : offset;
}

static guint64
type_align (const Type *t)
{
  if (t->kind == MLS_TSDL_ARRAY)
    return type_align (t->element);
  return t->align ? t->align : 1;
}

/* Places `t` at `*offset`; records top-level integer members of `record`
 * structs in `fields`. FALSE when its size is unknown. */
static gboolean
place (const Type *t, guint64 *offset, GHashTable *fields, int depth)
{
  if (t->kind == MLS_TSDL_UNKNOWN || depth > MAX_DEPTH)
    return FALSE;
  *offset = align_up (*offset, type_align (t));
  if (t->kind == MLS_TSDL_INT)
    {
      *offset += t->size;
      return TRUE;
    }
  if (t->kind == MLS_TSDL_ARRAY)
    {
      for (guint64 i = 0; i < t->count && i < 65536; i++)
        if (!place (t->element, offset, NULL, depth + 1))
          return FALSE;
      return t->count < 65536;
    }
  for (guint i = 0; i < t->members->len; i++)
    {
      const MlsTsdlMember *m = &g_array_index (t->members, MlsTsdlMember,
                                                  i);
      guint64 start;

      if (m->type->kind == MLS_TSDL_INT)
        *offset = align_up (*offset, type_align (m->type));
      start = *offset;
      if (!place (m->type, offset, NULL, depth + 1))
        return FALSE;
      if (fields && (m->type->kind == MLS_TSDL_INT
                     || m->type->kind == MLS_TSDL_ARRAY))
        {
          MlsCtfField *f = g_new (MlsCtfField, 1);
          *f = (MlsCtfField) { TRUE, start, *offset - start };
          g_hash_table_replace (fields, g_strdup (m->name), f);
        }
    }
  return TRUE;
}

static MlsCtfField
field (GHashTable *fields, const char *name)
{
  MlsCtfField *f = g_hash_table_lookup (fields, name);
  MlsCtfField unknown = { FALSE, 0, 0 };

  return f && f->offset_bits % 8 == 0 && f->size_bits % 8 == 0 ? *f : unknown;
}

/* "7fb532cb-f968-4ed4-94d3-94536e85a0ae" -> 16 bytes. */
static gboolean
parse_uuid (const char *text, guint8 *uuid)
{
  int n = 0;

  for (const char *c = text; *c && n < 32; c++)
    {
      if (*c == '-')
        continue;
      if (!g_ascii_isxdigit (*c))
        return FALSE;
      if (n % 2 == 0)
        uuid[n / 2] = 0;
      uuid[n / 2] |= g_ascii_xdigit_value (*c) << (n % 2 ? 0 : 4);
      n++;
    }
  return n == 32;
}

static gboolean
build_layout (const MlsTsdl *p, MlsCtfLayout *layout, GError **error)
{
  GHashTable *fields = g_hash_table_new_full (g_str_hash, g_str_equal,
                                              g_free, g_free);
  guint64 header_end = 0;
  gboolean ok = p->header == NULL || place (p->header, &header_end, fields, 0);

  layout->magic = field (fields, "magic");
  layout->stream_id = field (fields, "stream_id");
  layout->uuid = field (fields, "uuid");
  layout->has_uuid = layout->uuid.known && layout->uuid.size_bits == 128
                     && p->uuid != NULL
                     && parse_uuid (p->uuid, layout->trace_uuid);
  for (guint i = 0; ok && i < p->streams->len; i++)
    {
      const MlsTsdlStream *d = &g_array_index (p->streams, MlsTsdlStream,
                                                i);
      MlsCtfStreamLayout s = { .id = d->id, .header_bits = header_end };

      g_hash_table_remove_all (fields);
      if (d->context && !place (d->context, &s.header_bits, fields, 0))
        continue;
      s.content_size = field (fields, "content_size");
      s.packet_size = field (fields, "packet_size");
      s.timestamp_begin = field (fields, "timestamp_begin");
      s.timestamp_end = field (fields, "timestamp_end");
      s.packet_seq_num = field (fields, "packet_seq_num");
      g_array_append_val (layout->streams, s);
    }
  g_hash_table_destroy (fields);
  if (!ok || layout->streams->len == 0)
    g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s",
                 ok ? "its metadata declares no stream"
                    : "its packet header has a field of unknown size");
  return ok && layout->streams->len > 0;
}

MlsCtfLayout *
mls_ctf_layout_parse (const char *text, GError **error)
{
  MlsTsdl *tsdl = mls_tsdl_parse (text);
  MlsCtfLayout *layout = g_new0 (MlsCtfLayout, 1);

  layout->streams = g_array_new (FALSE, FALSE, sizeof (MlsCtfStreamLayout));
  layout->big_endian = tsdl->big_endian;
  layout->clock_freq = tsdl->clock_freq ? tsdl->clock_freq : 1000000000u;
  if (tsdl->too_deep)
    g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED,
                 "its metadata nests types deeper than %d levels", MAX_DEPTH);
  if (tsdl->too_deep || !build_layout (tsdl, layout, error))
    g_clear_pointer (&layout, mls_ctf_layout_free);
  mls_tsdl_free (tsdl);
  return layout;
}

void
mls_ctf_layout_free (MlsCtfLayout *layout)
{
  if (layout == NULL)
    return;
  g_array_free (layout->streams, TRUE);
  g_free (layout);
}

/* ---- metadata text ---- */

static guint32
u32_at (const guint8 *p, gboolean be)
{
  guint32 v;

  memcpy (&v, p, 4);
  return be ? GUINT32_FROM_BE (v) : GUINT32_FROM_LE (v);
}

char *
mls_ctf_metadata_text (const guint8 *data, gsize len)
{
  GString *text;
  gboolean be;

  if (len >= 6 && memcmp (data, "/* CTF", 6) == 0)
    return g_strndup ((const char *) data, len);
  if (len < 4 || (u32_at (data, FALSE) != METADATA_MAGIC
                  && u32_at (data, TRUE) != METADATA_MAGIC))
    return NULL;
  be = u32_at (data, TRUE) == METADATA_MAGIC;
  text = g_string_new (NULL);
  for (gsize off = 0; len - off >= METADATA_HEADER_BYTES;)
    {
      guint32 content = u32_at (data + off + 24, be) / 8;
      guint32 size = u32_at (data + off + 28, be) / 8;

      if (u32_at (data + off, be) != METADATA_MAGIC
          || content < METADATA_HEADER_BYTES || content > size
          || size > len - off)
        break;
      g_string_append_len (text, (const char *) data + off
                           + METADATA_HEADER_BYTES,
                           content - METADATA_HEADER_BYTES);
      off += size;
    }
  return g_string_free (text, FALSE);
}

/* ---- packets ---- */

static guint64
read_field (const MlsCtfLayout *layout, const guint8 *data,
            const MlsCtfField *f)
{
  const guint8 *p = data + f->offset_bits / 8;
  guint64 v = 0;
  int n = (int) (f->size_bits / 8);

  for (int i = 0; i < n; i++)
    v |= (guint64) p[layout->big_endian ? n - 1 - i : i] << (8 * i);
  return v;
}

static void
write_field (const MlsCtfLayout *layout, guint8 *data, const MlsCtfField *f,
             guint64 v)
{
  guint8 *p = data + f->offset_bits / 8;
  int n = (int) (f->size_bits / 8);

  if (!f->known)
    return;
  for (int i = 0; i < n; i++)
    p[layout->big_endian ? n - 1 - i : i] = (guint8) (v >> (8 * i));
}

static const MlsCtfStreamLayout *
stream_layout (const MlsCtfLayout *layout, guint64 id)
{
  for (guint i = 0; i < layout->streams->len; i++)
    {
      const MlsCtfStreamLayout *s = &g_array_index (layout->streams,
                                                    MlsCtfStreamLayout, i);
      if (s->id == id)
        return s;
    }
  return NULL;
}

gboolean
mls_ctf_packet_read (const MlsCtfLayout *layout, const guint8 *data,
                     gsize len, MlsCtfPacket *packet)
{
  guint64 id = 0, packet_bits;
  const MlsCtfStreamLayout *s;

  memset (packet, 0, sizeof *packet);
  if (layout->magic.known
      && (len < layout->magic.offset_bits / 8 + 4
          || read_field (layout, data, &layout->magic) != PACKET_MAGIC))
    return FALSE;
  if (layout->stream_id.known)
    {
      if (len < (layout->stream_id.offset_bits + layout->stream_id.size_bits)
                / 8)
        return FALSE;
      id = read_field (layout, data, &layout->stream_id);
    }
  else if (layout->streams->len == 1)
    id = g_array_index (layout->streams, MlsCtfStreamLayout, 0).id;
  s = stream_layout (layout, id);
  if (s == NULL || len < (s->header_bits + 7) / 8)
    return FALSE;
  packet->stream = s;
  packet->header_bytes = (s->header_bits + 7) / 8;
  packet_bits = s->packet_size.known
                ? read_field (layout, data, &s->packet_size) : 0;
  packet->content_bits = s->content_size.known
                         ? read_field (layout, data, &s->content_size)
                         : packet_bits;
  if (packet_bits % 8 != 0 || (packet_bits && packet_bits < s->header_bits)
      || (packet_bits && packet->content_bits > packet_bits)
      || (packet->content_bits && packet->content_bits < s->header_bits))
    return FALSE;
  packet->packet_bytes = packet_bits / 8;
  packet->has_times = s->timestamp_begin.known && s->timestamp_end.known;
  if (packet->has_times)
    {
      packet->ts_begin = read_field (layout, data, &s->timestamp_begin);
      packet->ts_end = read_field (layout, data, &s->timestamp_end);
    }
  packet->foreign = layout->has_uuid
                    && memcmp (data + layout->uuid.offset_bits / 8,
                               layout->trace_uuid, 16) != 0;
  packet->has_seq = s->packet_seq_num.known;
  if (packet->has_seq)
    packet->seq = read_field (layout, data, &s->packet_seq_num);
  return TRUE;
}

void
mls_ctf_packet_patch (const MlsCtfLayout *layout, const MlsCtfPacket *packet,
                      guint8 *header, guint64 packet_bytes,
                      guint64 content_bits, const guint64 *times)
{
  const MlsCtfStreamLayout *s = packet->stream;

  write_field (layout, header, &s->packet_size, packet_bytes * 8);
  write_field (layout, header, &s->content_size, content_bits);
  if (times)
    {
      write_field (layout, header, &s->timestamp_begin, times[0]);
      write_field (layout, header, &s->timestamp_end, times[1]);
    }
}

gint64
mls_ctf_layout_ns (const MlsCtfLayout *layout, guint64 cycles)
{
  if (layout->clock_freq == 1000000000u)
    return (gint64) cycles;
  return (gint64) ((unsigned __int128) cycles * 1000000000u
                   / layout->clock_freq);
}
