// gate_family_household_shields: for each child named, the family members who live in
// the household of a shielded child, and whom that child's shield names: their address
// locates the shielded child.
// The children are found with `c.id IN $child_ids`, not UNWIND and a MATCH by id
// (LadybugDB answers it several times faster; a child named twice is answered once).
// params: child_ids (list of string)
// returns: child_id, family_member_id, other_id, shielded, shield_practitioner_id
MATCH (c:Child)<-[:FAMILY_OF]-(f:FamilyMember)-[:LIVES_IN]->(h:Household)<-[:LIVES_IN]-(o:Child)
WHERE c.id IN $child_ids AND o.shielded = true
OPTIONAL MATCH (o)-[:SHIELD_NAMES]->(p:Practitioner)
RETURN c.id AS child_id, f.id AS family_member_id, o.id AS other_id, o.shielded AS shielded,
       p.id AS shield_practitioner_id
ORDER BY child_id, family_member_id, other_id, shield_practitioner_id
