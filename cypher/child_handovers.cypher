// child_handovers: handovers (updated CAF or summary of work) about a child, any date,
// with who shared them.
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: handover_id, kind, shared_on, from_practitioner_id
MATCH (c:Child {id: $child_id})<-[:HANDOVER_ABOUT]-(h:Handover)-[:HANDED_OVER_BY]->(p:Practitioner)
RETURN h.id AS handover_id, h.kind AS kind, h.shared_on AS shared_on,
       p.id AS from_practitioner_id
