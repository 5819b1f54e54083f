/*
 * mls-store.c: opening, creating and closing trace databases, checking
 * that a file is one (and of this schema version), and the recording's
 * key / value facts (meta).
 *
 * A new database is written as PATH.partial with SQLite's journal and
 * syncing off, in one transaction: an import is either finished and
 * renamed into place, or thrown away, so crash safety of the partial file
 * buys nothing and costs most of the insert time.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mls-store-private.h"

void
mls_error_set (MlsError *error, const char *format, ...)
{
  va_list args;

  if (error == NULL)
    return;
  error->code = 1;
  va_start (args, format);
  vsnprintf (error->message, sizeof error->message, format, args);
  va_end (args);
}

void
mls_error_sqlite (MlsStore *store, MlsError *error, const char *what)
{
  mls_error_set (error, "%s: %s: %s", store->path, what,
                 store->db ? sqlite3_errmsg (store->db) : "no database");
}

int
mls_exec (MlsStore *store, const char *sql, const char *what, MlsError *error)
{
  if (sqlite3_exec (store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      mls_error_sqlite (store, error, what);
      return -1;
    }
  return 0;
}

static void
sqrt_func (sqlite3_context *context, int argc, sqlite3_value **argv)
{
  if (sqlite3_value_type (argv[0]) == SQLITE_NULL)
    sqlite3_result_null (context);
  else
    sqlite3_result_double (context, sqrt (sqlite3_value_double (argv[0])));
}

static const struct {
  const char *name, *label;
} cut_reasons[] = {
  [MLS_CUT_NONE] = { NULL, "complete" },
  [MLS_CUT_PROCESS_DIED] = { "process_died", "process died" },
  [MLS_CUT_RECORDING_ENDED] = { "recording_ended", "recording ended" },
  [MLS_CUT_END_LOST] = { "end_lost", "end event lost" },
  [MLS_CUT_UNKNOWN] = { "unknown", "cut off, cause unknown" },
};

const char *
mls_cut_reason_name (MlsCutReason reason)
{
  return (unsigned) reason <= MLS_CUT_UNKNOWN ? cut_reasons[reason].name
                                              : NULL;
}

MlsCutReason
mls_cut_reason_from_name (const char *name)
{
  if (name == NULL)
    return MLS_CUT_NONE;
  for (int r = MLS_CUT_PROCESS_DIED; r <= MLS_CUT_UNKNOWN; r++)
    if (strcmp (name, cut_reasons[r].name) == 0)
      return (MlsCutReason) r;
  return MLS_CUT_UNKNOWN;
}

const char *
mls_cut_reason_label (MlsCutReason reason)
{
  return (unsigned) reason <= MLS_CUT_UNKNOWN ? cut_reasons[reason].label
                                              : NULL;
}

/* SQLite's own sqrt () is a compile-time option; the store brings its own
 * so it works with any libsqlite3. */
int
mls_store_register_functions (MlsStore *store, MlsError *error)
{
  int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

  if (sqlite3_create_function (store->db, "mls_sqrt", 1, flags, NULL,
                               sqrt_func, NULL, NULL) != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot register SQL functions");
      return -1;
    }
  return 0;
}

static MlsStore *
store_new (const char *path)
{
  MlsStore *store = calloc (1, sizeof *store);

  if (store == NULL)
    return NULL;
  store->path = strdup (path);
  store->next_span_id = 1;
  store->first_start_ns = INT64_MAX;
  store->last_end_ns = INT64_MIN;
  store->last_pid = -1;
  store->last_tid = -1;
  if (store->path == NULL)
    {
      free (store);
      return NULL;
    }
  return store;
}

static void
store_free (MlsStore *store)
{
  for (int i = 0; i < MLS_N_STMTS; i++)
    sqlite3_finalize (store->stmts[i]);
  if (store->db != NULL)
    sqlite3_close (store->db);
  mls_store_spans_free (store);
  mls_live_free (store);
  mls_store_free_arg_map (store);
  free (store->last_model);
  free (store->partial_path);
  free (store->path);
  free (store);
}

