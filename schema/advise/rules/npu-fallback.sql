-- rule: npu-fallback
-- title: Layers fall back from the NPU to other units
-- what: In {process} (pid {pid}), {layers} layers of {model} never ran on
--   the NPU in this recording though its other layers did: {fallen}.
--   {?pure_ns}They run in {pure_requests} of their own on the
--   {pure_units}, which took {pure_ns:ns} in {predictions} predictions,
--   with the copies in and out of NPU memory around them.{/}{!pure_ns}They
--   run inside segments the plan gave the {units} with other layers
--   ({segments}).{/}
-- why: The model was loaded for the NPU and uses it, so these layers fall
--   back: most likely the NPU cannot run them (docs/npu.md lists its ops
--   and limits). A fallback between NPU layers cuts the model into more
--   compute requests, with the tensors between them copied out of NPU
--   memory and back in, converted between Float32 and Float16; and it
--   keeps the layers from ever running on the NPU.
-- fix: mlrt_model_plan() says for each layer whether the NPU supports it
--   (supported[MLRT_UNIT_NPU]) and why not (unsupported_reason); mlrt-report
--   MODEL --compute-units cpu-and-npu prints the same. Replace those layers
--   with ones the NPU runs (an upsample with mode nearest and a conv2d for
--   a conv_transpose2d, relu for gelu), or load the model for the other
--   units only (MlrtConfiguration.compute_units) when its NPU segments do
--   not pay for their copies; compare the recordings with mlscope diff.
--
-- A layer ran on the NPU if any NPU compute request of the model in the
-- process covered it: in a prediction, or while a load measured the units
-- (a measuring load tries every layer on every unit that supports it).
-- Layers are named from the compute requests that begin or end with them,
-- and their op from layer spans (mlscope record --layers). Spans of a
-- kind are read run by run (span_run: a thread's spans of one kind and
-- model have consecutive ids), a request's prediction by its id.
WITH req AS MATERIALIZED (
  SELECT c.id, c.pid, c.model_id, c.unit, c.parent_id, c.dur_ns,
         c.arg_int1 AS first, c.arg_int2 AS last,
         c.arg_str1 AS first_name, c.arg_str2 AS last_name
  FROM span_run r CROSS JOIN span c ON c.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id IN (20, 21, 22) AND c.complete),
npu AS MATERIALIZED (
  SELECT DISTINCT pid, model_id, first, last FROM req WHERE unit = 'npu'),
in_pred AS MATERIALIZED (
  SELECT r.*, p.start_ns, p.end_ns FROM req r JOIN span p ON p.id = r.parent_id
  WHERE p.kind_id IN (4, 5)),
used AS MATERIALIZED (
  SELECT DISTINCT pid, model_id FROM in_pred WHERE unit = 'npu'),
off AS MATERIALIZED (
  SELECT DISTINCT r.pid, r.model_id, r.unit, r.first, r.last, r.first_name,
         r.last_name
  FROM in_pred r JOIN used u ON u.pid = r.pid AND u.model_id IS r.model_id
  WHERE r.unit != 'npu'),
layer (pid, model_id, first, last, idx) AS (
  SELECT pid, model_id, first, last, first FROM off
  UNION ALL
  SELECT pid, model_id, first, last, idx + 1 FROM layer WHERE idx < last),
fell AS MATERIALIZED (
  SELECT DISTINCT l.pid, l.model_id, l.idx FROM layer l
  WHERE NOT EXISTS (SELECT 1 FROM npu n
                    WHERE n.pid = l.pid AND n.model_id IS l.model_id
                      AND n.first <= l.idx AND n.last >= l.idx)),
