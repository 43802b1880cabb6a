// child_bases: statutory bases recorded for sharing about a child without consent (who
// recorded each, and whom it permits, come from child_basis_recorders and
// child_basis_recipients).
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: basis_id, ground, recorded_on, reason, scopes, valid_until
MATCH (c:Child {id: $child_id})<-[:BASIS_ABOUT]-(b:StatutoryBasis)
RETURN b.id AS basis_id, b.ground AS ground, b.recorded_on AS recorded_on,
       b.reason AS reason, b.scopes AS scopes, b.valid_until AS valid_until
