// ig_involvement_links: the children each of some practitioners has been involved with,
// and when each involvement started (a row with no child for one with none).
// params: requester_ids (list of string)
// returns: requester_id, child_id, started_on
UNWIND $requester_ids AS wanted
MATCH (p:Practitioner {id: wanted})
OPTIONAL MATCH (p)<-[:INVOLVEMENT_OF]-(i:Involvement)-[:INVOLVED_WITH]->(c:Child)
RETURN p.id AS requester_id, c.id AS child_id, i.started_on AS started_on
