// ig_left_but_in_team: practitioners still in a Team Around the Child after the date
// they left their agency.
// params: as_of (date)
// returns: practitioner_id, left_agency_on, membership_id, caf_id, child_id
MATCH (p:Practitioner)<-[:MEMBERSHIP_OF]-(m:TeamMembership)-[:MEMBER_OF_TEAM]->(caf:Caf)-[:ASSESSES]->(c:Child)
WHERE p.left_agency_on IS NOT NULL AND p.left_agency_on <= $as_of
  AND (m.ended_on IS NULL OR m.ended_on > p.left_agency_on)
RETURN p.id AS practitioner_id, p.left_agency_on AS left_agency_on,
       m.id AS membership_id, caf.id AS caf_id, c.id AS child_id
ORDER BY practitioner_id, membership_id
