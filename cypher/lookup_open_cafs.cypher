// lookup_open_cafs: CAFs open on a date for a child (whether or not a team is recorded).
// params: child_id (string), as_of (date)
// returns: caf_id, caf_state, caf_level, caf_started_on
MATCH (c:Child {id: $child_id})<-[:ASSESSES]-(caf:Caf)
WHERE caf.started_on <= $as_of AND (caf.closed_on IS NULL OR caf.closed_on > $as_of)
RETURN caf.id AS caf_id, caf.state AS caf_state, caf.level AS caf_level,
       caf.started_on AS caf_started_on
ORDER BY caf_id
