/*
 * mls-store-migrate.c: bringing a trace database of an older schema
 * version up to this one when it is opened.
 *
 * A database is derived data (the CTF trace can be imported again), but
 * people keep recordings around and compare them later. Versions 1 to 3
 * hold the same facts about spans, with their arguments as JSON; version 4
 * keeps the arguments in typed columns and numbers spans in its own order,
 * which rewrites every row anyway. So an older file is rebuilt: its
 * recording's facts, processes, threads, models and lost events are copied
 * into a new file, its spans given to the store as an import gives them,
 * and the store's finish writes them and everything computed from them;
 * the new file then replaces the old one under its name. The old file is
 * held for writing meanwhile (a program writing it makes the upgrade fail,
 * saying so), and is left untouched by any failure. Versions 5 and 6
 * only add: the host table (and process.host_id), model.path. A version 4
 * or 5 file gets what it lacks in place, in one transaction, its one host
 * taken from its meta facts and no model's file known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mls-store-private.h"

static int
has_column (sqlite3 *db, const char *table, const char *column)
{
  sqlite3_stmt *stmt;
  int found = 0;

  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM pragma_table_info (?1, 'old')"
                          " WHERE name = ?2", -1, &stmt, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, column, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

/* The recording's facts, processes, threads, models and lost events, with
 * their ids. Version 1 had no process facts. */
static int
copy_tables (MlsStore *fresh, MlsError *error)
{
  int facts = has_column (fresh->db, "process", "cmdline");
  char *sql = sqlite3_mprintf (
    "INSERT OR REPLACE INTO meta SELECT key, value FROM old.meta"
    "  WHERE key <> 'schema_version';"
    "INSERT INTO process (id, pid, name, cmdline, end_state, exit_status)"
    "  SELECT id, pid, name, %s FROM old.process;"
    "INSERT INTO thread SELECT id, tid, process_id, name FROM old.thread;"
    "INSERT INTO model (id, name) SELECT id, name FROM old.model;"
    "INSERT INTO lost_events SELECT id, start_ns, end_ns, count, packets,"
    "  stream FROM old.lost_events;",
    facts ? "cmdline, end_state, exit_status" : "NULL, NULL, NULL");
  int rc = sql ? mls_exec (fresh, sql, "cannot copy the recording's facts",
                           error) : -1;

  sqlite3_free (sql);
  return rc;
}

/* What each kind's arguments were called in the JSON, as
 * "json_remove (s.args, '$.a', ...)" per kind: the arguments left over. */
