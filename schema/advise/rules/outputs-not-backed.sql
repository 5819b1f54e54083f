-- rule: outputs-not-backed
-- title: Outputs copied into new memory on every prediction
-- what: Each of the {predictions} predictions of {model} in {process} (pid
--   {pid}), {rate} a second, copied its output ({outputs}) out of the
--   {units} into memory the runtime allocated: {copies} copies of {bytes}
--   bytes, {copy_ns:ns} in all.
-- why: Without an output backing, predict allocates every output anew and
--   copies the unit's result into it; a backing in an MlrtBuffer, which
--   every unit reads and writes in place, receives the result directly,
--   with no copy and no allocation (docs/npu.md, docs/gpu.md). The more
--   frequent the predictions, the more this costs.
-- fix: Allocate each output once as an MlrtBuffer of its type and shape
--   (mlrt_buffer_new; mlrt_model_description()->outputs gives both) and
--   pass it in MlrtPredictOptions.output_backings to every
--   mlrt_model_predict.
--
-- An output copy is a Copy from Compute Unit of the same type on both
-- sides (so an MlrtBuffer could have taken the result in place), in the
-- prediction's last compute request, of a tensor no Output Conversion
-- reads after. Frequent: at least 10 predictions, at least one a second.
-- Spans of a kind are read run by run (span_run: a thread's spans of one
-- kind and model have consecutive ids), a child's prediction by its id;
-- strings (features, types) are compared by their ids in string.
WITH pred AS MATERIALIZED (
  SELECT s.id, s.pid, s.model_id, s.start_ns, s.end_ns
  FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id = 4 AND s.complete),
last_request AS MATERIALIZED (
  SELECT s.parent_id, max (s.start_ns) AS start_ns
  FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id IN (20, 21, 22) GROUP BY s.parent_id),
converted AS MATERIALIZED (
  SELECT DISTINCT s.parent_id, s.arg_str1 AS feature
  FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id = 12),
copy AS MATERIALIZED (
  SELECT c.id, c.parent_id, c.dur_ns, c.unit, c.start_ns,
         (SELECT text FROM string WHERE id = c.arg_str1) AS feature,
         c.arg_int1 AS bytes
  FROM span_run r CROSS JOIN span c ON c.id BETWEEN r.first_id AND r.last_id
  CROSS JOIN span p ON p.id = c.parent_id
  CROSS JOIN last_request l ON l.parent_id = c.parent_id
  WHERE r.kind_id = 14 AND c.unit IN ('npu', 'gpu')
    AND p.kind_id = 4 AND p.complete
    AND c.arg_str2 = c.arg_str3 AND c.start_ns >= l.start_ns
    AND NOT EXISTS (SELECT 1 FROM converted o
                    WHERE o.parent_id = c.parent_id
                      AND o.feature = c.arg_str1)),
per AS (
  SELECT p.pid, p.model_id, count (*) AS predictions,
         count (x.parent_id) AS copied,
         min (p.start_ns) AS start_ns, max (p.end_ns) AS end_ns
  FROM pred p LEFT JOIN (SELECT DISTINCT parent_id FROM copy) x
    ON x.parent_id = p.id
  GROUP BY p.pid, p.model_id)
SELECT m.name AS model, per.pid, pr.name AS process,
       per.start_ns, per.end_ns,
       (SELECT json_group_array (id) FROM
          (SELECT x.id FROM copy x JOIN pred p ON p.id = x.parent_id
           WHERE p.pid = per.pid AND p.model_id = per.model_id
           ORDER BY x.start_ns, x.id LIMIT 5)) AS span_ids,
       CAST (c.copy_ns AS INTEGER) AS cost_ns,
       per.predictions,
       round ((per.predictions - 1) * 1e9
              / max (per.end_ns - per.start_ns, 1), 1) AS rate,
       c.outputs, c.units, c.copies, c.bytes,
       CAST (c.copy_ns AS INTEGER) AS copy_ns
FROM per
JOIN (SELECT p.pid, p.model_id, count (*) AS copies,
             total (x.dur_ns) AS copy_ns,
             CAST (total (x.bytes) / count (*) AS INTEGER) AS bytes,
             group_concat (DISTINCT x.feature) AS outputs,
             (SELECT group_concat (u, ' and ') FROM
                (SELECT DISTINCT upper (y.unit) AS u FROM copy y
                 JOIN pred q ON q.id = y.parent_id
                 WHERE q.pid = p.pid AND q.model_id IS p.model_id
                 ORDER BY u)) AS units
      FROM copy x JOIN pred p ON p.id = x.parent_id
      GROUP BY p.pid, p.model_id) c
  ON c.pid = per.pid AND c.model_id IS per.model_id
JOIN model m ON m.id = per.model_id
LEFT JOIN process pr ON pr.pid = per.pid
WHERE per.copied = per.predictions AND per.predictions >= 10
  AND (per.predictions - 1) * 1e9 >= per.end_ns - per.start_ns
ORDER BY cost_ns DESC
