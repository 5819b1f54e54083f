/*
 * mls-session-findings.c: the recording's advise findings (the rules of
 * schema/advise, the very engine `mlscope advise` runs), read in a worker
 * thread on its own connection so a big recording's rules never stall the
 * timeline; and showing one: its range selected and filling the view, its
 * first example span selected.
 */
#include "mls-finding-item.h"
#include "mls-session-private.h"

static void
advise_in_thread (GTask *task, gpointer source, gpointer data,
                  GCancellable *cancellable)
{
  MlsError err = { 0 };
  MlsStore *store = mls_store_open (data, &err);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  MlsFinding *findings = NULL;
  size_t n = 0;

  if (!store)
    {
      g_ptr_array_unref (items);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               err.message);
      return;
    }
  /* A rule that fails is said and skipped: the others still hold. */
  for (size_t r = 0; r < mls_n_rules; r++)
    if (mls_advise_run (store, &mls_rules[r], &findings, &n, &err) < 0)
      g_printerr ("mlscope-viewer: rule %s: %s\n", mls_rules[r].name,
                  err.message);
  mls_store_close (store);
  for (size_t i = 0; i < n; i++)
    g_ptr_array_add (items, mls_finding_item_new (&findings[i]));
  mls_findings_free (findings, n);
  g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_advise_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *items = g_task_propagate_pointer (G_TASK (result), &error);

  if (!items)
    {
      g_printerr ("mlscope-viewer: findings: %s\n", error->message);
      return;
    }
  mls_session_take_findings (MLS_SESSION (source), items);
}

void
mls_session_load_findings (MlsSession *self)
{
  GTask *task = g_task_new (self, NULL, on_advise_done, NULL);

  g_task_set_task_data (task, g_strdup (mls_store_path (self->store)),
                        g_free);
  g_task_run_in_thread (task, advise_in_thread);
  g_object_unref (task);
}

void
mls_session_load_findings_sync (MlsSession *self)
{
  GTask *task = g_task_new (self, NULL, NULL, NULL);
  GPtrArray *items;

  g_task_set_task_data (task, g_strdup (mls_store_path (self->store)),
                        g_free);
  g_task_run_in_thread_sync (task, advise_in_thread);
  items = g_task_propagate_pointer (task, NULL);
  if (items)
    mls_session_take_findings (self, items);
  g_object_unref (task);
}

gboolean
mls_session_show_finding (MlsSession *self, MlsFindingItem *item)
{
  gint64 start, end, pad;
  gint64 span = mls_finding_item_get_span (item);

  if (!mls_finding_item_get_range (item, &start, &end) || end <= start)
    {
      if (span <= 0)
        return FALSE;
      mls_session_set_selected_span (self, span);
      return mls_session_zoom_to_selection (self);
    }
  mls_session_select_range (self, start, end);
  mls_session_set_selected_span (self, span);
  pad = MAX ((end - start) / 8, 50);
  mls_session_set_visible (self, start - pad, end + pad);
  return TRUE;
}
