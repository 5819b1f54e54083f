-- rule: lost-events
-- title: Events were lost: the recording misses work
-- what: LTTng discarded {events} events and {packets} packets in
--   {places}, from {start_ns:time} to {end_ns:time}: spans that began or
--   ended there are missing or cut off ({cut} spans lost their end).
-- why: Every count, total and median of this recording may be short, and
--   a finding below may be missing or understated: the tracer's buffers
--   filled faster than they were written out.
-- fix: Record again with larger buffers (mlscope record --subbuf-size
--   16777216) or fewer events (without --layers); `mlscope stats` prints
--   how many events were lost.
--
-- One finding for the whole recording, from the lost_events table.
SELECT NULL AS model, NULL AS pid, NULL AS process,
       min (l.start_ns) AS start_ns, max (l.end_ns) AS end_ns,
       (SELECT json_group_array (id) FROM
          (SELECT id FROM span WHERE complete = 0
             AND incomplete_reason = 'end_lost' ORDER BY start_ns LIMIT 5))
         AS span_ids,
       NULL AS cost_ns,
       ifnull (sum (l.count) FILTER (WHERE NOT l.packets), 0) AS events,
       ifnull (sum (l.count) FILTER (WHERE l.packets), 0) AS packets,
       count (*) || CASE count (*) WHEN 1 THEN ' place' ELSE ' places' END
         AS places,
       (SELECT count (*) FROM span WHERE complete = 0
          AND incomplete_reason = 'end_lost') AS cut
FROM lost_events l
HAVING count (*) > 0
