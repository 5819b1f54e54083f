-- rule: input-copies
-- title: Inputs copied into a unit that could have shared them
-- what: Each of the {predictions} predictions of {model} in {process} (pid
--   {pid}) copied its input ({inputs}) into the {units}'s memory though the
--   data needed no conversion: {copies} copies of {bytes} bytes,
--   {copy_ns:ns} in all.
-- why: The input lay in ordinary memory, which a unit cannot use in
--   place. Data of the unit's type in an MlrtBuffer is shared with it: the
--   NPU uses Float16 tensors there as they are, the GPU Float32 ones
--   (docs/npu.md, docs/gpu.md).
-- fix: Keep the input in an MlrtBuffer (mlrt_buffer_new, mlrt_buffer_data)
--   and set MlrtValue.buffer when you pass it to mlrt_model_predict; write
--   the data into the buffer where it is produced (decode or capture into
--   it) rather than copying it there.
--
-- An input copy is a Copy to Compute Unit of the same type on both sides,
-- in the prediction's first compute request (where every tensor from
-- outside is an input of the model), of a tensor no Input Conversion made.
-- Spans of a kind are read run by run (span_run: a thread's spans of one
-- kind and model have consecutive ids), a child's prediction by its id;
-- strings (features, types) are compared by their ids in string.
WITH pred AS MATERIALIZED (
  SELECT s.id, s.pid, s.model_id, s.start_ns, s.end_ns
  FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id IN (4, 5) AND s.complete),
first_request AS MATERIALIZED (
  SELECT s.parent_id, min (s.start_ns), s.end_ns
  FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id IN (20, 21, 22) GROUP BY s.parent_id),
converted AS MATERIALIZED (
  SELECT DISTINCT s.parent_id, s.arg_str1 AS feature
  FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id = 11),
copy AS MATERIALIZED (
  SELECT c.id, c.parent_id, c.dur_ns, c.unit, c.start_ns,
         (SELECT text FROM string WHERE id = c.arg_str1) AS feature,
         c.arg_int1 AS bytes
  FROM span_run r CROSS JOIN span c ON c.id BETWEEN r.first_id AND r.last_id
  CROSS JOIN span p ON p.id = c.parent_id
  CROSS JOIN first_request f ON f.parent_id = c.parent_id
  WHERE r.kind_id = 13 AND c.unit IN ('npu', 'gpu')
    AND p.kind_id IN (4, 5) AND p.complete
    AND c.arg_str2 = c.arg_str3 AND c.start_ns < f.end_ns
    AND NOT EXISTS (SELECT 1 FROM converted i
                    WHERE i.parent_id = c.parent_id
                      AND i.feature = c.arg_str1)),
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
       per.predictions, c.inputs, c.units, c.copies, c.bytes,
       CAST (c.copy_ns AS INTEGER) AS copy_ns
FROM per
JOIN (SELECT p.pid, p.model_id, count (*) AS copies,
             total (x.dur_ns) AS copy_ns,
             CAST (total (x.bytes) / count (*) AS INTEGER) AS bytes,
             group_concat (DISTINCT x.feature) AS inputs,
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
WHERE per.copied = per.predictions AND per.predictions >= 2
ORDER BY cost_ns DESC
