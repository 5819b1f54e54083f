/*
 * mls-test-trace.h: trace databases for the viewer's tests, benchmarks and
 * screenshots, written through the store's write API (mls-store.h). Their
 * temporary directories are removed with test_tmpdir_remove.
 */
#ifndef MLS_TEST_TRACE_H
#define MLS_TEST_TRACE_H

#include <glib.h>

#include "mls-store.h"
#include "test-tmpdir.h"

/* A recording-like trace: model compiles and loads, then frames of
 * predictions alternating between two style models on the GPU while a
 * detector predicts on the NPU, each prediction with its validation,
 * conversions, copies and compute request (and the device busy under it).
 * 16 spans a frame. With `damaged`, events are lost mid-trace and
 * the last prediction never ends. */
gboolean mls_test_trace_write_demo (const char *path, gint64 n_frames,
                                    gboolean damaged, GError **error);

/* A small trace with spans at known times from T0 = 1 s: model-a loads
 * over [0, 5) ms and predicts over [10, 20) ms (input conversion
 * [11, 13), GPU compute request [13, 19), GPU busy [14, 18)); model-b
 * predicts over [50, 60) ms and over [75, 95) ms without an end seen;
 * model-a unloads over [98, 100) ms; 12 events are lost over [70, 71) ms. */
void mls_test_trace_write_known (const char *path);

/* Adds one span through the store; aborts the test on failure. */
gint64 mls_test_add_span (MlsStore *store, int kind_id, gint64 model_id,
                          gint64 parent_id, int depth, gint64 start_ns,
                          gint64 end_ns, gboolean complete);

#endif /* MLS_TEST_TRACE_H */
