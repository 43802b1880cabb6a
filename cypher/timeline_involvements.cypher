// timeline_involvements: every involvement with a child started on or before a date,
// with the practitioner and the agency.
// params: child_id (string), as_of (date)
// returns: involvement_id, practitioner_id, given_name, family_name, agency_id, agency_name, sensitive, level, started_on, ended_on
MATCH (c:Child {id: $child_id})<-[:INVOLVED_WITH]-(i:Involvement)
WHERE i.started_on <= $as_of
MATCH (i)-[:INVOLVEMENT_OF]->(p:Practitioner)
MATCH (i)-[:ON_BEHALF_OF]->(a:Agency)
RETURN i.id AS involvement_id, p.id AS practitioner_id, p.given_name AS given_name,
       p.family_name AS family_name, a.id AS agency_id, a.name AS agency_name,
       a.sensitive AS sensitive, i.level AS level, i.started_on AS started_on,
       i.ended_on AS ended_on
ORDER BY started_on, involvement_id
