// child_family: a child's family members, their relation to the child and household.
// One child, found by its id, and a MATCH chain from it: the form LadybugDB answers
// fastest for a single lookup (case_* reads a case list in one statement).
// params: child_id (string)
// returns: child_id, family_member_id, given_name, family_name, phone, relationship, parental_responsibility, carer, address_line, postcode
MATCH (c:Child {id: $child_id})<-[fr:FAMILY_OF]-(f:FamilyMember)
OPTIONAL MATCH (f)-[:LIVES_IN]->(h:Household)
RETURN c.id AS child_id, f.id AS family_member_id, f.given_name AS given_name,
       f.family_name AS family_name, f.phone AS phone, fr.relationship AS relationship,
       fr.parental_responsibility AS parental_responsibility, fr.carer AS carer,
       h.address_line AS address_line, h.postcode AS postcode
