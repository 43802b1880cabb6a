// dup_candidates_family: records sharing a family member (parent, carer, wider family)
// with a child.
// params: child_id (string)
// returns: id
MATCH (c:Child {id: $child_id})<-[:FAMILY_OF]-(:FamilyMember)-[:FAMILY_OF]->(o:Child)
WHERE o.id <> c.id
RETURN DISTINCT o.id AS id
ORDER BY id
