/*
 * fuzz-ctf.c: the collector's own reading of CTF, before babeltrace2 sees
 * a trace: the metadata's text (plain or packetized), its TSDL parsed
 * (mls-ctf-tsdl.c) into a packet layout (mls-ctf-layout.c), and a data
 * stream walked packet by packet with it, as the import's checks do
 * (mls_stream_packets, mls-import-check.c), each packet's times read and
 * its header patched as a salvage would. An input is a little-endian
 * 16-bit length, that many bytes of metadata, then the stream file.
 * Seeds: the synthetic traces of fuzz-seeds-ctf.c (LTTng-UST's layout,
 * barectf's without stream_instance_id, big-endian, packetized metadata).
 * What needs babeltrace2 (reading events, salvaging a cut packet) is
 * tested on real recordings by tests/tracer/test-damage.c.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "mls-ctf-tsdl.h"
#include "mls-import.h"
#include "mls-trace-set.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Where the stream file is written, once per process. */
static char *dir;

static void
remove_dir (void)
{
  g_rmdir (dir);
}

/* The stream's packets as the import's check finds them, in its file. */
static void
walk_file (MlsCtfLayout *layout, const guint8 *stream, gsize len)
{
  MlsTraceDir t = { 0 };
  char *path;
  GArray *packets;

  if (dir == NULL && (dir = g_dir_make_tmp ("fuzz-ctf-XXXXXX", NULL)))
    atexit (remove_dir);
  path = g_build_filename (dir ? dir : ".", "stream_0", NULL);
  if (dir == NULL
      || !g_file_set_contents (path, (const char *) stream, len, NULL))
    {
      g_free (path);
      return;
    }
  t.source_dir = dir;
  t.layout = layout;
  packets = mls_stream_packets (&t, "stream_0", len, NULL);
  for (guint i = 0; i < packets->len; i++)
    {
      const MlsPacket *p = &g_array_index (packets, MlsPacket, i);
      gint64 start_ns, end_ns;
      guint8 *header = g_malloc0 (p->info.header_bytes + 1);
      guint64 times[2] = { p->info.ts_begin, p->info.ts_begin };

      memcpy (header, stream + p->start, p->info.header_bytes);
      mls_packet_time_ns (&t, p, &start_ns, &end_ns);
      mls_ctf_packet_patch (layout, &p->info, header, p->info.header_bytes,
                            p->info.header_bytes * 8, times);
      g_free (header);
    }
  g_array_unref (packets);
  g_unlink (path);
  g_free (path);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gsize meta_len = size >= 2 ? MIN ((gsize) (data[0] | data[1] << 8),
                                    size - 2) : 0;
  const guint8 *meta = data + 2, *stream = meta + meta_len;
  gsize stream_len = size >= 2 ? size - 2 - meta_len : 0;
  char *text;
  MlsCtfLayout *layout;
  GError *error = NULL;

  if (size < 2)
    return 0;
  text = mls_ctf_metadata_text (meta, meta_len);
  if (text == NULL)
    return 0;
  mls_tsdl_free (mls_tsdl_parse (text));
  layout = mls_ctf_layout_parse (text, &error);
  g_clear_error (&error);
  if (layout && stream_len > 0)
    walk_file (layout, stream, stream_len);
  mls_ctf_layout_free (layout);
  g_free (text);
  return 0;
}
