/*
 * mls-test-recordings.h: the recordings `mlscope diff` and `mlscope advise`
 * are tested on, made once per test run with `mlscope record` of the
 * example apps, the tracer tests' emitter and mls-predict-app, and shared
 * by every test that needs them.
 */
#ifndef MLS_TEST_RECORDINGS_H
#define MLS_TEST_RECORDINGS_H

#include <json-c/json.h>

#include "mls-test-util.h"

/* The path of the recording NAME (mls-test-recordings.c lists them),
 * recorded on first use; NULL, with the test failed, when recording it
 * failed. */
const char *mls_test_recording (const char *name);
/* Removes every recording made. */
void mls_test_recordings_clear (void);

/* `mlscope ARGS...` (NULL-terminated). */
MlsRun *mls_test_mlscope_run (const char *first, ...) G_GNUC_NULL_TERMINATED;
/* The same, which must succeed and print JSON: the parsed output. */
json_object *mls_test_mlscope_json (const char *first, ...)
  G_GNUC_NULL_TERMINATED;
/* O's member KEY, which must be there (its value may be NULL: JSON null). */
json_object *mls_test_json_get (json_object *o, const char *key);

#endif /* MLS_TEST_RECORDINGS_H */
