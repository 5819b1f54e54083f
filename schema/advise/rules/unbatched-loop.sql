-- rule: unbatched-loop
-- title: Predictions one at a time in a tight loop
-- what: In {process} (pid {pid}), {subject} ran {in_loops} predictions one
--   at a time in {loops} back-to-back runs (the longest {longest}), each
--   starting {gap:ns} on average after the previous one ended on the same
--   thread. {overhead_ns:ns} of those predictions' time was outside their
--   compute requests (validation, conversions, copies, dispatch), paid
--   once per call.
-- why: Inputs that are ready together but predicted one call at a time pay
--   every call's fixed costs each time. A batch hands them to the runtime
--   at once, which is what lets a runtime share those costs (mlrt runs the
--   items of a batch in turn today, sharing the call: measure the gain
--   with mlscope diff).
-- fix: Collect the inputs and call mlrt_model_predict_batch (model, count,
--   inputs, NULL, outputs, &error) once: it gives one output set per item
--   (a batch takes no output backings). Keep single predictions where each
--   input arrives on its own, as camera frames do.
--
-- Top-level activity spans of each thread in start order; a prediction
-- continues a run when the span before it on the thread is a prediction
-- of the same model that ended less than a tenth of its own duration
-- earlier. Runs of 8 predictions or more count; one finding per process.
-- Spans of a kind are read run by run (span_run: a thread's spans of one
-- kind and model have consecutive ids).
WITH top AS (
  SELECT s.id, s.pid, s.tid, s.kind_id, s.model_id, s.start_ns, s.end_ns,
         s.dur_ns, s.complete,
         lag (s.kind_id) OVER w AS prev_kind,
         lag (s.model_id) OVER w AS prev_model,
         lag (s.end_ns) OVER w AS prev_end,
         lag (s.dur_ns) OVER w AS prev_dur
  FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id IN (1, 2, 3, 4, 5) AND +s.depth = 0
  WINDOW w AS (PARTITION BY s.pid, s.tid ORDER BY s.start_ns)),
compute AS MATERIALIZED (
  SELECT s.parent_id, total (s.dur_ns) AS compute_ns
  FROM span_run r CROSS JOIN span s ON s.id BETWEEN r.first_id AND r.last_id
  WHERE r.kind_id IN (20, 21, 22) GROUP BY s.parent_id),
marked AS (
  SELECT *,
         kind_id = 4 AND complete AND prev_kind = 4
         AND prev_model IS model_id AND start_ns >= prev_end
         AND (start_ns - prev_end) * 10 <= prev_dur AS linked
  FROM top),
numbered AS (
  SELECT *, sum (NOT linked) OVER (PARTITION BY pid, tid ORDER BY start_ns)
              AS run
  FROM marked),
loops AS MATERIALIZED (
  SELECT pid, tid, run, model_id, count (*) AS n
  FROM numbered WHERE kind_id = 4
  GROUP BY pid, tid, run HAVING count (*) >= 8),
member AS MATERIALIZED (
  SELECT x.*, ifnull (c.compute_ns, 0) AS compute_ns
  FROM numbered x JOIN loops l
    ON l.pid = x.pid AND l.tid = x.tid AND l.run = x.run
  LEFT JOIN compute c ON c.parent_id = x.id
  WHERE x.kind_id = 4)
SELECT CASE count (DISTINCT x.model_id) WHEN 1 THEN max (m.name) END
         AS model,
       x.pid, pr.name AS process,
       min (x.start_ns) AS start_ns, max (x.end_ns) AS end_ns,
       (SELECT json_group_array (id) FROM
          (SELECT y.id FROM member y WHERE y.pid = x.pid
           ORDER BY y.start_ns LIMIT 5)) AS span_ids,
       CAST (total (max (x.dur_ns - x.compute_ns, 0)) AS INTEGER) AS cost_ns,
       CASE count (DISTINCT x.model_id) WHEN 1 THEN max (m.name)
         ELSE count (DISTINCT x.model_id) || ' models ('
              || (SELECT group_concat (name, ', ') FROM
                    (SELECT DISTINCT m2.name FROM member y
                     JOIN model m2 ON m2.id = y.model_id
                     WHERE y.pid = x.pid ORDER BY m2.name)) || ')'
       END AS subject,
       count (*) AS in_loops,
       (SELECT count (*) FROM loops l WHERE l.pid = x.pid) AS loops,
       (SELECT max (n) FROM loops l WHERE l.pid = x.pid) AS longest,
       CAST (avg (x.start_ns - x.prev_end) FILTER (WHERE x.linked)
             AS INTEGER) AS gap,
       CAST (total (max (x.dur_ns - x.compute_ns, 0)) AS INTEGER)
         AS overhead_ns
FROM member x
JOIN model m ON m.id = x.model_id
LEFT JOIN process pr ON pr.pid = x.pid
GROUP BY x.pid
ORDER BY cost_ns DESC
