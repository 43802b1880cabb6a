// dup_candidates_household: records living in a child's household.
// params: child_id (string)
// returns: id
MATCH (c:Child {id: $child_id})-[:LIVES_IN]->(:Household)<-[:LIVES_IN]-(o:Child)
WHERE o.id <> c.id
RETURN DISTINCT o.id AS id
ORDER BY id
