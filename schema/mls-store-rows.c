/*
 * mls-store-rows.c: the span rows handed to SQLite straight from the
 * store's memory, through a virtual table that lives only on the writing
 * connection while finish writes (never in the file's schema: a database
 * opened with plain sqlite3 does not see it).
 *
 * SQLite's work on a row grows with its values: binding the rows, 32 to
 * an INSERT statement, cost about 5,600 instructions a span (callgrind),
 * 1,600 of them in sqlite3_bind_* (a locked, checked call per value, then
 * copies from parameter to result to record); this way, 4,700. Each
 * stretch of a run whose rows have the same shape (the same columns not
 * NULL) is one `INSERT INTO span (...) SELECT ... FROM mls_span_rows`
 * naming only those columns; the run's thread, kind and model are bound
 * once for the stretch, and the rest is read in place by one call a value.
 */
#include <stdlib.h>
#include <string.h>

#include "mls-store-private.h"

#define MODULE_NAME "mls_span_rows"

/* The virtual table's columns, in span's order (its id is left to SQLite:
 * the next rowid, in the order the runs give). */
enum {
  ROW_KIND, ROW_MODEL, ROW_PARENT, ROW_DEPTH, ROW_UNIT, ROW_PID, ROW_TID,
  ROW_START, ROW_END, ROW_DUR, ROW_COMPLETE, ROW_STATUS, ROW_REASON,
  ROW_ARGS                  /* span_id to other_args: MLS_N_ARG_COLUMNS */
};

#define COLUMNS "kind_id, model_id, parent_id, depth, unit, pid, tid, " \
  "start_ns, end_ns, dur_ns, complete, status, incomplete_reason, " \
  "span_id, arg_int1, arg_int2, arg_str1, arg_str2, arg_str3, other_args"

/* The rows the table gives: spans first to end - 1 of a run. */
typedef struct {
  MlsWrite *w;
  const MlsRun *run;
  size_t first, end;
} Source;

typedef struct {
  sqlite3_vtab base;
  Source *source;
} RowsTable;

typedef struct {
  sqlite3_vtab_cursor base;
  Source *source;
  size_t i;                 /* the span: source->run->spans[i] */
  unsigned mask;            /* its argument columns that have a value */
  int64_t arg[MLS_N_ARG_COLUMNS];
} RowsCursor;

static const char *const unit_names[] = { NULL, "cpu", "gpu", "npu" };

static int
rows_connect (sqlite3 *db, void *aux, int argc, const char *const *argv,
              sqlite3_vtab **vtab, char **err)
{
  RowsTable *t;
  int rc = sqlite3_declare_vtab (db, "CREATE TABLE x (" COLUMNS ")");

  if (rc != SQLITE_OK)
    return rc;
  t = sqlite3_malloc (sizeof *t);
  if (t == NULL)
    return SQLITE_NOMEM;
  memset (t, 0, sizeof *t);
  t->source = aux;
  *vtab = &t->base;
  return SQLITE_OK;
}

static int
rows_disconnect (sqlite3_vtab *vtab)
{
  sqlite3_free (vtab);
  return SQLITE_OK;
}

/* Read whole, in order: the only plan there is. */
static int
rows_best_index (sqlite3_vtab *vtab, sqlite3_index_info *info)
{
  const Source *source = ((RowsTable *) (void *) vtab)->source;

  info->estimatedRows = (sqlite3_int64) (source->end - source->first);
  info->estimatedCost = (double) info->estimatedRows;
  return SQLITE_OK;
}

static int
rows_open (sqlite3_vtab *vtab, sqlite3_vtab_cursor **cursor)
{
  RowsCursor *c = sqlite3_malloc (sizeof *c);

  if (c == NULL)
    return SQLITE_NOMEM;
  memset (c, 0, sizeof *c);
  c->source = ((RowsTable *) (void *) vtab)->source;
  *cursor = &c->base;
  return SQLITE_OK;
}

static int
rows_close (sqlite3_vtab_cursor *cursor)
{
  sqlite3_free (cursor);
  return SQLITE_OK;
}

static void
decode (RowsCursor *c)
{
  if (c->i < c->source->end)
    c->mask = mls_store_decode_args (c->source->w->store,
                                     c->source->run->spans[c->i].args,
                                     c->arg);
}

static int
rows_filter (sqlite3_vtab_cursor *cursor, int index, const char *index_str,
             int argc, sqlite3_value **argv)
{
  RowsCursor *c = (RowsCursor *) (void *) cursor;

  c->i = c->source->first;
  decode (c);
  return SQLITE_OK;
}

