-- rule: loads-outweigh-predictions
-- title: Loading models took longer than predicting with them
-- what: {process} (pid {pid}) spent {load_ns:ns} loading models
--   ({loads_text} of {models}) and {prediction_ns:ns} predicting
--   ({predictions} predictions): loading took {ratio} times as long.
-- why: Loading produces no result: time spent loading is time the app's
--   users wait for nothing. When loads outweigh predictions, the app
--   spends more on preparing its models than on using them.
-- fix: Load each model once and keep it (model-reloaded says where a model
--   is loaded again). When single loads are what cost: the first load of
--   a model that may choose between units runs every layer on each of them
--   and keeps the figures in the cache with the compiled model, for later
--   loads on this machine (docs/placement.md; a load span's placement
--   argument says measured or cached): keep the cache directory
--   (MlrtConfiguration.cache_dir) between runs.
--   MlrtConfiguration.placement = MLRT_PLACEMENT_ESTIMATED plans on the
--   units' cost models instead, and fewer compute units
--   (MlrtConfiguration.compute_units) measure less.
--   Load in the background before the first input arrives, so the cost is
--   not on the path of a result.
--
-- Per process: complete Model Load spans against complete predictions
-- (single and batch), read run by run (span_run: a thread's spans of one
-- kind and model have consecutive ids).
WITH per AS (
  SELECT s.pid,
         total (s.dur_ns) FILTER (WHERE s.kind_id = 2) AS load_ns,
         count (*) FILTER (WHERE s.kind_id = 2) AS loads,
         total (s.dur_ns) FILTER (WHERE s.kind_id IN (4, 5)) AS prediction_ns,
         count (*) FILTER (WHERE s.kind_id IN (4, 5)) AS predictions,
         min (s.start_ns) AS start_ns, max (s.end_ns) AS end_ns
  FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id IN (2, 4, 5) AND s.complete
  GROUP BY s.pid)
SELECT NULL AS model, per.pid, p.name AS process,
       per.start_ns, per.end_ns,
       (SELECT json_group_array (id) FROM
          (SELECT s.id FROM span_run r
           CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
           WHERE r.kind_id = 2 AND r.pid = per.pid AND s.complete
           ORDER BY s.dur_ns DESC, s.start_ns LIMIT 5)) AS span_ids,
       CAST (per.load_ns - per.prediction_ns AS INTEGER) AS cost_ns,
       CAST (per.load_ns AS INTEGER) AS load_ns, per.loads,
       per.loads || CASE per.loads WHEN 1 THEN ' load' ELSE ' loads' END
         AS loads_text,
       CAST (per.prediction_ns AS INTEGER) AS prediction_ns, per.predictions,
       round (per.load_ns / nullif (per.prediction_ns, 0), 1) AS ratio,
       (SELECT group_concat (name, ', ') FROM
          (SELECT DISTINCT m.name FROM span_run r
           JOIN model m ON m.id = r.model_id
           WHERE r.kind_id = 2 AND r.pid = per.pid ORDER BY m.name))
         AS models
FROM per LEFT JOIN process p ON p.pid = per.pid
WHERE per.loads > 0 AND per.load_ns > per.prediction_ns
ORDER BY cost_ns DESC
