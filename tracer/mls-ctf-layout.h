/*
 * mls-ctf-layout.h: where a CTF 1.8 trace's packets keep their size, stream
 * id, timestamps and sequence number, read from the trace's own metadata
 * (mls-ctf-layout.c), so the collector can walk, check and cut stream files
 * whatever tracer wrote them: LTTng-UST's packet header holds a
 * stream_instance_id, older tracers' and barectf's do not.
 *
 * Only the packet header and packet contexts are understood: integers
 * (typealiases of them, arrays of them, enums over them) in structures,
 * which is what every tracer puts there.
 */
#ifndef MLS_CTF_LAYOUT_H
#define MLS_CTF_LAYOUT_H

#include <glib.h>

/* A field's place in a packet; `known` is FALSE when the layout has no such
 * field (or it follows one of unknown size). */
typedef struct {
  gboolean known;
  guint64 offset_bits;
  guint64 size_bits;
} MlsCtfField;

typedef struct {
  guint64 id;
  guint64 header_bits;      /* packet header + context: where events start */
  MlsCtfField content_size, packet_size;
  MlsCtfField timestamp_begin, timestamp_end, packet_seq_num;
} MlsCtfStreamLayout;

typedef struct {
  gboolean big_endian;
  MlsCtfField magic, stream_id;
  MlsCtfField uuid;         /* the packets' copy of the trace's UUID */
  gboolean has_uuid;
  guint8 trace_uuid[16];    /* the metadata's */
  guint64 clock_freq;       /* Hz; 1e9 when the metadata does not say */
  GArray *streams;          /* MlsCtfStreamLayout */
} MlsCtfLayout;

/* Parses the metadata's text (TSDL). NULL with `error` when it has no
 * usable packet layout. */
MlsCtfLayout *mls_ctf_layout_parse (const char *tsdl, GError **error);
void mls_ctf_layout_free (MlsCtfLayout *layout);

/* The metadata's text from a metadata file's bytes: the payloads of its
 * packets when packetized (checked whole by the caller), else the file.
 * NULL when it is neither. */
char *mls_ctf_metadata_text (const guint8 *data, gsize len);

/* One packet's header, as far as the layout and the bytes tell. */
typedef struct {
  const MlsCtfStreamLayout *stream;
  gboolean foreign;         /* its UUID is not the metadata's */
  guint64 header_bytes;
  guint64 packet_bytes;     /* 0: to the end of the file */
  guint64 content_bits;
  gboolean has_times, has_seq;
  guint64 ts_begin, ts_end; /* clock cycles */
  guint64 seq;
} MlsCtfPacket;

/* Reads the packet at the start of `data` (`len` bytes available). FALSE
 * when they do not hold a whole, sane header. */
gboolean mls_ctf_packet_read (const MlsCtfLayout *layout, const guint8 *data,
                              gsize len, MlsCtfPacket *packet);

/* Rewrites, in a copy of a packet's header, its sizes (and, when `times`,
 * its timestamps): how a damaged packet becomes an empty one. */
void mls_ctf_packet_patch (const MlsCtfLayout *layout,
                           const MlsCtfPacket *packet, guint8 *header,
                           guint64 packet_bytes, guint64 content_bits,
                           const guint64 *times);

/* Cycles of the trace clock to nanoseconds. */
gint64 mls_ctf_layout_ns (const MlsCtfLayout *layout, guint64 cycles);

#endif /* MLS_CTF_LAYOUT_H */
