-- schema-v3.sql: schema.sql as it was at version 3, kept to build version 3
-- files for the migration tests (test-store-threads.c). Do not edit.
--
-- schema.sql: the one definition of an mlscope trace database (NAME.mlscope).
--
-- One SQLite file per recording. Times are integer nanoseconds on the trace
-- clock (CLOCK_MONOTONIC of the traced machine); meta.clock_offset_ns turns
-- them into wall-clock time. The layout follows Perfetto's trace processor:
-- spans with ts + dur, parent_id / depth, interned names, and a per-bucket
-- summary for zoomed-out views.
--
-- The store (mls-store.c) applies this file to a new database and sets
-- PRAGMA user_version to MLS_SCHEMA_VERSION; readers refuse other versions.
-- Names listed under "Names others rely on" in docs/architecture.md are
-- stable; docs/trace-database.md describes every table for people.

-- Key / value facts about the recording. Keys: schema_version, host,
-- kernel, command, start_ns, end_ns, duration_ns, clock_offset_ns,
-- lost_events, lost_packets, trace_path, mlscope_version, recorded_at.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value
) WITHOUT ROWID;

-- A traced process. `name` is its main thread's name (the thread whose tid
-- is the pid), at most 16 characters as the kernel keeps it. What
-- `mlscope record` saw of the process itself (command line, how it ended)
-- is NULL in traces imported without it.
CREATE TABLE process (
  id           INTEGER PRIMARY KEY,
  pid          INTEGER NOT NULL,
  name         TEXT,
  cmdline      TEXT,           -- its argv, shell-quoted
  end_state    TEXT CHECK (end_state IN
                 ('exited', 'killed', 'ended', 'running')),
                               -- when the recording ended ('ended': gone,
                               -- how is not known)
  exit_status  INTEGER,        -- exit code ('exited') or signal ('killed')
  UNIQUE (pid)
);

CREATE TABLE thread (
  id          INTEGER PRIMARY KEY,
  tid         INTEGER NOT NULL,
  process_id  INTEGER NOT NULL REFERENCES process (id),
  name        TEXT,
  UNIQUE (tid, process_id)
);

-- One row per model name: loading the same package twice is one model.
CREATE TABLE model (
  id    INTEGER PRIMARY KEY,
  name  TEXT NOT NULL UNIQUE
);

-- What a span is: the lane it is drawn in and the label people read.
CREATE TABLE span_kind (
  id          INTEGER PRIMARY KEY,
  lane        TEXT NOT NULL CHECK (lane IN
                ('activity', 'data', 'compute', 'gpu', 'npu', 'layer')),
  label       TEXT NOT NULL UNIQUE,
  sort_order  INTEGER NOT NULL
);

INSERT INTO span_kind (id, lane, label, sort_order) VALUES
  ( 1, 'activity', 'Model Compile',                 10),
  ( 2, 'activity', 'Model Load',                    11),
  ( 3, 'activity', 'Model Unload',                  12),
  ( 4, 'activity', 'Prediction',                    13),
  ( 5, 'activity', 'Batch Prediction',              14),
  (10, 'data',     'Input Validation',              20),
  (11, 'data',     'Input Conversion',              21),
  (12, 'data',     'Output Conversion',             22),
  (13, 'data',     'Copy to Compute Unit',          23),
  (14, 'data',     'Copy from Compute Unit',        24),
  (15, 'data',     'Output Backing Fill',           25),
  (20, 'compute',  'CPU Compute Request',           30),
  (21, 'compute',  'GPU Compute Request',           31),
  (22, 'compute',  'Neural Engine Compute Request', 32),
  (30, 'gpu',      'GPU Busy',                      40),
  (31, 'npu',      'Neural Engine Busy',            41),
  (40, 'layer',    'Layer',                         50);

-- A span: one costly operation, from its begin event to its end event.
-- Spans whose end was never seen have complete = 0, end at the last event
-- seen from their process, and say why in incomplete_reason:
--   process_died     the process was gone when the recording ended
--   recording_ended  the process still ran when the recording stopped
--                    (attach mode, --duration, Ctrl-C)
--   end_lost         LTTng discarded events after the span began: its end
--                    may be among them
--   unknown          the trace does not tell (imported without the facts
--                    `mlscope record` keeps about processes)
-- Statistics (span_kind_stats, `mlscope stats`) use complete spans only and
-- count incomplete ones apart.
CREATE TABLE span (
  id         INTEGER PRIMARY KEY,
  kind_id    INTEGER NOT NULL REFERENCES span_kind (id),
  model_id   INTEGER REFERENCES model (id),
  parent_id  INTEGER REFERENCES span (id),   -- the enclosing span, or NULL
  depth      INTEGER NOT NULL DEFAULT 0,     -- 0 for top-level spans
  unit       TEXT CHECK (unit IN ('cpu', 'gpu', 'npu')),
  pid        INTEGER NOT NULL,
  tid        INTEGER NOT NULL,
  start_ns   INTEGER NOT NULL,
  end_ns     INTEGER NOT NULL,
  dur_ns     INTEGER NOT NULL,
  complete   INTEGER NOT NULL DEFAULT 1,
  status     INTEGER NOT NULL DEFAULT 0,     -- the runtime's MlrtStatus
  args       TEXT,                           -- JSON object of event fields
  incomplete_reason TEXT CHECK (incomplete_reason IN
               ('process_died', 'recording_ended', 'end_lost', 'unknown'))
                                             -- NULL when complete
);

