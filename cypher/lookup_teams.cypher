// lookup_teams: the current members of the Team Around the Child of each CAF open on a
// date for a child, with who leads.
// params: child_id (string), as_of (date)
// returns: practitioner_id, given_name, family_name, role, email, phone, agency_id, agency_name, sensitive, broker_contact, caf_id, caf_state, caf_level, caf_started_on, membership_id, team_role, agency_kind
MATCH (c:Child {id: $child_id})<-[:ASSESSES]-(caf:Caf)
WHERE caf.started_on <= $as_of AND (caf.closed_on IS NULL OR caf.closed_on > $as_of)
MATCH (caf)<-[:MEMBER_OF_TEAM]-(m:TeamMembership)-[:MEMBERSHIP_OF]->(p:Practitioner)
WHERE m.started_on <= $as_of AND (m.ended_on IS NULL OR m.ended_on > $as_of)
MATCH (p)-[:WORKS_FOR]->(a:Agency)
RETURN p.id AS practitioner_id, p.given_name AS given_name, p.family_name AS family_name,
       p.role AS role, p.email AS email, p.phone AS phone, a.id AS agency_id,
       a.name AS agency_name, a.sensitive AS sensitive, a.broker_contact AS broker_contact,
       caf.id AS caf_id, caf.state AS caf_state, caf.level AS caf_level,
       caf.started_on AS caf_started_on, m.id AS membership_id, m.role AS team_role,
       a.kind AS agency_kind
ORDER BY caf_id, membership_id
