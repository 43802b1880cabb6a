// case_handovers: handovers (updated CAF or summary of work) about each child shared by
// a date, with who shared them and the involvement they close where recorded.
// One row per child and match; OPTIONAL MATCH keeps LadybugDB extending from the child
// rather than joining whole tables, and leaves nulls where nothing matched.
// params: child_ids (list of string), as_of (date)
// returns: child_id, handover_id, kind, shared_on, from_practitioner_id, involvement_id
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
OPTIONAL MATCH (c)<-[:HANDOVER_ABOUT]-(h:Handover)
WHERE h.shared_on <= $as_of
OPTIONAL MATCH (h)-[:HANDED_OVER_BY]->(p:Practitioner)
OPTIONAL MATCH (h)-[:HANDS_OVER]->(i:Involvement)
RETURN c.id AS child_id, h.id AS handover_id, h.kind AS kind, h.shared_on AS shared_on,
       p.id AS from_practitioner_id, i.id AS involvement_id
