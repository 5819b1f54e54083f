/*
 * mls-store-durations.h: the durations of one row of the aggregation table
 * (a span kind, optionally one model and some processes), one at a time,
 * shortest first: what a comparison of two recordings ranks against each
 * other (schema/compare/) without holding either list in memory.
 */
#ifndef MLS_STORE_DURATIONS_H
#define MLS_STORE_DURATIONS_H

#include "mls-store.h"

typedef struct {
  int kind_id;              /* MlsKind */
  int by_model;             /* only the spans of model_id (0: spans without
                               a model); else every model */
  int64_t model_id;
  const int64_t *pids;      /* only these processes (n_pids > 0) */
  size_t n_pids;
  MlsStatsPart part;        /* only the spans of this part of the kind */
} MlsDurationsQuery;

typedef struct MlsDurations MlsDurations;

/* The complete spans the query selects (incomplete ones have no duration
 * to rank), by duration. */
MlsDurations *mls_store_durations_open (MlsStore *store,
                                        const MlsDurationsQuery *query,
                                        MlsError *error);
/* 1 and *dur_ns set, 0 at the end, -1 on a database error. */
int mls_durations_next (MlsDurations *durations, int64_t *dur_ns,
                        MlsError *error);
void mls_durations_close (MlsDurations *durations);

/* The SQL mls_store_durations_open() runs for a query, for tests that check
 * its plan (sqlite3_free() it). */
char *mls_durations_sql (const MlsDurationsQuery *query);

#endif /* MLS_STORE_DURATIONS_H */
