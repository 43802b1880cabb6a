// child_basis_recorders: the practitioner who recorded each statutory basis about a child.
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: basis_id, recorded_by_id
MATCH (c:Child {id: $child_id})<-[:BASIS_ABOUT]-(b:StatutoryBasis)-[:RECORDED_BY]->(p:Practitioner)
RETURN b.id AS basis_id, p.id AS recorded_by_id
