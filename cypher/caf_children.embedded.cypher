// caf_children: child records, whether each is shielded, and the practitioners its
// shield names (one row per named practitioner; one row with none when it names none).
// LadybugDB's own: each child found by its id's index, where `c.id IN $child_ids`
// compares every child with the list (18 ms for one child at 200,000 children, against
// 1.2 ms); a child named twice is answered once, as there.
// params: child_ids (list of string)
// returns: child_id, family_name, shielded, shield_practitioner_id
UNWIND $child_ids AS wanted
WITH DISTINCT wanted
MATCH (c:Child {id: wanted})
OPTIONAL MATCH (c)-[:SHIELD_NAMES]->(p:Practitioner)
RETURN c.id AS child_id, c.family_name AS family_name, c.shielded AS shielded,
       p.id AS shield_practitioner_id
ORDER BY child_id, shield_practitioner_id
