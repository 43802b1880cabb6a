// lookup_shield: the practitioners a shielded child's shield names.
// params: child_id (string)
// returns: practitioner_id
MATCH (c:Child {id: $child_id})-[:SHIELD_NAMES]->(p:Practitioner)
RETURN p.id AS practitioner_id
ORDER BY practitioner_id
