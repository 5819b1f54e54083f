/*
 * test-import.c: `mlscope import` on good and damaged traces. One real
 * recording (kept as CTF, with small sub-buffers so streams hold many
 * packets) is copied and damaged in the ways recordings really get damaged:
 * garbage, truncated or empty metadata, metadata cut at a packet boundary,
 * a data stream cut in the middle of a packet, damage inside a packet,
 * empty or missing directories. Each must give a clear error naming the file and a non-zero
 * exit (or, for a cut stream, keep every whole packet and warn), never a
 * crash or a hang.
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mls-test-util.h"

static char *work;            /* temporary directory for the whole run */
static char *good_ctf;        /* the kept recording */
static gint64 good_spans;     /* spans in the recording's own import */

/* The directory under `root` holding `metadata`. */
static char *
find_trace_dir (const char *root)
{
  char *meta = g_build_filename (root, "metadata", NULL);
  gboolean here = g_file_test (meta, G_FILE_TEST_EXISTS);
  g_free (meta);
  if (here)
    return g_strdup (root);
  GDir *d = g_dir_open (root, 0, NULL);
  const char *name;
  char *found = NULL;
  while (found == NULL && d && (name = g_dir_read_name (d)) != NULL)
    {
      char *sub = g_build_filename (root, name, NULL);
      if (g_file_test (sub, G_FILE_TEST_IS_DIR))
        found = find_trace_dir (sub);
      g_free (sub);
    }
  if (d)
    g_dir_close (d);
  return found;
}

static void
record_good_trace (void)
{
  good_ctf = g_build_filename (work, "good", NULL);
  char *db = g_build_filename (work, "good.mlscope", NULL);
  char *mlscope = mls_test_mlscope ();
  char *emitter = mls_test_emitter ();
  const char *argv[] = { mlscope, "record", "-o", db, "--keep-ctf", good_ctf,
                         "--subbuf-size", "16384", "--", emitter, "pattern",
                         "2", "150", NULL };
  MlsRun *run = mls_test_run (argv);
  g_assert_cmpint (run->status, ==, 0);
  sqlite3 *s = mls_test_open_db (db);
  good_spans = mls_test_q_int (s, "SELECT count(*) FROM span");
  sqlite3_close (s);
  g_assert_cmpint (good_spans, >, 100);
  mls_test_run_free (run);
  g_free (db);
  g_free (mlscope);
  g_free (emitter);
}

/* A fresh copy of the good recording; returns its trace directory (the
 * one holding metadata) through `trace_dir`. */
static char *
copy_good (const char *name, char **trace_dir)
{
  char *copy = g_build_filename (work, name, NULL);
  const char *argv[] = { "cp", "-r", good_ctf, copy, NULL };
  MlsRun *run = mls_test_run (argv);
  g_assert_cmpint (run->status, ==, 0);
  mls_test_run_free (run);
  *trace_dir = find_trace_dir (copy);
  g_assert_nonnull (*trace_dir);
  return copy;
}

static MlsRun *
import (const char *dir, const char *db)
{
  char *mlscope = mls_test_mlscope ();
  const char *argv[] = { mlscope, "import", dir, "-o", db, NULL };
  MlsRun *run = mls_test_run (argv);
  mls_test_assert_no_hang (run);
  g_free (mlscope);
  return run;
}

/* Imports `dir`, expecting failure with `message` in the error, and no
 * database (not even a partial one) left behind. */
static void
assert_import_fails (const char *dir, const char *message)
{
  char *db = g_build_filename (work, "bad.mlscope", NULL);
  char *partial = g_strconcat (db, ".partial", NULL);
  MlsRun *run = import (dir, db);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, message));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  mls_test_run_free (run);
  g_free (partial);
  g_free (db);
}

static void
write_bytes (const char *path, const void *data, gsize len)
{
  GError *error = NULL;
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
}

static void
test_reimport (void)
{
  char *db = g_build_filename (work, "again.mlscope", NULL);
  MlsRun *run = import (good_ctf, db);
  g_assert_cmpint (run->status, ==, 0);
  sqlite3 *s = mls_test_open_db (db);
  g_assert_cmpint (mls_test_q_int (s, "SELECT count(*) FROM span"), ==,
                   good_spans);
  sqlite3_close (s);
  mls_test_run_free (run);
  g_free (db);
}

