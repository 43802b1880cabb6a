// case_shield: the practitioners each shielded child's shield names.
// One row per child and match; OPTIONAL MATCH keeps LadybugDB extending from the child
// rather than joining whole tables, and leaves nulls where nothing matched.
// params: child_ids (list of string)
// returns: child_id, practitioner_id
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
OPTIONAL MATCH (c)-[:SHIELD_NAMES]->(p:Practitioner)
RETURN c.id AS child_id, p.id AS practitioner_id
