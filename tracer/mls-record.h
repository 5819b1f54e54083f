/*
 * mls-record.h: what `mlscope record` is made of: LTTng session control
 * through liblttng-ctl (mls-record-lttng.c) and running the command with
 * every process it starts tracked (mls-record-follow.c).
 */
#ifndef MLS_RECORD_H
#define MLS_RECORD_H

#include <glib.h>

#include "mls-record-facts.h"

#define MLS_RECORD_ERROR (mls_record_error_quark ())
enum { MLS_RECORD_ERROR_FAILED = 1 };
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
/* The same, writing to `url` (file://DIR, or net://HOST[:C:D] for a relay
 * daemon), a live session when live_timer_us is not 0 (its sub-buffers
 * are sent to the relay daemon at least that often). */
gboolean mls_lttng_session_setup_url (const char *name, const char *url,
                                      guint live_timer_us, gboolean layers,
                                      guint64 subbuf_size, GError **error);
gboolean mls_lttng_session_start (const char *name, GError **error);

/* The session's process tracker: once created, the session records only
 * the processes (vpids) added to it, from the moment each is added. Create
 * it before starting the session. */
typedef struct MlsLttngTracker MlsLttngTracker;

MlsLttngTracker *mls_lttng_tracker_new (const char *session, GError **error);
gboolean mls_lttng_tracker_add (MlsLttngTracker *tracker, int pid,
                                GError **error);
void mls_lttng_tracker_free (MlsLttngTracker *tracker);
/* Stops tracing; returns once every event is on disk. */
gboolean mls_lttng_session_stop (const char *name, GError **error);
gboolean mls_lttng_session_destroy (const char *name, GError **error);

/* ---- mls-record-follow.c ---- */

typedef struct {
  /* Called for the launched process and each process it starts, while it
   * is stopped; FALSE with `error` when it could not be tracked. */
  gboolean (*track) (int pid, gpointer data, GError **error);
  gpointer data;
  gboolean follow;          /* FALSE: the launched process only */
} MlsFollowOptions;

/* Runs argv as a child, tracked before it runs, and (with follow) every
 * process it starts; their facts go into `facts`. Returns the launched
 * process's wait status, or -1 with `error` when it could not be run.
 * Ctrl-C reaches the command from the terminal; mlscope ignores it (and
 * forwards SIGTERM and SIGHUP) so that it can stop the session after. */
int mls_follow_run (char **argv, const MlsFollowOptions *options,
                    MlsRecordFacts *facts, GError **error);

/* ---- mls-relay.c ---- */

/* A relay daemon (lttng-relayd) on a host's control, data and live ports,
 * writing what it receives under `output`. */
typedef struct {
  int pid;                  /* 0: not known here (a remote one) */
  gboolean child;           /* started by this process, not yet waited */
  char *host;
  int ports[3];             /* control, data, live */
  char *output;
} MlsRelay;

#define MLS_RELAY_STATE "mlscope-relay.ini"

/* Starts lttng-relayd on 127.0.0.1 writing under `output`; ports 0 are
 * chosen among the free ones. `detach`: in a session of its own, to
 * outlive this process. Returns once it accepts connections. */
MlsRelay *mls_relay_start (const char *output, const int ports[3],
                           gboolean detach, GError **error);
/* Ends the daemon by its pid (SIGTERM; SIGKILL after 15 s), after
 * checking the pid is still an lttng-relayd. */
gboolean mls_relay_stop (MlsRelay *relay, GError **error);
/* Whether relay->pid is a running lttng-relayd. */
gboolean mls_relay_alive (const MlsRelay *relay);
void mls_relay_free (MlsRelay *relay);
/* The state file OUTPUT/mlscope-relay.ini, for `mlscope relay`. */
gboolean mls_relay_save (const MlsRelay *relay, GError **error);
MlsRelay *mls_relay_load (const char *output, GError **error);
/* When `dir`, or the directory it is in, is the output of a relay daemon
 * `mlscope relay start` started that is gone while its state file is
 * still there (never stopped: it died, and the recording it was receiving
 * was cut short), what that means for the recordings in it, naming
 * `dir`, the daemon and the recording written last; NULL otherwise. */
char *mls_relay_died (const char *dir);
/* net://HOST[:CONTROL[:DATA[:LIVE]]] (LTTng's default ports 5342, 5343,
 * 5344 where absent) into a relay with pid 0. */
MlsRelay *mls_relay_parse_url (const char *url, GError **error);
/* LTTng's session URL net://HOST:CONTROL:DATA (g_free). */
char *mls_relay_session_url (const MlsRelay *relay);
/* lttng-live's URL of a session recorded on `hostname` (g_free). */
char *mls_relay_live_url (const MlsRelay *relay, const char *hostname,
                          const char *session);

#endif /* MLS_RECORD_H */