static int
rows_next (sqlite3_vtab_cursor *cursor)
{
  RowsCursor *c = (RowsCursor *) (void *) cursor;

  c->i++;
  decode (c);
  return SQLITE_OK;
}

static int
rows_eof (sqlite3_vtab_cursor *cursor)
{
  RowsCursor *c = (RowsCursor *) (void *) cursor;

  return c->i >= c->source->end;
}

static void
result_or_null (sqlite3_context *ctx, int64_t value)
{
  if (value)
    sqlite3_result_int64 (ctx, value);
  else
    sqlite3_result_null (ctx);
}

static void
arg_column (RowsCursor *c, sqlite3_context *ctx, int col)
{
  if (!(c->mask & (1u << col)))
    sqlite3_result_null (ctx);
  else if (col == MLS_ARG_COLUMN_OTHER)
    sqlite3_result_text (ctx, mls_strings_text (c->source->w->store->strings,
                                                (uint32_t) c->arg[col]),
                         -1, SQLITE_STATIC);
  else
    sqlite3_result_int64 (ctx, c->arg[col]);
}

static int
rows_column (sqlite3_vtab_cursor *cursor, sqlite3_context *ctx, int col)
{
  RowsCursor *c = (RowsCursor *) (void *) cursor;
  const MlsRun *run = c->source->run;
  const MlsSpanRec *s = &run->spans[c->i];
  const MlsPair *thread = &c->source->w->store->threads.keys[run->thread];

  switch (col)
    {
    case ROW_KIND: sqlite3_result_int (ctx, run->kind); break;
    case ROW_MODEL: result_or_null (ctx, run->model); break;
    case ROW_PARENT: result_or_null (ctx, s->parent); break;
    case ROW_DEPTH: sqlite3_result_int (ctx, s->depth); break;
    case ROW_UNIT:
      if (s->unit)
        sqlite3_result_text (ctx, unit_names[s->unit], 3, SQLITE_STATIC);
      else
        sqlite3_result_null (ctx);
      break;
    case ROW_PID: sqlite3_result_int64 (ctx, thread->a); break;
    case ROW_TID: sqlite3_result_int64 (ctx, thread->b); break;
    case ROW_START: sqlite3_result_int64 (ctx, s->start_ns); break;
    case ROW_END: sqlite3_result_int64 (ctx, s->start_ns + s->dur_ns); break;
    case ROW_DUR: sqlite3_result_int64 (ctx, s->dur_ns); break;
    case ROW_COMPLETE: sqlite3_result_int (ctx, s->cut == MLS_CUT_NONE); break;
    case ROW_STATUS: sqlite3_result_int (ctx, s->status); break;
    case ROW_REASON:
      if (s->cut == MLS_CUT_NONE)
        sqlite3_result_null (ctx);
      else
        sqlite3_result_text (ctx, mls_cut_reason_name (s->cut), -1,
                             SQLITE_STATIC);
      break;
    default:
      arg_column (c, ctx, col - ROW_ARGS);
      break;
    }
  return SQLITE_OK;
}

static int
rows_rowid (sqlite3_vtab_cursor *cursor, sqlite3_int64 *rowid)
{
  *rowid = (sqlite3_int64) ((RowsCursor *) (void *) cursor)->i;
  return SQLITE_OK;
}

/* Eponymous only (no xCreate): it exists while the module is registered,
 * and no CREATE VIRTUAL TABLE ever puts it in the schema. */
static const sqlite3_module rows_module = {
  .iVersion = 0,
  .xConnect = rows_connect,
  .xBestIndex = rows_best_index,
  .xDisconnect = rows_disconnect,
  .xDestroy = rows_disconnect,
  .xOpen = rows_open,
  .xClose = rows_close,
  .xFilter = rows_filter,
  .xNext = rows_next,
  .xEof = rows_eof,
  .xColumn = rows_column,
  .xRowid = rows_rowid,
};

/* A row's shape: its argument columns that have a value (bits 0-6),
 * whether it has a parent and a unit, and whether its end was seen with
 * status 0 (complete, status, incomplete_reason left to their defaults). */
#define SHAPE_PARENT (1u << MLS_N_ARG_COLUMNS)
#define SHAPE_UNIT (SHAPE_PARENT << 1)
#define SHAPE_PLAIN (SHAPE_UNIT << 1)
#define N_SHAPES (SHAPE_PLAIN << 1)

static const char *const arg_columns[MLS_N_ARG_COLUMNS] = {
  "span_id", "arg_int1", "arg_int2", "arg_str1", "arg_str2", "arg_str3",
  "other_args",
};