named AS (
  SELECT f.*,
         (SELECT text FROM string WHERE id = coalesce (
            (SELECT r.first_name FROM req r
             WHERE r.pid = f.pid AND r.model_id IS f.model_id
               AND r.first = f.idx LIMIT 1),
            (SELECT r.last_name FROM req r
             WHERE r.pid = f.pid AND r.model_id IS f.model_id
               AND r.last = f.idx LIMIT 1))) AS name,
         (SELECT text FROM string WHERE id = (
            SELECT y.arg_str2 FROM span_run r
            CROSS JOIN span y ON y.id BETWEEN r.first_id AND r.last_id
            WHERE r.kind_id = 40 AND r.pid = f.pid
              AND r.model_id = f.model_id AND +y.arg_int1 = f.idx
            LIMIT 1)) AS op
  FROM fell f),
seg AS MATERIALIZED (
  SELECT o.*,
         (SELECT count (*) FROM fell f
          WHERE f.pid = o.pid AND f.model_id IS o.model_id
            AND f.idx BETWEEN o.first AND o.last) = o.last - o.first + 1
           AS pure
  FROM off o
  WHERE EXISTS (SELECT 1 FROM fell f
                WHERE f.pid = o.pid AND f.model_id IS o.model_id
                  AND f.idx BETWEEN o.first AND o.last)),
runs AS MATERIALIZED (
  SELECT r.*, x.pure FROM in_pred r JOIN seg x
    ON x.pid = r.pid AND x.model_id IS r.model_id AND x.first = r.first
       AND x.last = r.last AND x.unit = r.unit),
per AS (
  SELECT pid, model_id, min (start_ns) AS start_ns, max (end_ns) AS end_ns,
         total (dur_ns) FILTER (WHERE pure) AS pure_ns,
         count (DISTINCT parent_id) AS predictions
  FROM runs GROUP BY pid, model_id)
SELECT m.name AS model, per.pid, pr.name AS process,
       per.start_ns, per.end_ns,
       (SELECT json_group_array (id) FROM
          (SELECT r.id FROM runs r
           WHERE r.pid = per.pid AND r.model_id IS per.model_id
           ORDER BY r.pure DESC, r.start_ns, r.id LIMIT 5)) AS span_ids,
       CAST (per.pure_ns AS INTEGER) AS cost_ns,
       (SELECT count (*) FROM fell f
        WHERE f.pid = per.pid AND f.model_id IS per.model_id) AS layers,
       (SELECT group_concat ('#' || idx || ifnull (' ' || name, '')
                             || ifnull (' (' || op || ')', ''), ', ')
        FROM (SELECT * FROM named n
              WHERE n.pid = per.pid AND n.model_id IS per.model_id
              ORDER BY idx)) AS fallen,
       (SELECT group_concat (t, ', ') FROM
          (SELECT CASE WHEN first = last THEN '#' || first
                       ELSE '#' || first || '-' || last END
                  || ' on ' || upper (unit) AS t
           FROM seg s WHERE s.pid = per.pid AND s.model_id IS per.model_id
           ORDER BY first)) AS segments,
       (SELECT count (*) FROM seg s
        WHERE s.pid = per.pid AND s.model_id IS per.model_id AND s.pure)
         AS pure_segments,
       (SELECT count (*) || CASE count (*) WHEN 1 THEN ' compute request'
                                ELSE ' compute requests' END FROM seg s
        WHERE s.pid = per.pid AND s.model_id IS per.model_id AND s.pure)
         AS pure_requests,
       (SELECT group_concat (u, ' and ') FROM
          (SELECT DISTINCT upper (unit) AS u FROM seg s
           WHERE s.pid = per.pid AND s.model_id IS per.model_id AND s.pure
           ORDER BY u)) AS pure_units,
       (SELECT group_concat (u, ' and ') FROM
          (SELECT DISTINCT upper (unit) AS u FROM seg s
           WHERE s.pid = per.pid AND s.model_id IS per.model_id
           ORDER BY u)) AS units,
       CAST (per.pure_ns AS INTEGER) AS pure_ns, per.predictions
FROM per
JOIN model m ON m.id = per.model_id
LEFT JOIN process pr ON pr.pid = per.pid
ORDER BY cost_ns DESC, m.name
