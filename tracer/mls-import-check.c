/*
 * mls-import-check.c: finds the CTF traces under a recording directory and
 * checks their files before babeltrace2 reads them.
 *
 * babeltrace2 2.0.4 spins forever on a truncated packetized metadata file,
 * and refuses a whole trace when one data stream file ends in a partial
 * packet. So: every metadata packet header is checked against the file's
 * size (a bad or partial one is an error naming the file), and every data
 * stream is measured in whole packets, from its index file when there is
 * one, else from the packet headers. A stream that ends in a partial packet
 * is cut back to its whole packets in a salvage copy of the trace (the other
 * files are symlinked), with a warning, so everything readable is kept.
 * (Corruption inside a packet is found later, by mls-import-salvage.c.)
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mls-import.h"

#define METADATA_MAGIC 0x75d11d57u
#define METADATA_HEADER_SIZE 37
#define PACKET_MAGIC 0xc1fc1fc1u
#define INDEX_MAGIC 0xc1f1dcc1u
/* LTTng-UST packet header (magic, uuid, stream_id, stream_instance_id)
 * then context (timestamp_begin, timestamp_end, content_size, packet_size). */
#define PACKET_SIZE_OFFSET 56

static guint32
read_u32 (const guint8 *p, gboolean be)
{
  guint32 v;
  memcpy (&v, p, 4);
  return be ? GUINT32_FROM_BE (v) : GUINT32_FROM_LE (v);
}

static guint64
read_u64 (const guint8 *p, gboolean be)
{
  guint64 v;
  memcpy (&v, p, 8);
  return be ? GUINT64_FROM_BE (v) : GUINT64_FROM_LE (v);
}

static gboolean
read_file (const char *path, guint8 **data, gsize *len, GError **error)
{
  GError *e = NULL;
  if (!g_file_get_contents (path, (char **) data, len, &e))
    {
      g_set_error (error, MLS_IMPORT_ERROR, 1, "%s", e->message);
      g_error_free (e);
      return FALSE;
    }
  return TRUE;
}

/* Why the metadata packet at `off` is unusable, or NULL when it is whole
 * and sane. */
static char *
metadata_packet_problem (const guint8 *data, gsize len, gsize off, int n,
                         gboolean be)
{
  if (len - off < METADATA_HEADER_SIZE)
    return g_strdup_printf ("metadata truncated in the header of packet %d "
                            "(offset %zu of %zu bytes)", n, off, len);
  const guint8 *h = data + off;
  guint32 content = read_u32 (h + 24, be);
  guint32 size = read_u32 (h + 28, be);
  if (read_u32 (h, be) != METADATA_MAGIC || size % 8 != 0
      || size / 8 < METADATA_HEADER_SIZE || content > size
      || content / 8 < METADATA_HEADER_SIZE)
    return g_strdup_printf ("corrupt metadata packet %d at offset %zu", n,
                            off);
  if (size / 8 > len - off)
    return g_strdup_printf ("metadata truncated: packet %d needs %u bytes at "
                            "offset %zu, the file has %zu", n, size / 8, off,
                            len);
  return NULL;
}

/* Checks a metadata file: packetized (every packet whole and sane) or plain
 * text starting with the CTF signature. A bad packet after good ones is
 * cut off (its text may still be complete enough to read the streams);
 * a bad first packet leaves nothing to read. */
