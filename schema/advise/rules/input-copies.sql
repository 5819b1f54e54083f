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
-- A span's children are reached by parent (span_parent): `+kind_id` keeps
-- SQLite from scanning span_kind_start instead.
WITH pred AS MATERIALIZED (
  SELECT s.id, s.pid, s.model_id, s.start_ns, s.end_ns
  FROM span s WHERE s.kind_id IN (4, 5) AND s.complete),
copy AS MATERIALIZED (
  SELECT c.id, c.parent_id, c.dur_ns, c.unit,
         json_extract (c.args, '$.feature') AS feature,
         json_extract (c.args, '$.bytes') AS bytes
  FROM pred p JOIN span c ON c.parent_id = p.id
  WHERE +c.kind_id = 13 AND c.unit IN ('npu', 'gpu')
    AND json_extract (c.args, '$.src_type')
        = json_extract (c.args, '$.dst_type')
    AND c.start_ns < (SELECT r.end_ns FROM span r
                      WHERE r.parent_id = p.id AND +r.kind_id IN (20, 21, 22)
                      ORDER BY r.start_ns LIMIT 1)
    AND NOT EXISTS (SELECT 1 FROM span i
                    WHERE i.parent_id = p.id AND +i.kind_id = 11
                      AND json_extract (i.args, '$.feature')
                          = json_extract (c.args, '$.feature'))),
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
           ORDER BY x.id LIMIT 5)) AS span_ids,
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
