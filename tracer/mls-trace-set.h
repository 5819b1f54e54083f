/*
 * mls-trace-set.h: the CTF traces of a recording directory as the collector
 * reads them, checked before babeltrace2 sees them and, where damaged,
 * rebuilt in a salvage copy that holds everything still readable.
 *
 *   mls-import-check.c    finds the traces, checks metadata (babeltrace2
 *                         2.0.4 hangs on truncated metadata) and walks each
 *                         stream's packets with the layout its metadata
 *                         gives (mls-ctf-layout.h);
 *   mls-import-salvage.c  after a read failed inside a packet, finds the
 *                         stream and packet, and keeps its events up to the
 *                         first bad one (also for a packet cut short);
 *   mls-import-copy.c     writes the salvage copy from the pieces kept.
 *
 * Every byte left out is accounted in `dropped`, with the time range it
 * covered, so the recording says what it lost.
 */
#ifndef MLS_TRACE_SET_H
#define MLS_TRACE_SET_H

#include <glib.h>
#include <glib/gstdio.h>

#include "mls-ctf-layout.h"

/* A piece of a stream file as the salvage copy holds it: bytes
 * [start, end) of the original, and when `content_bits` is set, a packet
 * cut back to that much content (its header rewritten to say so, and its
 * timestamps too when `times` is set). */
typedef struct {
  gsize start, end;
  guint64 content_bits;
  gboolean times;
  guint64 time[2];          /* clock cycles */
} MlsPiece;

/* What a salvage left out of one packet (or of a stream's tail). */
typedef struct {
  char *stream;             /* the stream file's name */
  gint64 start_ns, end_ns;  /* on the trace clock; 0, 0 when unknown */
  gsize bytes;
  gboolean whole;           /* the whole packet, not only its tail */
} MlsDropped;

typedef struct {
  char *source_dir;         /* the trace directory as recorded */
  char *read_dir;           /* what babeltrace2 reads: source_dir, or a
                               salvage copy */
  guint8 uuid[16];
  gboolean has_uuid;
  MlsCtfLayout *layout;     /* NULL: the metadata gives no packet layout;
                               its streams are read as they are */
  GHashTable *cuts;         /* stream file name -> GArray of MlsPiece, in
                               file order: the file as it is read */
  GArray *dropped;          /* MlsDropped */
} MlsTraceDir;

typedef struct {
  GPtrArray *traces;        /* MlsTraceDir */
  char *tmp_root;           /* salvage directory, removed by free() */
  guint n_copies;
  gboolean salvaged;
} MlsTraceSet;

/* One packet of a stream file, as its header says. */
typedef struct {
  gsize start, end;         /* end: where the header says it ends, which
                               may lie past the file's end */
  MlsCtfPacket info;
} MlsPacket;

/* Finds every directory holding a `metadata` file under `root` and checks
 * it. Fails when none is found or when a trace's metadata is unusable;
 * damaged stream files are salvaged (warned, accounted). */
MlsTraceSet *mls_trace_set_scan (const char *root, gboolean quiet,
                                 GError **error);
void mls_trace_set_free (MlsTraceSet *set);
gboolean mls_is_stream_file (const char *dir, const char *name,
                             GStatBuf *st);

/* The packets of stream file `name` of `t` whose headers lie whole within
 * its `len` bytes; *tail (when not NULL) gets the offset where readable
 * headers stop. */
GArray *mls_stream_packets (const MlsTraceDir *t, const char *name,
                            gsize len, gsize *tail);
/* A packet's time range on the trace clock, or 0, 0. */
void mls_packet_time_ns (const MlsTraceDir *t, const MlsPacket *packet,
                         gint64 *start_ns, gint64 *end_ns);
/* Notes bytes left out of stream `name`. */
void mls_trace_dir_drop (MlsTraceDir *t, const char *name, gint64 start_ns,
                         gint64 end_ns, gsize bytes, gboolean whole);

/* ---- mls-import-salvage.c ---- */

/* How much of `packet` of stream `name` (`available` bytes of it in the
 * file) reads without error: the content, in bits, up to the end of its
 * last good event (its header alone when none is good). */
guint64 mls_salvage_packet (MlsTraceSet *set, MlsTraceDir *t,
                            const char *name, const MlsPacket *packet,
                            gsize available);

/* After a read failed inside a packet: reads each stream of `set` on its
 * own, and keeps of the packet it fails in only its good events. Returns
 * TRUE when something was cut (read `set` again then). */
gboolean mls_trace_set_cut_corrupt (MlsTraceSet *set, gboolean quiet,
                                    GError **error);

/* ---- mls-import-copy.c ---- */

gboolean mls_trace_set_tmp_root (MlsTraceSet *set, GError **error);
/* Links (or, when cut, copies) one file of `t` into `dir`. */
gboolean mls_trace_dir_link_file (MlsTraceDir *t, const char *name,
                                  const char *dir, GError **error);
/* Writes stream file `name` into `dir` as the pieces `pieces` say. */
gboolean mls_trace_dir_write_pieces (MlsTraceDir *t, const char *name,
                                     GArray *pieces, const char *dir);
/* Makes `t` read from a new salvage copy with its cuts applied. */
gboolean mls_trace_dir_write_salvage (MlsTraceSet *set, MlsTraceDir *t,
                                      GError **error);

#endif /* MLS_TRACE_SET_H */
