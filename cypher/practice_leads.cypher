// practice_leads: the practitioners who lead a CAF or plan on a date, with their
// agency, whether it is a statutory agency, whether they are qualified social workers
// and when they left their agency.
// params: as_of (date)
// returns: practitioner_id, agency_id, statutory, qualified_social_worker, left_agency_on
MATCH (m:TeamMembership)-[:MEMBERSHIP_OF]->(p:Practitioner)-[:WORKS_FOR]->(a:Agency)
WHERE m.role = 'lead' AND m.started_on <= $as_of
  AND (m.ended_on IS NULL OR m.ended_on >= $as_of)
RETURN DISTINCT p.id AS practitioner_id, a.id AS agency_id, a.statutory AS statutory,
       p.qualified_social_worker AS qualified_social_worker,
       p.left_agency_on AS left_agency_on
ORDER BY practitioner_id
