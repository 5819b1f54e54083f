/*
 * mls-import-check.c: finds the CTF traces under a recording directory and
 * checks their files before babeltrace2 reads them.
 *
 * babeltrace2 2.0.4 spins forever on a truncated packetized metadata file,
 * and refuses a whole trace when one data stream file ends in a partial
 * packet. So every metadata packet header is checked against the file's
 * size (a bad or partial one is an error naming the file), and every data
 * stream is walked packet by packet with the layout its metadata declares
 * (mls-ctf-layout.h). A stream that ends inside a packet keeps that
 * packet's good events (mls-import-salvage.c) in a salvage copy of the
 * trace (mls-import-copy.c); a packet whose timestamps run backwards is
 * emptied. Each is warned about and accounted as lost, with its time range.
 * (Corruption inside a packet is found later, when reading fails.)
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <babeltrace2/babeltrace.h>

#include "mls-import.h"

#define METADATA_MAGIC 0x75d11d57u
#define METADATA_HEADER_SIZE 37

static guint32
read_u32 (const guint8 *p, gboolean be)
{
  guint32 v;
  memcpy (&v, p, 4);
  return be ? GUINT32_FROM_BE (v) : GUINT32_FROM_LE (v);
}

static gboolean
read_file (const char *path, guint8 **data, gsize *len, GError **error)
{
  GError *e = NULL;
  if (!g_file_get_contents (path, (char **) data, len, &e))
    {
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s",
                   e->message);
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

/* The packet layout from the metadata's text; a trace whose metadata
 * gives none is read as it is (babeltrace2 judges it), with a warning. */
static void
read_layout (MlsTraceDir *t, const char *path, const guint8 *data, gsize len,
             gboolean quiet)
{
  char *text = mls_ctf_metadata_text (data, len);
  GError *error = NULL;

  t->layout = text ? mls_ctf_layout_parse (text, &error) : NULL;
  if (t->layout == NULL && !quiet)
    g_printerr ("mlscope import: warning: %s: %s; its streams cannot be "
                "checked or salvaged\n", path,
                error ? error->message : "no text in it");
  g_clear_error (&error);
  g_free (text);
}

/* Checks packetized metadata: every packet whole and sane. A bad packet
 * after good ones is cut off (its text may still be complete enough to
 * read the streams); a bad first packet leaves nothing to read. */
static gboolean
check_packetized (const char *path, MlsTraceDir *t, const guint8 *data,
                  gsize len, gboolean quiet, GError **error)
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
    g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED, "%s: %s",
                 path, problem);
  else if (problem != NULL)
    {
      GArray *keep = g_array_new (FALSE, TRUE, sizeof (MlsPiece));
      MlsPiece whole = { 0, off, 0, FALSE, { 0, 0 } };

      if (!quiet)
        g_printerr ("mlscope import: warning: %s: %s; reading its %zu "
                    "bytes of whole packets\n", path, problem, off);
      g_array_append_val (keep, whole);
      g_hash_table_insert (t->cuts, g_strdup ("metadata"), keep);
    }
  g_free (problem);
  return problem == NULL || off > 0;
}

/* Checks a metadata file: packetized, or plain text starting with the CTF
 * signature; then reads the packet layout from it. */
static gboolean
check_metadata (const char *path, MlsTraceDir *t, gboolean quiet,
                GError **error)
{
  guint8 *data;
  gsize len;
  gboolean ok = FALSE;

  if (!read_file (path, &data, &len, error))
    return FALSE;
  if (len == 0)
    g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED,
                 "%s: empty metadata file (the recording was cut short)",
                 path);
  else if (len >= 4 && (read_u32 (data, FALSE) == METADATA_MAGIC
                        || read_u32 (data, TRUE) == METADATA_MAGIC))
    ok = check_packetized (path, t, data, len, quiet, error);
  else if (len >= 6 && memcmp (data, "/* CTF", 6) == 0)
    ok = TRUE;
  else
    g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED,
                 "%s: not a CTF metadata file (no packet magic, no CTF "
                 "signature)", path);
  if (ok)
    read_layout (t, path, data, len, quiet);
  g_free (data);
  return ok;
}

GArray *
mls_stream_packets (const MlsTraceDir *t, const char *name, gsize len,
                    gsize *tail)
{
  GArray *packets = g_array_new (FALSE, FALSE, sizeof (MlsPacket));
  char *path = g_build_filename (t->source_dir, name, NULL);
  int fd = g_open (path, O_RDONLY, 0);
  guint8 header[4096];
  gsize off = 0;

  /* One small read per packet, whatever the file's size. */
  while (fd >= 0 && off < len)
    {
      gssize n = pread (fd, header, MIN (sizeof header, len - off), off);
      MlsPacket p = { off, 0, { 0 } };

      if (n <= 0 || !mls_ctf_packet_read (t->layout, header, n, &p.info))
        break;
      p.end = p.info.packet_bytes ? off + p.info.packet_bytes : len;
      g_array_append_val (packets, p);
      off = p.end;
    }
  if (fd >= 0)
    close (fd);
  if (tail)
    *tail = MIN (off, len);
  g_free (path);
  return packets;
}

