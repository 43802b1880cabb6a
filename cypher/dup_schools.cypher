// dup_schools: the school each child attends, for record linkage.
// params: none
// returns: child_id, school_id
MATCH (c:Child)-[:ATTENDS]->(s:Agency)
RETURN c.id AS child_id, s.id AS school_id
ORDER BY child_id, school_id
