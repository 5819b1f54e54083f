/*
 * mls-import-salvage.c: keeps what is readable of a damaged packet.
 *
 * A packet can be cut short (the file ends inside it) or damaged inside
 * (a disk error, a crashed consumer): babeltrace2 then fails in the middle
 * of the read, and behind the muxer that failure ends every stream, not
 * just the bad one. Events are not indexed, so where the last good event
 * ends is found by asking babeltrace2: the packet, alone in a scratch
 * stream, is read with its content cut to N bytes, and a binary search
 * finds the fewest bytes that still give every event read before the
 * damage. Those events are kept, with a rewritten header; the rest of the
 * packet is accounted as lost (mls-trace-set.h).
 *
 * After a read failed inside a packet, each stream is read on its own to
 * find the one that fails and the packet it fails in, which is cut back
 * that way; the whole trace is then read again.
 */
#include <string.h>

#include "mls-import.h"

/* Reads `bytes` of `packet`'s content (from its start) alone; returns how
 * many events read well, and whether the read ended cleanly. */
static guint64
good_events (MlsTraceSet *set, MlsTraceDir *t, const char *name,
             const MlsPacket *packet, gsize bytes, gboolean *clean)
{
  char *dir = g_build_filename (set->tmp_root, "probe", NULL);
  GArray *pieces = g_array_new (FALSE, TRUE, sizeof (MlsPiece));
  MlsPiece piece = { packet->start, packet->start + bytes, bytes * 8, FALSE,
                     { 0, 0 } };
  MlsProbe probe = { 0 };
  char *why = NULL;

  /* Damage can decode as events, with times past the packet's end. */
  if (packet->info.has_times)
    probe.max_clock = packet->info.ts_end;
  mls_import_remove_tree (dir);
  g_mkdir (dir, 0700);
  g_array_append_val (pieces, piece);
  *clean = mls_trace_dir_link_file (t, "metadata", dir, NULL)
           && mls_trace_dir_write_pieces (t, name, pieces, dir)
           && mls_read_probe (dir, &probe, &why);
  g_free (why);
  g_array_unref (pieces);
  mls_import_remove_tree (dir);
  g_free (dir);
  return probe.events;
}

guint64
mls_salvage_packet (MlsTraceSet *set, MlsTraceDir *t, const char *name,
                    const MlsPacket *packet, gsize available)
{
  gsize lo = packet->info.header_bytes;
  gsize hi = MIN (available, (packet->info.content_bits + 7) / 8);
  gboolean clean;
  guint64 wanted;

  if (hi <= lo || !mls_trace_set_tmp_root (set, NULL))
    return lo * 8;
  wanted = good_events (set, t, name, packet, hi, &clean);
  if (clean || wanted == 0)
    return (clean ? hi : lo) * 8;
  /* The fewest bytes that give `wanted` events: the end of the last good
   * event. More events never come from fewer bytes. */
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (good_events (set, t, name, packet, mid, &clean) >= wanted)
        hi = mid;
      else
        lo = mid + 1;
    }
  return hi * 8;
}

/* The stream as the salvage copy holds it: one piece per packet. */
static GArray *
stream_pieces (MlsTraceDir *t, const char *name, gsize size)
{
  GArray *pieces = g_hash_table_lookup (t->cuts, name);
  GArray *packets;

  if (pieces)
    return pieces;
  pieces = g_array_new (FALSE, TRUE, sizeof (MlsPiece));
  packets = mls_stream_packets (t, name, size, NULL);
  for (guint i = 0; i < packets->len; i++)
    {
      const MlsPacket *p = &g_array_index (packets, MlsPacket, i);
      MlsPiece piece = { p->start, MIN (p->end, size), 0, FALSE, { 0, 0 } };
      g_array_append_val (pieces, piece);
    }
  g_array_unref (packets);
  g_hash_table_insert (t->cuts, g_strdup (name), pieces);
  return pieces;
}

