/*
 * mls-import-copy.c: the salvage copy of a damaged trace: a temporary
 * directory holding the metadata and every stream file as its pieces say
 * (mls-trace-set.h), so babeltrace2 reads only what is whole. Files that
 * need no cut are symlinked; a packet cut back to its good events gets a
 * rewritten header saying how much content it holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "mls-import.h"

gboolean
mls_trace_set_tmp_root (MlsTraceSet *set, GError **error)
{
  if (set->tmp_root != NULL)
    return TRUE;
  set->tmp_root = g_dir_make_tmp ("mlscope-salvage-XXXXXX", NULL);
  if (set->tmp_root == NULL)
    g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED,
                 "cannot create a temporary directory: %s",
                 g_strerror (errno));
  return set->tmp_root != NULL;
}

static gboolean
copy_bytes (int in, int out, gsize start, gsize end)
{
  char buf[1 << 16];

  for (gsize off = start; off < end;)
    {
      gssize n = pread (in, buf, MIN (end - off, sizeof buf), off);
      if (n <= 0 || write (out, buf, n) != n)
        return FALSE;
      off += n;
      mls_import_progress++;
    }
  return TRUE;
}

/* A packet cut back to `piece->content_bits`: its header, rewritten, then
 * its good content. */
static gboolean
copy_cut_packet (const MlsTraceDir *t, int in, int out, const MlsPiece *piece)
{
  gsize bytes = (piece->content_bits + 7) / 8;
  guint8 *header = g_malloc (bytes);
  MlsCtfPacket info;
  gboolean ok = pread (in, header, bytes, piece->start) == (gssize) bytes
                && mls_ctf_packet_read (t->layout, header, bytes, &info);

  if (ok)
    {
      mls_ctf_packet_patch (t->layout, &info, header, bytes,
                            piece->content_bits,
                            piece->times ? piece->time : NULL);
      ok = write (out, header, bytes) == (gssize) bytes;
    }
  g_free (header);
  return ok;
}

gboolean
mls_trace_dir_write_pieces (MlsTraceDir *t, const char *name,
                            GArray *pieces, const char *dir)
{
  char *src = g_build_filename (t->source_dir, name, NULL);
  char *dst = g_build_filename (dir, name, NULL);
  int in = g_open (src, O_RDONLY, 0);
  int out = g_open (dst, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  gboolean ok = in >= 0 && out >= 0;

  for (guint i = 0; ok && i < pieces->len; i++)
    {
      const MlsPiece *p = &g_array_index (pieces, MlsPiece, i);
      ok = p->content_bits ? copy_cut_packet (t, in, out, p)
                           : copy_bytes (in, out, p->start, p->end);
    }
  if (in >= 0)
    close (in);
  if (out >= 0)
    close (out);
  g_free (src);
  g_free (dst);
  return ok;
}

gboolean
mls_trace_dir_link_file (MlsTraceDir *t, const char *name, const char *dir,
                         GError **error)
{
  GArray *pieces = g_hash_table_lookup (t->cuts, name);
  char *rel = g_build_filename (t->source_dir, name, NULL);
  /* The link is read from the salvage directory: a relative source would
   * point nowhere. */
  char *src = g_canonicalize_filename (rel, NULL);
  char *dst = g_build_filename (dir, name, NULL);
  gboolean ok;

  /* A stream with nothing left is left out: babeltrace2 refuses an empty
   * stream file. */
  if (pieces != NULL)
    ok = pieces->len == 0 || mls_trace_dir_write_pieces (t, name, pieces,
                                                         dir);
  else
    ok = symlink (src, dst) == 0;
  if (!ok)
    g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED,
                 "cannot write %s: %s", dst, g_strerror (errno));
  g_free (rel);
  g_free (src);
  g_free (dst);
  return ok;
}

/* Writes a salvage copy of trace `t` with its cuts applied (the index
 * directory left out: it describes the uncut files) and reads from it. */
gboolean
mls_trace_dir_write_salvage (MlsTraceSet *set, MlsTraceDir *t,
                             GError **error)
{
  GDir *d;
  const char *name;
  char *sub, *dir;
  gboolean ok = TRUE;

  if (!mls_trace_set_tmp_root (set, error))
    return FALSE;
  sub = g_strdup_printf ("trace-%u", set->n_copies++);
  dir = g_build_filename (set->tmp_root, sub, NULL);
  g_free (sub);
  g_mkdir (dir, 0700);
  if (t->read_dir != t->source_dir)
    g_free (t->read_dir);
  t->read_dir = dir;
  set->salvaged = TRUE;
  d = g_dir_open (t->source_dir, 0, NULL);
  while (ok && d && (name = g_dir_read_name (d)) != NULL)
    {
      GStatBuf st;
      if (strcmp (name, "metadata") == 0
          || mls_is_stream_file (t->source_dir, name, &st))
        ok = mls_trace_dir_link_file (t, name, dir, error);
    }
  if (d)
    g_dir_close (d);
  return ok;
}