static void
test_missing_and_empty (void)
{
  char *missing = g_build_filename (work, "no-such-dir", NULL);
  assert_import_fails (missing, "no-such-dir: no such directory");
  char *empty = g_build_filename (work, "empty", NULL);
  g_mkdir (empty, 0755);
  assert_import_fails (empty, "empty: no CTF trace found");
  g_free (missing);
  g_free (empty);
}

static void
test_garbage_metadata (void)
{
  char *trace;
  char *copy = copy_good ("garbage-meta", &trace);
  char *meta = g_build_filename (trace, "metadata", NULL);
  guint8 junk[6000];
  for (gsize i = 0; i < sizeof junk; i++)
    junk[i] = g_random_int ();
  write_bytes (meta, junk, sizeof junk);
  assert_import_fails (copy, "metadata: not a CTF metadata file");

  /* CTF signature, then nonsense: babeltrace2's parser refuses it. */
  const char *text = "/* CTF 1.8 */\ntrace { major = 1; garbage garbage";
  write_bytes (meta, text, strlen (text));
  assert_import_fails (copy, "cannot read the trace's metadata");

  write_bytes (meta, "", 0);
  assert_import_fails (copy, "metadata: empty metadata file");
  g_free (meta);
  g_free (trace);
  g_free (copy);
}

/* babeltrace2 2.0.4 spins forever on these: the pre-check must catch them. */
static void
test_truncated_metadata (void)
{
  char *trace;
  char *copy = copy_good ("cut-meta", &trace);
  char *meta = g_build_filename (trace, "metadata", NULL);
  char *whole;
  gsize len;
  g_assert_true (g_file_get_contents (meta, &whole, &len, NULL));
  write_bytes (meta, whole, len - 100);
  assert_import_fails (copy, "metadata: metadata truncated");
  write_bytes (meta, whole, 20);
  assert_import_fails (copy, "metadata: metadata truncated");

  /* Cut at a packet boundary: every packet whole, the text incomplete. */
  g_assert_cmpuint (len, >, 4096);
  write_bytes (meta, whole, 4096);
  assert_import_fails (copy, "cannot read the trace's metadata");
  g_free (whole);
  g_free (meta);
  g_free (trace);
  g_free (copy);
}

/* The largest data stream file of a trace directory. */
static char *
largest_stream (const char *trace, goffset *size)
{
  GDir *d = g_dir_open (trace, 0, NULL);
  const char *name;
  char *best = NULL;
  *size = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      char *path = g_build_filename (trace, name, NULL);
      GStatBuf st;
      if (strcmp (name, "metadata") != 0 && g_stat (path, &st) == 0
          && S_ISREG (st.st_mode) && st.st_size > *size)
        {
          g_free (best);
          best = g_strdup (path);
          *size = st.st_size;
        }
      g_free (path);
    }
  g_dir_close (d);
  return best;
}

/* A stream cut inside its last packet: babeltrace2 would refuse the whole
 * trace; the import keeps every whole packet, warns naming the file, and
 * succeeds. */
static void
test_truncated_stream (void)
{
  char *trace;
  char *copy = copy_good ("cut-stream", &trace);
  goffset size;
  char *stream = largest_stream (trace, &size);
  g_assert_cmpint (size, >=, 3 * 16384);
  g_assert_cmpint (truncate (stream, size - 5000), ==, 0);

  char *db = g_build_filename (work, "cut-stream.mlscope", NULL);
  MlsRun *run = import (copy, db);
  g_assert_cmpint (run->status, ==, 0);
  char *base = g_path_get_basename (stream);
  g_assert_nonnull (strstr (run->err, base));
  g_assert_nonnull (strstr (run->err, "stream truncated"));
  sqlite3 *s = mls_test_open_db (db);
  gint64 spans = mls_test_q_int (s, "SELECT count(*) FROM span");
  g_assert_cmpint (spans, <, good_spans);
  g_assert_cmpint (spans, >, good_spans / 4);
  /* The salvage copy is temporary: nothing left in the trace itself. */
  g_assert_cmpint (mls_test_q_int (s, "SELECT count(*) FROM meta WHERE key "
                   "= 'trace_path' AND value LIKE '%%cut-stream'"), ==, 1);
  sqlite3_close (s);

  /* Garbage instead of the stream: its packets are dropped, others kept. */
  guint8 junk[3000];
  memset (junk, 0x5a, sizeof junk);
  write_bytes (stream, junk, sizeof junk);
  mls_test_run_free (run);
  run = import (copy, db);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->err, "stream truncated"));

  mls_test_run_free (run);
  g_free (base);
  g_free (db);
  g_free (stream);
  g_free (trace);
  g_free (copy);
}

