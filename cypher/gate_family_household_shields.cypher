// gate_family_household_shields: for each child named, the family members who live in
// the household of a shielded child, and whom that child's shield names: their address
// locates the shielded child.
// params: child_ids (list of string)
// returns: child_id, family_member_id, other_id, shielded, shield_practitioner_id
UNWIND $child_ids AS wanted
MATCH (c:Child {id: wanted})<-[:FAMILY_OF]-(f:FamilyMember)-[:LIVES_IN]->(h:Household)<-[:LIVES_IN]-(o:Child)
WHERE o.shielded = true
OPTIONAL MATCH (o)-[:SHIELD_NAMES]->(p:Practitioner)
RETURN c.id AS child_id, f.id AS family_member_id, o.id AS other_id, o.shielded AS shielded,
       p.id AS shield_practitioner_id
ORDER BY child_id, family_member_id, other_id, shield_practitioner_id
