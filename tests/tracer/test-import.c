/*
 * test-import.c: `mlscope import` on good traces and on traces it cannot
 * read at all. One real recording (kept as CTF) is imported again, and
 * copied and damaged where nothing can be kept: garbage, truncated or
 * empty metadata, metadata cut at a packet boundary, a metadata file that
 * is a FIFO nobody writes, empty or missing directories. Each must give a
 * clear error naming the file and exit 1, never a crash or a hang.
 * Damaged streams, where something can be kept, are test-damage.c's.
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

static void
record_good_trace (void)
{
  const char *args[] = { "pattern", "2", "150", NULL };

  good_ctf = g_build_filename (work, "good", NULL);
  good_spans = mls_test_record_kept (good_ctf, "16384", args);
  g_assert_cmpint (good_spans, >, 100);
}

/* A fresh copy of the good recording; returns its trace directory (the
 * one holding metadata) through `trace_dir`. */
static char *
copy_good (const char *name, char **trace_dir)
{
  char *copy = g_build_filename (work, name, NULL);

  mls_test_copy_dir (good_ctf, copy);
  *trace_dir = mls_test_find_trace_dir (copy);
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
  g_test_add_func ("/import/watchdog", test_watchdog);
  g_test_add_func ("/import/unwritable-output", test_unwritable_output);
  g_test_add_func ("/import/usage", test_usage);
  int status = g_test_run ();
  test_tmpdir_remove (work);
  g_free (work);
  g_free (good_ctf);
  return status;
}
