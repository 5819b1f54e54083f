/*
 * mls-record-lttng.c: creates, starts, stops and destroys the LTTng
 * sessions `mlscope record` traces with, through liblttng-ctl.
 *
 * One channel in per-user buffers, discard mode, with sub-buffers large
 * enough not to lose events in bursts (mls-record.h).
 */
#include <lttng/lttng.h>
#include <string.h>

#include "mls-record.h"

#define SESSIOND_WAIT_MS 10000

G_DEFINE_QUARK (mls-record-error-quark, mls_record_error)

static struct lttng_domain
ust_domain (void)
{
  struct lttng_domain domain;
  memset (&domain, 0, sizeof domain);
  domain.type = LTTNG_DOMAIN_UST;
  domain.buf_type = LTTNG_BUFFER_PER_UID;
  return domain;
}

static gboolean
lttng_fail (int ret, GError **error, const char *what, const char *name)
{
  g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED, "LTTng session '%s': %s: %s", name,
               what, lttng_strerror (ret));
  return FALSE;
}

gboolean
mls_lttng_ensure_sessiond (GError **error)
{
  if (lttng_session_daemon_alive () == 1)
    return TRUE;
  char *argv[] = { "lttng-sessiond", "--daemonize", NULL };
  char *err_out = NULL;
  int wait_status;
  GError *spawn_error = NULL;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH
                     | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err_out,
                     &wait_status, &spawn_error))
    {
      g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED,
                   "no LTTng session daemon runs and starting one failed: %s "
                   "(install lttng-tools)", spawn_error->message);
      g_error_free (spawn_error);
      return FALSE;
    }
  /* --daemonize returns once the daemon is ready; wait a little anyway in
   * case its sockets are not answering yet. */
  for (int waited = 0; waited < SESSIOND_WAIT_MS; waited += 50)
    {
      if (lttng_session_daemon_alive () == 1)
        {
          g_free (err_out);
          return TRUE;
        }
      g_usleep (50 * 1000);
    }
  g_strstrip (err_out);
  g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED,
               "no LTTng session daemon runs and `lttng-sessiond --daemonize` "
               "did not start one%s%s", *err_out ? ": " : "", err_out);
  g_free (err_out);
  return FALSE;
}

static gboolean
add_channel (struct lttng_handle *handle, const char *name,
             guint64 subbuf_size, GError **error)
{
  struct lttng_domain domain = ust_domain ();
  struct lttng_channel *chan = lttng_channel_create (&domain);
  if (chan == NULL)
    return lttng_fail (-LTTNG_ERR_NOMEM, error, "creating a channel", name);
  g_strlcpy (chan->name, MLS_RECORD_CHANNEL, sizeof chan->name);
  chan->enabled = 1;
  chan->attr.overwrite = 0;
  chan->attr.subbuf_size = subbuf_size;
  chan->attr.num_subbuf = MLS_RECORD_NUM_SUBBUF;
  int ret = lttng_enable_channel (handle, chan);
  lttng_channel_destroy (chan);
  return ret < 0 ? lttng_fail (ret, error, "enabling the channel", name)
                 : TRUE;
}

static gboolean
add_events (struct lttng_handle *handle, const char *name, gboolean layers,
            GError **error)
{
  struct lttng_event *ev = lttng_event_create ();
  g_strlcpy (ev->name, "mlrt:*", sizeof ev->name);
  ev->type = LTTNG_EVENT_TRACEPOINT;
  /* Tracepoints without a log level are at DEBUG_LINE; the layer events are
   * at DEBUG, one step less severe, so a range up to DEBUG_LINE leaves them
   * out. */
  if (layers)
    {
      ev->loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL;
      ev->loglevel = -1;
    }
  else
    {
      ev->loglevel_type = LTTNG_EVENT_LOGLEVEL_RANGE;
      ev->loglevel = LTTNG_LOGLEVEL_DEBUG_LINE;
    }
  int ret = lttng_enable_event (handle, ev, MLS_RECORD_CHANNEL);
  lttng_event_destroy (ev);
  if (ret < 0)
    return lttng_fail (ret, error, "enabling the mlrt:* events", name);

  static const enum lttng_event_context_type contexts[] = {
    LTTNG_EVENT_CONTEXT_VPID, LTTNG_EVENT_CONTEXT_VTID,
    LTTNG_EVENT_CONTEXT_PROCNAME,
  };
  for (gsize i = 0; i < G_N_ELEMENTS (contexts); i++)
    {
      struct lttng_event_context ctx;
      memset (&ctx, 0, sizeof ctx);
      ctx.ctx = contexts[i];
      ret = lttng_add_context (handle, &ctx, NULL, MLS_RECORD_CHANNEL);
      if (ret < 0)
        return lttng_fail (ret, error, "adding a context", name);
    }
  return TRUE;
}

