-- rule: incomplete-spans
-- title: Spans were cut off: the figures leave them out
-- what: {spans_text} of {process} (pid {pid}) never ended: {kinds}.
--   {reason_text}. They are counted apart (incomplete) and left out of
--   every duration figure.
-- why: {why_text}
-- fix: {fix_text}
--
-- One finding per process and reason, through the span_incomplete index.
WITH cut AS (
  SELECT s.id, s.pid, s.kind_id, s.start_ns, s.end_ns,
         ifnull (s.incomplete_reason, 'unknown') AS reason
  FROM span s WHERE s.complete = 0)
SELECT NULL AS model, c.pid, p.name AS process,
       min (c.start_ns) AS start_ns, max (c.end_ns) AS end_ns,
       (SELECT json_group_array (id) FROM
          (SELECT x.id FROM cut x WHERE x.pid = c.pid AND x.reason = c.reason
           ORDER BY x.start_ns, x.id LIMIT 5)) AS span_ids,
       NULL AS cost_ns,
       count (*) AS spans,
       count (*) || CASE count (*) WHEN 1 THEN ' span' ELSE ' spans' END
         AS spans_text,
       (SELECT group_concat (n || ' ' || label, ', ') FROM
          (SELECT count (*) AS n, k.label FROM cut x
           JOIN span_kind k ON k.id = x.kind_id
           WHERE x.pid = c.pid AND x.reason = c.reason
           GROUP BY k.label ORDER BY n DESC, k.label)) AS kinds,
       c.reason,
       CASE c.reason
         WHEN 'process_died' THEN 'The process ended while they ran ('
           || CASE p.end_state
                WHEN 'exited' THEN 'it exited with status ' || p.exit_status
                WHEN 'killed' THEN 'it was killed by signal ' || p.exit_status
                ELSE 'how is not known' END || ')'
         WHEN 'recording_ended' THEN 'The recording stopped while they ran '
           || '(--attach, --duration or Ctrl-C): the process went on'
         WHEN 'end_lost' THEN 'Their end events may be among the events '
           || 'LTTng discarded'
         ELSE 'The trace does not say why: it was imported without the '
           || 'facts mlscope record keeps about processes' END
         AS reason_text,
       CASE c.reason
         WHEN 'process_died' THEN 'An app that dies in the middle of '
           || 'predictions crashed or was killed: the figures describe only '
           || 'the work that finished before, and the operations cut off may '
           || 'be what went wrong.'
         WHEN 'recording_ended' THEN 'Harmless for the app, but the work in '
           || 'flight at the end is missing from the figures.'
         WHEN 'end_lost' THEN 'The spans may in fact have ended: their '
           || 'durations are unknown, and so are the figures they belong to.'
         ELSE 'Their durations are only lower bounds and are left out of '
           || 'the figures.' END AS why_text,
       CASE c.reason
         WHEN 'process_died' THEN 'Find out why the process ended there '
           || '(its exit status, a core dump); if it is meant to stop, let '
           || 'mlrt_model_predict return and call mlrt_model_unload before '
           || 'exiting.'
         WHEN 'recording_ended' THEN 'Record until the app has finished '
           || '(mlscope record -- CMD), or for longer (--duration), when the '
           || 'last operations matter.'
         WHEN 'end_lost' THEN 'Record again with larger buffers (mlscope '
           || 'record --subbuf-size 16777216) or without --layers.'
         ELSE 'Record with mlscope record, which keeps how each process '
           || 'ended beside the trace.' END AS fix_text
FROM cut c LEFT JOIN process p ON p.pid = c.pid
GROUP BY c.pid, c.reason
ORDER BY count (*) DESC, c.pid
