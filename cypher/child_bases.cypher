// child_bases: statutory bases recorded for sharing about a child without consent.
// One child, found by its id, and a MATCH chain from it: the form LadybugDB answers
// fastest for a single lookup (case_* reads a case list in one statement).
// params: child_id (string)
// returns: child_id, basis_id, ground, recorded_on, reason, scopes, valid_until, recorded_by_id, to_practitioner_id, to_agency_id
MATCH (c:Child {id: $child_id})<-[:BASIS_ABOUT]-(b:StatutoryBasis)
OPTIONAL MATCH (b)-[:RECORDED_BY]->(rb:Practitioner)
OPTIONAL MATCH (b)-[:PERMITS]->(tp:Practitioner)
OPTIONAL MATCH (b)-[:PERMITS]->(ta:Agency)
RETURN c.id AS child_id, b.id AS basis_id, b.ground AS ground,
       b.recorded_on AS recorded_on, b.reason AS reason, b.scopes AS scopes,
       b.valid_until AS valid_until, rb.id AS recorded_by_id, tp.id AS to_practitioner_id,
       ta.id AS to_agency_id
