// export_shielded: shielded children, the households they live in, their family
// members and the households those live in, so an export can leave out whatever would
// locate them.
// params: none
// returns: child_id, household_id, family_member_id, family_household_id
MATCH (c:Child)
WHERE c.shielded = true
OPTIONAL MATCH (c)-[:LIVES_IN]->(h:Household)
OPTIONAL MATCH (f:FamilyMember)-[:FAMILY_OF]->(c)
OPTIONAL MATCH (f)-[:LIVES_IN]->(fh:Household)
RETURN c.id AS child_id, h.id AS household_id, f.id AS family_member_id,
       fh.id AS family_household_id
ORDER BY child_id, household_id, family_member_id, family_household_id
