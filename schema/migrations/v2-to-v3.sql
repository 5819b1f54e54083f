-- v2-to-v3.sql: a version 2 trace database made version 3 in place.
--
-- Version 3 lets the timeline draw each thread's spans in rows of their own
-- and stack overlapping spans so none hides another: an index of spans by
-- thread, span_summary per thread, and how many spans overlap per set of
-- spans drawn together. The two tables are filled by the store from the
-- spans (mls-store-migrate.c), with the code that fills new files, which
-- writes span_summary again with them.

DELETE FROM span_summary;

CREATE INDEX span_thread_kind_start ON span (pid, tid, kind_id, start_ns);

CREATE TABLE thread_summary (
  level     INTEGER NOT NULL,
  kind_id   INTEGER NOT NULL,
  pid       INTEGER NOT NULL,
  tid       INTEGER NOT NULL,
  model_id  INTEGER NOT NULL,
  bucket    INTEGER NOT NULL,
  count     INTEGER NOT NULL,
  busy_ns   INTEGER NOT NULL,
  PRIMARY KEY (level, kind_id, pid, tid, model_id, bucket)
) WITHOUT ROWID;

CREATE TABLE span_overlap (
  lane         TEXT NOT NULL,
  kind_id      INTEGER,
  model_id     INTEGER,
  pid          INTEGER,
  tid          INTEGER,
  depth        INTEGER NOT NULL,
  count        INTEGER NOT NULL,
  max_overlap  INTEGER NOT NULL
);

INSERT OR REPLACE INTO meta VALUES ('schema_version', 3);
PRAGMA user_version = 3;
