// case_involvements: every involvement with each child that started by a date (current
// and ended), with its practitioner and agency.
// One row per child and match; OPTIONAL MATCH keeps LadybugDB extending from the child
// rather than joining whole tables, and leaves nulls where nothing matched.
// params: child_ids (list of string), as_of (date)
// returns: practitioner_id, given_name, family_name, role, email, phone, agency_id, agency_name, sensitive, broker_contact, child_id, involvement_id, level, started_on, ended_on
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
OPTIONAL MATCH (c)<-[:INVOLVED_WITH]-(i:Involvement)
WHERE i.started_on <= $as_of
OPTIONAL MATCH (i)-[:INVOLVEMENT_OF]->(p:Practitioner)
OPTIONAL MATCH (i)-[:ON_BEHALF_OF]->(a:Agency)
RETURN p.id AS practitioner_id, p.given_name AS given_name, p.family_name AS family_name,
       p.role AS role, p.email AS email, p.phone AS phone, a.id AS agency_id,
       a.name AS agency_name, a.sensitive AS sensitive, a.broker_contact AS broker_contact,
       c.id AS child_id, i.id AS involvement_id, i.level AS level,
       i.started_on AS started_on, i.ended_on AS ended_on
