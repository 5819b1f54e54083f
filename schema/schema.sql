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

-- A machine whose recording the file holds: one for `mlscope record`,
-- one per host for the import of a relay daemon's directory. `name` is
-- the host name its trace gives. Each host's trace clock is its own
-- CLOCK_MONOTONIC: the import aligns them on the realtime offsets the
-- traces carry (clock_offset_ns: add it to the host's own times for
-- wall-clock ns), adding clock_shift_ns (its offset less the first
-- host's) to every time of the host; docs/live-and-fleet.md says how far
-- that can be trusted.
CREATE TABLE host (
  id               INTEGER PRIMARY KEY,
  name             TEXT NOT NULL UNIQUE,
  clock_offset_ns  INTEGER,
  clock_shift_ns   INTEGER NOT NULL DEFAULT 0
);

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
  host_id      INTEGER REFERENCES host (id),
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
-- path: the file it was last loaded from (mlrt:model_source), absolute on
-- the host that loaded it; NULL when loaded from memory or recorded
-- before mlrt traced it.
CREATE TABLE model (
  id    INTEGER PRIMARY KEY,
  name  TEXT NOT NULL UNIQUE,
  path  TEXT
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
  (16, 'data',     'Model Decryption',              26),
  (20, 'compute',  'CPU Compute Request',           30),
  (21, 'compute',  'GPU Compute Request',           31),
  (22, 'compute',  'Neural Engine Compute Request', 32),
  (30, 'gpu',      'GPU Busy',                      40),
  (31, 'npu',      'Neural Engine Busy',            41),
  (40, 'layer',    'Layer',                         50);

-- Strings the spans' arguments hold (layer names, ops, features, ...),
-- each once: a span refers to them by id.
CREATE TABLE string (
  id    INTEGER PRIMARY KEY,
  text  TEXT NOT NULL UNIQUE
);

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
--
-- The event's arguments are typed columns: span_id (the runtime's id of
-- the span) and, by kind, the integers arg_int1..2 and strings arg_str1..3
-- that span_arg names; anything else is a JSON object in other_args.
-- span_view.args gives them all as one JSON object.
--
-- Ids number the spans by process, thread, kind, model, length class (see
-- span_run) and start time: the spans a view of one thread reads are runs
-- of consecutive ids, found through span_run and span_block, so the table
-- needs no index of its own.
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
  incomplete_reason TEXT CHECK (incomplete_reason IN
               ('process_died', 'recording_ended', 'end_lost', 'unknown')),
                                             -- NULL when complete
  span_id    INTEGER,
  arg_int1   INTEGER,
  arg_int2   INTEGER,
  arg_str1   INTEGER REFERENCES string (id),
  arg_str2   INTEGER REFERENCES string (id),
  arg_str3   INTEGER REFERENCES string (id),
  other_args TEXT                            -- JSON object, or NULL
);

-- Which argument each column holds, per kind, in the order span_view.args
-- lists them. end_tid (a span ended by another thread than the one that
-- began it) is in other_args.
CREATE TABLE span_arg (
  kind_id   INTEGER NOT NULL REFERENCES span_kind (id),
  position  INTEGER NOT NULL,
  name      TEXT NOT NULL,
  col       TEXT NOT NULL CHECK (col IN ('span_id', 'arg_int1', 'arg_int2',
                                         'arg_str1', 'arg_str2', 'arg_str3')),
  PRIMARY KEY (kind_id, position)
) WITHOUT ROWID;

INSERT INTO span_arg (kind_id, position, name, col)
  SELECT id, 0, 'span_id', 'span_id' FROM span_kind;
INSERT INTO span_arg (kind_id, position, name, col)
  SELECT id, 1, 'batch_size', 'arg_int1' FROM span_kind WHERE id IN (4, 5);
INSERT INTO span_arg (kind_id, position, name, col)
  SELECT id, 2, 'cache', 'arg_str1' FROM span_kind WHERE lane = 'activity';
INSERT INTO span_arg (kind_id, position, name, col)
  SELECT k.id, a.position, a.name, a.col FROM span_kind k, (
      SELECT 1 AS position, 'feature' AS name, 'arg_str1' AS col
      UNION ALL SELECT 2, 'src_type', 'arg_str2'
      UNION ALL SELECT 3, 'dst_type', 'arg_str3'
      UNION ALL SELECT 4, 'bytes', 'arg_int1') a
  WHERE k.lane = 'data';
INSERT INTO span_arg (kind_id, position, name, col)
  SELECT k.id, a.position, a.name, a.col FROM span_kind k, (
      SELECT 1 AS position, 'first_layer' AS name, 'arg_int1' AS col
      UNION ALL SELECT 2, 'last_layer', 'arg_int2'
      UNION ALL SELECT 3, 'first_layer_name', 'arg_str1'
      UNION ALL SELECT 4, 'last_layer_name', 'arg_str2') a
  WHERE k.lane = 'compute';
INSERT INTO span_arg (kind_id, position, name, col)
  SELECT id, 1, 'what', 'arg_str1' FROM span_kind WHERE lane IN ('gpu', 'npu');
