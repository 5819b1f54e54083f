/*
 * mls-process-item.h: a process or a thread of the open trace as a list
 * item, with a "visible" property the process filter's check buttons bind
 * to and the session reads as its filter.
 *
 * MlsProcessItem: pid, name, label ("detect-demo  pid 4100"), visible
 *   (setting it sets every thread's), threads (GListModel of
 *   MlsThreadItem), n-threads.
 * MlsThreadItem: pid, tid, name, label ("mlrt-worker  4102"), visible.
 */
#ifndef MLS_PROCESS_ITEM_H
#define MLS_PROCESS_ITEM_H

#include <gio/gio.h>

G_BEGIN_DECLS

#define MLS_TYPE_THREAD_ITEM (mls_thread_item_get_type ())
G_DECLARE_FINAL_TYPE (MlsThreadItem, mls_thread_item, MLS, THREAD_ITEM,
                      GObject)
#define MLS_TYPE_PROCESS_ITEM (mls_process_item_get_type ())
G_DECLARE_FINAL_TYPE (MlsProcessItem, mls_process_item, MLS, PROCESS_ITEM,
                      GObject)

MlsThreadItem *mls_thread_item_new (gint64 pid, gint64 tid,
                                    const char *name);
gint64 mls_thread_item_get_pid (MlsThreadItem *self);
gint64 mls_thread_item_get_tid (MlsThreadItem *self);
gboolean mls_thread_item_get_visible (MlsThreadItem *self);
void mls_thread_item_set_visible (MlsThreadItem *self, gboolean visible);

/* threads: MlsThreadItem, taken. */
MlsProcessItem *mls_process_item_new (gint64 pid, const char *name,
                                      GListStore *threads);
gint64 mls_process_item_get_pid (MlsProcessItem *self);
GListModel *mls_process_item_get_threads (MlsProcessItem *self);
gboolean mls_process_item_get_visible (MlsProcessItem *self);
void mls_process_item_set_visible (MlsProcessItem *self, gboolean visible);

G_END_DECLS

#endif /* MLS_PROCESS_ITEM_H */
