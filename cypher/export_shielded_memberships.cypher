// export_shielded_memberships: places on the team of a shielded child's CAF held by a
// practitioner of an agency whose name would locate the child (of one of the kinds
// given: a school, a GP practice).
// params: kinds (list of string)
// returns: membership_id
MATCH (c:Child)<-[:ASSESSES]-(caf:Caf)<-[:MEMBER_OF_TEAM]-(m:TeamMembership)-[:MEMBERSHIP_OF]->(p:Practitioner)-[:WORKS_FOR]->(a:Agency)
WHERE c.shielded = true AND a.kind IN $kinds
RETURN m.id AS membership_id
ORDER BY membership_id
