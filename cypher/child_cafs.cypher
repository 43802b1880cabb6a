// child_cafs: the CAFs open on a date for a child.
// One child, found by its id, and a MATCH chain from it: the form LadybugDB answers
// fastest for a single lookup (case_* reads a case list in one statement).
// params: child_id (string), as_of (date)
// returns: child_id, caf_id, caf_state, caf_level, caf_started_on
MATCH (c:Child {id: $child_id})<-[:ASSESSES]-(caf:Caf)
WHERE caf.started_on <= $as_of AND (caf.closed_on IS NULL OR caf.closed_on > $as_of)
RETURN c.id AS child_id, caf.id AS caf_id, caf.state AS caf_state, caf.level AS caf_level,
       caf.started_on AS caf_started_on
