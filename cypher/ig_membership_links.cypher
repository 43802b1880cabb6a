// ig_membership_links: the children in whose Team Around the Child each of some
// practitioners has been, and when each membership started (a row with no child for one
// with none).
// params: requester_ids (list of string)
// returns: requester_id, child_id, started_on
UNWIND $requester_ids AS wanted
MATCH (p:Practitioner {id: wanted})
OPTIONAL MATCH (p)<-[:MEMBERSHIP_OF]-(m:TeamMembership)-[:MEMBER_OF_TEAM]->(:Caf)-[:ASSESSES]->(c:Child)
RETURN p.id AS requester_id, c.id AS child_id, m.started_on AS started_on