/* Runs a query returning one integer; -1 with the error set on failure. */
static int
query_int (MlsStore *store, const char *sql, int64_t *value)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW ? 0 : -1;
}

/* The tables every reader starts from, small whatever the recording's
 * size: checked on each open (milliseconds). The span, block and summary
 * tables are checked as they are read (SQLite reports a damaged page it reads);
 * checking them all takes seconds on a large file (3 s for 1M spans). */
static const char *const checked_tables[] = {
  "meta", "span_kind", "span_arg", "model", "host", "process", "thread",
  "string",
  "span_kind_stats", "span_run", "span_summary_set", "lost_events",
};

/* The facts and aggregates an import always writes: a file without them
 * was not finished by mlscope, or was edited since. */
static const char complete_sql[] =
  "SELECT (SELECT count (*) FROM meta WHERE key IN ('start_ns', 'end_ns',"
  "  'duration_ns', 'lost_events', 'lost_packets')) = 5"
  " AND (NOT EXISTS (SELECT 1 FROM span_run)"
  "      OR (EXISTS (SELECT 1 FROM span_kind_stats)"
  "          AND EXISTS (SELECT 1 FROM span_summary)))";

static int
check_whole (MlsStore *store, MlsError *error)
{
  int64_t complete = 0;

  for (size_t i = 0; i < sizeof checked_tables / sizeof *checked_tables; i++)
    {
      char *sql = sqlite3_mprintf ("PRAGMA quick_check (%s)",
                                   checked_tables[i]);
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL);

      sqlite3_free (sql);
      if (rc == SQLITE_OK)
        rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW
          || strcmp ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
        {
          mls_error_set (error, "%s: the file is damaged (SQLite: %s); "
                         "import the trace again", store->path,
                         rc == SQLITE_ROW
                         ? (const char *) sqlite3_column_text (stmt, 0)
                         : sqlite3_errmsg (store->db));
          sqlite3_finalize (stmt);
          return -1;
        }
      sqlite3_finalize (stmt);
    }
  if (query_int (store, complete_sql, &complete) != 0 || !complete)
    {
      mls_error_set (error, "%s: the file lacks the recording's facts or "
                     "aggregates (meta, span_kind_stats, span_summary): it "
                     "was not finished by mlscope or was edited since; "
                     "import the trace again", store->path);
      return -1;
    }
  return 0;
}

