// practice_handovers: every handover shared on or before a date: about which child, by
// whom, for which involvement, when, and to whom (the lead or the team of a CAF).
// params: as_of (date)
// returns: handover_id, child_id, from_practitioner_id, involvement_id, shared_on, to_practitioner_id, to_caf_id
MATCH (h:Handover)-[:HANDOVER_ABOUT]->(c:Child)
WHERE h.shared_on <= $as_of
MATCH (h)-[:HANDED_OVER_BY]->(p:Practitioner)
OPTIONAL MATCH (h)-[:HANDS_OVER]->(i:Involvement)
OPTIONAL MATCH (h)-[:HANDED_OVER_TO]->(hp:Practitioner)
OPTIONAL MATCH (h)-[:HANDED_OVER_TO]->(hc:Caf)
RETURN h.id AS handover_id, c.id AS child_id, p.id AS from_practitioner_id,
       i.id AS involvement_id, h.shared_on AS shared_on, hp.id AS to_practitioner_id,
       hc.id AS to_caf_id
ORDER BY handover_id