/* Cuts piece `bad` of stream `name` back to its good events. */
static void
cut_piece (MlsTraceSet *set, MlsTraceDir *t, const char *name,
           GArray *pieces, guint bad, const char *why, gboolean quiet)
{
  MlsPiece *piece = &g_array_index (pieces, MlsPiece, bad);
  guint8 header[4096];
  MlsPacket packet = { piece->start, piece->end, { 0 } };
  char *path = g_build_filename (t->source_dir, name, NULL);
  FILE *f = fopen (path, "rb");
  gsize n = 0;
  gint64 start_ns, end_ns;
  guint64 content;

  if (f && fseek (f, (long) piece->start, SEEK_SET) == 0)
    n = fread (header, 1, sizeof header, f);
  if (f)
    fclose (f);
  g_free (path);
  if (!mls_ctf_packet_read (t->layout, header, n, &packet.info))
    return;
  content = mls_salvage_packet (set, t, name, &packet,
                                piece->end - piece->start);
  /* A packet that reads well alone but not in its stream keeps nothing:
   * every pass must cut something. */
  if (content / 8 >= piece->end - piece->start)
    content = packet.info.header_bytes * 8;
  if (!quiet)
    g_printerr ("mlscope import: warning: %s/%s: corrupt data in the packet "
                "at offset %zu (%s); keeping its %zu bytes of good events "
                "and the other packets\n", t->source_dir, name, piece->start,
                why, (gsize) (content / 8 - packet.info.header_bytes));
  mls_packet_time_ns (t, &packet, &start_ns, &end_ns);
  mls_trace_dir_drop (t, name, start_ns, end_ns,
                      (piece->content_bits ? piece->content_bits
                                           : packet.info.content_bits) / 8
                      - content / 8,
                      content / 8 == packet.info.header_bytes);
  piece->content_bits = content;
  piece->end = piece->start + (content + 7) / 8;
}

/* Reads stream `name` of `t` alone (with the cuts so far); when it fails,
 * cuts back the packet it fails in and returns TRUE. */
static gboolean
probe_stream (MlsTraceSet *set, MlsTraceDir *t, const char *name,
              gsize size, gboolean quiet, GError **error)
{
  char *dir = g_build_filename (set->tmp_root, "stream", NULL);
  MlsProbe probe = { 0 };
  gboolean cut = FALSE;
  char *why = NULL;

  mls_import_remove_tree (dir);
  g_mkdir (dir, 0700);
  if (mls_trace_dir_link_file (t, "metadata", dir, error)
      && mls_trace_dir_link_file (t, name, dir, error)
      && !mls_read_probe (dir, &probe, &why))
    {
      GArray *pieces = stream_pieces (t, name, size);
      if (probe.packets_ended < pieces->len)
        {
          cut_piece (set, t, name, pieces, probe.packets_ended, why, quiet);
          cut = TRUE;
        }
    }
  g_free (why);
  mls_import_remove_tree (dir);
  g_free (dir);
  return cut;
}

gboolean
mls_trace_set_cut_corrupt (MlsTraceSet *set, gboolean quiet, GError **error)
{
  gboolean any = FALSE;

  if (!mls_trace_set_tmp_root (set, error))
    return FALSE;
  for (guint i = 0; i < set->traces->len; i++)
    {
      MlsTraceDir *t = g_ptr_array_index (set->traces, i);
      gboolean cut = FALSE;
      GDir *d = t->layout ? g_dir_open (t->source_dir, 0, NULL) : NULL;
      const char *name;

      while (d && (name = g_dir_read_name (d)) != NULL)
        {
          GStatBuf st;
          if (mls_is_stream_file (t->source_dir, name, &st)
              && st.st_size > 0
              && probe_stream (set, t, name, st.st_size, quiet, error))
            cut = TRUE;
        }
      if (d)
        g_dir_close (d);
      if (cut && !mls_trace_dir_write_salvage (set, t, error))
        return FALSE;
      any |= cut;
    }
  return any;
}