void
mls_packet_time_ns (const MlsTraceDir *t, const MlsPacket *packet,
                    gint64 *start_ns, gint64 *end_ns)
{
  *start_ns = *end_ns = 0;
  if (!packet->info.has_times)
    return;
  *start_ns = mls_ctf_layout_ns (t->layout, packet->info.ts_begin);
  *end_ns = mls_ctf_layout_ns (t->layout, packet->info.ts_end);
}

void
mls_trace_dir_drop (MlsTraceDir *t, const char *name, gint64 start_ns,
                    gint64 end_ns, gsize bytes, gboolean whole)
{
  MlsDropped d = { g_strdup (name), start_ns, end_ns, bytes, whole };

  g_array_append_val (t->dropped, d);
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

/* One packet of the salvage copy (pieces are packets, in file order, so
 * the n-th packet babeltrace2 reads is the n-th piece). */
static void
add_piece (GArray *pieces, gsize start, gsize end, guint64 content_bits,
           const guint64 *times)
{
  MlsPiece p = { start, end, content_bits, times != NULL, { 0, 0 } };

  if (times)
    memcpy (p.time, times, sizeof p.time);
  g_array_append_val (pieces, p);
}

/* A packet whose timestamps run backwards (from the previous packet, or
 * within itself) would stop babeltrace2's muxer: it keeps its header,
 * emptied, with the previous packet's end as both its times. */
static gboolean
times_go_back (const MlsPacket *p, guint64 prev_end)
{
  return p->info.has_times && (p->info.ts_end < p->info.ts_begin
                               || p->info.ts_begin < prev_end);
}

/* Walks stream `name`; returns its pieces when something had to be cut
 * (NULL when the file reads as it is). */
static GArray *
check_stream (MlsTraceSet *set, MlsTraceDir *t, const char *name, gsize len,
              gboolean quiet)
{
  gsize tail;
  GArray *packets = mls_stream_packets (t, name, len, &tail);
  GArray *pieces = g_array_new (FALSE, TRUE, sizeof (MlsPiece));
  gboolean cut = tail < len;
  guint64 prev_end = 0;

  for (guint i = 0; i < packets->len; i++)
    {
      const MlsPacket *p = &g_array_index (packets, MlsPacket, i);
      gint64 start_ns, end_ns;

      mls_packet_time_ns (t, p, &start_ns, &end_ns);
      if (p->info.foreign)
        {
          if (!quiet)
            g_printerr ("mlscope import: warning: %s/%s: the packet at "
                        "offset %zu belongs to another trace (its UUID is "
                        "not the metadata's); left out\n", t->source_dir,
                        name, p->start);
          mls_trace_dir_drop (t, name, start_ns, end_ns,
                              MIN (p->end, len) - p->start, TRUE);
          cut = TRUE;
          continue;
        }
      if (times_go_back (p, prev_end))
        {
          guint64 times[2] = { prev_end, prev_end };
          if (!quiet)
            g_printerr ("mlscope import: warning: %s/%s: the packet at "
                        "offset %zu has timestamps running backwards; its "
                        "events are left out\n", t->source_dir, name,
                        p->start);
          add_piece (pieces, p->start, p->start + p->info.header_bytes,
                     p->info.header_bytes * 8, times);
          mls_trace_dir_drop (t, name, mls_ctf_layout_ns (t->layout,
                              prev_end), mls_ctf_layout_ns (t->layout,
                              prev_end), p->end - p->start, TRUE);
          cut = TRUE;
          continue;
        }
      if (p->info.has_times)
        prev_end = p->info.ts_end;
      if (p->end <= len)
        {
          add_piece (pieces, p->start, p->end, 0, NULL);
          continue;
        }
      /* The packet the file ends in: its good events are kept. */
      guint64 content = mls_salvage_packet (set, t, name, p, len - p->start);
      if (!quiet)
        g_printerr ("mlscope import: warning: %s/%s: stream truncated in "
                    "the packet at offset %zu (%zu of its %zu bytes "
                    "there); keeping the events before the cut\n",
                    t->source_dir, name, p->start, len - p->start,
                    p->end - p->start);
      add_piece (pieces, p->start, p->start + (content + 7) / 8, content,
                 NULL);
      mls_trace_dir_drop (t, name, start_ns, end_ns,
                          p->info.content_bits / 8 - content / 8, FALSE);
      cut = TRUE;
    }
  if (tail < len)
    {
      if (!quiet)
        g_printerr ("mlscope import: warning: %s/%s: %zu bytes from offset "
                    "%zu are no packet; left out\n", t->source_dir, name,
                    len - tail, tail);
      mls_trace_dir_drop (t, name, prev_end ? mls_ctf_layout_ns (t->layout,
                          prev_end) : 0, prev_end ? mls_ctf_layout_ns (
                          t->layout, prev_end) : 0, len - tail, TRUE);
    }
  g_array_unref (packets);
  if (!cut)
    g_clear_pointer (&pieces, g_array_unref);
  return pieces;
}

/* Walks the stream files of trace `t`, salvaging when one is damaged. */
static gboolean
check_streams (MlsTraceSet *set, MlsTraceDir *t, gboolean quiet,
               GError **error)
{
  GDir *d = t->layout ? g_dir_open (t->source_dir, 0, NULL) : NULL;
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      GStatBuf st;
      GArray *pieces;

      if (!mls_is_stream_file (t->source_dir, name, &st) || st.st_size == 0)
        continue;
      pieces = check_stream (set, t, name, st.st_size, quiet);
      if (pieces)
        g_hash_table_insert (t->cuts, g_strdup (name), pieces);
      mls_import_progress++;
    }
  if (d)
    g_dir_close (d);
  if (g_hash_table_size (t->cuts) > 0)
    return mls_trace_dir_write_salvage (set, t, error);
  return TRUE;
}

