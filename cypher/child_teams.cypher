// child_teams: every membership, past or present, of the Team Around the Child of each
// CAF about a child, with the member and their agency.
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: practitioner_id, given_name, family_name, role, email, phone, agency_id, agency_name, sensitive, broker_contact, caf_id, caf_started_on, caf_closed_on, membership_id, team_role, since, membership_ended_on
MATCH (c:Child {id: $child_id})<-[:ASSESSES]-(caf:Caf)<-[:MEMBER_OF_TEAM]-(m:TeamMembership)-[:MEMBERSHIP_OF]->(p:Practitioner)-[:WORKS_FOR]->(a:Agency)
RETURN p.id AS practitioner_id, p.given_name AS given_name, p.family_name AS family_name,
       p.role AS role, p.email AS email, p.phone AS phone, a.id AS agency_id,
       a.name AS agency_name, a.sensitive AS sensitive, a.broker_contact AS broker_contact,
       caf.id AS caf_id, caf.started_on AS caf_started_on, caf.closed_on AS caf_closed_on,
       m.id AS membership_id, m.role AS team_role, m.started_on AS since,
       m.ended_on AS membership_ended_on
