// child_involvements: every involvement with a child that started by a date (current
// and ended), with its practitioner and agency.
// One child, found by its id, and a MATCH chain from it: the form LadybugDB answers
// fastest for a single lookup (case_* reads a case list in one statement).
// params: child_id (string), as_of (date)
// returns: child_id, involvement_id, level, started_on, ended_on, practitioner_id, given_name, family_name, role, email, phone, agency_id, agency_name, sensitive, broker_contact
MATCH (c:Child {id: $child_id})<-[:INVOLVED_WITH]-(i:Involvement)-[:INVOLVEMENT_OF]->(p:Practitioner)
WHERE i.started_on <= $as_of
MATCH (i)-[:ON_BEHALF_OF]->(a:Agency)
RETURN c.id AS child_id, i.id AS involvement_id, i.level AS level,
       i.started_on AS started_on, i.ended_on AS ended_on, p.id AS practitioner_id,
       p.given_name AS given_name, p.family_name AS family_name, p.role AS role,
       p.email AS email, p.phone AS phone, a.id AS agency_id, a.name AS agency_name,
       a.sensitive AS sensitive, a.broker_contact AS broker_contact
