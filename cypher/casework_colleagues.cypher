// casework_colleagues: everyone involved with a child (any dates): whom a handover reaches.
// params: child_id
// returns: involvement_id, practitioner_id, started_on, ended_on
MATCH (c:Child {id: $child_id})<-[:INVOLVED_WITH]-(i:Involvement)-[:INVOLVEMENT_OF]->(p:Practitioner)
RETURN i.id AS involvement_id, p.id AS practitioner_id, i.started_on AS started_on,
  i.ended_on AS ended_on
ORDER BY involvement_id
