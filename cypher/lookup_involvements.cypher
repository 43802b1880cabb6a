// lookup_involvements: who is working with a child on a date, with their agencies.
// params: child_id (string), as_of (date)
// returns: practitioner_id, given_name, family_name, role, email, phone, involvement_id, level, started_on, ended_on, agency_id, agency_name, sensitive, broker_contact, agency_kind, agency_level, statutory, agency_phone
MATCH (c:Child {id: $child_id})<-[:INVOLVED_WITH]-(i:Involvement)
WHERE i.started_on <= $as_of AND (i.ended_on IS NULL OR i.ended_on > $as_of)
MATCH (i)-[:INVOLVEMENT_OF]->(p:Practitioner)
MATCH (i)-[:ON_BEHALF_OF]->(a:Agency)
RETURN p.id AS practitioner_id, p.given_name AS given_name, p.family_name AS family_name,
       p.role AS role, p.email AS email, p.phone AS phone, i.id AS involvement_id,
       i.level AS level, i.started_on AS started_on, i.ended_on AS ended_on,
       a.id AS agency_id, a.name AS agency_name, a.sensitive AS sensitive,
       a.broker_contact AS broker_contact, a.kind AS agency_kind, a.level AS agency_level,
       a.statutory AS statutory, a.phone AS agency_phone
ORDER BY involvement_id
