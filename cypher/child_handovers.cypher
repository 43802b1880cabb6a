// child_handovers: handovers (updated CAF or summary of work) about a child shared by
// a date, with who shared them and the involvement they close where recorded.
// One child, found by its id, and a MATCH chain from it: the form LadybugDB answers
// fastest for a single lookup (case_* reads a case list in one statement).
// params: child_id (string), as_of (date)
// returns: child_id, handover_id, kind, shared_on, from_practitioner_id, involvement_id
MATCH (c:Child {id: $child_id})<-[:HANDOVER_ABOUT]-(h:Handover)-[:HANDED_OVER_BY]->(p:Practitioner)
WHERE h.shared_on <= $as_of
OPTIONAL MATCH (h)-[:HANDS_OVER]->(i:Involvement)
RETURN c.id AS child_id, h.id AS handover_id, h.kind AS kind, h.shared_on AS shared_on,
       p.id AS from_practitioner_id, i.id AS involvement_id
