// caf_children: child records, whether each is shielded, and the practitioners its
// shield names (one row per named practitioner; one row with none when it names none).
// params: child_ids (list of string)
// returns: child_id, family_name, shielded, shield_practitioner_id
MATCH (c:Child)
WHERE c.id IN $child_ids
OPTIONAL MATCH (c)-[:SHIELD_NAMES]->(p:Practitioner)
RETURN c.id AS child_id, c.family_name AS family_name, c.shielded AS shielded,
       p.id AS shield_practitioner_id
ORDER BY child_id, shield_practitioner_id
