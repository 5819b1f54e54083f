/*
 * mls-session.h: the view state of one open trace, as a GObject whose
 * properties widgets bind to and are notified by (as Sysprof's session):
 * the visible time range, the dragged selection, the selected span, what
 * the table highlights, how the tracks are grouped, and which processes
 * and threads are shown. The tracks' layout follows from it
 * (mls-layout.h); the window, --render-png, the tests and the benchmark
 * all draw from a session.
 *
 * Properties (all notify):
 *   visible-start, visible-end   int64, read-only: set with set_visible
 *   has-selection                boolean, read-only: select_range / clear
 *   selection-start, -end        int64, read-only
 *   selected-span                int64: 0 none
 *   highlight-kind               int: 0 none; the table's selected row
 *   highlight-model              int64: -1 any model, 0 none
 *   grouped                      boolean: Activity / Data / Compute lanes,
 *                                or one lane per span kind
 *   by-model                     boolean: one sub-track per model
 *   by-thread                    boolean: a group per process and rows per
 *                                thread, or lanes shared by every thread
 *                                with overlapping spans stacked
 *   hidden-threads               uint, read-only: how many threads the
 *                                filter hides (mls_session_get_processes)
 *   layout-serial                uint, read-only: bumped when the rows
 *                                change (grouping, filter)
 *   n-marks                      uint, read-only: marked spans (m)
 *   n-findings                   uint, read-only: advise findings read
 *                                (mls_session_load_findings)
 */
#ifndef MLS_SESSION_H
#define MLS_SESSION_H

#include <gio/gio.h>

#include "mls-store-timeline.h"

G_BEGIN_DECLS

#define MLS_TYPE_SESSION (mls_session_get_type ())
G_DECLARE_FINAL_TYPE (MlsSession, mls_session, MLS, SESSION, GObject)

/* Takes the store and the timeline, and closes them when finalized. */
MlsSession *mls_session_new (MlsStore *store, MlsTimeline *timeline);

/* Opens the trace database at path (store and timeline), or fails with
 * the store's message naming the file. */
MlsSession *mls_session_open (const char *path, GError **error);
/* Lets the view reach duration_ns from the trace's start, as a longer
 * recording beside it does (--compare: one time axis for both). */
void mls_session_set_extent (MlsSession *self, gint64 duration_ns);

MlsStore *mls_session_get_store (MlsSession *self);
MlsTimeline *mls_session_get_timeline (MlsSession *self);
void mls_session_get_trace_range (MlsSession *self, gint64 *start,
                                  gint64 *end);

gint64 mls_session_get_visible_start (MlsSession *self);
gint64 mls_session_get_visible_end (MlsSession *self);
/* Clamped: at least 100 ns, at most the trace and a margin. */
void mls_session_set_visible (MlsSession *self, gint64 start, gint64 end);
void mls_session_zoom_to_fit (MlsSession *self);
/* factor > 1 zooms in, keeping anchor_ns at the same x. */
void mls_session_zoom (MlsSession *self, double factor, gint64 anchor_ns);
void mls_session_pan (MlsSession *self, gint64 delta_ns);
/* The selected span, else the dragged range, fills the view (with a
 * margin); FALSE when there is neither. */
gboolean mls_session_zoom_to_selection (MlsSession *self);

gboolean mls_session_get_has_selection (MlsSession *self);
gint64 mls_session_get_selection_start (MlsSession *self);
gint64 mls_session_get_selection_end (MlsSession *self);
void mls_session_select_range (MlsSession *self, gint64 start, gint64 end);
void mls_session_clear_selection (MlsSession *self);

gint64 mls_session_get_selected_span (MlsSession *self);
void mls_session_set_selected_span (MlsSession *self, gint64 span_id);
/* Whether span_id is the selected span's descendant (its data spans,
 * compute requests, busy intervals): drawn outlined. */
gboolean mls_session_is_related (MlsSession *self, gint64 span_id);
/* Marks the selected span's time range, or unmarks it (m). */
void mls_session_toggle_mark (MlsSession *self);

void mls_session_set_highlight (MlsSession *self, int kind_id,
                                gint64 model_id);
/* Selects the highlighted row's span `what` asks for among the threads
 * shown: the longest in the dragged range (else in view), or the next /
 * previous from the selected span (else from the view's edge), and
 * brings it into view. FALSE when there is none (mls-session-find.c). */
gboolean mls_session_jump (MlsSession *self, MlsFindWhat what);

gboolean mls_session_get_grouped (MlsSession *self);
void mls_session_set_grouped (MlsSession *self, gboolean grouped);
gboolean mls_session_get_by_model (MlsSession *self);
void mls_session_set_by_model (MlsSession *self, gboolean by_model);
gboolean mls_session_get_by_thread (MlsSession *self);
void mls_session_set_by_thread (MlsSession *self, gboolean by_thread);

/* The filter: a GListModel of MlsProcessItem, each with a "threads" model
 * of MlsThreadItem; their "visible" properties are the filter. */
GListModel *mls_session_get_processes (MlsSession *self);
gboolean mls_session_thread_visible (MlsSession *self, gint64 pid,
                                     gint64 tid);
/* Hides the processes whose pids pids (NULL-terminated, or NULL) lists,
 * as the filter's check buttons do: --hide-pid. */
void mls_session_hide_processes (MlsSession *self, const char *const *pids);
/* The pids with a visible thread and, when some threads of a shown
 * process are hidden, the visible tids (for the table's query); each
 * NULL with *n 0 when nothing is hidden. g_free them. */
void mls_session_get_filter (MlsSession *self, gint64 **pids, gsize *n_pids,
                             gint64 **tids, gsize *n_tids);

/* The advise rules' findings (schema/advise): a GListModel of
 * MlsFindingItem, empty until mls_session_load_findings has read them in
 * a worker thread (the _sync one waits for them: tests). */
GListModel *mls_session_get_findings (MlsSession *self);
void mls_session_load_findings (MlsSession *self);
void mls_session_load_findings_sync (MlsSession *self);
/* Selects the finding's range and first example span and zooms to the
 * range (mls-session-findings.c); FALSE when it has neither. */
typedef struct _MlsFindingItem MlsFindingItem;
gboolean mls_session_show_finding (MlsSession *self, MlsFindingItem *item);

G_END_DECLS

#endif /* MLS_SESSION_H */
