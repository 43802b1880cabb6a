// case_bases: statutory bases recorded for sharing about each child without consent,
// with who recorded each and whom it permits: the recipient's label (Practitioner or
// Agency) and id.
// The recipient's label is head(labels(t)): each tacgraph node has one (LadybugDB's form
// uses label).
// One row per child and match; OPTIONAL MATCH keeps LadybugDB extending from the child
// rather than joining whole tables, and leaves nulls where nothing matched.
// params: child_ids (list of string)
// returns: child_id, basis_id, ground, recorded_on, reason, scopes, valid_until, recorded_by_id, to_label, to_id
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})
OPTIONAL MATCH (c)<-[:BASIS_ABOUT]-(b:StatutoryBasis)
OPTIONAL MATCH (b)-[:RECORDED_BY]->(rb:Practitioner)
OPTIONAL MATCH (b)-[:PERMITS]->(t)
RETURN c.id AS child_id, b.id AS basis_id, b.ground AS ground,
       b.recorded_on AS recorded_on, b.reason AS reason, b.scopes AS scopes,
       b.valid_until AS valid_until, rb.id AS recorded_by_id, head(labels(t)) AS to_label,
       t.id AS to_id
