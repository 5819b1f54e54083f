/*
 * mls-store-spans.c: walking every span and every thread of a recording,
 * for exporters (`mlscope export`), their arguments as span_view gives
 * them. Zoomed views read spans by time range instead (the viewer's
 * mls-store-timeline.c).
 */
#include "mls-store-private.h"

static const char *
column_text (sqlite3_stmt *stmt, int column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static void
read_span (sqlite3_stmt *stmt, MlsSpanInfo *span)
{
  span->id = sqlite3_column_int64 (stmt, 0);
  span->kind_id = sqlite3_column_int (stmt, 1);
  span->lane = column_text (stmt, 2);
  span->label = column_text (stmt, 3);
  span->model_id = sqlite3_column_int64 (stmt, 4);
  span->model = column_text (stmt, 5);
  span->parent_id = sqlite3_column_int64 (stmt, 6);
  span->depth = sqlite3_column_int (stmt, 7);
  span->unit = column_text (stmt, 8);
  span->pid = sqlite3_column_int64 (stmt, 9);
  span->tid = sqlite3_column_int64 (stmt, 10);
  span->start_ns = sqlite3_column_int64 (stmt, 11);
  span->end_ns = sqlite3_column_int64 (stmt, 12);
  span->dur_ns = sqlite3_column_int64 (stmt, 13);
  span->complete = sqlite3_column_int (stmt, 14);
  span->status = sqlite3_column_int (stmt, 15);
  span->args_json = column_text (stmt, 16);
  span->cut = mls_cut_reason_from_name (column_text (stmt, 17));
}

int
mls_store_foreach_span (MlsStore *store, MlsSpanFunc func, void *user_data,
                        MlsError *error)
{
  sqlite3_stmt *stmt = NULL;
  MlsSpanInfo span;
  int rc, result = 0;

  if (sqlite3_prepare_v2 (store->db,
                          "SELECT s.id, s.kind_id, v.lane, v.kind,"
                          "  ifnull (s.model_id, 0), v.model,"
                          "  ifnull (s.parent_id, 0), s.depth, s.unit, s.pid,"
                          "  s.tid, s.start_ns, s.end_ns, s.dur_ns,"
                          "  s.complete, s.status, v.args, s.incomplete_reason"
                          " FROM span s JOIN span_view v ON v.id = s.id"
                          " ORDER BY s.id", -1, &stmt, NULL) != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot read spans");
      return -1;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      read_span (stmt, &span);
      if ((result = func (&span, user_data)) != 0)
        break;
    }
  if (result == 0 && rc != SQLITE_DONE)
    {
      mls_error_sqlite (store, error, "cannot read spans");
      result = -1;
    }
  sqlite3_finalize (stmt);
  return result;
}

int
mls_store_foreach_thread (MlsStore *store, MlsThreadFunc func,
                          void *user_data, MlsError *error)
{
  sqlite3_stmt *stmt = NULL;
  MlsThreadInfo thread;
  int rc, result = 0;

  if (sqlite3_prepare_v2 (store->db,
                          "SELECT p.pid, p.name, ifnull (t.tid, 0), t.name"
                          " FROM process p"
                          " LEFT JOIN thread t ON t.process_id = p.id"
                          " ORDER BY p.pid, t.tid", -1, &stmt, NULL)
      != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot read threads");
      return -1;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      thread.pid = sqlite3_column_int64 (stmt, 0);
      thread.process_name = column_text (stmt, 1);
      thread.tid = sqlite3_column_int64 (stmt, 2);
      thread.thread_name = column_text (stmt, 3);
      if ((result = func (&thread, user_data)) != 0)
        break;
    }
  if (result == 0 && rc != SQLITE_DONE)
    {
      mls_error_sqlite (store, error, "cannot read threads");
      result = -1;
    }
  sqlite3_finalize (stmt);
  return result;
}