static void
dropped_clear (gpointer data)
{
  g_free (((MlsDropped *) data)->stream);
}

static MlsTraceDir *
trace_dir_new (const char *dir)
{
  MlsTraceDir *t = g_new0 (MlsTraceDir, 1);

  t->source_dir = g_strdup (dir);
  t->read_dir = t->source_dir;
  t->cuts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) g_array_unref);
  t->dropped = g_array_new (FALSE, FALSE, sizeof (MlsDropped));
  g_array_set_clear_func (t->dropped, dropped_clear);
  return t;
}

static void
trace_dir_free (gpointer data)
{
  MlsTraceDir *t = data;
  if (t->read_dir != t->source_dir)
    g_free (t->read_dir);
  g_hash_table_destroy (t->cuts);
  g_array_free (t->dropped, TRUE);
  mls_ctf_layout_free (t->layout);
  g_free (t->source_dir);
  g_free (t);
}

/* Whether babeltrace2 reads the metadata, alone in a scratch directory:
 * a trace it cannot describe is not walked, salvaged or read, and the
 * error says why in babeltrace2's words. */
static gboolean
metadata_readable (MlsTraceSet *set, MlsTraceDir *t, GError **error)
{
  const bt_plugin *ctf = mls_bt_find_plugin ("ctf", error);
  char *dir, *why = NULL;
  bt_graph *graph;
  bt_value *params, *inputs;
  const bt_component_class_source *fs;
  const bt_component_source *src;
  gboolean ok;

  if (ctf == NULL || !mls_trace_set_tmp_root (set, error))
    {
      bt_plugin_put_ref (ctf);
      return FALSE;
    }
  dir = g_build_filename (set->tmp_root, "metadata-check", NULL);
  mls_import_remove_tree (dir);
  g_mkdir (dir, 0700);
  graph = bt_graph_create (0);
  params = bt_value_map_create ();
  bt_value_map_insert_empty_array_entry (params, "inputs", &inputs);
  bt_value_array_append_string_element (inputs, dir);
  fs = bt_plugin_borrow_source_component_class_by_name_const (ctf, "fs");
  ok = mls_trace_dir_link_file (t, "metadata", dir, error)
       && mls_bt_add_source (graph, fs, "metadata", params,
                             BT_LOGGING_LEVEL_ERROR,
                             &src, dir, t->source_dir, &why);
  if (!ok && why)
    g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED,
                 "%s: cannot read the trace's metadata: %s", t->source_dir,
                 why);
  g_free (why);
  bt_value_put_ref (params);
  bt_graph_put_ref (graph);
  bt_plugin_put_ref (ctf);
  mls_import_remove_tree (dir);
  g_free (dir);
  return ok;
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
      g_set_error (error, MLS_IMPORT_ERROR, MLS_IMPORT_ERROR_FAILED,
                   "%s: %s", root,
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
      MlsTraceDir *t = trace_dir_new (g_ptr_array_index (found, i));
      char *meta = g_build_filename (t->source_dir, "metadata", NULL);
      gboolean ok = check_metadata (meta, t, quiet, error)
                    && metadata_readable (set, t, error)
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
