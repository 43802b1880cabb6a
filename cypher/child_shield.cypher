// child_shield: the practitioners each shielded child's shield names.
// One child, found by its id, and a MATCH chain from it: the form LadybugDB answers
// fastest for a single lookup (case_* reads a case list in one statement).
// params: child_id (string)
// returns: child_id, practitioner_id
MATCH (c:Child {id: $child_id})-[:SHIELD_NAMES]->(p:Practitioner)
RETURN c.id AS child_id, p.id AS practitioner_id
