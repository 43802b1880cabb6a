// child_shield: the practitioners a shielded child's shield names.
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: practitioner_id
MATCH (c:Child {id: $child_id})-[:SHIELD_NAMES]->(p:Practitioner)
RETURN p.id AS practitioner_id
