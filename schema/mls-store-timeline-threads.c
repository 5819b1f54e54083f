/*
 * mls-store-timeline-threads.c: what the timeline needs to give each
 * process a group and each thread its rows: the processes and threads of
 * the file and span_overlap (how many rows each set of spans needs).
 * Small tables, read once when a trace is opened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mls-store-timeline-private.h"

static char *
column_strdup (sqlite3_stmt *stmt, int col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text ? strdup ((const char *) text) : NULL;
}

static void *
grow (void *array, size_t n, size_t *cap, size_t size)
{
  if (n < *cap)
    return array;
  *cap = *cap ? 2 * *cap : 16;
  return realloc (array, *cap * size);
}

static MlsProcessState
state_from_name (const char *name)
{
  static const char *const names[] = {
    NULL, "exited", "killed", "ended", "running"
  };

  for (int i = 1; name && i < 5; i++)
    if (strcmp (name, names[i]) == 0)
      return (MlsProcessState) i;
  return MLS_PROCESS_STATE_UNKNOWN;
}

/* Processes and their threads by pid, then tid. A process with spans but
 * no thread row (a file written without them) gets its main thread. */
static int
load_processes (MlsTimeline *tl, MlsError *error)
{
  sqlite3_stmt *stmt;
  size_t pcap = 0, tcap = 0;
  int rc;

  if (sqlite3_prepare_v2 (tl->db,
        "SELECT p.pid, p.name, p.cmdline, p.end_state, p.exit_status,"
        "       t.tid, t.name, h.name"
        " FROM process p LEFT JOIN thread t ON t.process_id = p.id"
        " LEFT JOIN host h ON h.id = p.host_id"
        " UNION SELECT DISTINCT pid, NULL, NULL, NULL, NULL, tid, NULL, NULL"
        " FROM span_overlap WHERE tid NOT NULL AND NOT EXISTS (SELECT 1"
        "   FROM thread t JOIN process q ON q.id = t.process_id"
        "   WHERE q.pid = span_overlap.pid AND t.tid = span_overlap.tid)"
        " ORDER BY 1, 6", -1, &stmt, NULL) != SQLITE_OK)
    return mls_timeline_fail (tl, error, "cannot read the processes");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int64_t pid = sqlite3_column_int64 (stmt, 0);
      MlsTimelineProcess *p = tl->n_processes
                              ? &tl->processes[tl->n_processes - 1] : NULL;

      if (!p || p->pid != pid)
        {
          tl->processes = grow (tl->processes, tl->n_processes, &pcap,
                                sizeof *tl->processes);
          p = &tl->processes[tl->n_processes++];
          memset (p, 0, sizeof *p);
          p->pid = pid;
          p->first_thread = tl->n_threads;
        }
      if (!p->name)
        p->name = column_strdup (stmt, 1);
      if (!p->cmdline)
        p->cmdline = column_strdup (stmt, 2);
      if (!p->host)
        p->host = column_strdup (stmt, 7);
      if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
        {
          p->state = state_from_name ((const char *) sqlite3_column_text (stmt,
                                                                         3));
          p->exit_status = sqlite3_column_int (stmt, 4);
        }
      if (sqlite3_column_type (stmt, 5) == SQLITE_NULL)
        continue;
      if (p->n_threads > 0
          && tl->threads[tl->n_threads - 1].tid
             == sqlite3_column_int64 (stmt, 5))
        continue;
      tl->threads = grow (tl->threads, tl->n_threads, &tcap,
                          sizeof *tl->threads);
      tl->threads[tl->n_threads].pid = pid;
      tl->threads[tl->n_threads].tid = sqlite3_column_int64 (stmt, 5);
      tl->threads[tl->n_threads].name = column_strdup (stmt, 6);
      tl->n_threads++;
      p->n_threads++;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return mls_timeline_fail (tl, error, "cannot read the processes");
  return 0;
}

static int
load_overlaps (MlsTimeline *tl, MlsError *error)
{
  sqlite3_stmt *stmt;
  size_t cap = 0, pcap = tl->n_pairs;
  int rc;

  if (sqlite3_prepare_v2 (tl->db,
        "SELECT lane, ifnull (kind_id, 0), ifnull (model_id, -1),"
        " ifnull (pid, 0), ifnull (tid, 0), depth, count, max_overlap"
        " FROM span_overlap ORDER BY lane, kind_id, model_id, pid, tid, depth",
        -1, &stmt, NULL) != SQLITE_OK)
    return mls_timeline_fail (tl, error, "cannot read span_overlap");
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MlsTimelineOverlap *o;

      tl->overlaps = grow (tl->overlaps, tl->n_overlaps, &cap,
                           sizeof *tl->overlaps);
      o = &tl->overlaps[tl->n_overlaps++];
      snprintf (o->lane, sizeof o->lane, "%s", sqlite3_column_text (stmt, 0));
      o->kind_id = sqlite3_column_int (stmt, 1);
      o->model_id = sqlite3_column_int64 (stmt, 2);
      o->pid = sqlite3_column_int64 (stmt, 3);
      o->tid = sqlite3_column_int64 (stmt, 4);
      o->depth = sqlite3_column_int (stmt, 5);
      o->count = sqlite3_column_int64 (stmt, 6);
      o->max_overlap = sqlite3_column_int (stmt, 7);
      /* A thread's (kind, model) pair, once over its depths. */
      if (o->kind_id > 0 && o->model_id >= 0 && o->tid > 0
          && !(tl->n_pairs > 0 && tl->pairs[tl->n_pairs - 1].kind_id
               == o->kind_id && tl->pairs[tl->n_pairs - 1].model_id
               == o->model_id && tl->pairs[tl->n_pairs - 1].pid == o->pid
               && tl->pairs[tl->n_pairs - 1].tid == o->tid))
        {
          tl->pairs = grow (tl->pairs, tl->n_pairs, &pcap, sizeof *tl->pairs);
          tl->pairs[tl->n_pairs++] = (KindModel) { o->kind_id, o->model_id,
                                                   o->pid, o->tid };
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return mls_timeline_fail (tl, error, "cannot read span_overlap");
  return 0;
}

int
mls_timeline_load_threads (MlsTimeline *tl, MlsError *error)
{
  return load_processes (tl, error) < 0 || load_overlaps (tl, error) < 0
         ? -1 : 0;
}