INSERT INTO span_arg (kind_id, position, name, col) VALUES
  (40, 1, 'index', 'arg_int1'), (40, 2, 'name', 'arg_str1'),
  (40, 3, 'op', 'arg_str2');

-- A run: the spans of one thread, kind and model (0: none) in one length
-- class, ids first_id to last_id, by start time. Class c holds spans
-- shorter than 1000 << 2c ns and at least 1000 << 2(c - 1) (class 0: under
-- 1 us), the bucket lengths of span_summary's levels: a view at level L
-- reads spans of the classes above L one by one (those at least a bucket
-- long) and the others from span_summary. A span of a run overlaps
-- [a, b) only if it starts in [a - max_dur_ns, b).
CREATE TABLE span_run (
  id              INTEGER PRIMARY KEY,
  pid             INTEGER NOT NULL,
  tid             INTEGER NOT NULL,
  kind_id         INTEGER NOT NULL,
  model_id        INTEGER NOT NULL,
  dur_class       INTEGER NOT NULL,
  first_id        INTEGER NOT NULL,
  last_id         INTEGER NOT NULL,
  first_start_ns  INTEGER NOT NULL,
  last_start_ns   INTEGER NOT NULL,
  max_end_ns      INTEGER NOT NULL,
  max_dur_ns      INTEGER NOT NULL
);

-- Every 16th span of a run, with its start time: the spans of a run that
-- start in [a, b) have ids from the first_id of the last block starting
-- before a (or the run's first id) to the last_id of the last block
-- starting before b.
CREATE TABLE span_block (
  run_id    INTEGER NOT NULL,
  start_ns  INTEGER NOT NULL,
  first_id  INTEGER NOT NULL,
  last_id   INTEGER NOT NULL,
  PRIMARY KEY (run_id, start_ns, first_id)
) WITHOUT ROWID;

-- The few incomplete spans, for saying why they were cut off.
CREATE INDEX span_incomplete ON span (start_ns) WHERE complete = 0;

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
-- bucket_ns = 1000 << (2 * level) ns (1 us, 4 us, 16 us, ...). A bucket
-- counts the spans of a set that start in it and are shorter than it, and
-- how much of it they keep busy; longer spans are read from `span` (by
-- span_run), so a view reads O(pixels) whatever the trace's size.
--
-- A set is a kind (or every kind of a lane: kind_id NULL), of one model (0:
-- spans without one) or every model (NULL), of one thread or every thread
-- (pid and tid NULL). A set that would hold the same spans as a narrower one
-- is not stored (a lane with one kind in it is that kind; every model of a
-- thread that ran one is that model), and neither is a level at which a
-- set's buckets are not at most half as many as its members' (its
-- narrower sets', which a reader sums instead).
CREATE TABLE span_summary_set (
  id        INTEGER PRIMARY KEY,
  lane      TEXT NOT NULL,
  kind_id   INTEGER,
  model_id  INTEGER,
  pid       INTEGER,
  tid       INTEGER,
  levels    INTEGER NOT NULL               -- bit L: level L is stored
);

-- A set's buckets at one level, up to 64 to a row: those holding spans,
-- in order, from bucket `first` on (bucket = start_ns / bucket_ns). Each is
-- in `buckets` as: a varint (its index after the previous one's, less one;
-- for the first, after first - 1), a varint (how many spans), one byte
-- (busy time in 64ths of the bucket, rounded up, at most 255: spans
-- overlap or run past the bucket's end) and, for a set of every kind of a
-- lane, one byte (the kind busiest in the bucket). A varint is 7 bits a
-- byte, most significant first, the high bit set on every byte but the
-- last. The buckets from a to b are in the rows from the last one whose
-- first is at most a to the last one whose first is at most b.
CREATE TABLE span_summary (
  set_id   INTEGER NOT NULL,
  level    INTEGER NOT NULL,
  first    INTEGER NOT NULL,
  buckets  BLOB NOT NULL,
  PRIMARY KEY (set_id, level, first)
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
-- at the sqlite3 prompt. status is the runtime's (0: it succeeded). args
-- is the event's arguments as one JSON object (span_arg's, in its order,
-- then other_args'), NULL when it has none.
CREATE VIEW span_view AS
  SELECT s.id, k.lane, k.label AS kind, m.name AS model, s.unit,
         s.pid, p.name AS process, s.tid, t.name AS thread,
         s.start_ns, s.end_ns, s.dur_ns, s.complete, s.incomplete_reason,
         s.status, s.parent_id, s.depth,
         CASE WHEN s.other_args IS NULL OR json_valid (s.other_args) THEN
           nullif (json_patch (json_patch ('{}', (
             SELECT json_group_object (a.name, CASE a.col
                 WHEN 'span_id' THEN s.span_id
                 WHEN 'arg_int1' THEN s.arg_int1
                 WHEN 'arg_int2' THEN s.arg_int2
                 ELSE (SELECT text FROM string WHERE id = CASE a.col
                   WHEN 'arg_str1' THEN s.arg_str1
                   WHEN 'arg_str2' THEN s.arg_str2
                   ELSE s.arg_str3 END) END)
             FROM span_arg a WHERE a.kind_id = s.kind_id)),
             ifnull (s.other_args, '{}')), '{}')
         ELSE s.other_args END AS args
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
