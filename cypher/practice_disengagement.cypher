// practice_disengagement: involvements ended on or before a date, with any handover of
// each (to whom, when, what kind).
// params: as_of (date)
// returns: involvement_id, child_id, practitioner_id, agency_id, started_on, ended_on, handover_id, handover_kind, shared_on, to_practitioner_id, to_caf_id
MATCH (i:Involvement)-[:INVOLVED_WITH]->(c:Child)
WHERE i.ended_on IS NOT NULL AND i.ended_on <= $as_of
MATCH (i)-[:INVOLVEMENT_OF]->(p:Practitioner)
MATCH (i)-[:ON_BEHALF_OF]->(a:Agency)
OPTIONAL MATCH (h:Handover)-[:HANDS_OVER]->(i)
OPTIONAL MATCH (h)-[:HANDED_OVER_TO]->(hp:Practitioner)
OPTIONAL MATCH (h)-[:HANDED_OVER_TO]->(hc:Caf)
RETURN i.id AS involvement_id, c.id AS child_id, p.id AS practitioner_id,
       a.id AS agency_id, i.started_on AS started_on, i.ended_on AS ended_on,
       h.id AS handover_id, h.kind AS handover_kind, h.shared_on AS shared_on,
       hp.id AS to_practitioner_id, hc.id AS to_caf_id
ORDER BY involvement_id, handover_id
