// ig_requester_involved: whether a practitioner has ever worked with a child (an
// involvement or a TAC membership), up to a date.
// params: requester_id (string), child_id (string), as_of (date)
// returns: links
MATCH (p:Practitioner {id: $requester_id})
OPTIONAL MATCH (p)<-[:INVOLVEMENT_OF]-(i:Involvement)-[:INVOLVED_WITH]->(c:Child {id: $child_id})
WHERE i.started_on <= $as_of
OPTIONAL MATCH (p)<-[:MEMBERSHIP_OF]-(m:TeamMembership)-[:MEMBER_OF_TEAM]->(caf:Caf)-[:ASSESSES]->(c2:Child {id: $child_id})
WHERE m.started_on <= $as_of
RETURN count(i) + count(m) AS links