int
mls_store_open_db (MlsStore *store, MlsError *error)
{
  int64_t has_span = 0, has_meta = 0, version = 0;
  struct stat st;

  if (stat (store->path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      mls_error_set (error, "%s: is a directory, not a trace database",
                     store->path);
      return -1;
    }
  if (access (store->path, R_OK) != 0)
    {
      mls_error_set (error, "%s: %s", store->path, strerror (errno));
      return -1;
    }
  if (sqlite3_open_v2 (store->path, &store->db, SQLITE_OPEN_READONLY, NULL)
      != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot open");
      return -1;
    }
  if (mls_store_register_functions (store, error))
    return -1;
  /* SQLite reads the header lazily: the first query finds out whether this
   * is a database at all. */
  if (query_int (store, "SELECT count (*) FROM sqlite_master "
                 "WHERE type = 'table' AND name = 'span'", &has_span) != 0)
    {
      if (sqlite3_errcode (store->db) == SQLITE_NOTADB)
        mls_error_set (error, "%s: not an mlscope trace database "
                       "(not an SQLite file)", store->path);
      else
        mls_error_sqlite (store, error, "cannot read");
      return -1;
    }
  if (query_int (store, "SELECT count (*) FROM sqlite_master "
                 "WHERE type = 'table' AND name = 'meta'", &has_meta) != 0
      || query_int (store, "PRAGMA user_version", &version) != 0)
    {
      mls_error_sqlite (store, error, "cannot read");
      return -1;
    }
  /* A database of another version may have renamed 'span', but it still
   * has 'meta'; version mismatches are named as such. */
  if (!has_span && !has_meta)
    {
      mls_error_set (error, "%s: not an mlscope trace database "
                     "(no 'span' table)", store->path);
      return -1;
    }
  if (version >= 1 && version < MLS_SCHEMA_VERSION && has_span)
    {
      sqlite3_close (store->db);
      store->db = NULL;
      return mls_store_migrate (store, version, error) == 0
             ? mls_store_open_db (store, error) : -1;
    }
  if (version != MLS_SCHEMA_VERSION)
    {
      mls_error_set (error, "%s: schema version %lld, this mlscope reads "
                     "version %d; re-import the trace with this version",
                     store->path, (long long) version, MLS_SCHEMA_VERSION);
      return -1;
    }
  if (!has_span)
    {
      mls_error_set (error, "%s: not an mlscope trace database "
                     "(no 'span' table)", store->path);
      return -1;
    }
  return check_whole (store, error);
}

MlsStore *
mls_store_open (const char *path, MlsError *error)
{
  MlsStore *store = store_new (path);

  if (store == NULL)
    {
      mls_error_set (error, "%s: out of memory", path);
      return NULL;
    }
  if (mls_store_open_db (store, error) != 0)
    {
      store_free (store);
      return NULL;
    }
  return store;
}

static int
load_known_kinds (MlsStore *store, MlsError *error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (store->db, "SELECT id FROM span_kind", -1, &stmt,
                          NULL) != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot read span kinds");
      return -1;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      int64_t id = sqlite3_column_int64 (stmt, 0);
      if (id > 0 && id < MLS_MAX_KIND_ID)
        store->known_kind[id] = 1;
    }
  sqlite3_finalize (stmt);
  return 0;
}

static const char *const stmt_sql[MLS_N_STMTS] = {
  [MLS_STMT_META] =
    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
  [MLS_STMT_PROCESS] =
    "INSERT INTO process (pid, name) VALUES (?1, ?2) "
    "ON CONFLICT (pid) DO UPDATE SET name = ifnull (excluded.name, name) "
    "RETURNING id",
  [MLS_STMT_PROCESS_FACTS] =
    "INSERT INTO process (pid, cmdline, end_state, exit_status) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (pid) DO UPDATE "
    "SET cmdline = ifnull (excluded.cmdline, cmdline),"
    "    end_state = excluded.end_state, exit_status = excluded.exit_status",
  [MLS_STMT_THREAD] =
    "INSERT INTO thread (tid, process_id, name) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (tid, process_id) DO UPDATE "
    "SET name = ifnull (excluded.name, name) RETURNING id",
  [MLS_STMT_MODEL] =
    "INSERT INTO model (name) VALUES (?1) "
    "ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
  [MLS_STMT_MODEL_PATH] = "UPDATE model SET path = ?2 WHERE id = ?1",
  [MLS_STMT_LOST] =
    "INSERT INTO lost_events (start_ns, end_ns, count, packets, stream) "
    "VALUES (?1, ?2, ?3, ?4, ?5)",
  [MLS_STMT_HOST] =
    "INSERT INTO host (name, clock_offset_ns, clock_shift_ns) "
    "VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE SET name = "
    "excluded.name RETURNING id",
  [MLS_STMT_PROCESS_HOST] =
    "INSERT INTO process (pid, host_id) VALUES (?1, ?2) "
    "ON CONFLICT (pid) DO UPDATE SET host_id = excluded.host_id",
};

