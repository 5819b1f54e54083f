/*
 * test-damage.c: `mlscope import` of damaged traces keeps everything still
 * readable and accounts for everything it is not. Real recordings (kept as
 * CTF; small sub-buffers so streams hold many packets) are copied and
 * damaged the ways recordings get damaged: a stream cut inside a packet,
 * garbage in place of a stream, damage inside a packet, one of two
 * streams cut inside its only packet, a packet whose timestamps run
 * backwards, a packet missing from the middle of a stream, metadata
 * swapped for another recording's or made invalid, an event context read
 * as a negative process id. Each case checks the
 * exact number of lost packets recorded, the warning, and the exit status
 * (3 when the collector left data out, unless --salvage; 1 when nothing
 * usable remains). A trace whose packet header has no stream_instance_id
 * (older LTTng-UST, barectf) imports whole.
 *
 * The damage is written with LTTng-UST's packet layout (these traces are
 * LTTng's): a 32-byte header, then timestamp_begin, timestamp_end,
 * content_size and packet_size as 64-bit little-endian fields.
 */
#define _GNU_SOURCE             /* memmem */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mls-test-util.h"
#include "test-tmpdir.h"

#define TS_BEGIN 32
#define TS_END 40
#define CONTENT_SIZE 48
#define PACKET_SIZE 56

static char *work;
static char *good_ctf;          /* many 16 KiB packets per stream */
static gint64 good_spans;
static char *big_ctf;           /* one packet per stream */
static gint64 big_spans;
static char *other_ctf;         /* another recording */

typedef struct {
  MlsRun *run;
  sqlite3 *db;                  /* NULL when none was written */
} Import;

static Import
import (const char *dir, const char *name, gboolean salvage)
{
  char *db = g_build_filename (work, name, NULL);
  char *mlscope = mls_test_mlscope ();
  const char *argv[] = { mlscope, "import", dir, "-o", db,
                         salvage ? "--salvage" : NULL, NULL };
  Import i = { mls_test_run (argv), NULL };

  mls_test_assert_no_hang (i.run);
  if (g_file_test (db, G_FILE_TEST_EXISTS))
    i.db = mls_test_open_db (db);
  g_unlink (db);
  g_free (mlscope);
  g_free (db);
  return i;
}

static void
import_clear (Import *i)
{
  if (i->db)
    sqlite3_close (i->db);
  mls_test_run_free (i->run);
}

static void
expect (const Import *i, int status, const char *warning)
{
  if (i->run->status != status || strstr (i->run->err, warning) == NULL)
    g_error ("expected status %d and '%s', got %d:\n%s", status, warning,
             i->run->status, i->run->err);
}

static gint64
lost_packets (const Import *i)
{
  g_assert_nonnull (i->db);
  g_assert_cmpint (mls_test_q_int (i->db, "SELECT value FROM meta WHERE key "
                   "= 'lost_packets'"), ==, mls_test_q_int (i->db,
                   "SELECT ifnull (sum (count), 0) FROM lost_events WHERE "
                   "packets = 1"));
  return mls_test_q_int (i->db, "SELECT value FROM meta WHERE key = "
                         "'lost_packets'");
}

static gint64
spans (const Import *i)
{
  return mls_test_q_int (i->db, "SELECT count(*) FROM span");
}

/* The stream files of a trace, largest first. */
static GPtrArray *
streams (const char *trace)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (trace, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      char *path = g_build_filename (trace, name, NULL);
      GStatBuf st;
      if (strcmp (name, "metadata") != 0 && g_stat (path, &st) == 0
          && S_ISREG (st.st_mode) && st.st_size > 0)
        g_ptr_array_add (found, path);
      else
        g_free (path);
    }
  g_dir_close (d);
  for (guint i = 1; i < found->len; i++)
    for (guint j = i; j > 0; j--)
      {
        GStatBuf a, b;
        g_stat (found->pdata[j - 1], &a);
        g_stat (found->pdata[j], &b);
        if (b.st_size > a.st_size)
          {
            gpointer t = found->pdata[j];
            found->pdata[j] = found->pdata[j - 1];
            found->pdata[j - 1] = t;
          }
      }
  return found;
}

