// gate_shielded_households: for each child named, the shielded children who live in the
// same household as the child (family_member_id '') or as one of the child's family
// members (that member's id), and whom each one's shield names (a row each; none: one
// row with null): a shared address locates the shielded child, so it is shielded too.
// One query for both, so that the lookup reads them in the same unit as the cases.
// The child's own household takes a second MATCH, since Neo4j never follows one
// relationship twice in a pattern (the child itself may be the shielded one).
// The children are found with `c.id IN $child_ids`, not UNWIND and a MATCH by id (one
// scan of the list that LadybugDB answers several times faster; both engines use the
// id index); a child named twice is answered once. Rows come in no particular order.
// params: child_ids (list of string)
// returns: child_id, family_member_id, other_id, shield_practitioner_id
MATCH (c:Child)-[:LIVES_IN]->(h:Household)
WHERE c.id IN $child_ids
MATCH (h)<-[:LIVES_IN]-(o:Child)
WHERE o.shielded = true
OPTIONAL MATCH (o)-[:SHIELD_NAMES]->(p:Practitioner)
RETURN c.id AS child_id, '' AS family_member_id, o.id AS other_id, p.id AS shield_practitioner_id
UNION ALL
MATCH (c:Child)<-[:FAMILY_OF]-(f:FamilyMember)-[:LIVES_IN]->(h:Household)<-[:LIVES_IN]-(o:Child)
WHERE c.id IN $child_ids AND o.shielded = true
OPTIONAL MATCH (o)-[:SHIELD_NAMES]->(p:Practitioner)
RETURN c.id AS child_id, f.id AS family_member_id, o.id AS other_id, p.id AS shield_practitioner_id
