// dup_family_of: the family members linked to some children.
// params: child_ids (list of string)
// returns: child_id, family_member_id
MATCH (f:FamilyMember)-[:FAMILY_OF]->(c:Child)
WHERE c.id IN $child_ids
RETURN c.id AS child_id, f.id AS family_member_id
ORDER BY child_id, family_member_id