static char *
leftover_sql (MlsStore *fresh)
{
  sqlite3_stmt *stmt;
  sqlite3_str *sql = sqlite3_str_new (fresh->db);
  int kind = 0;

  sqlite3_str_appendall (sql, "CASE s.kind_id");
  if (sqlite3_prepare_v2 (fresh->db, "SELECT kind_id, name FROM span_arg"
                          " ORDER BY kind_id, position", -1, &stmt, NULL)
      == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          int k = sqlite3_column_int (stmt, 0);

          if (k != kind)
            sqlite3_str_appendf (sql, "%s WHEN %d THEN json_remove (s.args",
                                 kind ? ")" : "", k);
          sqlite3_str_appendf (sql, ", '$.%q'", sqlite3_column_text (stmt, 1));
          kind = k;
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_str_appendall (sql, kind ? ") ELSE s.args END" : " END");
  return sqlite3_str_finish (sql);
}

/* The typed arguments of a span's JSON (columns from `first`, in
 * arg_names' order). 0, or -1 when one the kind keeps a column for has
 * another type (an integer where a string goes...): then none is typed,
 * and the JSON is kept whole in other_args. */
static const char *const arg_names[] = {
  "span_id", "batch_size", "cache", "feature", "src_type", "dst_type",
  "bytes", "first_layer", "last_layer", "first_layer_name",
  "last_layer_name", "index", "name", "op", "what",
};
#define N_ARGS (sizeof arg_names / sizeof *arg_names)

static int
read_args (MlsStore *fresh, int kind, sqlite3_stmt *stmt, int first,
           MlsSpanArgs *a)
{
  static const unsigned bits[N_ARGS] = {
    [1] = MLS_ARG_BATCH_SIZE, [6] = MLS_ARG_BYTES,
    [7] = MLS_ARG_FIRST_LAYER, [8] = MLS_ARG_LAST_LAYER,
    [11] = MLS_ARG_INDEX,
  };
  int64_t *ints[N_ARGS] = {
    [1] = &a->batch_size, [6] = &a->bytes, [7] = &a->first_layer,
    [8] = &a->last_layer, [11] = &a->index,
  };
  const char **strs[N_ARGS] = {
    [2] = &a->cache, [3] = &a->feature, [4] = &a->src_type,
    [5] = &a->dst_type, [9] = &a->first_layer_name,
    [10] = &a->last_layer_name, [12] = &a->name, [13] = &a->op,
    [14] = &a->what,
  };

  memset (a, 0, sizeof *a);
  for (size_t i = 0; i < N_ARGS; i++)
    {
      int col = first + (int) i, type = sqlite3_column_type (stmt, col);
      int want = strs[i] ? SQLITE_TEXT : SQLITE_INTEGER;

      if (type == SQLITE_NULL)
        continue;
      if (type != want)
        {
          if (mls_store_kind_has_arg (fresh, kind, arg_names[i]))
            {
              memset (a, 0, sizeof *a);
              return -1;
            }
          continue;
        }
      if (i == 0)
        a->span_id = (uint64_t) sqlite3_column_int64 (stmt, col);
      else if (ints[i])
        {
          *ints[i] = sqlite3_column_int64 (stmt, col);
          a->present |= bits[i];
        }
      else
        *strs[i] = (const char *) sqlite3_column_text (stmt, col);
    }
  return 0;
}

/* The spans, with their typed arguments and what is left of the JSON:
 * JSON that is not an object, or has an argument of an unexpected type,
 * is kept whole in other_args. */
static char *
gather_sql (MlsStore *fresh)
{
  char *leftover = leftover_sql (fresh);
  sqlite3_str *sql = sqlite3_str_new (fresh->db);

  sqlite3_str_appendf (sql, "SELECT s.id, s.kind_id, ifnull (s.model_id, 0),"
                       " ifnull (s.parent_id, 0), s.depth, s.unit, s.pid,"
                       " s.tid, s.start_ns, s.end_ns, s.complete, s.status,"
                       " %s, CASE WHEN json_valid (s.args)"
                       " AND json_type (s.args) = 'object' THEN"
                       " nullif (%s, '{}') ELSE s.args END, s.args",
                       has_column (fresh->db, "span", "incomplete_reason")
                       ? "s.incomplete_reason" : "NULL",
                       leftover ? leftover : "s.args");
  for (size_t i = 0; i < N_ARGS; i++)
    sqlite3_str_appendf (sql, ", CASE WHEN json_valid (s.args) THEN"
                         " json_extract (s.args, '$.%s') END", arg_names[i]);
  sqlite3_str_appendall (sql, " FROM old.span s");
  sqlite3_free (leftover);
  return sqlite3_str_finish (sql);
}

#define FIRST_ARG 15

static int
gather_spans (MlsStore *fresh, MlsError *error)
{
  char *sql = gather_sql (fresh);
  sqlite3_stmt *stmt = NULL;
  int rc = sql ? sqlite3_prepare_v2 (fresh->db, sql, -1, &stmt, NULL)
               : SQLITE_NOMEM;

  sqlite3_free (sql);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MlsSpan span = {
        .id = sqlite3_column_int64 (stmt, 0),
        .kind_id = sqlite3_column_int (stmt, 1),
        .model_id = sqlite3_column_int64 (stmt, 2),
        .parent_id = sqlite3_column_int64 (stmt, 3),
        .depth = sqlite3_column_int (stmt, 4),
        .unit = (const char *) sqlite3_column_text (stmt, 5),
        .pid = sqlite3_column_int64 (stmt, 6),
        .tid = sqlite3_column_int64 (stmt, 7),
        .start_ns = sqlite3_column_int64 (stmt, 8),
        .end_ns = sqlite3_column_int64 (stmt, 9),
        .complete = sqlite3_column_int (stmt, 10),
        .status = sqlite3_column_int (stmt, 11),
        .cut = mls_cut_reason_from_name (
          (const char *) sqlite3_column_text (stmt, 12)),
        .args_json = (const char *) sqlite3_column_text (stmt, 13),
      };

      if (read_args (fresh, span.kind_id, stmt, FIRST_ARG, &span.args))
        span.args_json = (const char *) sqlite3_column_text (stmt, 14);
      if (mls_store_add_span (fresh, &span, error) < 0)
        {
          sqlite3_finalize (stmt);
          return -1;
        }
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      mls_error_sqlite (fresh, error, "cannot read the spans");
      return -1;
    }
  return 0;
}

