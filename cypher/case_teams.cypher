// case_teams: the members on a date of the Team Around the Child of each CAF named,
// found by its id, with their role in the team, practitioner and agency.
// From CAFs found by id rather than from the children: at 1,000,000 children, 2.8 ms for
// the teams of a case list of 100 against 8.0 ms from the children.
// One row per CAF and match; OPTIONAL MATCH keeps LadybugDB extending from the CAF
// rather than joining whole tables, and leaves nulls where nothing matched.
// params: caf_ids (list of string), as_of (date)
// returns: practitioner_id, given_name, family_name, role, email, phone, agency_id, agency_name, sensitive, broker_contact, caf_id, membership_id, team_role, since
UNWIND $caf_ids AS wanted
MATCH (caf:Caf {id: wanted})
OPTIONAL MATCH (caf)<-[:MEMBER_OF_TEAM]-(m:TeamMembership)
WHERE m.started_on <= $as_of AND (m.ended_on IS NULL OR m.ended_on > $as_of)
OPTIONAL MATCH (m)-[:MEMBERSHIP_OF]->(p:Practitioner)
OPTIONAL MATCH (p)-[:WORKS_FOR]->(a:Agency)
RETURN p.id AS practitioner_id, p.given_name AS given_name, p.family_name AS family_name,
       p.role AS role, p.email AS email, p.phone AS phone, a.id AS agency_id,
       a.name AS agency_name, a.sensitive AS sensitive, a.broker_contact AS broker_contact,
       caf.id AS caf_id, m.id AS membership_id, m.role AS team_role,
       m.started_on AS since