static int
create_db (MlsStore *store, MlsError *error)
{
  if (unlink (store->partial_path) != 0 && errno != ENOENT)
    {
      mls_error_set (error, "%s: cannot replace an old partial file: %s",
                     store->partial_path, strerror (errno));
      return -1;
    }
  /* A writing store belongs to one thread (the collector's): no mutex. */
  if (sqlite3_open_v2 (store->partial_path, &store->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                       | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot create");
      return -1;
    }
  if (mls_store_register_functions (store, error))
    return -1;
  if (mls_exec (store, "PRAGMA page_size = 8192;"
                "PRAGMA journal_mode = OFF;"
                "PRAGMA synchronous = OFF;"
                "PRAGMA locking_mode = EXCLUSIVE;"
                "PRAGMA cache_size = -8192;", "cannot configure", error)
      || mls_exec (store, mls_schema_sql, "cannot apply schema.sql", error))
    return -1;
  char *version = sqlite3_mprintf ("PRAGMA user_version = %d;"
                                   "INSERT INTO meta VALUES "
                                   "('schema_version', %d)",
                                   MLS_SCHEMA_VERSION, MLS_SCHEMA_VERSION);
  int rc = mls_exec (store, version, "cannot set the schema version", error);
  sqlite3_free (version);
  if (rc || load_known_kinds (store, error)
      || mls_store_load_arg_map (store, error))
    return -1;
  if ((store->strings = mls_strings_new ()) == NULL)
    {
      mls_error_set (error, "%s: out of memory", store->path);
      return -1;
    }
  return mls_store_begin_writing (store, error);
}

int
mls_store_begin_writing (MlsStore *store, MlsError *error)
{
  /* span.unit's CHECK (unit IN (...)) builds an ephemeral table on every
   * execution of the insert, which was a third of its cost; the store
   * checks the unit itself (mls-store-write.c) and turns SQLite's check
   * off for its own connection. */
  if (mls_exec (store, "PRAGMA ignore_check_constraints = ON",
                "cannot configure", error))
    return -1;
  for (int i = 0; i < MLS_N_STMTS; i++)
    if (sqlite3_prepare_v3 (store->db, stmt_sql[i], -1,
                            SQLITE_PREPARE_PERSISTENT, &store->stmts[i],
                            NULL) != SQLITE_OK)
      {
        mls_error_sqlite (store, error, "cannot prepare statements");
        return -1;
      }
  return mls_exec (store, "BEGIN", "cannot begin", error);
}

MlsStore *
mls_store_create (const char *path, MlsError *error)
{
  MlsStore *store = store_new (path);

  if (store == NULL || (store->partial_path = malloc (strlen (path) + 9))
                        == NULL)
    {
      mls_error_set (error, "%s: out of memory", path);
      if (store)
        store_free (store);
      return NULL;
    }
  sprintf (store->partial_path, "%s.partial", path);
  store->writing = 1;
  if (create_db (store, error) != 0)
    {
      mls_store_close (store);
      return NULL;
    }
  return store;
}

void
mls_store_close (MlsStore *store)
{
  if (store == NULL)
    return;
  if (store->writing)
    {
      /* Never finished: the partial file is an aborted import. */
      for (int i = 0; i < MLS_N_STMTS; i++)
        {
          sqlite3_finalize (store->stmts[i]);
          store->stmts[i] = NULL;
        }
      sqlite3_close (store->db);
      store->db = NULL;
      /* A live file keeps what its flushes committed. */
      if (store->partial_path != NULL)
        unlink (store->partial_path);
    }
  store_free (store);
}

const char *
mls_store_path (const MlsStore *store)
{
  return store->path;
}

sqlite3 *
mls_store_db (MlsStore *store)
{
  return store->db;
}

char *
mls_store_get_meta_text (MlsStore *store, const char *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (store->db, "SELECT value FROM meta WHERE key = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW
      && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

int
mls_store_get_meta_int (MlsStore *store, const char *key, int64_t *value)
{
  sqlite3_stmt *stmt = NULL;
  int found = 0;

  if (sqlite3_prepare_v2 (store->db, "SELECT value FROM meta WHERE key = ?1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW
      && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      found = 1;
    }
  sqlite3_finalize (stmt);
  return found ? 0 : -1;
}