static gboolean
check_metadata (const char *path, MlsTraceDir *t, gboolean quiet,
                GError **error)
{
  guint8 *data;
  gsize len;
  if (!read_file (path, &data, &len, error))
    return FALSE;
  gboolean ok = FALSE;
  if (len == 0)
    g_set_error (error, MLS_IMPORT_ERROR, 1,
                 "%s: empty metadata file (the recording was cut short)",
                 path);
  else if (len >= 4 && (read_u32 (data, FALSE) == METADATA_MAGIC
                        || read_u32 (data, TRUE) == METADATA_MAGIC))
    {
      gboolean be = read_u32 (data, TRUE) == METADATA_MAGIC;
      gsize off = 0;
      char *problem = NULL;
      for (int n = 0; off < len && problem == NULL; n++)
        {
          problem = metadata_packet_problem (data, len, off, n, be);
          if (problem == NULL)
            off += read_u32 (data + off + 28, be) / 8;
        }
      memcpy (t->uuid, data + 4, MIN (len - 4, 16));
      t->has_uuid = len >= 20;
      if (problem != NULL && off == 0)
        g_set_error (error, MLS_IMPORT_ERROR, 1, "%s: %s", path, problem);
      else if (problem != NULL)
        {
          if (!quiet)
            g_printerr ("mlscope import: warning: %s: %s; reading its %zu "
                        "bytes of whole packets\n", path, problem, off);
          GArray *keep = g_array_new (FALSE, FALSE, sizeof (MlsRange));
          g_array_append_val (keep, ((MlsRange) { 0, off }));
          g_hash_table_insert (t->cuts, g_strdup ("metadata"), keep);
        }
      ok = problem == NULL || off > 0;
      g_free (problem);
    }
  else if (len >= 6 && memcmp (data, "/* CTF", 6) == 0)
    ok = TRUE;
  else
    g_set_error (error, MLS_IMPORT_ERROR, 1,
                 "%s: not a CTF metadata file (no packet magic, no CTF "
                 "signature)", path);
  g_free (data);
  return ok;
}

/* Bytes of whole packets in a stream file, from its LTTng index. Returns
 * FALSE when there is no usable index. */
static gboolean
whole_bytes_from_index (const char *dir, const char *name, gsize file_len,
                        gsize *whole)
{
  char *idx_name = g_strconcat (name, ".idx", NULL);
  char *path = g_build_filename (dir, "index", idx_name, NULL);
  guint8 *data = NULL;
  gsize len;
  gboolean ok = FALSE;
  g_free (idx_name);
  if (!g_file_get_contents (path, (char **) &data, &len, NULL) || len < 16
      || read_u32 (data, TRUE) != INDEX_MAGIC)
    goto out;
  guint32 entry_len = read_u32 (data + 12, TRUE);
  if (entry_len < 16)
    goto out;
  gsize end = 0;
  for (gsize off = 16; off + entry_len <= len; off += entry_len)
    {
      guint64 p_off = read_u64 (data + off, TRUE);
      guint64 p_size = read_u64 (data + off + 8, TRUE) / 8;
      if (p_off != end || p_size == 0 || p_off + p_size > file_len)
        break;
      end = p_off + p_size;
    }
  *whole = end;
  ok = TRUE;
out:
  g_free (data);
  g_free (path);
  return ok;
}

GArray *
mls_stream_packets (const char *path, gsize len)
{
  GArray *packets = g_array_new (FALSE, FALSE, sizeof (MlsRange));
  int fd = g_open (path, O_RDONLY, 0);
  gsize off = 0;
  guint8 h[PACKET_SIZE_OFFSET + 8];
  /* One small read per packet, whatever the file's size. */
  while (fd >= 0 && len - off >= sizeof h
         && pread (fd, h, sizeof h, off) == (gssize) sizeof h)
    {
      gboolean be = read_u32 (h, TRUE) == PACKET_MAGIC;
      if (!be && read_u32 (h, FALSE) != PACKET_MAGIC)
        break;
      guint64 size = read_u64 (h + PACKET_SIZE_OFFSET, be) / 8;
      if (size < sizeof h || size > len - off)
        break;
      MlsRange r = { off, off + size };
      g_array_append_val (packets, r);
      off += size;
    }
  if (fd >= 0)
    close (fd);
  return packets;
}

/* Bytes of whole packets in a stream file, from its packet headers. */
static gsize
whole_bytes_from_headers (const char *path, gsize len)
{
  GArray *packets = mls_stream_packets (path, len);
  gsize whole = packets->len
                ? g_array_index (packets, MlsRange, packets->len - 1).end : 0;
  g_array_unref (packets);
  return whole;
}

gboolean
mls_is_stream_file (const char *dir, const char *name, GStatBuf *st)
{
  if (name[0] == '.' || strcmp (name, "metadata") == 0)
    return FALSE;
  char *path = g_build_filename (dir, name, NULL);
  gboolean ok = g_stat (path, st) == 0 && S_ISREG (st->st_mode);
  g_free (path);
  return ok;
}