/* Damage inside a packet (headers intact): babeltrace2 fails mid-read; the
 * import finds the stream and packet, cuts that packet out, reads again,
 * keeps everything else, and counts the packet as lost. */
static void
test_corrupt_packet (void)
{
  char *trace;
  char *copy = copy_good ("bad-packet", &trace);
  goffset size;
  char *stream = largest_stream (trace, &size);
  g_assert_cmpint (size, >=, 3 * 16384);
  /* Packet 1 (16 KiB packets), well past its header. */
  FILE *f = fopen (stream, "r+b");
  g_assert_nonnull (f);
  guint8 junk[2000];
  memset (junk, 0xff, sizeof junk);
  g_assert_cmpint (fseek (f, 16384 + 4000, SEEK_SET), ==, 0);
  g_assert_cmpint (fwrite (junk, 1, sizeof junk, f), ==, sizeof junk);
  fclose (f);

  char *db = g_build_filename (work, "bad-packet.mlscope", NULL);
  MlsRun *run = import (copy, db);
  g_assert_cmpint (run->status, ==, 0);
  char *base = g_path_get_basename (stream);
  g_assert_nonnull (strstr (run->err, base));
  g_assert_nonnull (strstr (run->err, "corrupt data in the packet at offset "
                            "16384"));
  sqlite3 *s = mls_test_open_db (db);
  gint64 spans = mls_test_q_int (s, "SELECT count(*) FROM span");
  g_assert_cmpint (spans, <, good_spans);
  g_assert_cmpint (spans, >, good_spans / 2);
  g_assert_cmpint (mls_test_q_int (s, "SELECT value FROM meta WHERE key = "
                   "'lost_packets'"), >=, 1);
  sqlite3_close (s);
  mls_test_run_free (run);
  g_free (base);
  g_free (db);
  g_free (stream);
  g_free (trace);
  g_free (copy);
}

/* A read that makes no progress (here: metadata is a FIFO nobody writes)
 * ends with an error from the watchdog, not a hang. */
static void
test_watchdog (void)
{
  char *trace;
  char *copy = copy_good ("fifo-meta", &trace);
  char *meta = g_build_filename (trace, "metadata", NULL);
  g_assert_cmpint (g_unlink (meta), ==, 0);
  g_assert_cmpint (mkfifo (meta, 0600), ==, 0);
  char *db = g_build_filename (work, "fifo.mlscope", NULL);
  char *mlscope = mls_test_mlscope ();
  const char *argv[] = { "env", "MLSCOPE_IMPORT_WATCHDOG_S=2", mlscope,
                         "import", copy, "-o", db, NULL };
  gint64 t0 = g_get_monotonic_time ();
  MlsRun *run = mls_test_run (argv);
  mls_test_assert_no_hang (run);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 30 * G_TIME_SPAN_SECOND);
  g_assert_nonnull (strstr (run->err, "made no progress for 2 s"));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  mls_test_run_free (run);
  g_free (mlscope);
  g_free (db);
  g_free (meta);
  g_free (trace);
  g_free (copy);
}

static void
test_unwritable_output (void)
{
  MlsRun *run = import (good_ctf, "/nonexistent-dir/out.mlscope");
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "/nonexistent-dir/out.mlscope"));
  mls_test_run_free (run);
}

static void
test_usage (void)
{
  char *mlscope = mls_test_mlscope ();
  const char *no_out[] = { mlscope, "import", good_ctf, NULL };
  MlsRun *run = mls_test_run (no_out);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, "-o FILE.mlscope is required"));
  mls_test_run_free (run);
  g_free (mlscope);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  work = test_tmpdir_new ("mlscope-test");
  record_good_trace ();
  g_test_add_func ("/import/reimport", test_reimport);
  g_test_add_func ("/import/missing-and-empty", test_missing_and_empty);
  g_test_add_func ("/import/garbage-metadata", test_garbage_metadata);
  g_test_add_func ("/import/truncated-metadata", test_truncated_metadata);
  g_test_add_func ("/import/truncated-stream", test_truncated_stream);
  g_test_add_func ("/import/corrupt-packet", test_corrupt_packet);
  g_test_add_func ("/import/watchdog", test_watchdog);
  g_test_add_func ("/import/unwritable-output", test_unwritable_output);
  g_test_add_func ("/import/usage", test_usage);
  int status = g_test_run ();
  test_tmpdir_remove (work);
  g_free (work);
  g_free (good_ctf);
  return status;
}
