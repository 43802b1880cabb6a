// dup_family: every family member's link to a child (parents, carers, wider family),
// for record linkage.
// params: none
// returns: child_id, family_member_id
MATCH (f:FamilyMember)-[:FAMILY_OF]->(c:Child)
RETURN c.id AS child_id, f.id AS family_member_id
ORDER BY child_id, family_member_id
