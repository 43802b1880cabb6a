// timeline_handovers: handovers about a child shared on or before a date, with what they
// say and to whom they went (a practitioner, the team of a CAF, or no one: kept on the
// child's record); the caller shows what they say only to those they were shared with.
// params: child_id (string), as_of (date)
// returns: handover_id, involvement_id, from_practitioner_id, kind, shared_on, to_practitioner_id, to_caf_id, work_done, outcomes, unmet_needs
MATCH (c:Child {id: $child_id})<-[:HANDOVER_ABOUT]-(h:Handover)-[:HANDED_OVER_BY]->(p:Practitioner)
WHERE h.shared_on <= $as_of
OPTIONAL MATCH (h)-[:HANDS_OVER]->(i:Involvement)
OPTIONAL MATCH (h)-[:HANDED_OVER_TO]->(hp:Practitioner)
OPTIONAL MATCH (h)-[:HANDED_OVER_TO]->(hc:Caf)
RETURN h.id AS handover_id, i.id AS involvement_id, p.id AS from_practitioner_id,
       h.kind AS kind, h.shared_on AS shared_on, hp.id AS to_practitioner_id,
       hc.id AS to_caf_id, h.work_done AS work_done, h.outcomes AS outcomes,
       h.unmet_needs AS unmet_needs
ORDER BY shared_on, handover_id