static gboolean
ensure_tmp_root (MlsTraceSet *set, GError **error)
{
  if (set->tmp_root != NULL)
    return TRUE;
  set->tmp_root = g_dir_make_tmp ("mlscope-salvage-XXXXXX", NULL);
  if (set->tmp_root == NULL)
    g_set_error (error, MLS_IMPORT_ERROR, 1,
                 "cannot create a temporary directory: %s",
                 g_strerror (errno));
  return set->tmp_root != NULL;
}

/* Copies the byte ranges `keep` of `src` into a new file `dst`. */
static gboolean
copy_ranges (const char *src, const char *dst, GArray *keep)
{
  int in = g_open (src, O_RDONLY, 0);
  int out = g_open (dst, O_WRONLY | O_CREAT | O_EXCL, 0600);
  char buf[1 << 16];
  gboolean ok = in >= 0 && out >= 0;
  for (guint i = 0; ok && i < keep->len; i++)
    {
      MlsRange r = g_array_index (keep, MlsRange, i);
      for (gsize off = r.start; ok && off < r.end;)
        {
          gssize n = pread (in, buf, MIN (r.end - off, sizeof buf), off);
          ok = n > 0 && write (out, buf, n) == n;
          off += n > 0 ? (gsize) n : 0;
          mls_import_progress++;
        }
    }
  if (in >= 0)
    close (in);
  if (out >= 0)
    close (out);
  return ok;
}

/* Links or copies one file of trace `t` into `dir`: metadata and whole
 * streams are symlinked, cut streams copied (left out when nothing of them
 * is kept). */
gboolean
mls_trace_dir_link_file (MlsTraceDir *t, const char *name, const char *dir,
                         GError **error)
{
  char *src = g_build_filename (t->source_dir, name, NULL);
  char *dst = g_build_filename (dir, name, NULL);
  GArray *keep = g_hash_table_lookup (t->cuts, name);
  gboolean ok;
  if (keep != NULL)
    ok = keep->len == 0 || copy_ranges (src, dst, keep);
  else
    ok = symlink (src, dst) == 0;
  if (!ok)
    g_set_error (error, MLS_IMPORT_ERROR, 1, "cannot write %s: %s", dst,
                 g_strerror (errno));
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
  if (!ensure_tmp_root (set, error))
    return FALSE;
  char *sub = g_strdup_printf ("trace-%u", set->n_copies++);
  char *dir = g_build_filename (set->tmp_root, sub, NULL);
  g_free (sub);
  g_mkdir (dir, 0700);
  if (t->read_dir != t->source_dir)
    g_free (t->read_dir);
  t->read_dir = dir;
  set->salvaged = TRUE;
  GDir *d = g_dir_open (t->source_dir, 0, NULL);
  const char *name;
  gboolean ok = TRUE;
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

/* Measures the stream files of trace `t`, salvaging when one is cut. */
static gboolean
check_streams (MlsTraceSet *set, MlsTraceDir *t, gboolean quiet,
               GError **error)
{
  GDir *d = g_dir_open (t->source_dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      GStatBuf st;
      if (!mls_is_stream_file (t->source_dir, name, &st) || st.st_size == 0)
        continue;
      /* The index is authoritative for the packets it lists; packets it
       * does not list yet are measured from their headers. */
      gsize whole = 0;
      if (whole_bytes_from_index (t->source_dir, name, st.st_size, &whole)
          && whole == (gsize) st.st_size)
        continue;
      char *path = g_build_filename (t->source_dir, name, NULL);
      whole = MAX (whole, whole_bytes_from_headers (path, st.st_size));
      g_free (path);
      if (whole == (gsize) st.st_size)
        continue;
      if (!quiet)
        g_printerr ("mlscope import: warning: %s/%s: stream truncated "
                    "(%zu of %jd bytes are whole packets); keeping the whole "
                    "packets\n", t->source_dir, name, whole,
                    (intmax_t) st.st_size);
      GArray *keep = g_array_new (FALSE, FALSE, sizeof (MlsRange));
      if (whole > 0)
        g_array_append_val (keep, ((MlsRange) { 0, whole }));
      g_hash_table_insert (t->cuts, g_strdup (name), keep);
      mls_import_progress++;
    }
  if (d)
    g_dir_close (d);
  if (g_hash_table_size (t->cuts) > 0)
    return mls_trace_dir_write_salvage (set, t, error);
  return TRUE;
}

static void
trace_dir_free (gpointer data)
{
  MlsTraceDir *t = data;
  if (t->read_dir != t->source_dir)
    g_free (t->read_dir);
  g_hash_table_destroy (t->cuts);
  g_free (t->source_dir);
  g_free (t);
}

/* Collects directories that directly hold a `metadata` file. */
static void
find_traces (const char *dir, int depth, GPtrArray *found)
{
  char *meta = g_build_filename (dir, "metadata", NULL);
  if (g_file_test (meta, G_FILE_TEST_EXISTS)
      && !g_file_test (meta, G_FILE_TEST_IS_DIR))
    g_ptr_array_add (found, g_strdup (dir));
  g_free (meta);
  if (depth > 8)
    return;
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  GPtrArray *subdirs = g_ptr_array_new_with_free_func (g_free);
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      char *sub = g_build_filename (dir, name, NULL);
      if (strcmp (name, "index") != 0
          && g_file_test (sub, G_FILE_TEST_IS_DIR)
          && !g_file_test (sub, G_FILE_TEST_IS_SYMLINK))
        g_ptr_array_add (subdirs, sub);
      else
        g_free (sub);
    }
  if (d)
    g_dir_close (d);
  /* Sorted, so the same recording always imports the same way. */
  g_ptr_array_sort (subdirs, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < subdirs->len; i++)
    find_traces (g_ptr_array_index (subdirs, i), depth + 1, found);
  g_ptr_array_free (subdirs, TRUE);
}

