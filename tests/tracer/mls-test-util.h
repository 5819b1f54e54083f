/*
 * mls-test-util.h: helpers shared by the tracer tests: running the built
 * `mlscope` and test apps with a hard timeout, and querying the resulting
 * databases with SQLite.
 */
#ifndef MLS_TEST_UTIL_H
#define MLS_TEST_UTIL_H

#include <glib.h>
#include <sqlite3.h>

#include "test-tmpdir.h"

/* Seconds after which a command run by the tests is killed: a hang is a
 * failure, never a stuck test run. */
#define MLS_TEST_TIMEOUT_S 120

typedef struct {
  int status;               /* exit status, 128 + N when killed by signal N */
  char *out;
  char *err;
} MlsRun;

/* A file in the build tree (MLSCOPE_BUILD_ROOT). */
char *mls_test_build_path (const char *relative);
char *mls_test_mlscope (void);
char *mls_test_emitter (void);

/* Runs argv (NULL-terminated) under `timeout`, capturing its output. */
MlsRun *mls_test_run (const char *const *argv);
void mls_test_run_free (MlsRun *run);
/* Fails the test when the command hung (was killed by the timeout). */
void mls_test_assert_no_hang (const MlsRun *run);

/* The pid the emitter printed ("pid N"), or -1. */
int mls_test_emitter_pid (const char *out);

/* Records `mls-tp-emitter ARGS...` with `mlscope record --keep-ctf DIR
 * --subbuf-size SUBBUF`; returns the spans of its import. */
gint64 mls_test_record_kept (const char *dir, const char *subbuf,
                             const char *const *args);
/* The directory under `root` that holds `metadata` (the trace itself). */
char *mls_test_find_trace_dir (const char *root);
/* Copies directory `from` to `to` (cp -r). */
void mls_test_copy_dir (const char *from, const char *to);

sqlite3 *mls_test_open_db (const char *path);
/* The first column of the first row of a query formatted by
 * sqlite3_mprintf() (%Q quotes a string). */
gint64 mls_test_q_int (sqlite3 *db, const char *fmt, ...);
char *mls_test_q_text (sqlite3 *db, const char *fmt, ...);

#endif /* MLS_TEST_UTIL_H */
