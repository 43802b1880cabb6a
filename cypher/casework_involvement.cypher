// casework_involvement: one involvement by id, with its practitioner, child and agency.
// params: involvement_id
// returns: involvement_id, practitioner_id, child_id, agency_id, level, started_on, ended_on, end_reason
MATCH (p:Practitioner)<-[:INVOLVEMENT_OF]-(i:Involvement {id: $involvement_id})-[:INVOLVED_WITH]->(c:Child)
MATCH (i)-[:ON_BEHALF_OF]->(g:Agency)
RETURN i.id AS involvement_id, p.id AS practitioner_id, c.id AS child_id, g.id AS agency_id,
  i.level AS level, i.started_on AS started_on, i.ended_on AS ended_on,
  i.end_reason AS end_reason
