// case_cafs: the CAFs open on a date for each child.
// One row per child and match; OPTIONAL MATCH keeps LadybugDB extending from the child
// rather than joining whole tables, and leaves nulls where nothing matched.
// params: child_ids (list of string), as_of (date)
// returns: child_id, caf_id, caf_state, caf_level, caf_started_on
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
OPTIONAL MATCH (c)<-[:ASSESSES]-(caf:Caf)
WHERE caf.started_on <= $as_of AND (caf.closed_on IS NULL OR caf.closed_on > $as_of)
RETURN c.id AS child_id, caf.id AS caf_id, caf.state AS caf_state, caf.level AS caf_level,
       caf.started_on AS caf_started_on