static guint8 *
read_all (const char *path, gsize *len)
{
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, len, NULL));
  return (guint8 *) data;
}

static void
write_all (const char *path, const void *data, gsize len)
{
  g_assert_true (g_file_set_contents (path, data, len, NULL));
}

static guint64
u64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

static void
set_u64 (guint8 *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

/* Offset of packet `n` of a stream file. */
static gsize
packet_offset (const guint8 *data, gsize len, int n)
{
  gsize off = 0;

  for (int i = 0; i < n; i++)
    {
      off += u64 (data + off + PACKET_SIZE) / 8;
      g_assert_cmpuint (off, <, len);
    }
  return off;
}

/* A copy of a recording to damage: its folder, its trace folder, its
 * stream files (largest first) and the largest stream's bytes. */
typedef struct {
  char *dir;
  char *trace;
  GPtrArray *files;
  guint8 *data;
  gsize len;
} Damaged;

static Damaged
damaged_copy (const char *from, const char *name)
{
  Damaged d = { g_build_filename (work, name, NULL) };

  mls_test_copy_dir (from, d.dir);
  d.trace = mls_test_find_trace_dir (d.dir);
  d.files = streams (d.trace);
  d.data = read_all (d.files->pdata[0], &d.len);
  return d;
}

/* Writes the largest stream's bytes back, damaged. */
static void
damaged_write (const Damaged *d)
{
  write_all (d->files->pdata[0], d->data, d->len);
}

/* Cuts the largest stream's file to `size` bytes. */
static void
damaged_truncate (const Damaged *d, gsize size)
{
  g_assert_cmpint (truncate (d->files->pdata[0], (off_t) size), ==, 0);
}

static void
damaged_clear (Damaged *d)
{
  g_free (d->data);
  g_ptr_array_free (d->files, TRUE);
  g_free (d->trace);
  g_free (d->dir);
}

static void
test_truncated_stream (void)
{
  Damaged d = damaged_copy (good_ctf, "cut-stream");
  Import i, salvaged;

  damaged_truncate (&d, d.len - 5000);
  i = import (d.dir, "cut.mlscope", FALSE);
  expect (&i, 3, "stream truncated in the packet at offset");
  g_assert_nonnull (strstr (i.run->err, "pass --salvage to accept it"));
  g_assert_cmpint (lost_packets (&i), ==, 1);
  g_assert_cmpint (spans (&i), <, good_spans);
  g_assert_cmpint (spans (&i), >, good_spans / 2);
  /* The lost packet's time range is within the recording. */
  g_assert_cmpint (mls_test_q_int (i.db, "SELECT count(*) FROM lost_events "
                   "WHERE packets = 1 AND start_ns > 0 AND end_ns >= start_ns "
                   "AND start_ns >= (SELECT value FROM meta WHERE key = "
                   "'start_ns') - 1000000"), ==, 1);

  salvaged = import (d.dir, "cut-salvaged.mlscope", TRUE);
  expect (&salvaged, 0, "stream truncated");
  g_assert_cmpint (spans (&salvaged), ==, spans (&i));
  g_assert_cmpint (lost_packets (&salvaged), ==, 1);
  import_clear (&i);
  import_clear (&salvaged);
  damaged_clear (&d);
}

/* Garbage in place of a stream: nothing of it is a packet. */
static void
test_garbage_stream (void)
{
  Damaged d = damaged_copy (good_ctf, "garbage-stream");
  guint8 junk[3000];
  Import i;

  memset (junk, 0x5a, sizeof junk);
  write_all (d.files->pdata[d.files->len - 1], junk, sizeof junk);
  i = import (d.dir, "garbage.mlscope", FALSE);
  expect (&i, 3, "3000 bytes from offset 0 are no packet");
  g_assert_cmpint (lost_packets (&i), ==, 1);
  g_assert_cmpint (spans (&i), >, 0);
  import_clear (&i);
  damaged_clear (&d);
}

/* Damage inside packet 1, its headers intact: the packet keeps its events
 * before the damage, every other packet is kept. */
static void
test_corrupt_packet (void)
{
  Damaged d = damaged_copy (good_ctf, "bad-packet");
  gsize at = packet_offset (d.data, d.len, 1);
  gsize content = u64 (d.data + at + CONTENT_SIZE) / 8;
  Import i;

  /* Inside the events, wherever the packet's content ends: bytes in its
   * padding would be read by nobody. */
  g_assert_cmpuint (content, >, 1200);
  memset (d.data + at + content / 4, 0xff, MIN (2000, content / 2));
  damaged_write (&d);
  i = import (d.dir, "corrupt.mlscope", FALSE);
  expect (&i, 3, "corrupt data in the packet at offset");
  g_assert_cmpint (lost_packets (&i), ==, 1);
  g_assert_cmpint (spans (&i), <, good_spans);
  g_assert_cmpint (spans (&i), >, good_spans * 3 / 4);
  import_clear (&i);
  damaged_clear (&d);
}

/* An event whose vpid reads -1, as the 0xff bytes of a damaged packet
 * decode: no process id is negative, so the event is left out and said
 * (exit 3, data left out, unless --salvage), and the rest imports. The
 * import failed: "UNIQUE constraint failed" in span_kind_stats, which
 * keys its row of all processes as pid -1. */
static void
test_negative_pid (void)
{
  Import good = import (good_ctf, "pid.mlscope", FALSE);
  gint64 pid = mls_test_q_int (good.db, "SELECT min (pid) FROM process");
  Damaged d = damaged_copy (good_ctf, "negative-pid");
  gsize at = packet_offset (d.data, d.len, 1);
  gsize end = packet_offset (d.data, d.len, 2);
  guint32 le_pid = GUINT32_TO_LE ((guint32) pid);
  guint8 *vpid = NULL;
  Import i;

  import_clear (&good);
  /* The first event context in packet 1: vpid, vtid, then the thread's
   * name (the emitter's "worker-N" threads). */
  for (guint8 *from = d.data + at + 8, *name; !vpid; from = name + 1)
    {
      name = memmem (from, d.data + end - from, "worker-", 7);
      g_assert_nonnull (name);
      if (memcmp (name - 8, &le_pid, 4) == 0)
        vpid = name - 8;
    }
  memset (vpid, 0xff, 4);
  damaged_write (&d);
  for (int salvage = 0; salvage < 2; salvage++)
    {
      i = import (d.dir, "negative-pid.mlscope", salvage);
      expect (&i, salvage ? 0 : 3,
              "1 events named a negative process or thread id");
      g_assert_cmpint (mls_test_q_int (i.db, "SELECT count (*) FROM process"
                                       " WHERE pid < 0"), ==, 0);
      g_assert_cmpint (spans (&i), >=, good_spans - 1);
      import_clear (&i);
    }
  damaged_clear (&d);
}

/* One of two streams cut in the middle of its only packet: the other
 * stream is kept whole, and the cut one up to the cut. */
static void
test_cut_only_packet (void)
{
  Damaged d = damaged_copy (big_ctf, "cut-only-packet");
  Import i;

  g_assert_cmpuint (d.files->len, >=, 2);
  damaged_truncate (&d, d.len / 2);
  i = import (d.dir, "only.mlscope", FALSE);
  expect (&i, 3, "stream truncated in the packet at offset 0");
  g_assert_cmpint (lost_packets (&i), ==, 1);
  g_assert_cmpint (spans (&i), <, big_spans);
  g_assert_cmpint (spans (&i), >, 0);
  g_assert_null (strstr (i.run->err, "mlscope-salvage"));
  import_clear (&i);
  damaged_clear (&d);
}

/* Packet 2's timestamps set before packet 1's end: the packet is left
 * out; the packets before and after it, and the other streams, are read. */
static void
test_time_backwards (void)
{
  Damaged d = damaged_copy (good_ctf, "time-back");
  Import i;

  set_u64 (d.data + packet_offset (d.data, d.len, 2) + TS_BEGIN, 1000);
  damaged_write (&d);
  i = import (d.dir, "time.mlscope", FALSE);
  expect (&i, 3, "has timestamps running backwards");
  g_assert_cmpint (lost_packets (&i), ==, 1);
  g_assert_cmpint (spans (&i), >, good_spans * 3 / 4);
  import_clear (&i);
  damaged_clear (&d);
}

/* A whole packet missing from the middle of a stream: babeltrace2 sees the
 * gap in packet_seq_num and says so; the collector left nothing out, so
 * the import succeeds, and warns. */
static void
test_missing_packet (void)
{
  Damaged d = damaged_copy (good_ctf, "missing-packet");
  gsize a = packet_offset (d.data, d.len, 1);
  gsize b = packet_offset (d.data, d.len, 2);
  Import i;

  memmove (d.data + a, d.data + b, d.len - b);
  d.len -= b - a;
  damaged_write (&d);
  i = import (d.dir, "missing.mlscope", FALSE);
  expect (&i, 0, "1 packets (its sub-buffers were full)");
  g_assert_cmpint (lost_packets (&i), ==, 1);
  import_clear (&i);
  damaged_clear (&d);
}

static void
test_metadata_swapped (void)
{
  Damaged d = damaged_copy (good_ctf, "swapped");
  char *other = mls_test_find_trace_dir (other_ctf);
  char *from = g_build_filename (other, "metadata", NULL);
  char *to = g_build_filename (d.trace, "metadata", NULL);
  gsize len;
  guint8 *meta = read_all (from, &len);
  Import i;

  write_all (to, meta, len);
  i = import (d.dir, "swapped.mlscope", FALSE);
  expect (&i, 1, "belongs to another trace");
  g_assert_nonnull (strstr (i.run->err, "no mlrt events in the trace"));
  g_assert_null (i.db);
  import_clear (&i);
  g_free (meta);
  g_free (to);
  g_free (from);
  g_free (other);
  damaged_clear (&d);
}

/* babeltrace2's own words for bad metadata, naming the user's path. */
static void
test_metadata_errors (void)
{
  Damaged d = damaged_copy (good_ctf, "bad-metadata");
  char *path = g_build_filename (d.trace, "metadata", NULL);
  const char *print[] = { "babeltrace2", "--output-format=ctf-metadata",
                          d.trace, NULL };
  MlsRun *text = mls_test_run (print);
  GString *bad = g_string_new (text->out);
  Import i;

  g_assert_cmpint (text->status, ==, 0);
  g_assert_cmpint (g_string_replace (bad, "minor = 8;", "minor = 9;", 1), ==,
                   1);
  write_all (path, bad->str, bad->len);
  i = import (d.dir, "minor.mlscope", FALSE);
  expect (&i, 1, "Invalid trace's `minor` attribute");
  g_assert_nonnull (strstr (i.run->err, d.trace));
  g_assert_null (strstr (i.run->err, "mlscope-salvage"));
  import_clear (&i);

  g_string_assign (bad, text->out);
  g_string_replace (bad, "byte_order = le;", "byte_order = le; bogus one;", 1);
  write_all (path, bad->str, bad->len);
  i = import (d.dir, "syntax.mlscope", FALSE);
  expect (&i, 1, "syntax error");
  g_assert_nonnull (strstr (i.run->err, "At line"));
  import_clear (&i);
  g_string_free (bad, TRUE);
  mls_test_run_free (text);
  g_free (path);
  damaged_clear (&d);
}

/* Removes stream_instance_id (8 bytes after stream_id) from every packet
 * header and from the metadata: the layout of older tracers. */
static void
drop_stream_instance_id (const char *trace)
{
  GPtrArray *files = streams (trace);
  char *meta_path = g_build_filename (trace, "metadata", NULL);
  const char *print[] = { "babeltrace2", "--output-format=ctf-metadata",
                          trace, NULL };
  MlsRun *text = mls_test_run (print);
  GString *meta = g_string_new (text->out);

  g_assert_cmpint (g_string_replace (meta, "uint64_t stream_instance_id;",
                                     "", 1), ==, 1);
  for (guint f = 0; f < files->len; f++)
    {
      gsize len, off = 0;
      guint8 *data = read_all (files->pdata[f], &len);
      GByteArray *out = g_byte_array_new ();

      while (off < len)
        {
          gsize size = u64 (data + off + PACKET_SIZE) / 8;
          gsize start = out->len;
          g_byte_array_append (out, data + off, 24);
          g_byte_array_append (out, data + off + 32, size - 32);
          set_u64 (out->data + start + CONTENT_SIZE - 8,
                   u64 (data + off + CONTENT_SIZE) - 64);
          set_u64 (out->data + start + PACKET_SIZE - 8, (size - 8) * 8);
          off += size;
        }
      write_all (files->pdata[f], out->data, out->len);
      g_byte_array_free (out, TRUE);
      g_free (data);
    }
  write_all (meta_path, meta->str, meta->len);
  g_string_free (meta, TRUE);
  mls_test_run_free (text);
  g_free (meta_path);
  g_ptr_array_free (files, TRUE);
}

static void
test_no_stream_instance_id (void)
{
  Damaged d = damaged_copy (good_ctf, "no-instance-id");
  Import i;

  drop_stream_instance_id (d.trace);
  i = import (d.dir, "no-instance.mlscope", FALSE);
  expect (&i, 0, "wrote");
  g_assert_cmpint (spans (&i), ==, good_spans);
  g_assert_cmpint (lost_packets (&i), ==, 0);
  import_clear (&i);
  damaged_clear (&d);
}

/* stats of a recording that lost data warns, whatever the format. */
static void
test_stats_warn (void)
{
  Damaged d = damaged_copy (good_ctf, "stats-warn");
  char *db = g_build_filename (work, "stats-warn.mlscope", NULL);
  char *mlscope = mls_test_mlscope ();
  const char *imp[] = { mlscope, "import", "--salvage", d.dir, "-o", db,
                        NULL };
  const char *csv[] = { mlscope, "stats", db, "--format", "csv", NULL };
  const char *json[] = { mlscope, "stats", db, "--format", "json", NULL };
  MlsRun *run;

  damaged_truncate (&d, d.len - 5000);
  run = mls_test_run (imp);
  g_assert_cmpint (run->status, ==, 0);
  mls_test_run_free (run);
  run = mls_test_run (csv);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->err, " events and 1 packets were lost"));
  mls_test_run_free (run);
  run = mls_test_run (json);
  g_assert_nonnull (strstr (run->out, "\"lost\":{"));
  g_assert_nonnull (strstr (run->out, "\"packets\":1"));
  mls_test_run_free (run);
  g_unlink (db);
  g_free (mlscope);
  g_free (db);
  damaged_clear (&d);
}