/* Version 5's host table, for a file of one host: the meta facts. */
static const char host_sql[] =
  "INSERT INTO host (id, name, clock_offset_ns)"
  "  SELECT 1, value, (SELECT value FROM meta WHERE key = 'clock_offset_ns')"
  "  FROM meta WHERE key = 'host' AND value <> '';"
  "UPDATE process SET host_id = (SELECT id FROM host);";

/* Version 4 or 5 to this one in place: what each version added, as
 * schema.sql defines it (version 5 the host table and process.host_id,
 * version 6 model.path). */
static int
add_in_place (sqlite3 *db, int64_t version, MlsError *error)
{
  char *sql = sqlite3_mprintf (
    "%s%s"
    "ALTER TABLE model ADD COLUMN path TEXT;"
    "UPDATE meta SET value = %d WHERE key = 'schema_version';"
    "PRAGMA user_version = %d; COMMIT;",
    version < 5 ? "CREATE TABLE host (id INTEGER PRIMARY KEY, name TEXT NOT "
                  "NULL UNIQUE, clock_offset_ns INTEGER, clock_shift_ns "
                  "INTEGER NOT NULL DEFAULT 0);"
                  "ALTER TABLE process ADD COLUMN host_id INTEGER REFERENCES "
                  "host (id);" : "",
    version < 5 ? host_sql : "", MLS_SCHEMA_VERSION, MLS_SCHEMA_VERSION);
  int rc = sql ? sqlite3_exec (db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;

  if (rc != SQLITE_OK)
    mls_error_set (error, "%s", sqlite3_errmsg (db));
  sqlite3_free (sql);
  return rc == SQLITE_OK ? 0 : -1;
}

static int
rebuild (MlsStore *store, MlsError *error)
{
  MlsStore *fresh = mls_store_create (store->path, error);
  char *attach;
  int rc;

  if (fresh == NULL)
    return -1;
  attach = sqlite3_mprintf ("ATTACH %Q AS old", store->path);
  rc = attach ? mls_exec (fresh, attach, "cannot read the old file", error)
              : -1;
  sqlite3_free (attach);
  if (rc == 0)
    rc = copy_tables (fresh, error)
         || mls_exec (fresh, host_sql, "cannot add the host", error)
         || gather_spans (fresh, error) || mls_store_finish (fresh, error);
  mls_store_close (fresh);
  return rc;
}

int
mls_store_migrate (MlsStore *store, int64_t version, MlsError *error)
{
  MlsError why = { 0 };
  sqlite3 *held = NULL;
  int rc;

  if (version < 1 || version >= MLS_SCHEMA_VERSION)
    {
      mls_error_set (error, "%s: schema version %lld, this mlscope reads "
                     "version %d; re-import the trace with this version",
                     store->path, (long long) version, MLS_SCHEMA_VERSION);
      return -1;
    }
  /* Nobody may write the old file while it is rebuilt and replaced. */
  rc = sqlite3_open_v2 (store->path, &held, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (held, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    mls_error_set (&why, "%s", sqlite3_errmsg (held));
  else if (version >= 4)
    rc = add_in_place (held, version, &why);
  else
    rc = rebuild (store, &why);
  sqlite3_exec (held, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (held);
  if (rc != 0)
    mls_error_set (error, "%s: schema version %lld needs upgrading to "
                   "version %d in place, which failed (%s); copy the file "
                   "somewhere writable and open the copy, or re-import the "
                   "trace", store->path, (long long) version,
                   MLS_SCHEMA_VERSION, why.message);
  return rc ? -1 : 0;
}