MlsTraceSet *
mls_trace_set_scan (const char *root, gboolean quiet, GError **error)
{
  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, MLS_IMPORT_ERROR, 1, "%s: %s", root,
                   g_file_test (root, G_FILE_TEST_EXISTS)
                   ? "not a directory" : "no such directory");
      return NULL;
    }
  MlsTraceSet *set = g_new0 (MlsTraceSet, 1);
  set->traces = g_ptr_array_new_with_free_func (trace_dir_free);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  find_traces (root, 0, found);
  if (found->len == 0)
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_NO_TRACE,
                   "%s: no CTF trace found (no 'metadata' file in it or "
                   "its subdirectories)", root);
      goto fail;
    }
  for (guint i = 0; i < found->len; i++)
    {
      MlsTraceDir *t = g_new0 (MlsTraceDir, 1);
      t->source_dir = g_strdup (g_ptr_array_index (found, i));
      t->read_dir = t->source_dir;
      t->cuts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_array_unref);
      char *meta = g_build_filename (t->source_dir, "metadata", NULL);
      gboolean ok = check_metadata (meta, t, quiet, error)
                    && check_streams (set, t, quiet, error);
      g_free (meta);
      g_ptr_array_add (set->traces, t);
      if (!ok)
        goto fail;
    }
  g_ptr_array_free (found, TRUE);
  return set;

fail:
  g_ptr_array_free (found, TRUE);
  mls_trace_set_free (set);
  return NULL;
}

void
mls_import_remove_tree (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      char *sub = g_build_filename (path, name, NULL);
      if (g_file_test (sub, G_FILE_TEST_IS_DIR)
          && !g_file_test (sub, G_FILE_TEST_IS_SYMLINK))
        mls_import_remove_tree (sub);
      else
        g_unlink (sub);
      g_free (sub);
    }
  if (d)
    g_dir_close (d);
  g_rmdir (path);
}

void
mls_trace_set_free (MlsTraceSet *set)
{
  if (set == NULL)
    return;
  if (set->tmp_root != NULL)
    mls_import_remove_tree (set->tmp_root);
  g_free (set->tmp_root);
  g_ptr_array_free (set->traces, TRUE);
  g_free (set);
}
