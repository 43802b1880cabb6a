// dup_gp_practices: the GP practice each child is registered with, for record linkage.
// params: none
// returns: child_id, gp_practice_id
MATCH (c:Child)-[:REGISTERED_WITH]->(g:Agency)
RETURN c.id AS child_id, g.id AS gp_practice_id
ORDER BY child_id, gp_practice_id
