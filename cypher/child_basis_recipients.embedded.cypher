// child_basis_recipients: whom each statutory basis about a child permits sharing with:
// a practitioner or an agency, as the recipient's label and id.
// The label is label(t): LadybugDB's name for a node's table (Neo4j's form uses labels).
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: basis_id, to_label, to_id
MATCH (c:Child {id: $child_id})<-[:BASIS_ABOUT]-(b:StatutoryBasis)-[:PERMITS]->(t)
RETURN b.id AS basis_id, label(t) AS to_label, t.id AS to_id