gboolean
mls_lttng_session_setup (const char *name, const char *output_dir,
                         gboolean layers, guint64 subbuf_size,
                         GError **error)
{
  char *url = g_strconcat ("file://", output_dir, NULL);
  gboolean ok = mls_lttng_session_setup_url (name, url, 0, layers,
                                             subbuf_size, error);
  g_free (url);
  return ok;
}

gboolean
mls_lttng_session_setup_url (const char *name, const char *url,
                             guint live_timer_us, gboolean layers,
                             guint64 subbuf_size, GError **error)
{
  int ret = live_timer_us ? lttng_create_session_live (name, url,
                                                       live_timer_us)
                          : lttng_create_session (name, url);
  if (ret < 0)
    return lttng_fail (ret, error, "creating it", name);
  struct lttng_domain domain = ust_domain ();
  struct lttng_handle *handle = lttng_create_handle (name, &domain);
  gboolean ok = handle != NULL && add_channel (handle, name, subbuf_size, error)
                && add_events (handle, name, layers, error);
  if (handle == NULL)
    lttng_fail (-LTTNG_ERR_NOMEM, error, "creating a handle", name);
  lttng_destroy_handle (handle);
  if (!ok)
    lttng_destroy_session (name);
  return ok;
}

gboolean
mls_lttng_session_start (const char *name, GError **error)
{
  int ret = lttng_start_tracing (name);
  return ret < 0 ? lttng_fail (ret, error, "starting it", name) : TRUE;
}

gboolean
mls_lttng_session_stop (const char *name, GError **error)
{
  int ret = lttng_stop_tracing (name);
  return ret < 0 && ret != -LTTNG_ERR_TRACE_ALREADY_STOPPED
         ? lttng_fail (ret, error, "stopping it", name) : TRUE;
}

gboolean
mls_lttng_session_destroy (const char *name, GError **error)
{
  int ret = lttng_destroy_session (name);
  return ret < 0 ? lttng_fail (ret, error, "destroying it", name) : TRUE;
}

struct MlsLttngTracker {
  char *session;
  struct lttng_process_attr_tracker_handle *handle;
};

static const char *
tracker_status_text (enum lttng_process_attr_tracker_handle_status status)
{
  switch (status)
    {
    case LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_SESSION_DOES_NOT_EXIST:
      return "the session does not exist";
    case LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_COMMUNICATION_ERROR:
      return "the session daemon does not answer";
    case LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_INVALID_TRACKING_POLICY:
      return "the tracker is not in include-set mode";
    case LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_GROUP_NOT_FOUND:
    case LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_USER_NOT_FOUND:
    case LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_ERROR:
    case LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_INVALID:
    case LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_OK:
    case LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_EXISTS:
    case LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_MISSING:
    default:
      break;
    }
  return "the session daemon refused";
}

MlsLttngTracker *
mls_lttng_tracker_new (const char *session, GError **error)
{
  MlsLttngTracker *t = g_new0 (MlsLttngTracker, 1);
  enum lttng_error_code ret;
  enum lttng_process_attr_tracker_handle_status status;

  t->session = g_strdup (session);
  ret = lttng_session_get_tracker_handle (
    session, LTTNG_DOMAIN_UST, LTTNG_PROCESS_ATTR_VIRTUAL_PROCESS_ID,
    &t->handle);
  if (ret != LTTNG_OK)
    {
      lttng_fail (-ret, error, "getting its process tracker", session);
      mls_lttng_tracker_free (t);
      return NULL;
    }
  /* An empty inclusion set: nothing is recorded until a pid is added. */
  status = lttng_process_attr_tracker_handle_set_tracking_policy (
    t->handle, LTTNG_TRACKING_POLICY_INCLUDE_SET);
  if (status != LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_OK)
    {
      g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED, "LTTng session '%s': cannot "
                   "narrow it to given processes: %s", session,
                   tracker_status_text (status));
      mls_lttng_tracker_free (t);
      return NULL;
    }
  return t;
}

gboolean
mls_lttng_tracker_add (MlsLttngTracker *t, int pid, GError **error)
{
  enum lttng_process_attr_tracker_handle_status status =
    lttng_process_attr_virtual_process_id_tracker_handle_add_pid (t->handle,
                                                                  pid);

  if (status == LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_OK
      || status == LTTNG_PROCESS_ATTR_TRACKER_HANDLE_STATUS_EXISTS)
    return TRUE;
  g_set_error (error, MLS_RECORD_ERROR, MLS_RECORD_ERROR_FAILED, "LTTng session '%s': cannot "
               "track process %d: %s", t->session, pid,
               tracker_status_text (status));
  return FALSE;
}

void
mls_lttng_tracker_free (MlsLttngTracker *t)
{
  if (t == NULL)
    return;
  if (t->handle)
    lttng_process_attr_tracker_handle_destroy (t->handle);
  g_free (t->session);
  g_free (t);
}
