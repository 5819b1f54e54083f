/*
 * mls-import-salvage.c: recovers from corruption inside a data packet.
 *
 * The packet headers can be whole while the events in a packet are not (a
 * disk error, a crashed consumer). babeltrace2 then fails in the middle of
 * the read, and behind the muxer that failure ends every stream, not just
 * the bad one. So, after such a failure, each stream file is read on its
 * own to find the one that fails and the packet it fails in; that packet is
 * cut out, and the whole trace is read again. All
 * the other streams, and the bad stream's other packets, are kept.
 */
#include <string.h>

#include "mls-import.h"

/* The packets of stream `name` of `t` that the cuts so far keep. */
static GArray *
kept_packets (MlsTraceDir *t, const char *name, gsize size)
{
  char *path = g_build_filename (t->source_dir, name, NULL);
  GArray *all = mls_stream_packets (path, size);
  GArray *keep = g_hash_table_lookup (t->cuts, name);
  GArray *kept = g_array_new (FALSE, FALSE, sizeof (MlsRange));
  for (guint i = 0; i < all->len; i++)
    {
      MlsRange p = g_array_index (all, MlsRange, i);
      gboolean in = keep == NULL;
      for (guint j = 0; !in && j < keep->len; j++)
        in = p.start >= g_array_index (keep, MlsRange, j).start
             && p.end <= g_array_index (keep, MlsRange, j).end;
      if (in)
        g_array_append_val (kept, p);
    }
  g_array_unref (all);
  g_free (path);
  return kept;
}

/* Keeps every packet of `packets` but the one at `bad`, as merged ranges. */
static GArray *
ranges_without (GArray *packets, guint bad)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (MlsRange));
  for (guint i = 0; i < packets->len; i++)
    {
      MlsRange p = g_array_index (packets, MlsRange, i);
      MlsRange *last = ranges->len
                       ? &g_array_index (ranges, MlsRange, ranges->len - 1)
                       : NULL;
      if (i == bad)
        continue;
      if (last != NULL && last->end == p.start)
        last->end = p.end;
      else
        g_array_append_val (ranges, p);
    }
  return ranges;
}

/* Reads stream `name` of `t` alone (with the cuts so far); when it fails,
 * cuts out the packet it fails in and returns TRUE. Packets are
 * independent in CTF: the ones after the bad packet are kept, and the gap
 * is reported as discarded packets. */
static gboolean
probe_stream (MlsTraceSet *set, MlsTraceDir *t, const char *name,
              gsize size, gboolean quiet, GError **error)
{
  char *dir = g_build_filename (set->tmp_root, "probe", NULL);
  mls_import_remove_tree (dir);
  g_mkdir (dir, 0700);
  gboolean cut = FALSE;
  guint64 whole = 0;
  char *why = NULL;
  if (mls_trace_dir_link_file (t, "metadata", dir, error)
      && mls_trace_dir_link_file (t, name, dir, error)
      && !mls_read_probe (dir, &whole, &why))
    {
      GArray *packets = kept_packets (t, name, size);
      if (whole < packets->len)
        {
          MlsRange bad = g_array_index (packets, MlsRange, whole);
          if (!quiet)
            g_printerr ("mlscope import: warning: %s/%s: corrupt data in "
                        "the packet at offset %zu (%s); keeping the other "
                        "packets\n", t->source_dir, name, bad.start, why);
          g_hash_table_insert (t->cuts, g_strdup (name),
                               ranges_without (packets, whole));
          cut = TRUE;
        }
      g_array_unref (packets);
    }
  g_free (why);
  mls_import_remove_tree (dir);
  g_free (dir);
  return cut;
}

gboolean
mls_trace_set_cut_corrupt (MlsTraceSet *set, gboolean quiet, GError **error)
{
  if (set->tmp_root == NULL)
    {
      set->tmp_root = g_dir_make_tmp ("mlscope-salvage-XXXXXX", NULL);
      if (set->tmp_root == NULL)
        return FALSE;
    }
  gboolean any = FALSE;
  for (guint i = 0; i < set->traces->len; i++)
    {
      MlsTraceDir *t = g_ptr_array_index (set->traces, i);
      gboolean cut = FALSE;
      GDir *d = g_dir_open (t->source_dir, 0, NULL);
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
