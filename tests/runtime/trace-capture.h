/*
 * trace-capture.h: records the runtime's tracepoints from the test's own
 * process in a real LTTng session (a session of its own, filtered on this
 * pid so tests running meanwhile do not leak in, destroyed at the end) and
 * reads the trace back with babeltrace2 as a list of events whose fields
 * the tests look up by name.
 */
#ifndef TEST_TRACE_CAPTURE_H
#define TEST_TRACE_CAPTURE_H

#include <glib.h>

typedef struct {
  char *name;               /* "data_begin", ... (without "mlrt:") */
  guint64 ts;               /* trace clock (CLOCK_MONOTONIC) ns */
  char *line;               /* babeltrace2's text line */
} TraceEvent;

typedef struct TraceCapture TraceCapture;

/* FALSE (after g_test_skip) when lttng or babeltrace2 is missing. */
gboolean trace_capture_available (void);

/* Creates session "<prefix>-<pid>" writing into `dir`, enables mlrt:*
 * for this process, waits for the process to be registered with the
 * session daemon and starts recording. */
TraceCapture *trace_capture_start (const char *prefix, const char *dir);

/* Stops and destroys the session and returns the mlrt events recorded,
 * in time order (g_ptr_array_unref frees them). */
GPtrArray *trace_capture_stop (TraceCapture *capture);

/* A field of an event (an enum's label, a string or an integer, as text,
 * g_free it); fails the test when the event has no such field. */
char *trace_field (const TraceEvent *e, const char *key);
guint64 trace_u64 (const TraceEvent *e, const char *key);
/* Whether field `key` exists and reads `want`. */
gboolean trace_is (const TraceEvent *e, const char *key,
                         const char *want);

/* The first event `name` whose integer field `key` is `value`, or NULL. */
const TraceEvent *trace_find (GPtrArray *events, const char *name,
                              const char *key, guint64 value);

/* Runs a command line, failing the test when it fails; its stdout. */
char *trace_run (const char *cmd);

#endif /* TEST_TRACE_CAPTURE_H */
