// dup_family_ids: each child's family members (parents, carers, wider family), one
// row per child with a family member, for record linkage.
// params: none
// returns: child_id, family_member_ids
MATCH (f:FamilyMember)-[:FAMILY_OF]->(c:Child)
RETURN c.id AS child_id, collect(f.id) AS family_member_ids