static unsigned
shape_of (MlsStore *store, const MlsSpanRec *s)
{
  return mls_store_args_mask (store, s->args)
         | (s->parent ? SHAPE_PARENT : 0) | (s->unit ? SHAPE_UNIT : 0)
         | (s->cut == MLS_CUT_NONE && s->status == 0 ? SHAPE_PLAIN : 0);
}

static void
add_column (sqlite3_str *names, sqlite3_str *values, const char *name)
{
  sqlite3_str_appendf (names, ", %s", name);
  sqlite3_str_appendf (values, ", %s", name);
}

/* The INSERT of a stretch of rows of one shape: the run's thread, kind
 * and model bound once (?1 to ?4), the rest read from the table. */
static sqlite3_stmt *
prepare_shape (sqlite3 *db, unsigned shape)
{
  static const char *const always[] = {
    "depth", "start_ns", "end_ns", "dur_ns",
  }, *const unplain[] = {
    "complete", "status", "incomplete_reason",
  };
  sqlite3_str *names = sqlite3_str_new (db);
  sqlite3_str *values = sqlite3_str_new (db);
  sqlite3_stmt *stmt = NULL;
  char *names_sql, *values_sql, *sql;

  sqlite3_str_appendall (names, "pid, tid, kind_id, model_id");
  sqlite3_str_appendall (values, "?1, ?2, ?3, ?4");
  for (int c = 0; c < 4; c++)
    add_column (names, values, always[c]);
  if (shape & SHAPE_PARENT)
    add_column (names, values, "parent_id");
  if (shape & SHAPE_UNIT)
    add_column (names, values, "unit");
  for (int c = 0; c < 3 && !(shape & SHAPE_PLAIN); c++)
    add_column (names, values, unplain[c]);
  for (int c = 0; c < MLS_N_ARG_COLUMNS; c++)
    if (shape & (1u << c))
      add_column (names, values, arg_columns[c]);
  names_sql = sqlite3_str_finish (names);
  values_sql = sqlite3_str_finish (values);
  sql = names_sql && values_sql
        ? sqlite3_mprintf ("INSERT INTO span (%s) SELECT %s FROM "
                           MODULE_NAME, names_sql, values_sql) : NULL;
  if (sql == NULL || sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL)
                     != SQLITE_OK)
    stmt = NULL;
  sqlite3_free (names_sql);
  sqlite3_free (values_sql);
  sqlite3_free (sql);
  return stmt;
}

/* Writes spans first to end - 1 of source's run, all of one shape. */
static int
write_stretch (Source *source, sqlite3_stmt **stmts, unsigned shape)
{
  MlsStore *store = source->w->store;
  const MlsPair *thread = &store->threads.keys[source->run->thread];
  sqlite3_stmt *stmt = stmts[shape];
  int rc;

  if (stmt == NULL
      && (stmt = stmts[shape] = prepare_shape (store->db, shape)) == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, thread->a);
  sqlite3_bind_int64 (stmt, 2, thread->b);
  sqlite3_bind_int (stmt, 3, source->run->kind);
  if (source->run->model)
    sqlite3_bind_int64 (stmt, 4, source->run->model);
  else
    sqlite3_bind_null (stmt, 4);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE ? 0 : -1;
}

int
mls_write_span_rows (MlsWrite *w)
{
  sqlite3 *db = w->store->db;
  Source source = { w, NULL, 0, 0 };
  sqlite3_stmt **stmts = calloc (N_SHAPES, sizeof *stmts);
  int rc = stmts ? sqlite3_create_module_v2 (db, MODULE_NAME, &rows_module,
                                             &source, NULL)
                 : SQLITE_NOMEM;

  if (rc != SQLITE_OK)
    rc = -1;
  for (size_t r = 0; rc == 0 && r < w->n_runs; r++)
    {
      const MlsRun *run = &w->runs[r];

      source.run = run;
      for (size_t i = 0; rc == 0 && i < run->n; )
        {
          unsigned shape = shape_of (w->store, &run->spans[i]);
          size_t end = i + 1;

          while (end < run->n
                 && shape_of (w->store, &run->spans[end]) == shape)
            end++;
          source.first = i;
          source.end = end;
          rc = write_stretch (&source, stmts, shape);
          i = end;
        }
    }
  for (unsigned s = 0; stmts && s < N_SHAPES; s++)
    sqlite3_finalize (stmts[s]);
  free (stmts);
  /* `source` does not outlive this call: neither does the table. */
  sqlite3_create_module_v2 (db, MODULE_NAME, NULL, NULL, NULL);
  return rc;
}
