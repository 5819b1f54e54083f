-- rule: model-reloaded
-- title: A model was loaded again between its predictions
-- what: In {process} (pid {pid}), {subject} loaded again after
--   predictions had run ({per_model}). The {extra} loads after each model's
--   first took {extra_ns:ns}, {extra_ratio} times the {prediction_ns:ns}
--   of the {predictions} predictions.
-- why: A load compiles the model or reads its compiled form, decodes the
--   weights for the units and, when it may choose between units, runs
--   every layer on each to place them (docs/placement.md): the costliest
--   step of a model's life, paid again at every reload. The first
--   prediction after a load is slower too (fresh buffers, cold caches).
-- fix: Load the model once (mlrt_model_load) when the app starts or first
--   needs it, keep the MlrtModel, and call mlrt_model_predict on it for
--   every input: a loaded model serves several threads at once. Call
--   mlrt_model_unload when the model is no longer needed. mlscope diff of
--   a recording before and after shows Model Load falling to one per model.
--
-- A reload is a load of a model in a process after a prediction of that
-- model that started after the previous load ended. One finding per
-- process, naming each model reloaded there. Spans of a kind are read run
-- by run (span_run: a thread's spans of one kind and model have
-- consecutive ids, by start time), the predictions between two loads
-- through span_block: a run's spans that start in [a, b) lie between the
-- first id of its last block starting before a and the last id of its
-- last block starting before b.
WITH loads AS (
  SELECT s.id, s.pid, s.model_id, s.start_ns, s.end_ns, s.dur_ns,
         lag (s.end_ns) OVER w AS prev_end,
         row_number () OVER w AS nth
  FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id = 2 AND r.model_id != 0 AND s.complete
  WINDOW w AS (PARTITION BY s.pid, s.model_id ORDER BY s.start_ns)),
pred_run AS MATERIALIZED (
  SELECT * FROM span_run WHERE kind_id IN (4, 5)),
reloads AS MATERIALIZED (
  SELECT l.* FROM loads l
  WHERE l.nth > 1 AND EXISTS (
    SELECT 1 FROM pred_run r CROSS JOIN span p ON p.id BETWEEN
      ifnull ((SELECT b.first_id FROM span_block b
               WHERE b.run_id = r.id AND b.start_ns < l.prev_end
               ORDER BY b.start_ns DESC, b.first_id DESC LIMIT 1),
              r.first_id)
      AND (SELECT b.last_id FROM span_block b
           WHERE b.run_id = r.id AND b.start_ns < l.start_ns
           ORDER BY b.start_ns DESC, b.first_id DESC LIMIT 1)
    WHERE r.pid = l.pid AND r.model_id = l.model_id
      AND p.start_ns >= l.prev_end AND p.start_ns < l.start_ns)),
per AS (
  SELECT r.pid, r.model_id, count (*) AS reloads,
         min (r.start_ns) AS start_ns, max (r.end_ns) AS end_ns
  FROM reloads r GROUP BY r.pid, r.model_id),
extra AS (
  SELECT per.*,
         (SELECT count (*) FROM loads x
          WHERE x.pid = per.pid AND x.model_id = per.model_id) AS loads,
         (SELECT total (x.dur_ns) FROM loads x
          WHERE x.pid = per.pid AND x.model_id = per.model_id
            AND x.nth > 1) AS extra_ns,
         (SELECT sum (r.last_id - r.first_id + 1) FROM span_run r
          WHERE r.pid = per.pid AND r.model_id = per.model_id
            AND r.kind_id IN (4, 5)) AS predictions,
         (SELECT total (p.dur_ns) FROM span_run r
          CROSS JOIN span p ON p.id BETWEEN r.first_id AND r.last_id
          WHERE r.pid = per.pid AND r.model_id = per.model_id
            AND r.kind_id IN (4, 5) AND p.complete) AS prediction_ns
  FROM per)
SELECT CASE count (*) WHEN 1 THEN max (m.name) END AS model,
       e.pid, pr.name AS process,
       min (e.start_ns) AS start_ns, max (e.end_ns) AS end_ns,
       (SELECT json_group_array (id) FROM
          (SELECT r.id FROM reloads r WHERE r.pid = e.pid
           ORDER BY r.start_ns LIMIT 5)) AS span_ids,
       CAST (sum (e.extra_ns) AS INTEGER) AS cost_ns,
       CASE count (*) WHEN 1 THEN max (m.name) || ' was'
         ELSE count (*) || ' models were' END AS subject,
       group_concat (m.name || ': ' || e.loads || ' loads for '
                     || e.predictions || ' predictions', '; ') AS per_model,
       sum (e.loads) AS loads, sum (e.reloads) AS reloads,
       sum (e.loads - 1) AS extra,
       CAST (sum (e.extra_ns) AS INTEGER) AS extra_ns,
       sum (e.predictions) AS predictions,
       CAST (sum (e.prediction_ns) AS INTEGER) AS prediction_ns,
       round (sum (e.extra_ns) / nullif (sum (e.prediction_ns), 0), 1)
         AS extra_ratio
FROM (SELECT * FROM extra ORDER BY extra_ns DESC) e
JOIN model m ON m.id = e.model_id
LEFT JOIN process pr ON pr.pid = e.pid
GROUP BY e.pid
ORDER BY cost_ns DESC