int
main (int argc, char **argv)
{
  const char *many[] = { "pattern", "2", "150", NULL };
  const char *few[] = { "pattern", "1", "20", NULL };
  int status;

  g_test_init (&argc, &argv, NULL);
  work = test_tmpdir_new ("mlscope-test");
  good_ctf = g_build_filename (work, "good", NULL);
  big_ctf = g_build_filename (work, "big", NULL);
  other_ctf = g_build_filename (work, "other", NULL);
  good_spans = mls_test_record_kept (good_ctf, "16384", many);
  big_spans = mls_test_record_kept (big_ctf, "4194304", many);
  mls_test_record_kept (other_ctf, "16384", few);
  g_test_add_func ("/damage/truncated-stream", test_truncated_stream);
  g_test_add_func ("/damage/garbage-stream", test_garbage_stream);
  g_test_add_func ("/damage/corrupt-packet", test_corrupt_packet);
  g_test_add_func ("/damage/cut-only-packet", test_cut_only_packet);
  g_test_add_func ("/damage/negative-pid", test_negative_pid);
  g_test_add_func ("/damage/time-backwards", test_time_backwards);
  g_test_add_func ("/damage/missing-packet", test_missing_packet);
  g_test_add_func ("/damage/metadata-swapped", test_metadata_swapped);
  g_test_add_func ("/damage/metadata-errors", test_metadata_errors);
  g_test_add_func ("/damage/no-stream-instance-id",
                   test_no_stream_instance_id);
  g_test_add_func ("/damage/stats-warn", test_stats_warn);
  status = g_test_run ();
  test_tmpdir_remove (work);
  g_free (work);
  g_free (good_ctf);
  g_free (big_ctf);
  g_free (other_ctf);
  return status;
}
