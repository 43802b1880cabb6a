// child_family_homes: the household each of a child's family members lives in.
// One linear MATCH chain from the child, found by its id, with no WHERE and no OPTIONAL
// MATCH: the form LadybugDB answers by index lookups alone (the caller filters by date
// and joins the chains; case_* reads a case list, case_read is Neo4j's one statement).
// params: child_id (string)
// returns: family_member_id, address_line, postcode
MATCH (c:Child {id: $child_id})<-[:FAMILY_OF]-(f:FamilyMember)-[:LIVES_IN]->(h:Household)
RETURN f.id AS family_member_id, h.address_line AS address_line, h.postcode AS postcode
