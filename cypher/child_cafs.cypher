// child_cafs: every CAF about a child, open or closed.
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: caf_id, caf_state, caf_level, caf_started_on, caf_closed_on
MATCH (c:Child {id: $child_id})<-[:ASSESSES]-(caf:Caf)
RETURN caf.id AS caf_id, caf.state AS caf_state, caf.level AS caf_level,
       caf.started_on AS caf_started_on, caf.closed_on AS caf_closed_on
