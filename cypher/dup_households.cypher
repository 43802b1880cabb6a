// dup_households: the household each child lives in, for record linkage.
// params: none
// returns: child_id, household_id
MATCH (c:Child)-[:LIVES_IN]->(h:Household)
RETURN c.id AS child_id, h.id AS household_id
ORDER BY child_id, household_id
