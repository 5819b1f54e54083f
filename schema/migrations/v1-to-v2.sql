-- v1-to-v2.sql: a version 1 trace database made version 2 in place.
--
-- Version 2 tells why a span is incomplete, keeps what the recorder saw of
-- each process, and gives statistics of complete spans only, per process
-- too. Old spans cut off are 'unknown': version 1 did not record why.
-- span_kind_stats is recreated here and refilled by the store from the
-- spans (mls-store-migrate.c), with the same SQL as a ranged query.

ALTER TABLE process ADD COLUMN cmdline TEXT;
ALTER TABLE process ADD COLUMN end_state TEXT
  CHECK (end_state IN ('exited', 'killed', 'ended', 'running'));
ALTER TABLE process ADD COLUMN exit_status INTEGER;

ALTER TABLE span ADD COLUMN incomplete_reason TEXT CHECK (incomplete_reason
  IN ('process_died', 'recording_ended', 'end_lost', 'unknown'));
UPDATE span SET incomplete_reason = 'unknown' WHERE complete = 0;
CREATE INDEX span_incomplete ON span (start_ns) WHERE complete = 0;

DROP VIEW span_view;
CREATE VIEW span_view AS
  SELECT s.id, k.lane, k.label AS kind, m.name AS model, s.unit,
         s.pid, p.name AS process, s.tid, t.name AS thread,
         s.start_ns, s.end_ns, s.dur_ns, s.complete, s.incomplete_reason,
         s.status, s.parent_id, s.depth, s.args
  FROM span s
  JOIN span_kind k ON k.id = s.kind_id
  LEFT JOIN model m ON m.id = s.model_id
  LEFT JOIN process p ON p.pid = s.pid
  LEFT JOIN thread t ON t.tid = s.tid AND t.process_id = p.id;

DROP TABLE span_kind_stats;
CREATE TABLE span_kind_stats (
  kind_id     INTEGER NOT NULL REFERENCES span_kind (id),
  model_id    INTEGER REFERENCES model (id),
  pid         INTEGER,
  count       INTEGER NOT NULL,
  incomplete  INTEGER NOT NULL,
  total_ns    INTEGER NOT NULL,
  avg_ns      REAL,
  min_ns      INTEGER,
  median_ns   INTEGER,
  max_ns      INTEGER,
  stddev_ns   REAL,
  max_dur_ns  INTEGER NOT NULL
);
CREATE UNIQUE INDEX span_kind_stats_key
  ON span_kind_stats (kind_id, ifnull (model_id, 0), ifnull (pid, -1));

CREATE VIEW span_kind_stats_view AS
  SELECT k.lane, k.label AS kind,
         CASE WHEN st.model_id IS NULL THEN '(all models)' ELSE m.name END
           AS model,
         st.pid,
         CASE WHEN st.pid IS NULL THEN '(all processes)' ELSE p.name END
           AS process,
         st.count, st.incomplete, st.total_ns, st.avg_ns, st.min_ns,
         st.median_ns, st.max_ns, st.stddev_ns
  FROM span_kind_stats st
  JOIN span_kind k ON k.id = st.kind_id
  LEFT JOIN model m ON m.id = st.model_id
  LEFT JOIN process p ON p.pid = st.pid;

INSERT OR REPLACE INTO meta VALUES ('schema_version', 2);
PRAGMA user_version = 2;
