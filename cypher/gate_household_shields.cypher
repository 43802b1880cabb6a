// gate_household_shields: for each child named, the shielded children who live in the
// same household (the child itself included: a second MATCH, since Neo4j never follows
// one relationship twice in a pattern), and whom each one's shield names: their shared
// address locates the shielded child, so it is shielded too.
// params: child_ids (list of string)
// returns: child_id, other_id, shielded, shield_practitioner_id
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})-[:LIVES_IN]->(h:Household)
MATCH (h)<-[:LIVES_IN]-(o:Child)
WHERE o.shielded = true
OPTIONAL MATCH (o)-[:SHIELD_NAMES]->(p:Practitioner)
RETURN c.id AS child_id, o.id AS other_id, o.shielded AS shielded, p.id AS shield_practitioner_id
ORDER BY child_id, other_id, shield_practitioner_id
