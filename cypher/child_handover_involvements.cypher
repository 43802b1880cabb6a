// child_handover_involvements: the involvement each handover about a child closes,
// where the handover records one.
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: handover_id, involvement_id
MATCH (c:Child {id: $child_id})<-[:HANDOVER_ABOUT]-(h:Handover)-[:HANDS_OVER]->(i:Involvement)
RETURN h.id AS handover_id, i.id AS involvement_id
