// caf_team: every membership, past and present, of the Team Around the Child of some
// CAFs, with the practitioner and their agency.
// params: caf_ids (list of string)
// returns: email, phone, agency_id, agency_name, agency_kind, agency_sensitive, practitioner_id, given_name, family_name, broker_contact, caf_id, membership_id, team_role, started_on, ended_on, left_agency_on
MATCH (caf:Caf)<-[:MEMBER_OF_TEAM]-(m:TeamMembership)-[:MEMBERSHIP_OF]->(p:Practitioner)
WHERE caf.id IN $caf_ids
MATCH (p)-[:WORKS_FOR]->(a:Agency)
RETURN p.email AS email, p.phone AS phone, a.id AS agency_id, a.name AS agency_name,
       a.kind AS agency_kind, a.sensitive AS agency_sensitive, p.id AS practitioner_id,
       p.given_name AS given_name, p.family_name AS family_name,
       a.broker_contact AS broker_contact, caf.id AS caf_id, m.id AS membership_id,
       m.role AS team_role, m.started_on AS started_on, m.ended_on AS ended_on,
       p.left_agency_on AS left_agency_on
ORDER BY caf_id, membership_id
