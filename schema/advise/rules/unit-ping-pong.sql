-- rule: unit-ping-pong
-- title: Predictions go back and forth between compute units
-- what: {affected} of the {predictions} predictions of {model} in {process}
--   (pid {pid}) left a unit and came back to it: {sequence} (up to {switches}
--   switches a prediction). Their copies between host and units took
--   {copy_ns:ns}, {copy_share:%} of those predictions' time.
-- why: Each switch ends one compute request and starts another on another
--   unit: the tensors between them are copied out of one unit's memory and
--   into the other's (converted between Float32 and Float16 for the NPU),
--   and each request has its fixed cost. A unit visited twice means the
--   layers between could not run on it (npu-fallback), or the plan found
--   them faster elsewhere by less than it guessed the copies cost.
-- fix: Look at the plan for the layers between the visits (mlrt_model_plan(),
--   or mlrt-report MODEL --compute-units ...): make them run on the same
--   unit, or load the model for fewer units (MlrtConfiguration.compute_units,
--   e.g. MLRT_COMPUTE_CPU_ONLY) so that one unit runs the chain, and
--   compare the two recordings with mlscope diff.
--
-- Compute requests of a prediction in start order; a prediction ping-pongs
-- when a request runs on a unit an earlier request used, with a request on
-- another unit in between. Spans of a kind are read run by run (span_run:
-- a thread's spans of one kind and model have consecutive ids), a child's
-- prediction by its id.
WITH req AS MATERIALIZED (
  SELECT c.parent_id, c.unit, c.start_ns,
         lag (c.unit) OVER (PARTITION BY c.parent_id ORDER BY c.start_ns)
           AS prev_unit,
         min (c.start_ns) OVER (PARTITION BY c.parent_id, c.unit)
           AS unit_first
  FROM span_run r CROSS JOIN span c ON c.id BETWEEN r.first_id AND r.last_id
  CROSS JOIN span p ON p.id = c.parent_id
  WHERE r.kind_id IN (20, 21, 22) AND p.kind_id IN (4, 5)),
flags AS MATERIALIZED (
  SELECT parent_id,
         count (*) FILTER (WHERE unit != prev_unit) AS switches,
         max (unit != prev_unit AND start_ns > unit_first) AS back
  FROM req GROUP BY parent_id),
pred AS MATERIALIZED (
  SELECT p.id, p.pid, p.model_id, p.start_ns, p.end_ns, p.dur_ns,
         ifnull (f.switches, 0) AS switches, ifnull (f.back, 0) AS back
  FROM span_run r CROSS JOIN span p ON p.id BETWEEN r.first_id AND r.last_id
  LEFT JOIN flags f ON f.parent_id = p.id
  WHERE r.kind_id IN (4, 5) AND p.complete),
per AS (
  SELECT pid, model_id, count (*) AS predictions,
         count (*) FILTER (WHERE back) AS affected,
         max (switches) FILTER (WHERE back) AS switches,
         total (dur_ns) FILTER (WHERE back) AS affected_ns,
         min (start_ns) FILTER (WHERE back) AS start_ns,
         max (end_ns) FILTER (WHERE back) AS end_ns,
         min (id) FILTER (WHERE back) AS example
  FROM pred GROUP BY pid, model_id),
copies AS (
  SELECT p.pid, p.model_id, total (c.dur_ns) AS copy_ns
  FROM span_run r CROSS JOIN span c ON c.id BETWEEN r.first_id AND r.last_id
  CROSS JOIN pred p ON p.id = c.parent_id
  WHERE r.kind_id IN (13, 14) AND p.back
  GROUP BY p.pid, p.model_id)
SELECT m.name AS model, per.pid, pr.name AS process,
       per.start_ns, per.end_ns,
       (SELECT json_group_array (id) FROM
          (SELECT id FROM pred p
           WHERE p.back AND p.pid = per.pid AND p.model_id IS per.model_id
           ORDER BY p.start_ns, p.id LIMIT 5)) AS span_ids,
       CAST (ifnull (c.copy_ns, 0) AS INTEGER) AS cost_ns,
       per.affected, per.predictions, per.switches,
       (SELECT group_concat (upper (unit), ' > ') FROM
          (SELECT r.unit FROM req r WHERE r.parent_id = per.example
           ORDER BY r.start_ns)) AS sequence,
       CAST (ifnull (c.copy_ns, 0) AS INTEGER) AS copy_ns,
       ifnull (c.copy_ns, 0) / nullif (per.affected_ns, 0) AS copy_share
FROM per
LEFT JOIN copies c ON c.pid = per.pid AND c.model_id IS per.model_id
JOIN model m ON m.id = per.model_id
LEFT JOIN process pr ON pr.pid = per.pid
WHERE per.affected >= 2
ORDER BY cost_ns DESC
