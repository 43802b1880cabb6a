// gate_household_shields: for each child named, the shielded children who live in the
// same household (the child itself included: a second MATCH, since Neo4j never follows
// one relationship twice in a pattern), and whom each one's shield names: their shared
// address locates the shielded child, so it is shielded too.
// The children are found with `c.id IN $child_ids`, not UNWIND and a MATCH by id: one
// scan of the list that LadybugDB answers several times faster (both engines use the
// id index); a child named twice is answered once.
// params: child_ids (list of string)
// returns: child_id, other_id, shielded, shield_practitioner_id
MATCH (c:Child)-[:LIVES_IN]->(h:Household)
WHERE c.id IN $child_ids
MATCH (h)<-[:LIVES_IN]-(o:Child)
WHERE o.shielded = true
OPTIONAL MATCH (o)-[:SHIELD_NAMES]->(p:Practitioner)
RETURN c.id AS child_id, o.id AS other_id, o.shielded AS shielded, p.id AS shield_practitioner_id
ORDER BY child_id, other_id, shield_practitioner_id
