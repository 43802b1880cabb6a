// export_shielded: shielded children, the households they live in, and their family
// members, so an export can leave out whatever would locate them.
// params: none
// returns: child_id, household_id, family_member_id
MATCH (c:Child)
WHERE c.shielded = true
OPTIONAL MATCH (c)-[:LIVES_IN]->(h:Household)
OPTIONAL MATCH (f:FamilyMember)-[:FAMILY_OF]->(c)
RETURN c.id AS child_id, h.id AS household_id, f.id AS family_member_id
ORDER BY child_id, household_id, family_member_id