-- Time-range queries per lane / kind and per model. A span overlaps
-- [a, b) when start_ns < b and end_ns > a; with span_kind_stats.max_dur_ns
-- the first index bounds the scan to start_ns in [a - max_dur, b).
CREATE INDEX span_kind_start ON span (kind_id, start_ns);
CREATE INDEX span_model_kind_start ON span (model_id, kind_id, start_ns);
CREATE INDEX span_parent ON span (parent_id);
-- Zoomed-out views read the few spans longer than a summary bucket by
-- duration (dur_ns >= bucket_ns), without walking every span in range.
-- Only spans of at least the level-3 bucket (64 us) are indexed: most spans
-- are shorter, and views fine enough to draw them read by start time. A
-- query uses this index only if its WHERE repeats `dur_ns >= 64000`.
CREATE INDEX span_kind_dur ON span (kind_id, dur_ns) WHERE dur_ns >= 64000;
-- The few incomplete spans, for saying why they were cut off.
CREATE INDEX span_incomplete ON span (start_ns) WHERE complete = 0;
-- One thread's spans of a kind in a time range: the timeline's rows per
-- thread, bounded like span_kind_start.
CREATE INDEX span_thread_kind_start ON span (pid, tid, kind_id, start_ns);

-- Events LTTng reported as discarded, where they were lost.
CREATE TABLE lost_events (
  id        INTEGER PRIMARY KEY,
  start_ns  INTEGER NOT NULL,
  end_ns    INTEGER NOT NULL,
  count     INTEGER NOT NULL,              -- events, or packets if packets=1
  packets   INTEGER NOT NULL DEFAULT 0,
  stream    TEXT
);

-- Precomputed aggregates per span kind, model and process: the Model
-- Activity Aggregation table with no range selected. model_id NULL means
-- all models, pid NULL all processes. The duration figures are those of
-- the complete spans (`count` of them); `incomplete` counts the others,
-- and when there are no complete spans the figures are NULL. median is the
-- middle duration, or the mean of the two middle ones rounded down; stddev
-- the population standard deviation. max_dur_ns is the longest span of
-- any kind, complete or not: time-range scans reach back by it.
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

-- Zoomed-out views: for each level, time is cut into buckets of
-- bucket_ns = 1000 << (2 * level) ns (1 us, 4 us, 16 us, ...). A row counts
-- the spans of one kind and model that start in the bucket and are shorter
-- than the bucket, and how much of the bucket they cover. Longer spans are
-- few at that zoom and are read from `span` directly, so a view reads
-- O(pixels) rows whatever the trace's size.
CREATE TABLE span_summary (
  level     INTEGER NOT NULL,
  kind_id   INTEGER NOT NULL,
  model_id  INTEGER NOT NULL,                -- 0 when the span has no model
  bucket    INTEGER NOT NULL,                -- start_ns / bucket_ns
  count     INTEGER NOT NULL,
  busy_ns   INTEGER NOT NULL,
  PRIMARY KEY (level, kind_id, model_id, bucket)
) WITHOUT ROWID;

-- span_summary per thread, for the timeline's rows of one thread: the same
-- buckets, counting only the thread's spans (model_id 0 when the span has
-- no model).
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

-- How many rows the timeline needs so that no span hides another: for a
-- set of spans drawn together at one depth, how many there are and the
-- most that overlap at any instant. A set is a kind (or every kind of a
-- lane: kind_id NULL), of one model (0: spans without one) or of all
-- (model_id NULL), of one thread or of all (pid and tid NULL). Incomplete
-- spans count (they are drawn up to where they were cut off).
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

-- Spans with their kind, lane, model, process and thread names, for people
-- at the sqlite3 prompt. status is the runtime's (0: it succeeded).
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

-- span_kind_stats with names: model '(all models)' and process
-- '(all processes)' where the row sums over them.
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
