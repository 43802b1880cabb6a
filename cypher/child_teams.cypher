// child_teams: the current members of the Team Around the Child of each CAF open on a
// date for a child, with who leads.
// One child, found by its id, and a MATCH chain from it: the form LadybugDB answers
// fastest for a single lookup (case_* reads a case list in one statement).
// params: child_id (string), as_of (date)
// returns: child_id, caf_id, membership_id, team_role, since, practitioner_id, given_name, family_name, role, email, phone, agency_id, agency_name, sensitive, broker_contact
MATCH (c:Child {id: $child_id})<-[:ASSESSES]-(caf:Caf)<-[:MEMBER_OF_TEAM]-(m:TeamMembership)
WHERE caf.started_on <= $as_of AND (caf.closed_on IS NULL OR caf.closed_on > $as_of)
  AND m.started_on <= $as_of AND (m.ended_on IS NULL OR m.ended_on > $as_of)
MATCH (m)-[:MEMBERSHIP_OF]->(p:Practitioner)-[:WORKS_FOR]->(a:Agency)
RETURN c.id AS child_id, caf.id AS caf_id, m.id AS membership_id, m.role AS team_role,
       m.started_on AS since, p.id AS practitioner_id, p.given_name AS given_name,
       p.family_name AS family_name, p.role AS role, p.email AS email, p.phone AS phone,
       a.id AS agency_id, a.name AS agency_name, a.sensitive AS sensitive,
       a.broker_contact AS broker_contact
