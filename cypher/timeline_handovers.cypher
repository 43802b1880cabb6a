// timeline_handovers: handovers about a child shared on or before a date.
// params: child_id (string), as_of (date)
// returns: handover_id, involvement_id, from_practitioner_id, kind, shared_on
MATCH (c:Child {id: $child_id})<-[:HANDOVER_ABOUT]-(h:Handover)-[:HANDED_OVER_BY]->(p:Practitioner)
WHERE h.shared_on <= $as_of
OPTIONAL MATCH (h)-[:HANDS_OVER]->(i:Involvement)
RETURN h.id AS handover_id, i.id AS involvement_id, p.id AS from_practitioner_id,
       h.kind AS kind, h.shared_on AS shared_on
ORDER BY shared_on, handover_id
