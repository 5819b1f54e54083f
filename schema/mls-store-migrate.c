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

static int
apply (MlsStore *store, int64_t version, MlsError *error)
{
  if (mls_exec (store, "BEGIN IMMEDIATE", "cannot upgrade", error))
    return -1;
  if (version == 1 && step_v1_to_v2 (store, error))
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

  if (version != 1)
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
  if (rc != 0)
    mls_error_set (error, "%s: schema version %lld needs upgrading to "
                   "version %d in place, which failed (%s); copy the file "
                   "somewhere writable and open the copy, or re-import the "
                   "trace", store->path, (long long) version,
                   MLS_SCHEMA_VERSION, why.message);
  return rc ? -1 : 0;
}
