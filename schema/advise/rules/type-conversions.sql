-- rule: type-conversions
-- title: Every prediction converts the caller's data to the model's type
-- what: Each of the {predictions} predictions of {model} in {process} (pid
--   {pid}) converted its input from the caller's type: {inputs}{outputs}.
--   The conversions took {conversion_ns:ns}, {conversion_share:%} of the
--   predictions' time.
-- why: The caller's data is not of the type the model takes, so every
--   prediction converts it, and an 8-bit model fed 16-bit data loses
--   precision on the way; on the NPU the data is converted once more, to
--   Float16, as it is copied in (docs/npu.md).
-- fix: Use a model of the caller's type: {suggestion} takes the data as it
--   is (mlrt_model_description() lists a model's input and output types).
--   Keep the inputs in MlrtBuffers (mlrt_buffer_new, MlrtValue.buffer) and
--   back the outputs with MlrtBuffers (MlrtPredictOptions.output_backings):
--   the NPU then reads and writes them in place, with no copy.
--
-- An input conversion is the caller's choice when it converts to the
-- model's declared type (an image or integer type: the runtime converts
-- to the model's type first when the caller's differs), or widens 16-bit
-- floats the caller holds into a Float32 network. Image bytes into the
-- network's floats (BGRA8 to Float32 for a BGRA8 model) are the model's
-- own input format, not a mismatch. Spans of a kind are read run by run
-- (span_run: a thread's spans of one kind and model have consecutive
-- ids), a conversion's prediction by its id.
WITH pred AS MATERIALIZED (
  SELECT s.id, s.pid, s.model_id, s.start_ns, s.end_ns, s.dur_ns
  FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id IN (4, 5) AND s.complete),
conv AS MATERIALIZED (
  SELECT c.id, c.parent_id, c.kind_id, c.dur_ns, c.start_ns,
         (SELECT text FROM string WHERE id = c.arg_str2) AS src,
         (SELECT text FROM string WHERE id = c.arg_str3) AS dst,
         (SELECT text FROM string WHERE id = c.arg_str1) AS feature
  FROM span_run r CROSS JOIN span c ON c.id BETWEEN r.first_id AND r.last_id
  CROSS JOIN span p ON p.id = c.parent_id
  WHERE r.kind_id IN (11, 12) AND p.kind_id IN (4, 5) AND p.complete),
mismatch AS MATERIALIZED (
  SELECT * FROM conv
  WHERE kind_id = 11 AND (dst NOT IN ('float32', 'float16')
                          OR (src IN ('float16', 'gray16_half')
                              AND dst = 'float32'))),
per AS (
  SELECT p.pid, p.model_id, count (*) AS predictions,
         count (x.parent_id) AS mismatched,
         total (p.dur_ns) AS prediction_ns,
         min (p.start_ns) AS start_ns, max (p.end_ns) AS end_ns
  FROM pred p LEFT JOIN (SELECT DISTINCT parent_id FROM mismatch) x
    ON x.parent_id = p.id
  GROUP BY p.pid, p.model_id)
SELECT m.name AS model, per.pid, pr.name AS process,
       per.start_ns, per.end_ns,
       (SELECT json_group_array (id) FROM
          (SELECT x.id FROM mismatch x JOIN pred p ON p.id = x.parent_id
           WHERE p.pid = per.pid AND p.model_id = per.model_id
           ORDER BY x.start_ns, x.id LIMIT 5)) AS span_ids,
       CAST (c.conversion_ns AS INTEGER) AS cost_ns,
       per.predictions,
       (SELECT group_concat (t, ', ') FROM
          (SELECT DISTINCT x.src || ' to ' || x.dst || ' (' || x.feature || ')'
             AS t FROM mismatch x JOIN pred p ON p.id = x.parent_id
           WHERE p.pid = per.pid AND p.model_id = per.model_id ORDER BY t))
         AS inputs,
       ifnull ((SELECT ', and its output: ' || group_concat (t, ', ') FROM
          (SELECT DISTINCT x.src || ' to ' || x.dst || ' (' || x.feature || ')'
             AS t FROM conv x JOIN pred p ON p.id = x.parent_id
           WHERE x.kind_id = 12 AND p.pid = per.pid
             AND p.model_id = per.model_id ORDER BY t)), '') AS outputs,
       CAST (c.conversion_ns AS INTEGER) AS conversion_ns,
       c.conversion_ns / nullif (per.prediction_ns, 0) AS conversion_share,
       CASE WHEN (SELECT count (*) FROM mismatch x JOIN pred p
                  ON p.id = x.parent_id
                  WHERE p.pid = per.pid AND p.model_id = per.model_id
                    AND x.src NOT IN ('float16', 'gray16_half')) = 0
         THEN 'for the Float16 data the caller has, a Float16 model '
              || '(compute_precision float16, inputs and outputs of type '
              || 'float16 or gray16_half)'
         ELSE 'a model whose inputs are of the types the caller passes ('
              || (SELECT group_concat (src, ', ') FROM
                    (SELECT DISTINCT x.src FROM mismatch x
                     JOIN pred p ON p.id = x.parent_id
                     WHERE p.pid = per.pid AND p.model_id = per.model_id
                     ORDER BY x.src)) || ')'
       END AS suggestion
FROM per
JOIN (SELECT p.pid, p.model_id, total (x.dur_ns) AS conversion_ns
      FROM conv x JOIN pred p ON p.id = x.parent_id
      GROUP BY p.pid, p.model_id) c
  ON c.pid = per.pid AND c.model_id IS per.model_id
JOIN model m ON m.id = per.model_id
LEFT JOIN process pr ON pr.pid = per.pid
WHERE per.mismatched = per.predictions AND per.predictions >= 2
ORDER BY cost_ns DESC
