/*
 * mls-store-migrate.c: bringing a trace database of an older schema
 * version up to this one, in place, when it is opened.
 *
 * A database is derived data (the CTF trace can be imported again), but
 * people keep recordings around and compare them later; upgrading them
 * costs one transaction. Each step runs one script of migrations/ and
 * whatever the script cannot do in SQL alone (refilling span_kind_stats
 * from the spans, with the store's own aggregate SQL). Either every step
 * is applied or none: the file is never left half upgraded.
 */
#include <unistd.h>

#include "mls-store-private.h"

/* span_kind_stats' four groupings; per model only for spans that have one
 * (model_id NULL means all models there). */
static const struct {
  const char *model, *pid, *from_where;
} stats_groupings[] = {
  { "NULL", "NULL", "FROM span s WHERE 1" },
  { "s.model_id", "NULL", "FROM span s WHERE s.model_id NOT NULL" },
  { "NULL", "s.pid", "FROM span s WHERE 1" },
  { "s.model_id", "s.pid", "FROM span s WHERE s.model_id NOT NULL" },
};

static int
refill_stats (MlsStore *store, MlsError *error)
{
  for (size_t i = 0; i < sizeof stats_groupings / sizeof *stats_groupings;
       i++)
    {
      char *cte = mls_stats_live_sql (stats_groupings[i].model,
                                      stats_groupings[i].pid,
                                      stats_groupings[i].from_where);
      char *sql = cte ? sqlite3_mprintf ("%s INSERT INTO span_kind_stats "
                                         "SELECT * FROM live", cte) : NULL;
      int rc = sql ? mls_exec (store, sql, "cannot upgrade span_kind_stats",
                               error) : -1;

      sqlite3_free (cte);
      sqlite3_free (sql);
      if (rc)
        return -1;
    }
  return 0;
}

static int
step_v1_to_v2 (MlsStore *store, MlsError *error)
{
  return mls_exec (store, mls_migration_v1_to_v2_sql,
                   "cannot upgrade from schema version 1", error)
         || refill_stats (store, error);
}

/* The spans' times, gathered into the store's groups as a new file's are
 * while it is written, for the tables computed from them. */
static int
gather_spans (MlsStore *store, MlsError *error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (sqlite3_prepare_v2 (store->db, "SELECT kind_id, ifnull (model_id, 0),"
                          " pid, tid, depth, start_ns, end_ns, complete"
                          " FROM span", -1, &stmt, NULL) != SQLITE_OK)
    {
      mls_error_sqlite (store, error, "cannot read the spans");
      return -1;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MlsSpan span = {
        .kind_id = sqlite3_column_int (stmt, 0),
        .model_id = sqlite3_column_int64 (stmt, 1),
        .pid = sqlite3_column_int64 (stmt, 2),
        .tid = sqlite3_column_int64 (stmt, 3),
        .depth = sqlite3_column_int (stmt, 4),
        .start_ns = sqlite3_column_int64 (stmt, 5),
        .end_ns = sqlite3_column_int64 (stmt, 6),
        .complete = sqlite3_column_int (stmt, 7),
      };

      if (mls_store_group_add (store, &span))
        {
          rc = SQLITE_NOMEM;
          break;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      mls_error_set (error, "%s: cannot read the spans (%s)", store->path,
                     rc == SQLITE_NOMEM ? "out of memory"
                                        : sqlite3_errmsg (store->db));
      return -1;
    }
  return 0;
}

static int
step_v2_to_v3 (MlsStore *store, MlsError *error)
{
  int rc = mls_exec (store, mls_migration_v2_to_v3_sql,
                     "cannot upgrade from schema version 2", error)
           || gather_spans (store, error)
           || mls_store_summary_start (store, error);

  if (rc == 0)
    {
      rc = mls_store_build_overlap (store, error);
      rc = mls_store_summary_finish (store, rc, error) || rc;
    }
  mls_store_groups_free (store);
  return rc;
}

static int
apply (MlsStore *store, int64_t version, MlsError *error)
{
  if (mls_exec (store, "BEGIN IMMEDIATE", "cannot upgrade", error))
    return -1;
  if ((version == 1 && step_v1_to_v2 (store, error))
      || (version <= 2 && step_v2_to_v3 (store, error)))
    {
      sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
      return -1;
    }
  return mls_exec (store, "COMMIT", "cannot upgrade", error);
}

int
mls_store_migrate (MlsStore *store, int64_t version, MlsError *error)
{
  MlsError why = { 0 };
  int rc;

  if (version < 1 || version >= MLS_SCHEMA_VERSION)
    {
      mls_error_set (error, "%s: schema version %lld, this mlscope reads "
                     "version %d; re-import the trace with this version",
                     store->path, (long long) version, MLS_SCHEMA_VERSION);
      return -1;
    }
  rc = sqlite3_open_v2 (store->path, &store->db, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    mls_error_set (&why, "%s", sqlite3_errmsg (store->db));
  else
    rc = mls_store_register_functions (store, &why) || apply (store, version,
                                                                &why);
  sqlite3_close (store->db);
  store->db = NULL;
  if (store->summary_path)
    unlink (store->summary_path);
  sqlite3_free (store->summary_path);
  store->summary_path = NULL;
  if (rc != 0)
    mls_error_set (error, "%s: schema version %lld needs upgrading to "
                   "version %d in place, which failed (%s); copy the file "
                   "somewhere writable and open the copy, or re-import the "
                   "trace", store->path, (long long) version,
                   MLS_SCHEMA_VERSION, why.message);
  return rc ? -1 : 0;
}
