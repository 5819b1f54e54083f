/*
 * mls-record.h: LTTng session control for `mlscope record`
 * (mls-record-lttng.c), through liblttng-ctl.
 */
#ifndef MLS_RECORD_H
#define MLS_RECORD_H

#include <glib.h>

#define MLS_RECORD_ERROR (mls_record_error_quark ())
GQuark mls_record_error_quark (void);

#define MLS_RECORD_CHANNEL "mlscope"
/* Per-CPU sub-buffers of the channel: 4 x 4 MiB lost none of 6 M events
 * in a tight burst on this platform; 64 KiB x 4 lost about two thirds. */
#define MLS_RECORD_SUBBUF_SIZE (4u << 20)
#define MLS_RECORD_NUM_SUBBUF 4

/* Starts `lttng-sessiond --daemonize` when no session daemon answers. */
gboolean mls_lttng_ensure_sessiond (GError **error);

/* Creates session `name` writing to `output_dir` with the mlscope channel,
 * the mlrt:* events (the debug-level layer events only with `layers`) and
 * the vpid / vtid / procname contexts. On failure nothing is left behind. */
gboolean mls_lttng_session_setup (const char *name, const char *output_dir,
                                  gboolean layers, guint64 subbuf_size,
                                  GError **error);
gboolean mls_lttng_session_start (const char *name, GError **error);
/* Stops tracing; returns once every event is on disk. */
gboolean mls_lttng_session_stop (const char *name, GError **error);
gboolean mls_lttng_session_destroy (const char *name, GError **error);

#endif /* MLS_RECORD_H */
