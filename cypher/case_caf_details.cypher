// case_caf_details: each CAF named, found by its id, if it was open on a date: its
// state, level and start.
// params: caf_ids (list of string), as_of (date)
// returns: caf_id, caf_state, caf_level, caf_started_on
UNWIND $caf_ids AS wanted
MATCH (caf:Caf {id: wanted})
WHERE caf.started_on <= $as_of AND (caf.closed_on IS NULL OR caf.closed_on > $as_of)
RETURN caf.id AS caf_id, caf.state AS caf_state, caf.level AS caf_level,
       caf.started_on AS caf_started_on
